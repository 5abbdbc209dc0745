//===- InputFile.cpp - bounded reads of small text files ------------------===//
//
// See InputFile.h. The file is opened once and checked with fstat on the
// same descriptor (no race between the check and the read); O_NONBLOCK keeps
// open(2) of a FIFO without a writer from blocking before the check.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/InputFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace snnc {
namespace support {

bool readTextFile(const std::string &path, std::string *text,
                  std::string *error, uint64_t maxBytes) {
  auto fail = [&](const std::string &why) {
    if (error)
      *error = path + ": " + why;
    return false;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail("not a regular file");
  }
  if (uint64_t(st.st_size) > maxBytes) {
    ::close(fd);
    return fail("the file has " + std::to_string(st.st_size) +
                " bytes, more than the " + std::to_string(maxBytes) +
                " this input may have");
  }
  text->assign(size_t(st.st_size), '\0');
  size_t done = 0;
  while (done < text->size()) {
    ssize_t n = ::read(fd, &(*text)[done], text->size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += size_t(n);
  }
  ::close(fd);
  if (done != text->size())
    return fail("short read (the file changed while it was read)");
  return true;
}

} // namespace support
} // namespace snnc

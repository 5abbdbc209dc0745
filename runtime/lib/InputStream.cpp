//===- InputStream.cpp - bounded, streaming reads of (gzip) input files ---===//
//
// See InputStream.h. The raw bytes pass through one 64 KiB buffer; with gzip
// they are inflated straight into the caller's buffer, so memory does not
// depend on the file's (claimed or real) size.
//
//===----------------------------------------------------------------------===//
#include "InputStream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace snnc {
namespace rt {
namespace detail {
namespace {

constexpr size_t kChunk = size_t(1) << 16;

bool fail(std::string *error, const std::string &msg) {
  *error = msg;
  return false;
}

} // namespace

InputStream::~InputStream() {
  if (zInit_)
    inflateEnd(&z_);
  if (fd_ >= 0)
    ::close(fd_);
}

bool InputStream::openFile(const std::string &path, std::string *error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat rejects it).
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0)
    return fail(error, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode))
    return fail(error, "not a regular file");
  rawSize_ = static_cast<uint64_t>(st.st_size);
  return openMemory(nullptr, 0, error);
}

bool InputStream::openMemory(const void *data, size_t size,
                             std::string *error) {
  if (fd_ < 0) {
    mem_ = static_cast<const unsigned char *>(data);
    rawSize_ = size;
  }
  in_.resize(kChunk);
  if (!fill(error))
    return false;
  gz_ = inLen_ >= 2 && in_[0] == 0x1f && in_[1] == 0x8b;
  if (gz_) {
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)
      return fail(error, "cannot initialise zlib");
    zInit_ = true;
  }
  return true;
}

bool InputStream::rawRead(unsigned char *dst, size_t n, size_t *got,
                          std::string *error) {
  *got = 0;
  if (fd_ < 0) {
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, rawSize_ - memPos_));
    if (k)
      std::memcpy(dst, mem_ + memPos_, k);
    memPos_ += k;
    *got = k;
    return true;
  }
  while (*got < n) {
    ssize_t r = ::read(fd_, dst + *got, n - *got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return fail(error, fmt::format("read error: {}", std::strerror(errno)));
    if (r == 0)
      break;
    *got += static_cast<size_t>(r);
  }
  return true;
}

bool InputStream::fill(std::string *error) {
  if (inPos_ < inLen_ || rawEof_)
    return true;
  size_t got = 0;
  if (!rawRead(in_.data(), in_.size(), &got, error))
    return false;
  inPos_ = 0;
  inLen_ = got;
  rawConsumed_ += got;
  rawEof_ = got == 0;
  return true;
}

bool InputStream::read(void *dst, size_t n, size_t *got, std::string *error) {
  auto *out = static_cast<unsigned char *>(dst);
  *got = 0;
  if (gz_) {
    if (!inflateSome(out, n, got, error))
      return false;
  } else {
    while (*got < n) {
      if (!fill(error))
        return false;
      if (inPos_ == inLen_)
        break;
      size_t k = std::min(n - *got, inLen_ - inPos_);
      std::memcpy(out + *got, in_.data() + inPos_, k);
      inPos_ += k;
      *got += k;
    }
  }
  produced_ += *got;
  return true;
}

/// After a member's end: another member follows (true), the data ended
/// cleanly (false), or non-gzip bytes follow (error).
bool InputStream::nextMember(bool *more, std::string *error) {
  *more = false;
  if (!fill(error))
    return false;
  if (inPos_ == inLen_)
    return true;              // end of file after a complete member
  if (inLen_ - inPos_ == 1) { // the magic may straddle the buffer
    in_[0] = in_[inPos_];
    size_t got = 0;
    if (!rawRead(in_.data() + 1, in_.size() - 1, &got, error))
      return false;
    rawConsumed_ += got;
    inPos_ = 0;
    inLen_ = 1 + got;
  }
  if (inLen_ - inPos_ < 2 || in_[inPos_] != 0x1f || in_[inPos_ + 1] != 0x8b) {
    uint64_t left = rawSize_ - (rawConsumed_ - (inLen_ - inPos_));
    return fail(error, fmt::format("{} bytes of trailing garbage after the "
                                   "gzip stream",
                                   left));
  }
  if (inflateReset(&z_) != Z_OK)
    return fail(error, "cannot reset zlib");
  memberEnded_ = false;
  *more = true;
  return true;
}

bool InputStream::inflateSome(unsigned char *dst, size_t n, size_t *got,
                              std::string *error) {
  while (*got < n) {
    if (memberEnded_) {
      bool more = false;
      if (!nextMember(&more, error))
        return false;
      if (!more)
        break;
    }
    if (!fill(error))
      return false;
    z_.next_in = in_.data() + inPos_;
    z_.avail_in = static_cast<uInt>(inLen_ - inPos_);
    z_.next_out = dst + *got;
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n - *got, UINT_MAX));
    uInt before = z_.avail_out;
    int rc = inflate(&z_, Z_NO_FLUSH);
    inPos_ = inLen_ - z_.avail_in;
    *got += before - z_.avail_out;
    if (rc == Z_STREAM_END) {
      memberEnded_ = true;
    } else if (rc == Z_BUF_ERROR || (rc == Z_OK && rawEof_ && !z_.avail_in &&
                                     before == z_.avail_out)) {
      if (rawEof_)
        return fail(error, "truncated gzip stream (the file ends inside the "
                           "compressed data)");
    } else if (rc != Z_OK) {
      return fail(error, fmt::format("corrupt gzip data: {}",
                                     z_.msg ? z_.msg : zError(rc)));
    }
  }
  return true;
}

bool InputStream::countRest(uint64_t limit, uint64_t *count,
                            std::string *error) {
  *count = 0;
  std::vector<unsigned char> scratch(kChunk);
  while (*count < limit) {
    size_t got = 0;
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(kChunk, limit - *count));
    if (!read(scratch.data(), want, &got, error))
      return false;
    if (got == 0)
      break;
    *count += got;
  }
  return true;
}

} // namespace detail
} // namespace rt
} // namespace snnc

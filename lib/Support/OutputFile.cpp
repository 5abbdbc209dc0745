//===- OutputFile.cpp - safe, atomic output files -------------------------===//
//
// Implements writeOutputFile (see OutputFile.h). The temporary file is
// anonymous where the kernel supports O_TMPFILE, so a SIGKILL during the write
// leaves nothing behind; it gets a unique name (linkat) only for the instant
// before rename(2). Elsewhere a random name is created with O_EXCL|O_NOFOLLOW
// and recorded in a fixed, signal-safe table that the SIGINT/SIGTERM/SIGHUP
// handler unlinks before passing the signal on.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/OutputFile.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace snnc {
namespace support {
namespace {

bool fail(std::string *error, const std::string &message) {
  if (error)
    *error = message;
  return false;
}

std::string errnoText() { return std::strerror(errno); }

std::string folderOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

std::string baseOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// --- Temporary names removed on SIGINT/SIGTERM/SIGHUP ----------------------
constexpr int kSlots = 8;
constexpr size_t kSlotBytes = 4096;
char pendingNames[kSlots][kSlotBytes];
std::atomic<bool> pendingUsed[kSlots];
struct sigaction previousActions[3];
constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<bool> handlersInstalled{false};

void onSignal(int sig) {
  for (int i = 0; i < kSlots; ++i)
    if (pendingUsed[i].load())
      ::unlink(pendingNames[i]);
  for (int k = 0; k < 3; ++k) {
    if (kSignals[k] != sig)
      continue;
    const struct sigaction &old = previousActions[k];
    if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL &&
        old.sa_handler != SIG_IGN) {
      old.sa_handler(sig);
      return;
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void installHandlers() {
  bool expected = false;
  if (!handlersInstalled.compare_exchange_strong(expected, true))
    return;
  for (int k = 0; k < 3; ++k) {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(kSignals[k], &action, &previousActions[k]);
    if (!(previousActions[k].sa_flags & SA_SIGINFO) &&
        previousActions[k].sa_handler == SIG_IGN)
      ::sigaction(kSignals[k], &previousActions[k], nullptr); // keep ignored
  }
}

/// Records `name` for removal on a signal; returns the slot or -1.
int registerPending(const std::string &name) {
  if (name.size() >= kSlotBytes)
    return -1;
  installHandlers();
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (pendingUsed[i].load() ||
        !pendingUsed[i].compare_exchange_strong(expected, true))
      continue;
    std::memcpy(pendingNames[i], name.c_str(), name.size() + 1);
    return i;
  }
  return -1;
}

void unregisterPending(int slot) {
  if (slot >= 0)
    pendingUsed[slot].store(false);
}

std::string randomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (uint64_t(::getpid()) << 32)};
  const char *digits = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(12, 'x');
  for (char &c : s)
    c = digits[rng() % 36];
  return s;
}

std::string tempNameFor(const std::string &path) {
  return folderOf(path) + "/." + baseOf(path) + ".tmp-" + randomSuffix();
}

bool writeAll(int fd, const std::string &bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Picks a fresh temporary name next to `path` and records it for the signal
/// handler BEFORE create(name) makes anything under it, so no signal can
/// leave a named temporary file behind. create returns false with errno set;
/// EEXIST (the name was taken) retries with another name.
template <typename Create>
bool createUnderFreshName(const std::string &path, std::string *name, int *slot,
                          Create create) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    *name = tempNameFor(path);
    *slot = registerPending(*name);
    if (create(*name))
      return true;
    int saved = errno;
    unregisterPending(*slot);
    *slot = -1;
    errno = saved;
    if (errno != EEXIST)
      return false;
  }
  errno = EEXIST;
  return false;
}

/// The rule for an existing target: a writable regular file, nothing else.
bool checkExistingTarget(const std::string &path, std::string *error) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return true;
    return fail(error,
                path + ": cannot inspect the output path: " + errnoText());
  }
  if (S_ISLNK(st.st_mode))
    return fail(error, path + ": the output path is a symbolic link; snnc "
                              "replaces only regular files (give the link's "
                              "target, or remove the link)");
  if (S_ISDIR(st.st_mode))
    return fail(error, path + ": the output path is a folder, not a file");
  if (!S_ISREG(st.st_mode))
    return fail(error, path + ": the output path is not a regular file (a "
                              "FIFO, device or socket); snnc does not "
                              "replace it");
  if ((st.st_mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0)
    return fail(error, path + ": the output file is read-only; snnc does not "
                              "replace it");
  return true;
}

} // namespace

bool checkOutputPath(const std::string &path, std::string *error,
                     bool allowStdout) {
  if (path.empty())
    return fail(error, "the output path is empty (give a file name, or '-' "
                       "for standard output)");
  if (path == "-")
    return allowStdout ||
           fail(error, "'-' (standard output) is not accepted for this "
                       "output; give a file name");
  if (path.back() == '/')
    return fail(error, path + ": the output path names a folder, not a file");
  if (!checkExistingTarget(path, error))
    return false;
  std::string dir = folderOf(path);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return fail(error,
                path + ": the output folder '" + dir + "' does not exist");
  if (!S_ISDIR(st.st_mode))
    return fail(error, path + ": '" + dir + "' is not a folder");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return fail(error, path + ": the output folder '" + dir +
                           "' is not writable: " + errnoText());
  return true;
}

bool ensureOutputFolder(const std::string &dir, std::string *error) {
  if (dir.empty())
    return fail(error, "the output folder name is empty");
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return fail(error, dir + ": exists and is not a folder");
    return true;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return fail(error,
                dir + ": cannot create the output folder: " + errnoText());
  return true;
}

bool writeOutputFile(const std::string &path, const std::string &bytes,
                     std::string *error) {
  if (path == "-") {
    if (!writeAll(STDOUT_FILENO, bytes))
      return fail(error, "standard output: write failed: " + errnoText());
    return true;
  }
  if (!checkOutputPath(path, error, /*allowStdout=*/false))
    return false;

  std::string dir = folderOf(path), tempName;
  int slot = -1;
  bool anonymous = true;
  installHandlers();
  // SNNC_OUTPUT_NO_TMPFILE=1 forces the named path (tests exercise both).
  int fd = std::getenv("SNNC_OUTPUT_NO_TMPFILE")
               ? -1
               : ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) {
    anonymous = false;
    bool created = createUnderFreshName(
        path, &tempName, &slot, [&](const std::string &name) {
          fd = ::open(name.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0644);
          return fd >= 0;
        });
    if (!created) {
      tempName.clear();
      return fail(error, path + ": cannot create a temporary file in '" + dir +
                             "': " + errnoText());
    }
  }
  auto abandon = [&](const std::string &what) {
    std::string why = errnoText();
    if (fd >= 0)
      ::close(fd);
    if (!tempName.empty())
      ::unlink(tempName.c_str());
    unregisterPending(slot);
    return fail(error, path + ": " + what + ": " + why);
  };
  if (!writeAll(fd, bytes))
    return abandon("write failed");
  if (::fsync(fd) != 0)
    return abandon("write failed");
  if (anonymous) {
    std::string procPath = "/proc/self/fd/" + std::to_string(fd);
    bool linked = createUnderFreshName(
        path, &tempName, &slot, [&](const std::string &name) {
          return ::linkat(AT_FDCWD, procPath.c_str(), AT_FDCWD, name.c_str(),
                          AT_SYMLINK_FOLLOW) == 0;
        });
    if (!linked) {
      tempName.clear();
      return abandon("cannot name the temporary file");
    }
  }
  if (::close(fd) != 0) {
    fd = -1;
    return abandon("write failed");
  }
  fd = -1;
  // The target may have changed since the first check; look again.
  if (!checkExistingTarget(path, error)) {
    ::unlink(tempName.c_str());
    unregisterPending(slot);
    return false;
  }
  if (::rename(tempName.c_str(), path.c_str()) != 0)
    return abandon("cannot rename the temporary file into place");
  unregisterPending(slot);
  return true;
}

} // namespace support
} // namespace snnc

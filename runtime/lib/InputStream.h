//===- InputStream.h - bounded, streaming reads of (gzip) input files -----===//
//
// The input readers pull exactly the bytes they need through an InputStream:
// a file descriptor or a memory buffer, transparently inflated (zlib, in 64
// KiB chunks, concatenated members allowed) when it starts with the gzip
// magic. Nothing is buffered beyond one chunk, so reading a header and a few
// samples of a file that inflates to terabytes costs kilobytes. At the end,
// checkEnd() reports trailing data: bytes after the array, a second gzip
// member, or non-gzip garbage after the last member (which gzread would
// silently ignore). Internal to the runtime; no function throws.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INPUTSTREAM_H
#define SNNC_RUNTIME_INPUTSTREAM_H

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

class InputStream {
public:
  InputStream() = default;
  InputStream(const InputStream &) = delete;
  InputStream &operator=(const InputStream &) = delete;
  ~InputStream();

  /// Opens `path` (must be a regular file). Error text has no path prefix.
  bool openFile(const std::string &path, std::string *error);
  /// Reads from `size` bytes at `data` (not copied; must outlive the stream).
  bool openMemory(const void *data, size_t size, std::string *error);

  bool compressed() const { return gz_; }
  /// Size of the raw (possibly compressed) file.
  uint64_t rawSize() const { return rawSize_; }
  /// Bytes delivered so far (after decompression).
  uint64_t position() const { return produced_; }

  /// Reads up to `n` bytes; sets `*got` to the count (less than `n` only at
  /// the end of the data). False on a read or decompression error.
  bool read(void *dst, size_t n, size_t *got, std::string *error);
  /// Skips up to `limit` more bytes and reports how many there were
  /// (stopping at `limit`): the trailing-data check.
  bool countRest(uint64_t limit, uint64_t *count, std::string *error);

private:
  bool rawRead(unsigned char *dst, size_t n, size_t *got, std::string *error);
  bool fill(std::string *error);
  bool inflateSome(unsigned char *dst, size_t n, size_t *got,
                   std::string *error);
  bool nextMember(bool *more, std::string *error);

  int fd_ = -1;
  const unsigned char *mem_ = nullptr;
  uint64_t memPos_ = 0;
  size_t inPos_ = 0, inLen_ = 0; // pending raw bytes in in_
  uint64_t rawConsumed_ = 0;     // raw bytes moved into in_ so far
  uint64_t rawSize_ = 0;
  uint64_t produced_ = 0;
  bool gz_ = false, zInit_ = false, memberEnded_ = false, rawEof_ = false;
  z_stream z_{};
  std::vector<unsigned char> in_;
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INPUTSTREAM_H

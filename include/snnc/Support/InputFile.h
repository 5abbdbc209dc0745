//===- InputFile.h - bounded reads of the small text files tools take -----===//
//
// Hardware descriptions, study files, run reports and shard outputs are small
// JSON/CSV texts. readTextFile is the one reader for all of them: it refuses
// what is not a regular file (a FIFO or a device would block or never end)
// and anything above a byte cap (a hostile 100 GB "hardware file" costs no
// memory), and names the path and the rule in the error.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_INPUTFILE_H
#define SNNC_SUPPORT_INPUTFILE_H

#include <cstdint>
#include <string>

namespace snnc {
namespace support {

/// Default cap of readTextFile: far above any real hardware or study file.
constexpr uint64_t kMaxTextFileBytes = uint64_t(256) << 20;

/// Reads the whole of `path` into `*text`. Fails, with `*error` naming the
/// path, when the file cannot be opened, is not a regular file, or is larger
/// than `maxBytes`. `*error` may be null (the caller words its own message).
bool readTextFile(const std::string &path, std::string *text,
                  std::string *error = nullptr,
                  uint64_t maxBytes = kMaxTextFileBytes);

} // namespace support
} // namespace snnc

#endif // SNNC_SUPPORT_INPUTFILE_H

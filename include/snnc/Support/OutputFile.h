//===- OutputFile.h - safe, atomic output files for every snnc tool -------===//
//
// Every file a tool writes (model.bin, IR, JSON, CSV, reports) goes through
// writeOutputFile: the bytes land in an unnamed or uniquely named temporary
// file in the target's folder (O_TMPFILE, or O_CREAT|O_EXCL|O_NOFOLLOW with a
// random name) and are renamed over the target only when complete, so a
// partial file never exists under the final name, a planted symlink is never
// followed, and a kill leaves at most a temporary file that SIGINT/SIGTERM
// handlers remove. Targets that are not regular files (symlinks, FIFOs,
// devices, folders) or are read-only are refused, never replaced; "-" means
// standard output. checkOutputPath applies the same rules up front, so a tool
// can reject `--json /missing/dir/r.json` before a long run.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_OUTPUTFILE_H
#define SNNC_SUPPORT_OUTPUTFILE_H

#include <string>

namespace snnc {
namespace support {

/// Checks that `path` can be written by writeOutputFile: not empty, its
/// folder exists and is writable, and an existing target is a writable
/// regular file. "-" (standard output) is accepted when `allowStdout`.
/// On failure, `*error` names the path and the rule broken.
bool checkOutputPath(const std::string &path, std::string *error,
                     bool allowStdout = true);

/// Writes `bytes` to `path` atomically (see the file comment), with mode
/// 0644 minus the umask. "-" writes to standard output. Never throws.
bool writeOutputFile(const std::string &path, const std::string &bytes,
                     std::string *error);

/// Creates `dir` (one level) if it does not exist; refuses a non-folder.
bool ensureOutputFolder(const std::string &dir, std::string *error);

} // namespace support
} // namespace snnc

#endif // SNNC_SUPPORT_OUTPUTFILE_H

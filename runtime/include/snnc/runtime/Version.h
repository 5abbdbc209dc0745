//===- Version.h - what this runtime build is
//------------------------------===//
//
// The strings `snnc-run --version` prints and run.json records: the snnc
// version (CMake's project version), the model.bin format version it reads
// and the step-kernel ISA the CPU backend picks on this machine (which
// SNNC_KERNELS=baseline overrides).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_VERSION_H
#define SNNC_RUNTIME_VERSION_H

#include <string>

namespace snnc {
namespace rt {

/// The snnc project version, e.g. "0.1.0".
const char *snncVersion();
/// The kernel table the CPU backend uses here: "avx2" or "baseline".
const char *kernelIsa();
/// The multi-line `--version` text of `tool`.
std::string versionText(const char *tool);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_VERSION_H

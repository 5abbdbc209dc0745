//===- VersionText.h - the --version text every snnc tool prints ----------===//
//
// One format for snnc, snnc-run and snnc-map: a first line `TOOL VERSION
// (git REVISION)`, then `model.bin format version N`, then what the tool
// adds (snnc: the LLVM/MLIR version; snnc-run: its CPU kernels and CUDA
// backend). test/tools/version.test checks the three agree.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_VERSIONTEXT_H
#define SNNC_SUPPORT_VERSIONTEXT_H

#include "snnc/Support/Version.h"

#include <string>
#include <utility>
#include <vector>

namespace snnc {
namespace support {

inline std::string
versionText(const char *tool, unsigned modelBinFormat,
            const std::vector<std::pair<std::string, std::string>> &extra) {
  std::string text = std::string(tool) + " " + SNNC_VERSION + " (git " +
                     SNNC_GIT_REVISION + ")\nmodel.bin format version " +
                     std::to_string(modelBinFormat) + "\n";
  for (const auto &[key, value] : extra)
    text += key + ": " + value + "\n";
  return text;
}

} // namespace support
} // namespace snnc

#endif // SNNC_SUPPORT_VERSIONTEXT_H

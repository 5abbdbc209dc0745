//===- Version.cpp - what this runtime build is ---------------------------===//
//
// See Version.h. SNNC_VERSION and SNNC_GIT_REVISION come from the generated
// snnc/Support/Version.h (CMake's project version, git at configure time).
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Version.h"

#include "Kernels.h"
#include "snnc/runtime/ModelFile.h"

#include "snnc/Support/Version.h"
#include "snnc/Support/VersionText.h"

namespace snnc {
namespace rt {

const char *snncVersion() { return SNNC_VERSION; }

const char *kernelIsa() { return detail::kernels().isa; }

std::string versionText(const char *tool) {
  return support::versionText(tool, modelbin::kFormatVersion,
                              {{"CPU kernels", kernelIsa()}});
}

} // namespace rt
} // namespace snnc

//===- Version.cpp - what this runtime build is ---------------------------===//
//
// See Version.h. SNNC_VERSION comes from CMake's project(VERSION).
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Version.h"

#include "Kernels.h"
#include "snnc/runtime/ModelFile.h"

#include <fmt/format.h>

#ifndef SNNC_VERSION
#define SNNC_VERSION "unknown"
#endif

namespace snnc {
namespace rt {

const char *snncVersion() { return SNNC_VERSION; }

const char *kernelIsa() { return detail::kernels().isa; }

std::string versionText(const char *tool) {
  return fmt::format("{} {}\nmodel.bin format version {}\nCPU kernels: {}\n",
                     tool, snncVersion(), modelbin::kFormatVersion,
                     kernelIsa());
}

} // namespace rt
} // namespace snnc

//===- Register.cpp - the CUDA library registers its backends -------------===//
//
// Linked into every program that links snnc_runtime_gpu (an object library,
// so this file's static initializer is never dropped by the linker): adds
// "cuda" and "cuda-emu" to the core runtime's backend registry (Backend.h).
// The core runtime never names them.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Backend.h"
#include "snnc/runtime/CudaBackend.h"

namespace snnc {
namespace rt {
namespace {

bool emulatedInfo(std::string *info, std::string *) {
  *info = "the CUDA backend's algorithm on the host (slow; for tests)";
  return true;
}

const bool registered =
    registerBackend({"cuda",
                     cudaBackendBuilt()
                         ? "CUDA GPU"
                         : "CUDA GPU (this build has no CUDA kernels)",
                     &runNetworkCuda, &cudaDeviceInfo}) &&
    registerBackend({"cuda-emu", "the CUDA backend emulated on the host",
                     &runNetworkCudaEmulated, &emulatedInfo});

} // namespace
} // namespace rt
} // namespace snnc

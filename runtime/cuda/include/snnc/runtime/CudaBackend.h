//===- CudaBackend.h - the CUDA backend's entry points --------------------===//
//
// The public API of snnc_runtime_gpu (docs/gpu.md), for its tests and for
// programs that call it directly; snnc-run reaches it only through the
// backend registry (Backend.h), into which this library registers "cuda" and
// "cuda-emu" when it is linked in. runNetworkCuda exists in every build of
// the library: without nvcc it fails with "this snnc-run was built without
// CUDA", and on a machine without a usable device with "no CUDA device: ...".
// runNetworkCudaEmulated runs the backend's step operations on the host over
// the same flat plan, to test the GPU algorithm on machines without a GPU.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDABACKEND_H
#define SNNC_RUNTIME_CUDABACKEND_H

#include "snnc/runtime/Executor.h"

#include <string>

namespace snnc {
namespace rt {

/// True when this build contains the CUDA kernels (nvcc was found).
bool cudaBackendBuilt();

/// One line naming the CUDA device that runNetworkCuda would use, or false
/// with the reason ("this snnc-run was built without CUDA", "no CUDA device:
/// ...").
bool cudaDeviceInfo(std::string *info, std::string *error);

/// runNetwork on the GPU. RunOptions::threads is ignored; Mode::Auto picks
/// the event or the gather path per layer, sample (tile) and step from the
/// measured input density (SNNC_CUDA_DENSE_FRACTION overrides the threshold).
bool runNetworkCuda(const Network &net, const Batch &batch,
                    const RunOptions &opt, RunResult *out, std::string *error);

/// The CUDA backend's algorithm executed on the host (slow; for tests).
bool runNetworkCudaEmulated(const Network &net, const Batch &batch,
                            const RunOptions &opt, RunResult *out,
                            std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_CUDABACKEND_H

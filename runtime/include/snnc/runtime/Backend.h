//===- Backend.h - the runtime's execution backends -----------------------===//
//
// The runtime executes a Network on the CPU (runNetwork, Executor.h) or on a
// CUDA GPU (runNetworkCuda); both take the same Batch and RunOptions and fill
// the same RunResult, and the CUDA backend gives the CPU backend's
// predictions, readout values and spike counts (docs/gpu.md). The CUDA entry
// point exists in every build: without CUDA support it fails with "this
// snnc-run was built without CUDA", and on a machine without a usable device
// with "no CUDA device: ...". runNetworkCudaEmulated runs the CUDA backend's
// step operations on the host, in loops, over the same flat plan: it exists
// to test the GPU algorithm on machines without a GPU.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_BACKEND_H
#define SNNC_RUNTIME_BACKEND_H

#include "snnc/runtime/Executor.h"

#include <string>

namespace snnc {
namespace rt {

enum class Backend { Cpu, Cuda, CudaEmulated };

/// "cpu", "cuda", "cuda-emu" -> Backend; false for other names.
bool parseBackend(const std::string &name, Backend *out);

/// True when this build contains the CUDA backend.
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

/// Dispatches to one of the above.
bool runNetworkOn(Backend backend, const Network &net, const Batch &batch,
                  const RunOptions &opt, RunResult *out, std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_BACKEND_H

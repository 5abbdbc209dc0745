//===- Backend.h - the registry of the runtime's execution backends -------===//
//
// The core runtime knows backends only by name. It registers its own, "cpu"
// (runNetwork, Executor.h); optional backend libraries register theirs when
// they are linked in, from a static initializer (the CUDA library registers
// "cuda" and "cuda-emu", runtime/cuda/Register.cpp), as IREE's HAL drivers do.
// A tool looks a backend up by the name the user gave and runs it; a runtime
// built without a backend library has none of its code and lists only "cpu".
// Every backend takes the same Batch and RunOptions and fills the same
// RunResult (docs/gpu.md: the CUDA backend gives the CPU backend's answers).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_BACKEND_H
#define SNNC_RUNTIME_BACKEND_H

#include "snnc/runtime/Executor.h"

#include <string>
#include <vector>

namespace snnc {
namespace rt {

using BackendRunFn = bool (*)(const Network &net, const Batch &batch,
                              const RunOptions &opt, RunResult *out,
                              std::string *error);
/// One line about the device the backend would use, or false with why it
/// cannot run here.
using BackendInfoFn = bool (*)(std::string *info, std::string *error);

struct BackendEntry {
  std::string name;    // as --backend spells it
  std::string summary; // one line for --version and --help
  BackendRunFn run = nullptr;
  BackendInfoFn deviceInfo = nullptr; // optional
};

/// Adds a backend; false (and nothing added) when the name is taken.
bool registerBackend(const BackendEntry &entry);

/// The backend called `name`, or nullptr.
const BackendEntry *findBackend(const std::string &name);

/// Every registered backend, "cpu" first, then in registration order.
std::vector<const BackendEntry *> registeredBackends();

/// The names joined for a message: "cpu", "cpu or cuda", "cpu, cuda or
/// cuda-emu".
std::string backendNames();

/// Runs `net` on the backend called `name`; an unknown name is an error that
/// lists the registered ones.
bool runNetworkOn(const std::string &name, const Network &net,
                  const Batch &batch, const RunOptions &opt, RunResult *out,
                  std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_BACKEND_H

//===- IntExecutor.h - the executor of integer (Loihi) models -------------===//
//
// Internal to the runtime: runNetwork() hands a Network with `integer` set to
// runIntegerNetwork() after checking the request (docs/fixed-point.md).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INTEXECUTOR_H
#define SNNC_RUNTIME_INTEXECUTOR_H

#include "snnc/runtime/Executor.h"

namespace snnc {
namespace rt {

/// Runs `batch` through the integer model `net` for `steps` steps.
bool runIntegerNetwork(const Network &net, const Batch &batch,
                       const RunOptions &opt, int steps, RunResult *out,
                       std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INTEXECUTOR_H

//===- KernelsCuba.h - the synaptic current of CUBA neurons -----*- C++ -*-===//
//
// Current-based neurons (NIR CubaLIF and CubaLI, model.bin format version 4)
// filter their input through a synaptic current before the membrane: the
// executor calls cubaSynapse on the layer's input and hands the current to the
// ordinary LIF or readout update, so the float kernels stay as they are.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_RUNTIME_LIB_KERNELSCUBA_H
#define SNNC_RUNTIME_LIB_KERNELSCUBA_H

#include "snnc/runtime/Network.h"

#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// True when layer `L` has a synaptic state (non-empty synLeak).
inline bool hasSynapse(const Layer &L) { return !L.synLeak.empty(); }

/// One step of the synapse: syn = synLeak[c] * syn + synGain[c] * x for every
/// neuron (channels last: element s * C + c), in float32 in that order.
/// Returns syn.data(), the current the membrane reads this step.
const float *cubaSynapse(const Layer &L, const float *x,
                         std::vector<float> &syn);

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_LIB_KERNELSCUBA_H

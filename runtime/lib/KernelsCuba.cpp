//===- KernelsCuba.cpp - the synaptic current of CUBA neurons -------------===//
//
// The one implementation of the CUBA synapse (docs/nir.md: i = alpha i +
// w x with alpha = 1 - dt/tau_syn and w = w_in dt/tau_syn, before the
// membrane update). Scalar on purpose: it is one multiply-add per neuron and
// step next to the synaptic layer that produced x.
//
//===----------------------------------------------------------------------===//

#include "KernelsCuba.h"

namespace snnc {
namespace rt {
namespace detail {

const float *cubaSynapse(const Layer &L, const float *x,
                         std::vector<float> &syn) {
  const int64_t C = L.channels, S = L.spatial;
  const float *leak = L.synLeak.data(), *gain = L.synGain.data();
  float *i = syn.data();
  for (int64_t s = 0; s < S; ++s)
    for (int64_t c = 0; c < C; ++c) {
      int64_t k = s * C + c;
      // Two roundings (no fused multiply-add), as the numpy reference does.
      float decayed = leak[c] * i[k];
      float input = gain[c] * x[k];
      i[k] = decayed + input;
    }
  return i;
}

} // namespace detail
} // namespace rt
} // namespace snnc

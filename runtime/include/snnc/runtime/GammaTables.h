//===- GammaTables.h - the report tables of model.bin and the exit rule ---===//
//
// model.bin keeps two tables about the BNTT gammas that folding removed: the
// mean of gamma_t over channels per layer (paper Fig. 4, the input of the
// early-exit rule) and a histogram of gamma_t per layer and step (Fig. 6).
// The runtime, which validates every file, and snnc-map, which draws the
// figures, check them with the same function. The early-exit rule lives here
// too, so that the compiler's pass and the reports apply the same one.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_GAMMATABLES_H
#define SNNC_RUNTIME_GAMMATABLES_H

#include "snnc/modelbin/model.pb.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace snnc {
namespace modelbin {

/// Most histogram bins a file may declare per layer.
constexpr int32_t kMaxHistogramBins = 1024;

/// Checks gamma_mean (T finite values per row) and gamma_histogram (bins in
/// 1..kMaxHistogramBins, T x bins non-negative counts, finite lo <= hi) of `m`
/// against m.num_steps(), which must already be >= 1. The error names the
/// table, row, layer and field.
bool checkGammaTables(const Model &m, std::string *error);

/// The early-exit rule (docs/folding.md): the smallest t such that at every
/// step t' >= t every layer's mean gamma is below `threshold`; `steps` when
/// there is no layer; at least 1. meanAt(l, t) is layer l's mean at step t.
template <typename MeanAt>
int64_t earlyExitStep(size_t layers, int64_t steps, double threshold,
                      MeanAt meanAt) {
  if (layers == 0)
    return steps;
  int64_t exit = steps;
  for (int64_t t = steps - 1; t >= 0; --t) {
    for (size_t l = 0; l < layers; ++l)
      if (!(meanAt(l, t) < threshold))
        return std::max<int64_t>(exit, 1);
    exit = t;
  }
  return std::max<int64_t>(exit, 1);
}

} // namespace modelbin
} // namespace snnc

#endif // SNNC_RUNTIME_GAMMATABLES_H

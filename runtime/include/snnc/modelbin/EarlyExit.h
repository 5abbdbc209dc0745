//===- EarlyExit.h - the static early-exit rule (no dependencies) ---------===//
//
// The early-exit rule of docs/folding.md, shared by the compiler's
// snn-early-exit pass, the runtime and snnc-map's reports. It is a template
// over the table reader and depends on the standard library only, so the
// compiler's passes include it without linking protobuf.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODELBIN_EARLYEXIT_H
#define SNNC_MODELBIN_EARLYEXIT_H

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace snnc {
namespace modelbin {

/// The smallest t such that at every step t' >= t every layer's mean gamma is
/// below `threshold`; `steps` when there is no layer; at least 1.
/// meanAt(l, t) is layer l's mean at step t.
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

#endif // SNNC_MODELBIN_EARLYEXIT_H

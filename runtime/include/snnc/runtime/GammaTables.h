//===- GammaTables.h - the gamma report tables of model.bin ------------===//
//
// model.bin keeps two tables about the BNTT gammas that folding removed: the
// mean of gamma_t over channels per layer (paper Fig. 4, the input of the
// early-exit rule) and a histogram of gamma_t per layer and step (Fig. 6).
// modelbin::validate checks them with this function. The early-exit rule
// that reads them is in the dependency-free snnc/modelbin/EarlyExit.h.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_GAMMATABLES_H
#define SNNC_RUNTIME_GAMMATABLES_H

#include "snnc/modelbin/EarlyExit.h"
#include "snnc/modelbin/model.pb.h"

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

} // namespace modelbin
} // namespace snnc

#endif // SNNC_RUNTIME_GAMMATABLES_H

//===- GammaTables.cpp - validation of model.bin's gamma report tables ----===//
//
// The rules of docs/model-bin.md for gamma_mean and gamma_histogram. They
// guard the readers of these tables (snnc-run --dump, snnc-map's figures)
// against hostile files: every length is checked against T before any index.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/GammaTables.h"

#include <fmt/format.h>

#include <cmath>

namespace snnc {
namespace modelbin {

bool checkGammaTables(const Model &m, std::string *error) {
  const int64_t T = m.num_steps();
  for (int i = 0; i < m.gamma_mean_size(); ++i) {
    const GammaMean &g = m.gamma_mean(i);
    if (g.mean_size() != T) {
      *error = fmt::format("model.gamma_mean[{}] '{}': {} values, expected "
                           "T = {}",
                           i, g.layer(), g.mean_size(), T);
      return false;
    }
    for (float v : g.mean())
      if (!std::isfinite(v)) {
        *error = fmt::format("model.gamma_mean[{}] '{}': non-finite value", i,
                             g.layer());
        return false;
      }
  }
  for (int i = 0; i < m.gamma_histogram_size(); ++i) {
    const GammaHistogram &h = m.gamma_histogram(i);
    std::string where =
        fmt::format("model.gamma_histogram[{}] '{}'", i, h.layer());
    if (h.bins() < 1 || h.bins() > kMaxHistogramBins) {
      *error = fmt::format("{}: bins = {}, expected 1..{}", where, h.bins(),
                           kMaxHistogramBins);
      return false;
    }
    if (h.counts_size() != T * h.bins()) {
      *error = fmt::format("{}: {} counts, expected T x bins = {}", where,
                           h.counts_size(), T * h.bins());
      return false;
    }
    if (!std::isfinite(h.lo()) || !std::isfinite(h.hi()) || h.lo() > h.hi()) {
      *error = fmt::format("{}: range [{}, {}], expected finite lo <= hi",
                           where, h.lo(), h.hi());
      return false;
    }
    for (int k = 0; k < h.counts_size(); ++k)
      if (h.counts(k) < 0) {
        *error = fmt::format("{}: count {} is {}, expected >= 0", where, k,
                             h.counts(k));
        return false;
      }
  }
  return true;
}

} // namespace modelbin
} // namespace snnc

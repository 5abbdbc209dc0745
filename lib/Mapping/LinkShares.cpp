//===- LinkShares.cpp - links grouped by what they carry of their source --===//

#include "LinkShares.h"

namespace snnc {
namespace mapping {
namespace detail {

LinkShares::LinkShares(const Network &net, const Mapping &mapping)
    : index(net.populations.size()) {
  for (const CoreLink &l : mapping.links) {
    std::vector<int32_t> &of = index[size_t(l.sourcePopulation)];
    if (of.empty())
      of.assign(size_t(net.populations[l.sourcePopulation].size()) + 1, -1);
    int32_t &share = of[size_t(l.neurons)];
    if (share >= 0)
      continue;
    share = int32_t(source.size());
    source.push_back(l.sourcePopulation);
    neurons.push_back(l.neurons);
  }
}

} // namespace detail
} // namespace mapping
} // namespace snnc

//===- LinkShares.h - links grouped by what they carry of their source ----===//
//
// A link carries `neurons` of its source population, so whatever depends
// only on (source, neurons) - its share of the source's spikes per step
// (Energy.cpp), its placement weight (Placement.cpp) - is the same for
// every link of that source with as many neurons. A mapping has millions
// of links but few such pairs: numbering them lets those values be
// computed once per pair and looked up per link in O(1).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_LIB_MAPPING_LINKSHARES_H
#define SNNC_LIB_MAPPING_LINKSHARES_H

#include "snnc/Mapping/Mapping.h"

#include <cstdint>
#include <vector>

namespace snnc {
namespace mapping {
namespace detail {

class LinkShares {
public:
  /// Numbers the (source, neurons) pairs of mapping.links in the order
  /// their first link comes.
  LinkShares(const Network &net, const Mapping &mapping);
  /// The share of link `l` (one of mapping.links).
  int32_t of(const CoreLink &l) const {
    return index[size_t(l.sourcePopulation)][size_t(l.neurons)];
  }
  size_t size() const { return source.size(); }
  int sourceOf(int32_t share) const { return source[size_t(share)]; }
  int64_t neuronsOf(int32_t share) const { return neurons[size_t(share)]; }

private:
  /// [source][neurons] -> share (-1: none); a link carries at most all
  /// neurons of its source.
  std::vector<std::vector<int32_t>> index;
  std::vector<int> source;
  std::vector<int64_t> neurons;
};

} // namespace detail
} // namespace mapping
} // namespace snnc

#endif // SNNC_LIB_MAPPING_LINKSHARES_H

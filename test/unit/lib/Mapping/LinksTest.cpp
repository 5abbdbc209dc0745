//===- LinksTest.cpp - the links of assembleMapping against every pair ----===//
//
// assembleMapping looks, per target block, only at the source blocks whose
// rows meet the rows the target reads (a binary search over blocks in band
// order; all blocks otherwise). The links it gives must be exactly those of
// the brute force over every (source block, target block) pair, in the same
// order and with the same neurons and output-axon entries: for the blocks
// the structured partitioner chooses, for hand-cut blocks in band order
// with uneven bands, and for the same blocks shuffled (no band order).
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"
#include "MappingTestUtil.h"
#include "Partitioners.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

namespace snnc {
namespace mapping {
namespace {

using testing::ModelBuilder;
using testing::smallChip;

/// Padded, strided, grouped and dense projections, and a residual ADD (a
/// layer with two inputs).
Network network() {
  ModelBuilder b({3, 12, 12}, 4, 4);
  int x = b.lif(b.conv(b.encode(), 8, 3, 1, 1));
  int y = b.lif(b.conv(x, 8, 3, 2, 1));
  int z =
      b.lif(b.add(b.conv(y, 8, 3, 1, 1, /*groups=*/4), b.conv(y, 8, 1, 1, 0)));
  x = b.lif(b.dense(b.flatten(b.avgPool(z, 2, 2)), 10));
  b.readout(b.dense(x, 3));
  Network net;
  std::string error;
  EXPECT_TRUE(buildNetwork(b.model(), &net, &error)) << error;
  return net;
}

using Link = std::tuple<int, int, int64_t, int, int64_t>;

Link tupleOf(const CoreLink &l) {
  return {l.from, l.to, l.neurons, l.sourcePopulation, l.fanoutAxons};
}

/// Every (target block, projection, source block) in that order: the
/// source neurons of the source block the target block reads.
std::vector<Link> bruteForce(const Network &net, const HardwareModel &hw,
                             const std::vector<std::vector<Core>> &coresOf) {
  std::vector<int> first(net.populations.size(), 0);
  for (size_t p = 0, next = 0; p < net.populations.size(); ++p) {
    first[p] = int(next);
    next += net.populations[p].mapped() ? coresOf[p].size() : 0;
  }
  std::vector<Link> links;
  std::vector<char> rows, cols;
  for (size_t d = 0; d < net.populations.size(); ++d) {
    if (!net.populations[d].mapped())
      continue;
    for (size_t b = 0; b < coresOf[d].size(); ++b) {
      const Core &t = coresOf[d][b];
      int to = first[d] + int(b);
      for (const Projection &p : net.populations[d].inputs) {
        const Population &src = net.populations[p.source];
        auto [ch0, ch1] = detail::sourceChannels(p, src, t.c0, t.c1);
        detail::unionOf(p.rows, p.allToAll, t.h0, t.h1, &rows);
        detail::unionOf(p.cols, p.allToAll, t.w0, t.w1, &cols);
        std::vector<Core> host{{p.source, 0, src.channels, 0, src.height, 0,
                                src.width, CoreUsage()}};
        const std::vector<Core> &sources =
            src.mapped() ? coresOf[p.source] : host;
        for (size_t a = 0; a < sources.size(); ++a) {
          const Core &s = sources[a];
          int64_t neurons = 0, positions = 0;
          for (int64_t h = s.h0; h < s.h1; ++h)
            for (int64_t w = s.w0; w < s.w1; ++w) {
              if (!rows[size_t(h)] || !cols[size_t(w)])
                continue;
              ++positions;
              for (int64_t c = s.c0; c < s.c1; ++c)
                neurons += c >= ch0 && c < ch1;
            }
          if (neurons == 0)
            continue;
          if (!src.mapped()) {
            links.push_back({-1 - p.source, to, neurons, p.source, 0});
            continue;
          }
          int64_t slots = detail::outputSlots(
              hw, positions, std::max(ch0, s.c0), std::min(ch1, s.c1));
          links.push_back(
              {first[p.source] + int(a), to, neurons, p.source, slots});
        }
      }
    }
  }
  return links;
}

/// Blocks in band order: bands of 1, 2, 3, 1, 2, 3... rows, then channel
/// blocks of 3, then column blocks of 5.
std::vector<std::vector<Core>> bandOrder(const Network &net) {
  std::vector<std::vector<Core>> coresOf(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const Population &pop = net.populations[p];
    if (!pop.mapped())
      continue;
    for (int64_t h = 0, band = 1; h < pop.height;
         h += band, band = band % 3 + 1)
      for (int64_t c = 0; c < pop.channels; c += 3)
        for (int64_t w = 0; w < pop.width; w += 5)
          coresOf[p].push_back(
              {int(p), c, std::min<int64_t>(c + 3, pop.channels), h,
               std::min(h + band, pop.height), w,
               std::min<int64_t>(w + 5, pop.width), CoreUsage()});
  }
  return coresOf;
}

void expectLinksOfEveryPair(const Network &net, const HardwareModel &hw,
                            const std::vector<std::vector<Core>> &coresOf,
                            const char *what) {
  std::vector<PopulationMapping> pms(net.populations.size());
  Mapping m;
  detail::assembleMapping(net, hw, coresOf, pms, &m);
  std::vector<Link> got;
  for (const CoreLink &l : m.links)
    got.push_back(tupleOf(l));
  std::vector<Link> want = bruteForce(net, hw, coresOf);
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], want[i]) << what << ": link " << i;
  std::vector<int64_t> fanout(m.cores.size(), 0);
  for (const Link &l : want)
    if (std::get<0>(l) >= 0)
      fanout[size_t(std::get<0>(l))] += std::get<4>(l);
  for (size_t k = 0; k < m.cores.size(); ++k)
    EXPECT_EQ(m.cores[k].usage.fanoutAxons, fanout[k])
        << what << ": core " << k;
}

TEST(Links, TheBandIndexGivesTheLinksOfEveryPair) {
  Network net = network();
  for (bool population : {false, true}) {
    HardwareModel hw = smallChip();
    hw.populationAxons = population;
    hw.populationAtoms = 4;
    hw.populationAxonSlots = 2;
    std::vector<std::vector<Core>> banded = bandOrder(net);
    expectLinksOfEveryPair(net, hw, banded, "band order");
    // Not every pair is linked, so the search had blocks to skip.
    size_t pairs = 0, links = bruteForce(net, hw, banded).size();
    for (size_t d = 0; d < net.populations.size(); ++d)
      for (const Projection &p : net.populations[d].inputs)
        pairs +=
            banded[d].size() * std::max<size_t>(1, banded[p.source].size());
    EXPECT_LT(links, pairs / 2);
    std::mt19937 rng(7);
    for (std::vector<Core> &blocks : banded)
      std::shuffle(blocks.begin(), blocks.end(), rng);
    expectLinksOfEveryPair(net, hw, banded, "shuffled");

    hw.compartments = 40; // several bands, channel and column blocks
    Mapping m;
    std::string error;
    ASSERT_TRUE(partitionNetwork(net, hw, &m, &error)) << error;
    std::vector<std::vector<Core>> chosen(net.populations.size());
    for (const Core &c : m.cores)
      chosen[size_t(c.population)].push_back(c);
    expectLinksOfEveryPair(net, hw, chosen, "structured");
  }
}

} // namespace
} // namespace mapping
} // namespace snnc

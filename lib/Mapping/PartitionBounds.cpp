//===- PartitionBounds.cpp - lower bounds on the cores of a population ----===//
//
// The cores any partition into blocks of one population each needs at least
// (docs/mapping.md, "Lower bound"): the separate bounds of each limit
// (compartments, synaptic memory, tables, distinct input axons over
// fan-in axons), the block bound (neurons over the largest block that fits
// every post-synaptic limit at once; a block of given extents reads the
// fewest sources when it touches an end of each dimension, where windows are
// clipped, so the smaller of the two ends' reads is used and no block
// anywhere is larger) and the fan-out bound (every
// neuron needs one output axon per destination core, and a consumer's
// neurons that read it cannot fit fewer cores than their largest block
// allows). The shared bound is for cores that may mix populations.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"

#include <algorithm>

namespace snnc {
namespace mapping {

using namespace detail;

namespace {

struct LargestBlocks {
  int64_t neurons = 1;   ///< largest block that fits (post-synaptic limits)
  int64_t channels = 1;  ///< most channels of one position a core can hold
  int64_t positions = 1; ///< most positions of one channel a core can hold
  /// Per projection: the least source positions per target position any
  /// fitting block reads (its halo; 1 if none is smaller).
  std::vector<double> halo;
};

/// Per projection, the smaller reads of a block of `extent` targets at the
/// start or at the end of a dimension: a window map reads a contiguous,
/// clipped range, so the count is least at one of the ends (the start is
/// not enough: with more padding at the end, or a last window that runs
/// past it, the end reads fewer). Taking the smaller distinct and sum
/// separately can only make the bound lower, never invalid.
Factors fewestReads(const Factors &start, const Factors &end) {
  Factors f = start;
  for (size_t i = 0; i < f.size(); ++i) {
    f[i].distinct = std::min(start[i].distinct, end[i].distinct);
    f[i].sum = std::min(start[i].sum, end[i].sum);
  }
  return f;
}

/// Largest blocks (at the ends, where they read least); for a fixed column
/// extent the channels that fit shrink as rows grow, so a two-pointer walk
/// visits O(W (H + C)) blocks.
LargestBlocks largestBlocks(const Network &net, const HardwareModel &hw,
                            int popIndex) {
  const Population &pop = net.populations[popIndex];
  std::vector<Factors> rowsOf(size_t(pop.height) + 1), colsOf;
  for (int64_t th = 1; th <= pop.height; ++th)
    rowsOf[th] = fewestReads(rowFactors(pop, 0, th),
                             rowFactors(pop, pop.height - th, pop.height));
  colsOf.resize(size_t(pop.width) + 1);
  for (int64_t tw = 1; tw <= pop.width; ++tw)
    colsOf[tw] = fewestReads(colFactors(pop, 0, tw),
                             colFactors(pop, pop.width - tw, pop.width));
  auto fits = [&](int64_t tc, int64_t th, int64_t tw) {
    CoreUsage u = usageOf(net, hw, pop, 0, tc, rowsOf[th], colsOf[tw]);
    u.compartments = tc * th * tw;
    int64_t have, limit;
    return violation(hw, u, &have, &limit).empty();
  };
  LargestBlocks best;
  best.halo.assign(pop.inputs.size(), 1e300);
  for (int64_t tw = 1; tw <= pop.width; ++tw) {
    int64_t tc = pop.channels;
    for (int64_t th = 1; th <= pop.height && tc > 0; ++th) {
      while (tc > 0 && !fits(tc, th, tw))
        --tc;
      if (tc == 0)
        break;
      best.neurons = std::max(best.neurons, tc * th * tw);
      best.positions = std::max(best.positions, th * tw);
      if (th == 1 && tw == 1)
        best.channels = tc;
      for (size_t i = 0; i < pop.inputs.size(); ++i)
        best.halo[i] = std::min(
            best.halo[i], double(rowsOf[th][i].distinct) *
                              double(colsOf[tw][i].distinct) / double(th * tw));
    }
  }
  return best;
}

/// Output axons the neurons of `popIndex` need in all, at least: each
/// consumer core needs the outputSlots of what it reads. A dense consumer's
/// cores all read every neuron; a convolution's cores hold at most
/// `channels` channels, so every position is in ceil(C / channels) of them,
/// and each reads at least `halo` source positions per position it holds
/// (all channels, or with population axons at least one axon's worth per
/// position when groups split the channels).
int64_t fanoutAxonsNeeded(const Network &net, const HardwareModel &hw,
                          int popIndex) {
  const Population &src = net.populations[popIndex];
  int64_t area = src.height * src.width;
  double total = 0;
  for (int q : src.consumers) {
    const Population &consumer = net.populations[q];
    LargestBlocks largest = largestBlocks(net, hw, q);
    for (size_t i = 0; i < consumer.inputs.size(); ++i) {
      const Projection &p = consumer.inputs[i];
      if (p.source != popIndex)
        continue;
      double consumerPositions =
          double(consumer.height * consumer.width) * largest.halo[i] *
          double(ceilDiv(consumer.channels, largest.channels));
      if (p.allToAll)
        total += double(outputSlots(hw, area, 0, src.channels)) *
                 double(ceilDiv(consumer.size(), largest.neurons));
      else if (p.groups == 1)
        total +=
            double(outputSlots(hw, 1, 0, src.channels)) * consumerPositions;
      else if (hw.populationAxons)
        total += double(slotsPerAxon(hw)) * consumerPositions;
      else
        total += double(src.size()) *
                 double(ceilDiv(p.outChannelsPerGroup, largest.channels));
    }
  }
  // Rounded down a little so that float error never raises the bound.
  return int64_t(total * (1 - 1e-12));
}

/// Every position needs all C channels in cores of at most `channels`
/// channels, and every channel all positions in cores of at most
/// `positions` positions.
int64_t coverageBound(const Population &pop, const LargestBlocks &l) {
  int64_t area = pop.height * pop.width;
  return std::max(
      ceilDiv(area * ceilDiv(pop.channels, l.channels), l.positions),
      ceilDiv(pop.channels * ceilDiv(area, l.positions), l.channels));
}

} // namespace

void populationLowerBound(const Network &net, const HardwareModel &hw,
                          int popIndex, PopulationMapping *pm,
                          bool withFanout) {
  const Population &pop = net.populations[popIndex];
  int64_t bits = 0;
  for (const Projection &p : pop.inputs)
    bits +=
        (hw.convWeightSharing && !p.allToAll ? p.distinctWeights : p.synapses) *
        hw.bitsPerSynapse();
  // Every input axon (axonOf) that feeds the population is needed in at
  // least one core, and a core has faninAxons of them.
  Core whole{popIndex, 0, pop.channels, 0, pop.height, 0, pop.width};
  int64_t sources = usageOf(net, hw, whole).faninAxons;
  LargestBlocks largest = largestBlocks(net, hw, popIndex);
  struct Bound {
    const char *by;
    int64_t cores;
  } bounds[] = {
      {"core.fanin_axons", ceilDiv(sources, hw.faninAxons)},
      {"core.compartments", ceilDiv(pop.size(), hw.compartments)},
      {"core.synapse_memory_bytes", ceilDiv(bits, hw.synapseMemoryBytes * 8)},
      {"core.table_entries",
       ceilDiv(pop.channels * pop.tableEntriesPerChannel, hw.tableEntries)},
      {"core.fanout_axons",
       withFanout
           ? ceilDiv(fanoutAxonsNeeded(net, hw, popIndex), hw.fanoutAxons)
           : 0},
      {"largest fitting block", ceilDiv(pop.size(), largest.neurons)},
      {"channel and position coverage", coverageBound(pop, largest)}};
  pm->lowerBound = 1;
  pm->lowerBoundBy = "one core";
  for (const Bound &b : bounds)
    if (b.cores > pm->lowerBound) {
      pm->lowerBound = b.cores;
      pm->lowerBoundBy = b.by;
    }
}

int64_t sharedLowerBound(const Network &net, const HardwareModel &hw) {
  int64_t neurons = 0, bits = 0, fanout = 0;
  for (size_t i = 0; i < net.populations.size(); ++i) {
    const Population &pop = net.populations[i];
    if (!pop.mapped())
      continue;
    neurons += pop.size();
    fanout += fanoutAxonsNeeded(net, hw, int(i));
    for (const Projection &p : pop.inputs)
      bits += (hw.convWeightSharing && !p.allToAll ? p.distinctWeights
                                                   : p.synapses) *
              hw.bitsPerSynapse();
  }
  return std::max({ceilDiv(neurons, hw.compartments),
                   ceilDiv(bits, hw.synapseMemoryBytes * 8),
                   ceilDiv(fanout, hw.fanoutAxons), int64_t(1)});
}

} // namespace mapping
} // namespace snnc

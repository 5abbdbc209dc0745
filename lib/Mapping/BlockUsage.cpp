//===- BlockUsage.cpp - per-core resource usage of a block of neurons -----===//
//
// Implements BlockUsage.h: the usage formulas of docs/mapping.md
// ("Partitioning") for one block, in factorised form, and the fan-out
// table built from the consumers' cores.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"

#include <algorithm>
#include <tuple>

namespace snnc {
namespace mapping {
namespace detail {

std::vector<int64_t> blockSizes(int64_t n) {
  std::vector<int64_t> sizes;
  for (int64_t k = 1; k <= n;) {
    int64_t v = ceilDiv(n, k);
    sizes.push_back(v);
    if (v == 1)
      break;
    k = (n - 1) / (v - 1) + 1; // first k with ceil(n/k) < v
  }
  return sizes;
}

int64_t atomsPerAxon(const HardwareModel &hw) {
  return hw.populationAxons ? hw.populationAtoms : 1;
}

int64_t slotsPerAxon(const HardwareModel &hw) {
  return hw.populationAxons ? hw.populationAxonSlots : 1;
}

int64_t axonOf(const HardwareModel &hw, const Population &source,
               int64_t neuron) {
  int64_t area = source.height * source.width;
  return neuron / area / atomsPerAxon(hw) * area + neuron % area;
}

int64_t inputAxons(const HardwareModel &hw, int64_t positions, int64_t ch0,
                   int64_t ch1) {
  if (ch1 <= ch0 || positions <= 0)
    return 0;
  int64_t atoms = atomsPerAxon(hw);
  return positions * ((ch1 - 1) / atoms - ch0 / atoms + 1);
}

int64_t outputSlots(const HardwareModel &hw, int64_t positions, int64_t ch0,
                    int64_t ch1) {
  return slotsPerAxon(hw) * inputAxons(hw, positions, ch0, ch1);
}

std::pair<int64_t, int64_t> sourceChannels(const Projection &p,
                                           const Population &source, int64_t c0,
                                           int64_t c1) {
  if (p.allToAll)
    return {0, source.channels};
  int64_t g0 = c0 / p.outChannelsPerGroup;
  int64_t g1 = (c1 - 1) / p.outChannelsPerGroup + 1;
  return {g0 * p.inChannelsPerGroup, g1 * p.inChannelsPerGroup};
}

DimFactor unionOf(const DimensionMap &m, bool allToAll, int64_t t0, int64_t t1,
                  std::vector<char> *mask) {
  mask->assign(size_t(m.sourceExtent), 0);
  DimFactor f;
  for (int64_t t = t0; t < t1; ++t) {
    const std::vector<int32_t> &s = m.sources[allToAll ? 0 : t];
    f.sum += int64_t(s.size());
    for (int32_t i : s)
      if (!(*mask)[i]) {
        (*mask)[i] = 1;
        ++f.distinct;
      }
  }
  return f;
}

Factors rowFactors(const Population &pop, int64_t h0, int64_t h1) {
  Factors f;
  std::vector<char> mask;
  for (const Projection &p : pop.inputs)
    f.push_back(unionOf(p.rows, p.allToAll, h0, h1, &mask));
  return f;
}

Factors colFactors(const Population &pop, int64_t w0, int64_t w1) {
  Factors f;
  std::vector<char> mask;
  for (const Projection &p : pop.inputs)
    f.push_back(unionOf(p.cols, p.allToAll, w0, w1, &mask));
  return f;
}

CoreUsage usageOf(const Network &net, const HardwareModel &hw,
                  const Population &pop, int64_t c0, int64_t c1,
                  const Factors &rows, const Factors &cols) {
  CoreUsage u;
  int64_t nc = c1 - c0;
  u.tableEntries = nc * pop.tableEntriesPerChannel;
  for (size_t i = 0; i < pop.inputs.size(); ++i) {
    const Projection &p = pop.inputs[i];
    const Population &source = net.populations[p.source];
    auto [ch0, ch1] = sourceChannels(p, source, c0, c1);
    int64_t perTargetChannels =
        p.allToAll ? source.channels : p.inChannelsPerGroup;
    int64_t synapses = nc * rows[i].sum * cols[i].sum * perTargetChannels;
    u.faninAxons +=
        inputAxons(hw, rows[i].distinct * cols[i].distinct, ch0, ch1);
    u.synapses += synapses;
    bool shared = hw.convWeightSharing && !p.allToAll;
    u.synapseBits += (shared ? nc * p.sharedWeightsPerChannel : synapses) *
                     hw.bitsPerSynapse();
  }
  return u;
}

CoreUsage usageOf(const Network &net, const HardwareModel &hw,
                  const Core &core) {
  const Population &pop = net.populations[core.population];
  CoreUsage u =
      usageOf(net, hw, pop, core.c0, core.c1, rowFactors(pop, core.h0, core.h1),
              colFactors(pop, core.w0, core.w1));
  u.compartments = core.neurons();
  return u;
}

CoreUsageCounter::CoreUsageCounter(const Network &net, const HardwareModel &hw)
    : net(net), hw(hw), neurons(net.populations.size()),
      axons(net.populations.size()), channels(net.populations.size()) {}

bool CoreUsageCounter::mark(std::vector<int32_t> &stamps, int64_t size,
                            int64_t i) {
  if (stamps.empty())
    stamps.assign(size_t(size), -1);
  if (stamps[size_t(i)] == epoch)
    return false;
  stamps[size_t(i)] = epoch;
  return true;
}

CoreUsage
CoreUsageCounter::core(const std::vector<Core> &blocks,
                       const std::vector<int> &members,
                       const std::function<void(int, int64_t)> &onSource) {
  ++epoch;
  CoreUsage u;
  for (int b : members) {
    const Core &blk = blocks[size_t(b)];
    const Population &pop = net.populations[size_t(blk.population)];
    u.compartments += blk.neurons();
    int64_t newChannels = 0;
    for (int64_t c = blk.c0; c < blk.c1; ++c)
      newChannels += mark(channels[size_t(blk.population)], pop.channels, c);
    u.tableEntries += newChannels * pop.tableEntriesPerChannel;
    for (const Projection &p : pop.inputs) {
      const Population &src = net.populations[size_t(p.source)];
      auto [ch0, ch1] = sourceChannels(p, src, blk.c0, blk.c1);
      DimFactor rows = unionOf(p.rows, p.allToAll, blk.h0, blk.h1, &rowMask);
      DimFactor cols = unionOf(p.cols, p.allToAll, blk.w0, blk.w1, &colMask);
      int64_t synapses = (blk.c1 - blk.c0) * rows.sum * cols.sum *
                         (p.allToAll ? src.channels : p.inChannelsPerGroup);
      u.synapses += synapses;
      bool shared = hw.convWeightSharing && !p.allToAll;
      u.synapseBits +=
          (shared ? newChannels * p.sharedWeightsPerChannel : synapses) *
          hw.bitsPerSynapse();
      std::vector<int32_t> &seen = neurons[size_t(p.source)];
      std::vector<int32_t> &seenAxon = axons[size_t(p.source)];
      for (int64_t c = ch0; c < ch1; ++c)
        for (int64_t h = 0; h < src.height; ++h) {
          if (!rowMask[size_t(h)])
            continue;
          for (int64_t w = 0; w < src.width; ++w) {
            int64_t i = (c * src.height + h) * src.width + w;
            if (!colMask[size_t(w)] || !mark(seen, src.size(), i))
              continue;
            u.faninAxons += mark(seenAxon, src.size(), axonOf(hw, src, i));
            if (onSource)
              onSource(p.source, i);
          }
        }
    }
  }
  return u;
}

std::vector<CoreUsage> sharedUsage(const Network &net, const HardwareModel &hw,
                                   const std::vector<Core> &blocks,
                                   const std::vector<int> &coreOf, int numCores,
                                   std::vector<int64_t> *blockFanout) {
  size_t np = net.populations.size();
  std::vector<std::vector<int32_t>> blockAt(np); // neuron -> block
  std::vector<std::vector<int>> members(static_cast<size_t>(numCores));
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Core &k = blocks[b];
    const Population &pop = net.populations[size_t(k.population)];
    std::vector<int32_t> &at = blockAt[size_t(k.population)];
    if (at.empty())
      at.assign(size_t(pop.size()), -1);
    for (int64_t c = k.c0; c < k.c1; ++c)
      for (int64_t h = k.h0; h < k.h1; ++h)
        for (int64_t w = k.w0; w < k.w1; ++w)
          at[size_t((c * pop.height + h) * pop.width + w)] = int32_t(b);
    members[size_t(coreOf[b])].push_back(int(b));
  }
  std::vector<int64_t> fanout(blocks.size(), 0);
  // A block needs slotsPerAxon entries per input axon of the core that its
  // neurons reach: the distinct (block, axon) pairs of the core's sources.
  std::vector<std::tuple<int32_t, int, int64_t>> reached;
  auto onSource = [&](int source, int64_t i) {
    const std::vector<int32_t> &at = blockAt[size_t(source)];
    const Population &src = net.populations[size_t(source)];
    if (src.mapped() && !at.empty() && at[size_t(i)] >= 0)
      reached.emplace_back(at[size_t(i)], source, axonOf(hw, src, i));
  };
  CoreUsageCounter counter(net, hw);
  std::vector<CoreUsage> used(static_cast<size_t>(numCores));
  for (int k = 0; k < numCores; ++k) {
    reached.clear();
    used[size_t(k)] = counter.core(blocks, members[size_t(k)], onSource);
    std::sort(reached.begin(), reached.end());
    reached.erase(std::unique(reached.begin(), reached.end()), reached.end());
    for (const auto &r : reached)
      fanout[size_t(std::get<0>(r))] += slotsPerAxon(hw);
  }
  for (size_t b = 0; b < blocks.size(); ++b)
    used[size_t(coreOf[b])].fanoutAxons += fanout[b];
  if (blockFanout)
    *blockFanout = std::move(fanout);
  return used;
}

CoreUsage plus(const CoreUsage &a, const CoreUsage &b) {
  CoreUsage s;
  s.compartments = a.compartments + b.compartments;
  s.faninAxons = a.faninAxons + b.faninAxons;
  s.fanoutAxons = a.fanoutAxons + b.fanoutAxons;
  s.synapses = a.synapses + b.synapses;
  s.synapseBits = a.synapseBits + b.synapseBits;
  s.tableEntries = a.tableEntries + b.tableEntries;
  return s;
}

double fullness(const HardwareModel &hw, const CoreUsage &u) {
  return std::max({double(u.compartments) / double(hw.compartments),
                   double(u.faninAxons) / double(hw.faninAxons),
                   double(u.fanoutAxons) / double(hw.fanoutAxons),
                   double(u.synapseBits) / (8.0 * hw.synapseMemoryBytes),
                   double(u.tableEntries) / double(hw.tableEntries)});
}

std::string violation(const HardwareModel &hw, const CoreUsage &u,
                      int64_t *have, int64_t *limit) {
  struct Check {
    const char *key;
    int64_t have, limit;
  } checks[] = {{"core.compartments", u.compartments, hw.compartments},
                {"core.fanin_axons", u.faninAxons, hw.faninAxons},
                {"core.synapse_memory_bytes", ceilDiv(u.synapseBits, 8),
                 hw.synapseMemoryBytes},
                {"core.table_entries", u.tableEntries, hw.tableEntries},
                {"core.fanout_axons", u.fanoutAxons, hw.fanoutAxons}};
  for (const Check &c : checks)
    if (c.have > c.limit) {
      *have = c.have;
      *limit = c.limit;
      return c.key;
    }
  return "";
}

namespace {

/// Inclusive prefix sums of a dense (n0 x n1 x n2) count, in place into a
/// (n0+1) x (n1+1) x (n2+1) table.
std::vector<int64_t> summedVolume(const std::vector<int64_t> &count, int64_t n0,
                                  int64_t n1, int64_t n2) {
  std::vector<int64_t> t(size_t((n0 + 1) * (n1 + 1) * (n2 + 1)), 0);
  auto at = [&](int64_t a, int64_t b, int64_t c) -> int64_t & {
    return t[size_t((a * (n1 + 1) + b) * (n2 + 1) + c)];
  };
  for (int64_t a = 1; a <= n0; ++a)
    for (int64_t b = 1; b <= n1; ++b)
      for (int64_t c = 1; c <= n2; ++c)
        at(a, b, c) = count[size_t(((a - 1) * n1 + b - 1) * n2 + c - 1)] +
                      at(a - 1, b, c) + at(a, b - 1, c) + at(a, b, c - 1) -
                      at(a - 1, b - 1, c) - at(a - 1, b, c - 1) -
                      at(a, b - 1, c - 1) + at(a - 1, b - 1, c - 1);
  return t;
}

/// The box [a0,a1) x [b0,b1) x [c0,c1) of a summedVolume table.
int64_t box(const std::vector<int64_t> &t, int64_t n1, int64_t n2, int64_t a0,
            int64_t a1, int64_t b0, int64_t b1, int64_t c0, int64_t c1) {
  auto at = [&](int64_t a, int64_t b, int64_t c) {
    return t[size_t((a * (n1 + 1) + b) * (n2 + 1) + c)];
  };
  return at(a1, b1, c1) - at(a0, b1, c1) - at(a1, b0, c1) - at(a1, b1, c0) +
         at(a0, b0, c1) + at(a0, b1, c0) + at(a1, b0, c0) - at(a0, b0, c0);
}

} // namespace

std::vector<int32_t> prefixCounts(const std::vector<char> &mask) {
  std::vector<int32_t> before(mask.size() + 1, 0);
  for (size_t i = 0; i < mask.size(); ++i)
    before[i + 1] = before[i] + (mask[i] ? 1 : 0);
  return before;
}

FanoutReaders::FanoutReaders(const Network &net, const HardwareModel &hw,
                             int source,
                             const std::vector<std::vector<Core>> &coresOf)
    : hw(&hw) {
  const Population &src = net.populations[source];
  int64_t C = src.channels;
  H = src.height, W = src.width;
  std::vector<int64_t> fullCount(size_t(H * W), 0), partialCount;
  std::vector<char> rowMask, colMask;
  for (int q : src.consumers) {
    const Population &pop = net.populations[q];
    for (const Core &b : coresOf[q])
      for (const Projection &p : pop.inputs) {
        if (p.source != source)
          continue;
        auto [ch0, ch1] = sourceChannels(p, src, b.c0, b.c1);
        unionOf(p.rows, p.allToAll, b.h0, b.h1, &rowMask);
        unionOf(p.cols, p.allToAll, b.w0, b.w1, &colMask);
        bool all = ch0 == 0 && ch1 == C;
        if (!all && hw.populationAxons)
          readers.push_back(
              {ch0, ch1, prefixCounts(rowMask), prefixCounts(colMask)});
        if (!all && partialCount.empty())
          partialCount.assign(size_t(C * H * W), 0);
        for (int64_t h = 0; h < H; ++h) {
          if (!rowMask[size_t(h)])
            continue;
          for (int64_t w = 0; w < W; ++w) {
            if (!colMask[size_t(w)])
              continue;
            if (all)
              ++fullCount[size_t(h * W + w)];
            else
              for (int64_t c = ch0; c < ch1; ++c)
                ++partialCount[size_t((c * H + h) * W + w)];
          }
        }
      }
  }
  // A single neuron reaches one axon per reading core.
  int64_t most = 0;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < H * W; ++i)
      most = std::max(
          most,
          fullCount[size_t(i)] +
              (partialCount.empty() ? 0 : partialCount[size_t(c * H * W + i)]));
  maxSingle_ = most * slotsPerAxon(hw);
  full = summedVolume(fullCount, 1, H, W);
  if (!partialCount.empty() && !hw.populationAxons)
    partial = summedVolume(partialCount, C, H, W);
}

int64_t FanoutReaders::of(int64_t c0, int64_t c1, int64_t h0, int64_t h1,
                          int64_t w0, int64_t w1) const {
  if (!hw)
    return 0;
  int64_t total =
      outputSlots(*hw, box(full, H, W, 0, 1, h0, h1, w0, w1), c0, c1);
  if (!partial.empty())
    total += slotsPerAxon(*hw) * box(partial, H, W, c0, c1, h0, h1, w0, w1);
  for (const Reader &r : readers) {
    int64_t positions =
        int64_t(r.rowsBefore[size_t(h1)] - r.rowsBefore[size_t(h0)]) *
        (r.colsBefore[size_t(w1)] - r.colsBefore[size_t(w0)]);
    total +=
        outputSlots(*hw, positions, std::max(c0, r.ch0), std::min(c1, r.ch1));
  }
  return total;
}

} // namespace detail
} // namespace mapping
} // namespace snnc

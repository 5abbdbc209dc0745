//===- BlockUsage.cpp - per-core resource usage of a block of neurons -----===//
//
// Implements BlockUsage.h: the usage formulas of docs/mapping.md
// ("Partitioning") for one block, in factorised form, and the fan-out
// table built from the consumers' cores.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"

#include <algorithm>

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
    u.faninAxons += rows[i].distinct * cols[i].distinct * (ch1 - ch0);
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
      channels(net.populations.size()) {}

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
                       const std::function<void(int, int64_t)> &onAxon) {
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
      for (int64_t c = ch0; c < ch1; ++c)
        for (int64_t h = 0; h < src.height; ++h) {
          if (!rowMask[size_t(h)])
            continue;
          for (int64_t w = 0; w < src.width; ++w) {
            int64_t i = (c * src.height + h) * src.width + w;
            if (!colMask[size_t(w)] || !mark(seen, src.size(), i))
              continue;
            ++u.faninAxons;
            if (onAxon)
              onAxon(p.source, i);
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
  auto onAxon = [&](int source, int64_t i) {
    const std::vector<int32_t> &at = blockAt[size_t(source)];
    if (net.populations[size_t(source)].mapped() && !at.empty() &&
        at[size_t(i)] >= 0)
      ++fanout[size_t(at[size_t(i)])];
  };
  CoreUsageCounter counter(net, hw);
  std::vector<CoreUsage> used(static_cast<size_t>(numCores));
  for (int k = 0; k < numCores; ++k)
    used[size_t(k)] = counter.core(blocks, members[size_t(k)], onAxon);
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

FanoutReaders::FanoutReaders(const Network &net, int source,
                             const std::vector<std::vector<Core>> &coresOf) {
  const Population &src = net.populations[source];
  C = src.channels, H = src.height, W = src.width;
  std::vector<int64_t> count(size_t(C * H * W), 0);
  std::vector<char> rowMask, colMask;
  std::vector<int64_t> rows, cols;
  for (int q : src.consumers) {
    const Population &pop = net.populations[q];
    for (const Core &b : coresOf[q])
      for (const Projection &p : pop.inputs) {
        if (p.source != source)
          continue;
        if (p.allToAll) {
          ++dense;
          continue;
        }
        auto [ch0, ch1] = sourceChannels(p, src, b.c0, b.c1);
        unionOf(p.rows, false, b.h0, b.h1, &rowMask);
        unionOf(p.cols, false, b.w0, b.w1, &colMask);
        rows.clear();
        cols.clear();
        for (int64_t h = 0; h < H; ++h)
          if (rowMask[h])
            rows.push_back(h);
        for (int64_t w = 0; w < W; ++w)
          if (colMask[w])
            cols.push_back(w);
        for (int64_t c = ch0; c < ch1; ++c)
          for (int64_t h : rows)
            for (int64_t w : cols)
              ++count[size_t((c * H + h) * W + w)];
      }
  }
  int64_t most = 0;
  for (int64_t v : count)
    most = std::max(most, v);
  maxSingle_ = most + dense;
  table.assign(size_t((C + 1) * (H + 1) * (W + 1)), 0);
  auto ref = [&](int64_t c, int64_t h, int64_t w) -> int64_t & {
    return table[size_t((c * (H + 1) + h) * (W + 1) + w)];
  };
  for (int64_t c = 1; c <= C; ++c)
    for (int64_t h = 1; h <= H; ++h)
      for (int64_t w = 1; w <= W; ++w)
        ref(c, h, w) = count[size_t(((c - 1) * H + h - 1) * W + w - 1)] +
                       ref(c - 1, h, w) + ref(c, h - 1, w) + ref(c, h, w - 1) -
                       ref(c - 1, h - 1, w) - ref(c - 1, h, w - 1) -
                       ref(c, h - 1, w - 1) + ref(c - 1, h - 1, w - 1);
}

int64_t FanoutReaders::of(int64_t c0, int64_t c1, int64_t h0, int64_t h1,
                          int64_t w0, int64_t w1) const {
  if (table.empty())
    return 0;
  int64_t box = at(c1, h1, w1) - at(c0, h1, w1) - at(c1, h0, w1) -
                at(c1, h1, w0) + at(c0, h0, w1) + at(c0, h1, w0) +
                at(c1, h0, w0) - at(c0, h0, w0);
  return box + dense * (c1 - c0) * (h1 - h0) * (w1 - w0);
}

} // namespace detail
} // namespace mapping
} // namespace snnc

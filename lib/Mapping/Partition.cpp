//===- Partition.cpp - split populations into cores within every limit ----===//
//
// For each population the candidate block shapes are all (tc, th, tw) with
// tc = ceil(C/k) etc.; they are tried in order of the cores they need, and
// the first core count at which some shape satisfies every post-synaptic
// limit (compartments, fan-in axons, synaptic memory, per-step table
// entries) wins, ties broken by the fewest fan-in axons in total (a proxy
// for routed spikes). All of these grow with the block, so a population can
// be mapped iff a single neuron fits: that check comes first and produces
// the diagnostic. Fan-out axons depend on the consumers' blocks, so they are
// checked afterwards, from the last population to the first, shrinking a
// population's blocks until its cores' fan-out fits.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Mapping.h"

#include "snnc/Support/Limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <tuple>

namespace snnc {
namespace mapping {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Distinct values of ceil(n / k) for k = 1..n, in O(sqrt(n)).
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

/// Source channel range [first, last) that target channels [c0, c1) read.
std::pair<int64_t, int64_t> sourceChannels(const Projection &p,
                                           const Population &source, int64_t c0,
                                           int64_t c1) {
  if (p.allToAll)
    return {0, source.channels};
  int64_t g0 = c0 / p.outChannelsPerGroup;
  int64_t g1 = (c1 - 1) / p.outChannelsPerGroup + 1;
  return {g0 * p.inChannelsPerGroup, g1 * p.inChannelsPerGroup};
}

const std::vector<int32_t> &sourcesOf(const DimensionMap &m, bool allToAll,
                                      int64_t target) {
  return m.sources[allToAll ? 0 : target];
}

/// Marks the source coordinates that targets [t0, t1) read; returns
/// (distinct sources, sum over targets of their sources).
std::pair<int64_t, int64_t> unionOf(const DimensionMap &m, bool allToAll,
                                    int64_t t0, int64_t t1,
                                    std::vector<char> *mask) {
  mask->assign(size_t(m.sourceExtent), 0);
  int64_t sum = 0, distinct = 0;
  for (int64_t t = t0; t < t1; ++t) {
    const std::vector<int32_t> &s = sourcesOf(m, allToAll, t);
    sum += int64_t(s.size());
    for (int32_t i : s)
      if (!(*mask)[i]) {
        (*mask)[i] = 1;
        ++distinct;
      }
  }
  return {distinct, sum};
}

class Partitioner {
public:
  Partitioner(const Network &net, const HardwareModel &hw, Mapping &mapping,
              std::string &error)
      : net(net), hw(hw), mapping(mapping), error(error) {}
  bool run();

private:
  CoreUsage usageOf(const Population &pop, const Core &core) const;
  std::string violation(const CoreUsage &u, int64_t *have,
                        int64_t *limit) const;
  bool partition(int popIndex, int64_t neuronCap, std::vector<Core> *cores,
                 PopulationMapping *pm);
  std::string singleNeuronDiagnostic(int popIndex, const CoreUsage &u) const;
  void link(int dst, const std::vector<std::vector<Core>> &coresOf,
            std::vector<CoreLink> *links,
            std::vector<std::vector<int64_t>> *fanout) const;
  void lowerBounds(int popIndex, PopulationMapping *pm) const;

  const Network &net;
  const HardwareModel &hw;
  Mapping &mapping;
  std::string &error;
};

CoreUsage Partitioner::usageOf(const Population &pop, const Core &core) const {
  CoreUsage u;
  int64_t nc = core.c1 - core.c0;
  u.compartments = core.neurons();
  u.tableEntries = nc * pop.tableEntriesPerChannel;
  std::vector<char> mask;
  for (const Projection &p : pop.inputs) {
    const Population &source = net.populations[p.source];
    auto [ch0, ch1] = sourceChannels(p, source, core.c0, core.c1);
    auto [rowsDistinct, rowsSum] =
        unionOf(p.rows, p.allToAll, core.h0, core.h1, &mask);
    auto [colsDistinct, colsSum] =
        unionOf(p.cols, p.allToAll, core.w0, core.w1, &mask);
    int64_t perTargetChannels =
        p.allToAll ? source.channels : p.inChannelsPerGroup;
    int64_t synapses = nc * rowsSum * colsSum * perTargetChannels;
    u.faninAxons += rowsDistinct * colsDistinct * (ch1 - ch0);
    u.synapses += synapses;
    bool shared = hw.convWeightSharing && !p.allToAll;
    u.synapseBits += (shared ? nc * p.sharedWeightsPerChannel : synapses) *
                     hw.bitsPerSynapse();
  }
  return u;
}

/// The first limit `u` breaks (empty if none), with the numbers.
std::string Partitioner::violation(const CoreUsage &u, int64_t *have,
                                   int64_t *limit) const {
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

std::string Partitioner::singleNeuronDiagnostic(int popIndex,
                                                const CoreUsage &u) const {
  const Population &pop = net.populations[popIndex];
  int64_t have = 0, limit = 0;
  std::string key = violation(u, &have, &limit);
  std::string what = key == "core.fanin_axons" ? "fan-in axons"
                     : key == "core.synapse_memory_bytes"
                         ? "bytes of synaptic memory"
                     : key == "core.table_entries" ? "per-step table entries"
                                                   : "compartments";
  std::string inputs;
  for (const Projection &p : pop.inputs) {
    std::string via;
    for (const std::string &v : p.via)
      via += v + ", ";
    inputs += fmt::format("{}'{}' via {}{}", inputs.empty() ? "" : "; ",
                          net.populations[p.source].name, via, p.synapseLayer);
  }
  return fmt::format("layer '{}' cannot be mapped on {}: one neuron needs {} "
                     "{} (inputs: {}) but a core has {} = {}",
                     pop.name, hw.name, have, what, inputs, key, limit);
}

/// The neuron with the most synaptic sources. A neuron's usage is
/// sum over projections of rows(h) x cols(w) x channels (the channel factor
/// does not depend on the neuron), so the search is over (h, w) only.
/// The corner neuron is not enough: with padding it reads fewer sources
/// than the neurons in the middle.
Core worstNeuron(const Network &net, int popIndex) {
  const Population &pop = net.populations[popIndex];
  Core worst{popIndex, 0, 1, 0, 1, 0, 1, CoreUsage()};
  int64_t most = -1;
  auto count = [](const DimensionMap &m, bool allToAll, int64_t t) {
    return int64_t(m.sources[allToAll ? 0 : t].size());
  };
  for (int64_t h = 0; h < pop.height; ++h)
    for (int64_t w = 0; w < pop.width; ++w) {
      int64_t sum = 0;
      for (const Projection &p : pop.inputs)
        sum += count(p.rows, p.allToAll, h) * count(p.cols, p.allToAll, w) *
               (p.allToAll ? net.populations[p.source].channels
                           : p.inChannelsPerGroup);
      if (sum > most) {
        most = sum;
        worst.h0 = h, worst.h1 = h + 1, worst.w0 = w, worst.w1 = w + 1;
      }
    }
  return worst;
}

bool Partitioner::partition(int popIndex, int64_t neuronCap,
                            std::vector<Core> *cores, PopulationMapping *pm) {
  const Population &pop = net.populations[popIndex];
  CoreUsage single = usageOf(pop, worstNeuron(net, popIndex));
  int64_t have, limit;
  if (!violation(single, &have, &limit).empty()) {
    error = singleNeuronDiagnostic(popIndex, single);
    return false;
  }
  struct Candidate {
    int64_t tc, th, tw, cores;
  };
  std::vector<Candidate> candidates;
  for (int64_t tc : blockSizes(pop.channels))
    for (int64_t th : blockSizes(pop.height))
      for (int64_t tw : blockSizes(pop.width))
        if (int64_t n = ceilDiv(pop.channels, tc) * ceilDiv(pop.height, th) *
                        ceilDiv(pop.width, tw);
            tc * th * tw <= neuronCap && n <= limits::kMaxCores)
          candidates.push_back({tc, th, tw, n});
  if (candidates.empty()) {
    error = fmt::format("layer '{}' cannot be mapped on {}: blocks of at most "
                        "{} neurons need more than {} cores (the mapper's "
                        "limit)",
                        pop.name, hw.name, neuronCap, limits::kMaxCores);
    return false;
  }
  // Deterministic order: fewest cores first, then the generation order.
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate &a, const Candidate &b) {
              return std::tie(a.cores, b.tc, b.th, b.tw) <
                     std::tie(b.cores, a.tc, a.th, a.tw);
            });
  int64_t bestCores = -1, bestFanin = 0;
  for (const Candidate &cand : candidates) {
    if (bestCores >= 0 && cand.cores > bestCores)
      break;
    std::vector<Core> blocks;
    int64_t totalFanin = 0;
    bool fits = true;
    for (int64_t c = 0; c < pop.channels && fits; c += cand.tc)
      for (int64_t h = 0; h < pop.height && fits; h += cand.th)
        for (int64_t w = 0; w < pop.width && fits; w += cand.tw) {
          Core core{popIndex,
                    c,
                    std::min(c + cand.tc, pop.channels),
                    h,
                    std::min(h + cand.th, pop.height),
                    w,
                    std::min(w + cand.tw, pop.width),
                    CoreUsage()};
          core.usage = usageOf(pop, core);
          fits = violation(core.usage, &have, &limit).empty();
          totalFanin += core.usage.faninAxons;
          blocks.push_back(core);
        }
    if (fits && (bestCores < 0 || totalFanin < bestFanin)) {
      bestCores = cand.cores;
      bestFanin = totalFanin;
      *cores = std::move(blocks);
      pm->blockC = cand.tc;
      pm->blockH = cand.th;
      pm->blockW = cand.tw;
    }
  }
  // The 1x1x1 candidate always fits once the worst single neuron fits; if
  // that reasoning is ever wrong, say so instead of failing silently.
  if (bestCores < 0)
    error = fmt::format("internal: layer '{}' on {}: no block shape of at most "
                        "{} neurons fits although its largest neuron does",
                        pop.name, hw.name, neuronCap);
  return bestCores >= 0;
}

/// Links every source core to the cores of population `dst` it feeds and
/// adds the output axons this needs to the source cores' fan-out.
void Partitioner::link(int dst, const std::vector<std::vector<Core>> &coresOf,
                       std::vector<CoreLink> *links,
                       std::vector<std::vector<int64_t>> *fanout) const {
  const Population &pop = net.populations[dst];
  std::vector<char> rowMask, colMask;
  for (size_t b = 0; b < coresOf[dst].size(); ++b) {
    const Core &target = coresOf[dst][b];
    for (const Projection &p : pop.inputs) {
      const Population &source = net.populations[p.source];
      auto [ch0, ch1] = sourceChannels(p, source, target.c0, target.c1);
      unionOf(p.rows, p.allToAll, target.h0, target.h1, &rowMask);
      unionOf(p.cols, p.allToAll, target.w0, target.w1, &colMask);
      auto count = [](const std::vector<char> &mask, int64_t a, int64_t b) {
        return int64_t(std::count(mask.begin() + a, mask.begin() + b, 1));
      };
      if (!source.mapped()) {
        int64_t n = (ch1 - ch0) * count(rowMask, 0, source.height) *
                    count(colMask, 0, source.width);
        if (n > 0)
          links->push_back({-1 - p.source, int(b), n, p.source});
        continue;
      }
      for (size_t a = 0; a < coresOf[p.source].size(); ++a) {
        const Core &s = coresOf[p.source][a];
        int64_t channels =
            std::max<int64_t>(0, std::min(ch1, s.c1) - std::max(ch0, s.c0));
        int64_t n =
            channels * count(rowMask, s.h0, s.h1) * count(colMask, s.w0, s.w1);
        if (n == 0)
          continue;
        links->push_back({int(a), int(b), n, p.source});
        (*fanout)[p.source][a] += n;
      }
    }
  }
}

void Partitioner::lowerBounds(int popIndex, PopulationMapping *pm) const {
  const Population &pop = net.populations[popIndex];
  int64_t bits = 0;
  for (const Projection &p : pop.inputs)
    bits +=
        (hw.convWeightSharing && !p.allToAll ? p.distinctWeights : p.synapses) *
        hw.bitsPerSynapse();
  // Every source neuron that feeds the population needs an input axon in at
  // least one core, and a core has faninAxons of them.
  Core whole;
  whole.c1 = pop.channels;
  whole.h1 = pop.height;
  whole.w1 = pop.width;
  int64_t sources = usageOf(pop, whole).faninAxons;
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
       pop.consumers.empty() ? 0 : ceilDiv(pop.size(), hw.fanoutAxons)}};
  pm->lowerBound = 1;
  pm->lowerBoundBy = "one core";
  for (const Bound &b : bounds)
    if (b.cores > pm->lowerBound) {
      pm->lowerBound = b.cores;
      pm->lowerBoundBy = b.by;
    }
}

bool Partitioner::run() {
  int n = int(net.populations.size());
  std::vector<std::vector<Core>> coresOf(n);
  std::vector<PopulationMapping> pms(n);
  std::vector<int64_t> cap(n, hw.compartments);
  for (int p = 0; p < n; ++p) {
    if (!net.populations[p].mapped())
      continue;
    pms[p].population = p;
    if (!partition(p, cap[p], &coresOf[p], &pms[p]))
      return false;
    lowerBounds(p, &pms[p]);
  }
  // Fan-out: consumers come later, so settle populations from the back.
  for (int p = n - 1; p >= 0; --p) {
    if (!net.populations[p].mapped())
      continue;
    // Each round shrinks the blocks, so this ends (at one neuron at most).
    for (;;) {
      std::vector<std::vector<int64_t>> fanout(n);
      for (int q = 0; q < n; ++q)
        fanout[q].assign(coresOf[q].size(), 0);
      std::vector<CoreLink> links;
      for (int consumer : net.populations[p].consumers)
        link(consumer, coresOf, &links, &fanout);
      int64_t worst = 0, worstNeurons = 1;
      for (size_t a = 0; a < coresOf[p].size(); ++a) {
        coresOf[p][a].usage.fanoutAxons = fanout[p][a];
        if (fanout[p][a] > worst) {
          worst = fanout[p][a];
          worstNeurons = coresOf[p][a].neurons();
        }
      }
      if (worst <= hw.fanoutAxons)
        break;
      if (worstNeurons == 1) {
        error = fmt::format(
            "layer '{}' cannot be mapped on {}: one neuron needs {} fan-out "
            "axons (it has synapses in that many cores of its consumers) but "
            "a core has core.fanout_axons = {}",
            net.populations[p].name, hw.name, worst, hw.fanoutAxons);
        return false;
      }
      int64_t largest = 0;
      for (const Core &c : coresOf[p])
        largest = std::max(largest, c.neurons());
      cap[p] = std::max<int64_t>(
          1, std::min(largest - 1, largest * hw.fanoutAxons / worst));
      if (!partition(p, cap[p], &coresOf[p], &pms[p]))
        return false;
    }
  }
  // Flatten into the global core list; links use global core indices.
  mapping = Mapping();
  std::vector<int> first(n, 0);
  for (int p = 0; p < n; ++p) {
    if (!net.populations[p].mapped())
      continue;
    first[p] = int(mapping.cores.size());
    pms[p].firstCore = first[p];
    pms[p].numCores = int(coresOf[p].size());
    mapping.cores.insert(mapping.cores.end(), coresOf[p].begin(),
                         coresOf[p].end());
    mapping.populations.push_back(pms[p]);
    mapping.lowerBound += pms[p].lowerBound;
  }
  std::vector<std::vector<int64_t>> unusedFanout(n);
  for (int p = 0; p < n; ++p)
    unusedFanout[p].assign(coresOf[p].size(), 0);
  for (int p = 0; p < n; ++p) {
    if (!net.populations[p].mapped())
      continue;
    std::vector<CoreLink> links;
    link(p, coresOf, &links, &unusedFanout);
    for (CoreLink &l : links) {
      l.to += first[p];
      if (l.from >= 0)
        l.from += first[l.sourcePopulation];
      mapping.links.push_back(l);
    }
  }
  // Bound if cores could hold neurons of several populations.
  int64_t neurons = 0, bits = 0, fanoutNeurons = 0;
  for (const PopulationMapping &pm : mapping.populations) {
    const Population &pop = net.populations[pm.population];
    neurons += pop.size();
    if (!pop.consumers.empty())
      fanoutNeurons += pop.size();
    for (const Projection &p : pop.inputs)
      bits += (hw.convWeightSharing && !p.allToAll ? p.distinctWeights
                                                   : p.synapses) *
              hw.bitsPerSynapse();
  }
  mapping.sharedLowerBound =
      std::max({ceilDiv(neurons, hw.compartments),
                ceilDiv(bits, hw.synapseMemoryBytes * 8),
                ceilDiv(fanoutNeurons, hw.fanoutAxons), int64_t(1)});
  if (int64_t(mapping.cores.size()) > limits::kMaxCores) {
    error = fmt::format("the network needs {} cores on {}, more than the "
                        "mapper's limit of {}",
                        mapping.cores.size(), hw.name, limits::kMaxCores);
    return false;
  }
  int64_t chips = ceilDiv(int64_t(mapping.cores.size()), hw.coresPerChip());
  if (chips > hw.maxChips) {
    error = fmt::format("the network needs {} cores = {} chips of {} but "
                        "mesh.max_chips = {}",
                        mapping.cores.size(), chips, hw.name, hw.maxChips);
    return false;
  }
  mapping.chips = int(chips);
  return true;
}

} // namespace

bool partitionNetwork(const Network &net, const HardwareModel &hw,
                      Mapping *mapping, std::string *error) {
  if (hw.isBaseline) {
    *error = fmt::format("{}: '{}' is a baseline technology (kind "
                         "\"baseline\"), not a chip to map onto",
                         hw.file, hw.name);
    return false;
  }
  return Partitioner(net, hw, *mapping, *error).run();
}

} // namespace mapping
} // namespace snnc

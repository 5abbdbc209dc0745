//===- Partition.cpp - split populations into cores within every limit ----===//
//
// Populations are partitioned from the last to the first, so that when a
// population is cut its consumers' cores are known and the fan-out axons
// of every candidate block are checked together with the post-synaptic
// limits (compartments, fan-in axons, synaptic memory, table entries)
// instead of being repaired afterwards. Candidates: for every channel block
// size tc = ceil(C/i) and column block size tw = ceil(W/k), the rows are cut
// greedily into the tallest bands that fit (edge bands read fewer source
// rows when the convolution is padded, so they can be taller than the inner
// ones). The fewest cores wins; ties go to the fewest fan-in axons in total
// (a proxy for routed spikes). A population is mappable iff its largest
// single neuron fits: that check comes first and produces the diagnostic.
// Lower bounds are computed in PartitionBounds.cpp.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"
#include "Partitioners.h"

#include "snnc/Support/Limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace snnc {
namespace mapping {

void populationLowerBound(const Network &net, const HardwareModel &hw,
                          int popIndex, PopulationMapping *pm,
                          bool withFanout = true);
int64_t sharedLowerBound(const Network &net, const HardwareModel &hw);

namespace {

using namespace detail;

class Partitioner {
public:
  Partitioner(const Network &net, const HardwareModel &hw, Mapping &mapping,
              std::string &error)
      : net(net), hw(hw), mapping(mapping), error(error) {}
  bool run();

private:
  struct Candidate {
    int64_t tc, tw, cores;
    std::vector<int64_t> bandEnds;
  };
  bool partition(int popIndex, const FanoutReaders &readers,
                 std::vector<Core> *cores, PopulationMapping *pm);
  bool greedyRows(int popIndex, const FanoutReaders &readers, int64_t tc,
                  int64_t tw, std::vector<int64_t> *bandEnds) const;
  bool blocksOf(int popIndex, const FanoutReaders &readers,
                const Candidate &cand, std::vector<Core> *blocks,
                int64_t *totalFanin, int64_t *producerCores);
  int64_t producerBound(int source);
  std::string singleNeuronDiagnostic(int popIndex, const CoreUsage &u) const;
  bool fits(CoreUsage u, const FanoutReaders &readers, const Core &b) const {
    u.compartments = b.neurons();
    u.fanoutAxons = readers.of(b.c0, b.c1, b.h0, b.h1, b.w0, b.w1);
    int64_t have, limit;
    return violation(hw, u, &have, &limit).empty();
  }

  const Network &net;
  const HardwareModel &hw;
  Mapping &mapping;
  std::string &error;
  std::vector<int64_t> producerBounds; ///< lazily: bound without fan-out
};

int64_t Partitioner::producerBound(int source) {
  if (producerBounds.empty())
    producerBounds.assign(net.populations.size(), -1);
  if (producerBounds[source] < 0) {
    PopulationMapping pm;
    populationLowerBound(net, hw, source, &pm, false);
    producerBounds[source] = pm.lowerBound;
  }
  return producerBounds[source];
}

std::string Partitioner::singleNeuronDiagnostic(int popIndex,
                                                const CoreUsage &u) const {
  const Population &pop = net.populations[popIndex];
  int64_t have = 0, limit = 0;
  std::string key = violation(hw, u, &have, &limit);
  std::string what = key == "core.fanin_axons" ? "fan-in axons"
                     : key == "core.synapse_memory_bytes"
                         ? "bytes of synaptic memory"
                     : key == "core.table_entries" ? "per-step table entries"
                     : key == "core.fanout_axons"
                         ? "fan-out axons (it has synapses in that many "
                           "cores of its consumers)"
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

/// What the worst single neuron needs of each limit (each limit's own
/// maximum, so it fits iff every neuron does). With population axons the
/// fan-in axons of a grouped convolution's neuron also depend on its
/// channel (which atom groups its input channels fall in), so that
/// maximum is searched over every neuron.
CoreUsage singleNeuronUsage(const Network &net, const HardwareModel &hw,
                            int popIndex) {
  CoreUsage u = usageOf(net, hw, worstNeuron(net, popIndex));
  const Population &pop = net.populations[popIndex];
  bool grouped = false;
  for (const Projection &p : pop.inputs)
    grouped |= !p.allToAll && p.groups > 1;
  if (!hw.populationAxons || !grouped)
    return u;
  for (int64_t c = 0; c < pop.channels; ++c)
    for (int64_t h = 0; h < pop.height; ++h)
      for (int64_t w = 0; w < pop.width; ++w) {
        Core one{popIndex, c, c + 1, h, h + 1, w, w + 1, CoreUsage()};
        u.faninAxons = std::max(u.faninAxons, usageOf(net, hw, one).faninAxons);
      }
  return u;
}

/// Channel blocks whose usage can differ: all of them when channel groups
/// can straddle block borders, otherwise the first and the last.
std::vector<std::pair<int64_t, int64_t>> channelBlocks(const Population &pop,
                                                       int64_t tc, bool all) {
  std::vector<std::pair<int64_t, int64_t>> blocks;
  for (int64_t c = 0; c < pop.channels; c += tc)
    blocks.push_back({c, std::min(c + tc, pop.channels)});
  if (!all && blocks.size() > 2)
    blocks.erase(blocks.begin() + 1, blocks.end() - 1);
  return blocks;
}

bool straddlingGroups(const Network &net, int popIndex) {
  const Population &pop = net.populations[popIndex];
  auto grouped = [](const Projection &p, int64_t channels) {
    return !p.allToAll && p.groups > 1 && p.groups < channels;
  };
  for (const Projection &p : pop.inputs)
    if (grouped(p, pop.channels))
      return true;
  for (int q : pop.consumers)
    for (const Projection &p : net.populations[q].inputs)
      if (p.source == popIndex && grouped(p, net.populations[q].channels))
        return true;
  return false;
}

bool Partitioner::greedyRows(int popIndex, const FanoutReaders &readers,
                             int64_t tc, int64_t tw,
                             std::vector<int64_t> *bandEnds) const {
  const Population &pop = net.populations[popIndex];
  auto chans = channelBlocks(pop, tc, straddlingGroups(net, popIndex));
  std::vector<std::pair<int64_t, Factors>> cols;
  for (int64_t w = 0; w < pop.width; w += tw) {
    int64_t w1 = std::min(w + tw, pop.width);
    cols.push_back({w, colFactors(pop, w, w1)});
  }
  auto bandFits = [&](int64_t h0, int64_t h1) {
    Factors rows = rowFactors(pop, h0, h1);
    for (auto [c0, c1] : chans)
      for (const auto &[w0, cf] : cols) {
        Core b{popIndex, c0, c1, h0, h1, w0, std::min(w0 + tw, pop.width)};
        if (!fits(usageOf(net, hw, pop, c0, c1, rows, cf), readers, b))
          return false;
      }
    return true;
  };
  bandEnds->clear();
  for (int64_t h0 = 0; h0 < pop.height;) {
    if (!bandFits(h0, h0 + 1))
      return false;
    int64_t h1 = h0 + 1;
    while (h1 < pop.height && bandFits(h0, h1 + 1))
      ++h1;
    bandEnds->push_back(h1);
    h0 = h1;
  }
  return true;
}

/// The blocks of `cand` if all fit, their fan-in axons, and the cores their
/// mapped sources need at least: a source's fan-out axons are the fan-in
/// axons these blocks take from it.
bool Partitioner::blocksOf(int popIndex, const FanoutReaders &readers,
                           const Candidate &cand, std::vector<Core> *blocks,
                           int64_t *totalFanin, int64_t *producerCores) {
  const Population &pop = net.populations[popIndex];
  blocks->clear();
  *totalFanin = 0;
  std::vector<int64_t> fanoutNeeded(net.populations.size(), 0);
  int64_t h0 = 0;
  for (int64_t h1 : cand.bandEnds) {
    for (int64_t c = 0; c < pop.channels; c += cand.tc)
      for (int64_t w = 0; w < pop.width; w += cand.tw) {
        Core core{
            popIndex, c, std::min(c + cand.tc, pop.channels), h0,
            h1,       w, std::min(w + cand.tw, pop.width),    CoreUsage()};
        core.usage = usageOf(net, hw, core);
        if (!fits(core.usage, readers, core))
          return false;
        *totalFanin += core.usage.faninAxons;
        Factors rows = rowFactors(pop, core.h0, core.h1);
        Factors cols = colFactors(pop, core.w0, core.w1);
        for (size_t i = 0; i < pop.inputs.size(); ++i) {
          const Projection &p = pop.inputs[i];
          auto [ch0, ch1] =
              sourceChannels(p, net.populations[p.source], core.c0, core.c1);
          fanoutNeeded[p.source] +=
              outputSlots(hw, rows[i].distinct * cols[i].distinct, ch0, ch1);
        }
        blocks->push_back(core);
      }
    h0 = h1;
  }
  *producerCores = 0;
  for (size_t s = 0; s < fanoutNeeded.size(); ++s)
    if (fanoutNeeded[s] > 0 && net.populations[s].mapped())
      *producerCores += std::max(producerBound(int(s)),
                                 ceilDiv(fanoutNeeded[s], hw.fanoutAxons));
  return true;
}

bool Partitioner::partition(int popIndex, const FanoutReaders &readers,
                            std::vector<Core> *cores, PopulationMapping *pm) {
  const Population &pop = net.populations[popIndex];
  CoreUsage single = singleNeuronUsage(net, hw, popIndex);
  single.fanoutAxons = readers.maxSingle();
  int64_t have, limit;
  if (!violation(hw, single, &have, &limit).empty()) {
    error = singleNeuronDiagnostic(popIndex, single);
    return false;
  }
  std::vector<Candidate> candidates;
  int64_t best = INT64_MAX;
  bool tooMany = false; // a shape that fits needs more than kMaxCores
  for (int64_t tc : blockSizes(pop.channels))
    for (int64_t tw : blockSizes(pop.width)) {
      int64_t perBand = ceilDiv(pop.channels, tc) * ceilDiv(pop.width, tw);
      // Bands hold at most compartments / (tc * tw) rows.
      int64_t rows = std::max<int64_t>(1, hw.compartments / (tc * tw));
      if (tc * tw > hw.compartments ||
          (best < INT64_MAX / 4 &&
           perBand * ceilDiv(pop.height, rows) > 4 * best))
        continue;
      Candidate cand{tc, tw, 0, {}};
      if (!greedyRows(popIndex, readers, tc, tw, &cand.bandEnds))
        continue;
      cand.cores = perBand * int64_t(cand.bandEnds.size());
      if (cand.cores > limits::kMaxCores) {
        tooMany = true;
        continue;
      }
      best = std::min(best, cand.cores);
      candidates.push_back(std::move(cand));
    }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const Candidate &a, const Candidate &b) { return a.cores < b.cores; });
  // Objective: this population's cores plus the cores its sources need at
  // least for the fan-out these blocks ask of them; ties: fewest fan-in.
  int64_t bestCores = -1, bestCost = INT64_MAX, bestFanin = 0;
  for (const Candidate &cand : candidates) {
    if (cand.cores > bestCost)
      break;
    std::vector<Core> blocks;
    int64_t fanin = 0, producers = 0;
    if (!blocksOf(popIndex, readers, cand, &blocks, &fanin, &producers))
      continue;
    int64_t cost = cand.cores + producers;
    if (cost < bestCost || (cost == bestCost && fanin < bestFanin)) {
      bestCores = cand.cores, bestCost = cost, bestFanin = fanin;
      *cores = std::move(blocks);
      pm->blockC = cand.tc;
      pm->blockW = cand.tw;
      pm->blockH = 0;
      for (int64_t h0 = 0, i = 0; i < int64_t(cand.bandEnds.size()); ++i)
        pm->blockH = std::max(pm->blockH, cand.bandEnds[i] - h0),
        h0 = cand.bandEnds[i];
    }
  }
  // 1x1x1 blocks always fit once the worst single neuron fits; if that
  // reasoning is ever wrong, say so instead of failing silently.
  if (bestCores < 0 && tooMany && candidates.empty())
    error = fmt::format("layer '{}' needs more than {} cores on {}, the "
                        "mapper's limit (core.compartments = {} for {} "
                        "neurons)",
                        pop.name, limits::kMaxCores, hw.name, hw.compartments,
                        pop.size());
  else if (bestCores < 0)
    error = fmt::format("internal: layer '{}' on {}: no block shape fits "
                        "although its largest neuron does",
                        pop.name, hw.name);
  return bestCores >= 0;
}

/// The source cores a target can read, by rows: when a population's cores
/// come in band order (first and last rows both non-decreasing, as the
/// structured partition lists them) the cores whose rows meet the marked
/// rows [lo, hi] are one contiguous range, found by binary search; every
/// other core reads no marked row and so has no link. Cores in another
/// order (METIS's units) are all candidates.
class BandIndex {
public:
  explicit BandIndex(const std::vector<Core> &cores) {
    for (const Core &c : cores) {
      ordered &= h0.empty() || (c.h0 >= h0.back() && c.h1 >= h1.back());
      h0.push_back(c.h0);
      h1.push_back(c.h1);
    }
  }
  /// Candidate cores [first, last) for `rows` (prefix counts of the mask).
  std::pair<size_t, size_t> meeting(const std::vector<int32_t> &rows) const {
    if (!ordered)
      return {0, h0.size()};
    if (rows.back() == 0)
      return {0, 0};
    // lo: the first marked row; hi: the last.
    int64_t lo =
        std::upper_bound(rows.begin(), rows.end(), 0) - rows.begin() - 1;
    int64_t hi = std::lower_bound(rows.begin(), rows.end(), rows.back()) -
                 rows.begin() - 1;
    size_t first = std::partition_point(h1.begin(), h1.end(),
                                        [&](int64_t x) { return x <= lo; }) -
                   h1.begin();
    size_t last = std::partition_point(h0.begin(), h0.end(),
                                       [&](int64_t x) { return x <= hi; }) -
                  h0.begin();
    return {first, std::max(first, last)};
  }

private:
  bool ordered = true;
  std::vector<int64_t> h0, h1;
};

/// Links every source core to the cores of population `dst` it feeds (in
/// global core indices: population p's cores start at first[p]) and adds
/// the output-axon entries this needs (outputSlots) to the source cores'
/// fan-out.
void link(const Network &net, const HardwareModel &hw, int dst,
          const std::vector<std::vector<Core>> &coresOf,
          const std::vector<int> &first, const std::vector<BandIndex> &bands,
          std::vector<CoreLink> *links,
          std::vector<std::vector<int64_t>> *fanout) {
  const Population &pop = net.populations[dst];
  std::vector<char> mask;
  for (size_t b = 0; b < coresOf[dst].size(); ++b) {
    const Core &target = coresOf[dst][b];
    int to = first[dst] + int(b);
    for (const Projection &p : pop.inputs) {
      const Population &source = net.populations[p.source];
      auto [ch0, ch1] = sourceChannels(p, source, target.c0, target.c1);
      unionOf(p.rows, p.allToAll, target.h0, target.h1, &mask);
      std::vector<int32_t> rows = prefixCounts(mask);
      unionOf(p.cols, p.allToAll, target.w0, target.w1, &mask);
      std::vector<int32_t> cols = prefixCounts(mask);
      if (!source.mapped()) {
        int64_t n = (ch1 - ch0) * rows.back() * cols.back();
        if (n > 0)
          links->push_back({-1 - p.source, to, n, p.source});
        continue;
      }
      auto [begin, end] = bands[p.source].meeting(rows);
      for (size_t a = begin; a < end; ++a) {
        const Core &s = coresOf[p.source][a];
        int64_t channels =
            std::max<int64_t>(0, std::min(ch1, s.c1) - std::max(ch0, s.c0));
        int64_t positions =
            int64_t(rows[s.h1] - rows[s.h0]) * int64_t(cols[s.w1] - cols[s.w0]);
        int64_t n = channels * positions;
        if (n == 0)
          continue;
        int64_t slots = outputSlots(hw, positions, std::max(ch0, s.c0),
                                    std::min(ch1, s.c1));
        links->push_back({first[p.source] + int(a), to, n, p.source, slots});
        (*fanout)[p.source][a] += slots;
      }
    }
  }
}

bool Partitioner::run() {
  int n = int(net.populations.size());
  std::vector<std::vector<Core>> coresOf(n);
  std::vector<PopulationMapping> pms(n);
  // A layer whose largest neuron does not fit is named first, in network
  // order (fan-out is checked with the blocks below).
  NeuronLimit limit;
  if (firstNeuronLimit(net, hw, &limit)) {
    error = singleNeuronDiagnostic(
        limit.population, singleNeuronUsage(net, hw, limit.population));
    return false;
  }
  // Consumers come later: partition from the back, so each population's
  // fan-out is known while its blocks are chosen.
  for (int p = n - 1; p >= 0; --p) {
    if (!net.populations[p].mapped())
      continue;
    pms[p].population = p;
    FanoutReaders readers(net, hw, p, coresOf);
    if (!partition(p, readers, &coresOf[p], &pms[p]))
      return false;
    populationLowerBound(net, hw, p, &pms[p]);
  }
  assembleMapping(net, hw, coresOf, pms, &mapping);
  mapping.sharedLowerBound = sharedLowerBound(net, hw);
  shareCores(hw, &mapping);
  return checkMappingSize(hw, &mapping, &error);
}

} // namespace

void detail::assembleMapping(const Network &net, const HardwareModel &hw,
                             const std::vector<std::vector<Core>> &coresOf,
                             std::vector<PopulationMapping> pms,
                             Mapping *mapping) {
  int n = int(net.populations.size());
  // Flatten into the global core list; links use global core indices.
  *mapping = Mapping();
  std::vector<int> first(n, 0);
  for (int p = 0; p < n; ++p) {
    if (!net.populations[p].mapped())
      continue;
    first[p] = int(mapping->cores.size());
    pms[p].firstCore = first[p];
    pms[p].numCores = int(coresOf[p].size());
    mapping->cores.insert(mapping->cores.end(), coresOf[p].begin(),
                          coresOf[p].end());
    mapping->populations.push_back(pms[p]);
    mapping->lowerBound += pms[p].lowerBound;
  }
  std::vector<std::vector<int64_t>> fanout(n);
  std::vector<BandIndex> bands;
  for (int p = 0; p < n; ++p) {
    fanout[p].assign(coresOf[p].size(), 0);
    bands.emplace_back(coresOf[p]);
  }
  for (int p = 0; p < n; ++p)
    if (net.populations[p].mapped())
      link(net, hw, p, coresOf, first, bands, &mapping->links, &fanout);
  for (int p = 0; p < n; ++p)
    for (size_t a = 0; a < coresOf[p].size(); ++a)
      mapping->cores[first[p] + a].usage.fanoutAxons = fanout[p][a];
}

bool detail::checkMappingSize(const HardwareModel &hw, Mapping *mapping,
                              std::string *error) {
  if (int64_t(mapping->cores.size()) > limits::kMaxCores) {
    *error = fmt::format("the network needs {} cores on {}, more than the "
                         "mapper's limit of {}",
                         mapping->cores.size(), hw.name, limits::kMaxCores);
    return false;
  }
  int64_t chips = ceilDiv(mapping->numCores(), hw.coresPerChip());
  if (chips > hw.maxChips) {
    *error = fmt::format("the network needs {} cores = {} chips of {} but "
                         "mesh.max_chips = {}",
                         mapping->numCores(), chips, hw.name, hw.maxChips);
    return false;
  }
  mapping->chips = int(chips);
  return true;
}

bool firstNeuronLimit(const Network &net, const HardwareModel &hw,
                      NeuronLimit *out) {
  for (int p = 0; p < int(net.populations.size()); ++p) {
    if (!net.populations[p].mapped())
      continue;
    CoreUsage single = singleNeuronUsage(net, hw, p);
    std::string key = violation(hw, single, &out->have, &out->limit);
    if (!key.empty()) {
      out->population = p;
      out->key = key;
      return true;
    }
  }
  return false;
}

/// Blocks beyond which auto does not run METIS.
constexpr size_t kAutoMetisBlocks = 1024;

bool irregularConnectivity(const Network &net) {
  for (const Population &pop : net.populations)
    if (pop.inputs.size() > 1 || pop.consumers.size() > 1)
      return true;
  return false;
}

bool partitionNetwork(const Network &net, const HardwareModel &hw,
                      Mapping *mapping, std::string *error,
                      const std::vector<double> *spikeRate) {
  if (hw.isBaseline) {
    *error = fmt::format("{}: '{}' is a baseline technology (kind "
                         "\"baseline\"), not a chip to map onto",
                         hw.file, hw.name);
    return false;
  }
  // The counting rules divide by some of these (population_atoms).
  if (!validateHardware(hw, error))
    return false;
  Mapping structured;
  if (!Partitioner(net, hw, structured, *error).run())
    return false;
  std::vector<double> rates =
      spikeRate ? *spikeRate : std::vector<double>(net.populations.size(), 1);
  structured.structuredCores = structured.numCores();
  bool tryMetis = hw.partitioner == PartitionMethod::Metis ||
                  (hw.partitioner == PartitionMethod::Auto &&
                   (hw.shareCores || irregularConnectivity(net)));
  if (!tryMetis) {
    *mapping = std::move(structured);
    return true;
  }
  // Under auto, METIS's exact checks cost too much time beyond a few
  // thousand blocks (VGG16 at 64x64: 1625 blocks, 8 s, no fewer cores).
  if (hw.partitioner == PartitionMethod::Auto &&
      structured.cores.size() > kAutoMetisBlocks) {
    *mapping = std::move(structured);
    mapping->metisFailure = fmt::format(
        "not tried under auto: {} blocks > {} (mapping.partitioner = metis "
        "forces it)",
        mapping->cores.size(), kAutoMetisBlocks);
    return true;
  }
  structured.structuredTraffic = interCoreTraffic(net, hw, structured, rates);
  Mapping metis;
  std::string why;
  bool ok =
      metisPartition(net, hw, rates, structured, MetisOptions(), &metis, &why);
  if (!ok && (hw.partitioner == PartitionMethod::Metis ||
              why.rfind("internal:", 0) == 0)) {
    *error = why;
    return false;
  }
  double traffic = ok ? interCoreTraffic(net, hw, metis, rates) : 0;
  bool useMetis = ok && (hw.partitioner == PartitionMethod::Metis ||
                         metis.numCores() < structured.numCores() ||
                         (metis.numCores() == structured.numCores() &&
                          traffic < structured.structuredTraffic));
  int64_t structuredCores = structured.structuredCores;
  double structuredTraffic = structured.structuredTraffic;
  int64_t metisCores = ok ? metis.numCores() : 0;
  *mapping = std::move(useMetis ? metis : structured);
  mapping->partitioner = useMetis ? "metis" : "structured";
  mapping->structuredCores = structuredCores;
  mapping->structuredTraffic = structuredTraffic;
  mapping->metisCores = metisCores;
  mapping->metisTraffic = traffic;
  mapping->metisFailure = ok ? "" : "no mapping: " + why;
  return true;
}

} // namespace mapping
} // namespace snnc

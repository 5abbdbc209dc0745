//===- MetisPartition.cpp - group fine blocks into cores with METIS -------===//
//
// The graph partitioner of mapping.partitioner = metis (and of auto, where
// it wins): Debian's libmetis (METIS 5.1, Karypis & Kumar), as NeuroMap
// uses, instead of a home-made heuristic. The vertices are the structured
// partition's blocks (split into finer units when MetisOptions::split > 1;
// measured worse, so 1 by default), weighted by a core's compartments,
// synaptic memory, fan-in axons, tables and (estimated) fan-out, each as a
// fraction of its limit (multi-constraint). Edges carry the expected spikes
// per step between blocks and, between blocks of one population, the spikes
// of the source neurons they share (an axon serves both in one core). METIS
// cuts each problem (the whole network with shared cores, else each layer)
// into k parts (k-way, recursive bisection for k <= 8) at about the bound
// (with fewer than two blocks per part, where METIS's bisections run out of
// vertices, every block starts as its own part);
// a summed balance is only a guide (fan-in is not additive), so every part's
// exact usage (CoreUsageCounter) is checked, parts that break a limit are
// bisected by METIS again until all fit, and parts are then merged while
// they fit: along the heaviest edges first (checked exactly), then first
// fit. METIS runs with a fixed seed, so a mapping repeats exactly.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"
#include "Partitioners.h"

#include <fmt/format.h>
#include <metis.h>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace snnc {
namespace mapping {
namespace detail {

std::string metisStatusText(int status) {
  switch (status) {
  case METIS_OK:
    return "METIS_OK";
  case METIS_ERROR_INPUT:
    return "METIS_ERROR_INPUT (METIS rejected the graph or the options)";
  case METIS_ERROR_MEMORY:
    return "METIS_ERROR_MEMORY (METIS could not allocate its work memory)";
  case METIS_ERROR:
    return "METIS_ERROR (METIS failed for another reason)";
  }
  return fmt::format("unknown METIS status {}", status);
}

double interCoreTraffic(const Network &net, const HardwareModel &hw,
                        const Mapping &mapping,
                        const std::vector<double> &spikeRate) {
  // Neuron -> physical core, and the blocks of every physical core.
  size_t np = net.populations.size();
  std::vector<std::vector<int32_t>> coreAt(np);
  std::vector<std::vector<int>> members(mapping.cores.size());
  for (size_t b = 0; b < mapping.cores.size(); ++b) {
    const Core &k = mapping.cores[b];
    const Population &pop = net.populations[size_t(k.population)];
    int core = k.physical >= 0 ? k.physical : int(b);
    members[size_t(core)].push_back(int(b));
    std::vector<int32_t> &at = coreAt[size_t(k.population)];
    if (at.empty())
      at.assign(size_t(pop.size()), -1);
    for (int64_t c = k.c0; c < k.c1; ++c)
      for (int64_t h = k.h0; h < k.h1; ++h)
        for (int64_t w = k.w0; w < k.w1; ++w)
          at[size_t((c * pop.height + h) * pop.width + w)] = core;
  }
  CoreUsageCounter counter(net, hw);
  double sum = 0;
  for (size_t core = 0; core < members.size(); ++core) {
    if (members[core].empty())
      continue;
    counter.core(mapping.cores, members[core], [&](int source, int64_t i) {
      const std::vector<int32_t> &at = coreAt[size_t(source)];
      if (at.empty() || at[size_t(i)] != int32_t(core))
        sum += spikeRate[size_t(source)];
    });
  }
  return sum;
}

} // namespace detail

using namespace detail;

namespace {

/// Splits `b` into up to `split` units along its longest extent.
void splitBlock(const Core &b, int split, std::vector<Core> *out) {
  int64_t extent[3] = {b.c1 - b.c0, b.h1 - b.h0, b.w1 - b.w0};
  int d = int(std::max_element(extent, extent + 3) - extent);
  int64_t pieces = std::min<int64_t>(split, extent[d]);
  for (int64_t i = 0; i < pieces; ++i) {
    Core u = b;
    u.usage = CoreUsage();
    u.physical = -1;
    int64_t lo = extent[d] * i / pieces, hi = extent[d] * (i + 1) / pieces;
    int64_t &a = d == 0 ? u.c0 : d == 1 ? u.h0 : u.w0;
    int64_t &z = d == 0 ? u.c1 : d == 1 ? u.h1 : u.w1;
    int64_t base = a;
    a = base + lo;
    z = base + hi;
    out->push_back(u);
  }
}

/// The source box one unit reads through one projection (a box around the
/// exact sources: a weight, not a resource count).
struct Box {
  int64_t lo[3], hi[3];
};
Box readBox(const Network &net, const Projection &p, const Core &u) {
  Box b;
  std::tie(b.lo[0], b.hi[0]) =
      sourceChannels(p, net.populations[p.source], u.c0, u.c1);
  auto span = [&](const DimensionMap &m, int64_t t0, int64_t t1, int d) {
    b.lo[d] = INT64_MAX, b.hi[d] = 0;
    for (int64_t t = p.allToAll ? 0 : t0; t < (p.allToAll ? 1 : t1); ++t)
      if (!m.sources[size_t(t)].empty()) {
        b.lo[d] = std::min<int64_t>(b.lo[d], m.sources[size_t(t)].front());
        b.hi[d] = std::max<int64_t>(b.hi[d], m.sources[size_t(t)].back() + 1);
      }
    if (b.lo[d] > b.hi[d])
      b.lo[d] = b.hi[d] = 0;
  };
  span(p.rows, u.h0, u.h1, 1);
  span(p.cols, u.w0, u.w1, 2);
  return b;
}

int64_t overlap(const Box &a, const Box &b) {
  int64_t n = 1;
  for (int d = 0; d < 3; ++d)
    n *= std::max<int64_t>(0, std::min(a.hi[d], b.hi[d]) -
                                  std::max(a.lo[d], b.lo[d]));
  return n;
}

/// Neighbours (in unit order) an affinity edge is tried against.
constexpr int kAffinityWindow = 24;
/// Compartments, synaptic memory, fan-in, tables, fan-out (an estimate).
constexpr size_t kConstraints = 5;
/// Source neurons counted by exact merge checks per merge pass, at most
/// (about 0.1 s; it bounds the time on networks of thousands of blocks).
constexpr int64_t kExactWork = 40000000;
/// Vertex weights are fractions of a core's limit in these units.
constexpr double kWeightScale = 10000;

class MetisPartitioner {
public:
  MetisPartitioner(const Network &net, const HardwareModel &hw,
                   const std::vector<double> &rate, const MetisOptions &opt,
                   std::string &error)
      : net(net), hw(hw), rate(rate), opt(opt), error(error) {}
  bool run(const Mapping &structured, Mapping *out);

private:
  struct Problem {
    std::vector<int> units;
    idx_t parts = 1;
    std::vector<idx_t> part; // per unit of the problem
    std::string what;        // "the network", "layer 'lif3'"
  };
  void buildGraph();
  bool solve(Problem &pr);
  idx_t initialParts(const Problem &pr, int64_t bound) const;
  void makeUnits(const Mapping &structured);
  std::vector<Problem> problemsFor(const Mapping &structured) const;
  bool repair(const std::vector<Problem> &problems, std::vector<int> &partOf,
              std::vector<int> &partProblem, int &parts);
  void mergeParts(const std::vector<int> &problemOf, std::vector<int> *partOf,
                  int *parts, std::vector<int64_t> *blockFanout);

  const Network &net;
  const HardwareModel &hw;
  const std::vector<double> &rate;
  const MetisOptions &opt;
  std::string &error;
  Mapping units; // the units as a mapping (links between units)
  std::vector<std::vector<std::pair<int, idx_t>>> adjacency;
  std::vector<std::vector<double>> weights; // per unit, per constraint
  /// Per unit: its block's fan-out in the structured partition, by the
  /// unit's share of the block's neurons.
  std::vector<double> fanoutEstimate;
};

void MetisPartitioner::buildGraph() {
  size_t n = units.cores.size();
  std::vector<std::tuple<int, int, double>> edges;
  for (const CoreLink &l : units.links)
    if (l.from >= 0 && l.from != l.to)
      edges.emplace_back(std::min(l.from, l.to), std::max(l.from, l.to),
                         double(l.neurons) * rate[size_t(l.sourcePopulation)]);
  for (const PopulationMapping &pm : units.populations) {
    const Population &pop = net.populations[size_t(pm.population)];
    std::vector<std::vector<Box>> boxes(size_t(pm.numCores));
    for (int i = 0; i < pm.numCores; ++i)
      for (const Projection &p : pop.inputs)
        boxes[size_t(i)].push_back(
            readBox(net, p, units.cores[size_t(pm.firstCore + i)]));
    for (int i = 0; i < pm.numCores; ++i)
      for (int j = i + 1; j < std::min(pm.numCores, i + kAffinityWindow); ++j) {
        double shared = 0;
        for (size_t k = 0; k < pop.inputs.size(); ++k)
          shared += double(overlap(boxes[size_t(i)][k], boxes[size_t(j)][k])) *
                    rate[size_t(pop.inputs[k].source)];
        if (shared > 0)
          edges.emplace_back(pm.firstCore + i, pm.firstCore + j, shared);
      }
  }
  std::sort(edges.begin(), edges.end());
  double total = 0;
  for (const auto &e : edges)
    total += std::get<2>(e);
  // Integer weights with sums far from idx_t's range.
  double scale = total > 0 ? std::min(1000.0, 1e8 / total) : 1.0;
  adjacency.assign(n, {});
  for (size_t i = 0; i < edges.size();) {
    auto [a, b, w] = edges[i];
    for (++i; i < edges.size() && std::get<0>(edges[i]) == a &&
              std::get<1>(edges[i]) == b;
         ++i)
      w += std::get<2>(edges[i]);
    idx_t iw = idx_t(std::max(1.0, std::round(w * scale)));
    adjacency[size_t(a)].push_back({b, iw});
    adjacency[size_t(b)].push_back({a, iw});
  }
  weights.assign(n, {});
  for (size_t u = 0; u < n; ++u) {
    const CoreUsage &c = units.cores[u].usage;
    weights[u] = {double(c.compartments) / double(hw.compartments),
                  double(c.synapseBits) / (8.0 * double(hw.synapseMemoryBytes)),
                  double(c.faninAxons) / double(hw.faninAxons),
                  double(c.tableEntries) / double(hw.tableEntries),
                  fanoutEstimate[u] / double(hw.fanoutAxons)};
  }
}

idx_t MetisPartitioner::initialParts(const Problem &pr, int64_t bound) const {
  double most = 0;
  for (size_t c = 0; c < kConstraints; ++c) {
    double sum = 0;
    for (int u : pr.units)
      sum += weights[size_t(u)][c];
    most = std::max(most, sum);
  }
  int64_t k = std::max<int64_t>(bound, int64_t(std::ceil(most * opt.slack)));
  return idx_t(std::clamp<int64_t>(k, 1, int64_t(pr.units.size())));
}

bool MetisPartitioner::solve(Problem &pr) {
  idx_t nv = idx_t(pr.units.size());
  pr.part.assign(size_t(nv), 0);
  if (pr.parts <= 1)
    return true;
  // A part per block when there are not two blocks per part: METIS's
  // initial bisections run out of vertices there (and print so).
  if (2 * pr.parts > nv) {
    pr.parts = nv;
    for (idx_t i = 0; i < nv; ++i)
      pr.part[size_t(i)] = i;
    return true;
  }
  std::vector<int> local(units.cores.size(), -1);
  for (idx_t i = 0; i < nv; ++i)
    local[size_t(pr.units[size_t(i)])] = int(i);
  // Constraints with weight in this problem; compartments always have.
  std::vector<size_t> active;
  for (size_t c = 0; c < kConstraints; ++c)
    for (int u : pr.units)
      if (weights[size_t(u)][c] > 0) {
        active.push_back(c);
        break;
      }
  idx_t ncon = idx_t(active.size());
  std::vector<idx_t> xadj(1, 0), adjncy, adjwgt, vwgt;
  for (int u : pr.units) {
    for (auto [v, w] : adjacency[size_t(u)])
      if (local[size_t(v)] >= 0) {
        adjncy.push_back(idx_t(local[size_t(v)]));
        adjwgt.push_back(w);
      }
    xadj.push_back(idx_t(adjncy.size()));
    for (size_t c : active)
      vwgt.push_back(idx_t(std::ceil(weights[size_t(u)][c] * kWeightScale)));
  }
  adjncy.push_back(0); // never empty: METIS reads the pointers
  adjwgt.push_back(0);
  // METIS prints its own "Input Error" line to stdout for a tolerance <= 1
  // (which would corrupt `--json -`); refuse it here with our message.
  if (!(opt.slack > 1.0) || pr.parts < 1) {
    error = fmt::format("internal: METIS called with a balance tolerance of "
                        "{} (must be > 1) and {} parts (must be >= 1) for {} "
                        "on {}",
                        opt.slack, pr.parts, pr.what, hw.name);
    return false;
  }
  std::vector<real_t> ubvec(size_t(ncon), real_t(opt.slack));
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = opt.seed;
  options[METIS_OPTION_NUMBERING] = 0;
  idx_t parts = pr.parts, cut = 0;
  // Recursive bisection for few parts of many blocks (METIS's advice);
  // with few blocks per part it runs out of vertices in a branch.
  bool recursive = parts <= 8 && nv >= 8 * parts;
  int status = (recursive ? METIS_PartGraphRecursive : METIS_PartGraphKway)(
      &nv, &ncon, xadj.data(), adjncy.data(), vwgt.data(), nullptr,
      adjwgt.data(), &parts, nullptr, ubvec.data(), options, &cut,
      pr.part.data());
  if (status != METIS_OK) {
    error = fmt::format(
        "internal: {} of {} ({} blocks, {} constraints) into "
        "{} parts on {}: {}",
        recursive ? "METIS_PartGraphRecursive" : "METIS_PartGraphKway", pr.what,
        nv, ncon, pr.parts, hw.name, metisStatusText(status));
    return false;
  }
  return true;
}

/// Merges parts of one problem while the sum of their exact usages keeps
/// every limit (an upper bound of the merged core's usage, and merging
/// never raises another core's): first along the heaviest edges between
/// parts (spikes kept inside a core), then first fit, fullest first.
/// Exact usages are recomputed and the merge repeated while it helps.
void MetisPartitioner::mergeParts(const std::vector<int> &problemOf,
                                  std::vector<int> *partOf, int *parts,
                                  std::vector<int64_t> *blockFanout) {
  CoreUsageCounter counter(net, hw);
  for (int pass = 0; pass < 4; ++pass) {
    std::vector<CoreUsage> sum =
        sharedUsage(net, hw, units.cores, *partOf, *parts, blockFanout);
    std::vector<int> root(static_cast<size_t>(*parts));
    for (int g = 0; g < *parts; ++g)
      root[size_t(g)] = g;
    auto find = [&](int g) {
      while (root[size_t(g)] != g)
        g = root[size_t(g)] = root[size_t(root[size_t(g)])];
      return g;
    };
    std::vector<std::vector<int>> members(static_cast<size_t>(*parts));
    for (size_t u = 0; u < partOf->size(); ++u)
      members[size_t((*partOf)[u])].push_back(int(u));
    int merges = 0;
    // `exact`: when the sums break a limit, count the merged core exactly
    // (fan-out still summed: it can only fall), within a work budget per
    // pass (a check costs about the fan-in of both parts).
    int64_t exactLeft = kExactWork;
    auto tryMerge = [&](int a, int b, bool exact) {
      a = find(a), b = find(b);
      int64_t have = 0, limit = 0;
      if (a == b || problemOf[size_t(a)] != problemOf[size_t(b)] ||
          members[size_t(a)].empty() || members[size_t(b)].empty())
        return false;
      CoreUsage both = plus(sum[size_t(a)], sum[size_t(b)]);
      if (!violation(hw, both, &have, &limit).empty()) {
        if (!exact || both.compartments > hw.compartments || exactLeft <= 0 ||
            !violation(hw,
                       both.fanoutAxons > hw.fanoutAxons ? both : CoreUsage(),
                       &have, &limit)
                 .empty())
          return false;
        exactLeft -= both.faninAxons;
        std::vector<int> all = members[size_t(a)];
        all.insert(all.end(), members[size_t(b)].begin(),
                   members[size_t(b)].end());
        int64_t fanout = both.fanoutAxons;
        both = counter.core(units.cores, all);
        both.fanoutAxons = fanout;
        if (!violation(hw, both, &have, &limit).empty())
          return false;
      }
      root[size_t(b)] = a;
      sum[size_t(a)] = both;
      members[size_t(a)].insert(members[size_t(a)].end(),
                                members[size_t(b)].begin(),
                                members[size_t(b)].end());
      members[size_t(b)].clear();
      ++merges;
      return true;
    };
    std::vector<std::tuple<idx_t, int, int>> between;
    for (size_t u = 0; u < adjacency.size(); ++u)
      for (auto [v, w] : adjacency[u])
        if (int(u) < v && (*partOf)[u] != (*partOf)[size_t(v)])
          between.emplace_back(-w, (*partOf)[u], (*partOf)[size_t(v)]);
    std::sort(between.begin(), between.end());
    for (const auto &[w, a, b] : between)
      tryMerge(a, b, true);
    std::vector<int> order;
    for (int g = 0; g < *parts; ++g)
      if (find(g) == g)
        order.push_back(g);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return fullness(hw, sum[size_t(a)]) > fullness(hw, sum[size_t(b)]);
    });
    std::vector<int> open;
    for (int g : order) {
      bool placed = false;
      for (size_t i = open.size() > 512 ? open.size() - 512 : 0;
           i < open.size() && !placed; ++i)
        placed = tryMerge(open[i], g, false);
      if (!placed)
        open.push_back(g);
    }
    if (merges == 0)
      break;
    for (int &g : *partOf)
      g = find(g);
  }
  *blockFanout = {};
  sharedUsage(net, hw, units.cores, *partOf, *parts, blockFanout);
}

/// The structured blocks split into units, their links and the graph.
void MetisPartitioner::makeUnits(const Mapping &structured) {
  size_t np = net.populations.size();
  std::vector<std::vector<Core>> coresOf(np);
  std::vector<PopulationMapping> pms(np);
  std::vector<std::vector<double>> unitFanout(np);
  for (const PopulationMapping &pm : structured.populations) {
    pms[size_t(pm.population)] = pm;
    for (int i = pm.firstCore; i < pm.firstCore + pm.numCores; ++i) {
      const Core &block = structured.cores[size_t(i)];
      std::vector<Core> &list = coresOf[size_t(pm.population)];
      size_t before = list.size();
      splitBlock(block, opt.split, &list);
      for (size_t k = before; k < list.size(); ++k)
        unitFanout[size_t(pm.population)].push_back(
            double(block.usage.fanoutAxons) * double(list[k].neurons()) /
            double(block.neurons()));
    }
    for (Core &u : coresOf[size_t(pm.population)])
      u.usage = usageOf(net, hw, u);
  }
  assembleMapping(net, hw, coresOf, pms, &units);
  for (const std::vector<double> &f : unitFanout) // population order
    fanoutEstimate.insert(fanoutEstimate.end(), f.begin(), f.end());
  buildGraph();
}

/// One problem for the network (shared cores) or one per population.
std::vector<MetisPartitioner::Problem>
MetisPartitioner::problemsFor(const Mapping &structured) const {
  std::vector<Problem> problems;
  if (hw.shareCores) {
    problems.push_back({{}, 1, {}, "the network"});
    for (size_t u = 0; u < units.cores.size(); ++u)
      problems[0].units.push_back(int(u));
    problems[0].parts = initialParts(
        problems[0],
        std::max(structured.sharedLowerBound,
                 int64_t(opt.startFraction * double(structured.numCores()))));
  } else {
    for (const PopulationMapping &pm : units.populations) {
      Problem pr{{},
                 1,
                 {},
                 fmt::format("layer '{}'",
                             net.populations[size_t(pm.population)].name)};
      for (int i = pm.firstCore; i < pm.firstCore + pm.numCores; ++i)
        pr.units.push_back(i);
      int64_t blocks = 0;
      for (const Core &c : structured.cores)
        blocks += c.population == pm.population;
      pr.parts = initialParts(
          pr,
          std::max(pm.lowerBound, int64_t(opt.startFraction * double(blocks))));
      problems.push_back(std::move(pr));
    }
  }
  return problems;
}

/// Bisects every part that breaks a limit (METIS again, two parts) until
/// all keep every limit. Splitting a consumer's part can raise its
/// sources' fan-out, hence the rounds; every round adds a part.
bool MetisPartitioner::repair(const std::vector<Problem> &problems,
                              std::vector<int> &partOf,
                              std::vector<int> &partProblem, int &parts) {
  std::vector<CoreUsage> used;
  int maxRounds =
      opt.maxRounds > 0 ? opt.maxRounds : int(units.cores.size()) + 1;
  for (int round = 0;; ++round) {
    used = sharedUsage(net, hw, units.cores, partOf, parts);
    std::vector<std::vector<int>> members(static_cast<size_t>(parts));
    for (size_t u = 0; u < partOf.size(); ++u)
      members[size_t(partOf[u])].push_back(int(u));
    bool clean = true;
    for (int g = 0, n = parts; g < n; ++g) {
      int64_t have = 0, limit = 0;
      std::string key = violation(hw, used[size_t(g)], &have, &limit);
      if (key.empty())
        continue;
      clean = false;
      const Core &first = units.cores[size_t(members[size_t(g)][0])];
      if (members[size_t(g)].size() == 1 || round + 1 >= maxRounds) {
        error = fmt::format(
            "METIS found no partition of {} on {} that keeps every limit "
            "(after {} rounds a core holding {} block(s) of layer '{}'{} "
            "has {} = {} > {})",
            problems.size() == 1 ? problems[0].what : "the layers", hw.name,
            round + 1, members[size_t(g)].size(),
            net.populations[size_t(first.population)].name,
            members[size_t(g)].size() > 1 ? " and others" : "", key, have,
            limit);
        return false;
      }
      Problem half{members[size_t(g)], 2, {}, "a core's blocks"};
      if (!solve(half))
        return false;
      size_t ones = size_t(std::count(half.part.begin(), half.part.end(), 1));
      for (size_t k = 0; k < half.units.size(); ++k)
        // METIS may leave a side empty: then split by unit order.
        if (ones == 0 || ones == half.units.size() ? k >= half.units.size() / 2
                                                   : half.part[k] == 1)
          partOf[size_t(half.units[k])] = parts;
      partProblem.push_back(partProblem[size_t(g)]);
      ++parts;
    }
    if (clean)
      break;
  }
  return true;
}

bool MetisPartitioner::run(const Mapping &structured, Mapping *out) {
  makeUnits(structured);
  std::vector<Problem> problems = problemsFor(structured);
  // Every problem is solved once, then repaired and merged.
  std::vector<int> partOf(units.cores.size(), 0), partProblem;
  int parts = 0;
  for (Problem &pr : problems) {
    if (!solve(pr))
      return false;
    std::vector<int> global(size_t(pr.parts), -1);
    for (size_t k = 0; k < pr.units.size(); ++k) {
      int &g = global[size_t(pr.part[k])];
      if (g < 0)
        g = parts++, partProblem.push_back(int(&pr - problems.data()));
      partOf[size_t(pr.units[k])] = g;
    }
  }
  if (!repair(problems, partOf, partProblem, parts))
    return false;
  std::vector<int64_t> blockFanout;
  mergeParts(partProblem, &partOf, &parts, &blockFanout);
  // Number the parts by their first unit, dropping empty ones.
  std::vector<int> renumber(static_cast<size_t>(parts), -1);
  int used_parts = 0;
  for (int &g : partOf) {
    if (renumber[size_t(g)] < 0)
      renumber[size_t(g)] = used_parts++;
    g = renumber[size_t(g)];
  }
  std::vector<int64_t> fanoutOf(blockFanout);
  *out = std::move(units);
  std::vector<int> firstOf(static_cast<size_t>(used_parts), -1);
  for (size_t u = 0; u < out->cores.size(); ++u) {
    int &f = firstOf[size_t(partOf[u])];
    if (f < 0)
      f = int(u);
    out->cores[u].physical = f;
    out->cores[u].usage.fanoutAxons = fanoutOf[u];
  }
  out->physicalCores = int64_t(used_parts);
  out->sharedLowerBound = structured.sharedLowerBound;
  return checkMappingSize(hw, out, &error);
}

} // namespace

bool detail::metisPartition(const Network &net, const HardwareModel &hw,
                            const std::vector<double> &spikeRate,
                            const Mapping &structured,
                            const MetisOptions &options, Mapping *out,
                            std::string *error) {
  return MetisPartitioner(net, hw, spikeRate, options, *error)
      .run(structured, out);
}

} // namespace mapping
} // namespace snnc

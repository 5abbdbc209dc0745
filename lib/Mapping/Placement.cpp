//===- Placement.cpp - put cores on chip tiles to shorten spike routes ----===//
//
// Positions are numbered chip by chip; inside a chip tiles are visited in a
// serpentine (boustrophedon) order so that consecutive positions are
// neighbours. Cores start in population order (a layer next to the layer it
// feeds), then a pairwise-swap local search moves cores, including into free
// positions of the chips in use, while the weighted route energy falls. The
// weight of a link is its expected spikes per step: source neurons in the
// link times the source population's measured (or default) spike rate.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Mapping.h"

#include "LinkShares.h"

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

namespace snnc {
namespace mapping {
namespace {

/// Free positions the local search may move cores into, at least.
constexpr int64_t kSpareSlots = 4096;

struct Position {
  int chip, tileX, tileY, slot;
};

Position positionOf(const HardwareModel &hw, int64_t index) {
  int64_t perChip = hw.coresPerChip();
  int64_t chip = index / perChip, inChip = index % perChip;
  int64_t tile = inChip / hw.coresPerTile;
  int64_t y = tile / hw.tilesX, x = tile % hw.tilesX;
  if (y % 2 == 1)
    x = hw.tilesX - 1 - x; // serpentine
  return {int(chip), int(chip * hw.tilesX + x), int(y),
          int(inChip % hw.coresPerTile)};
}

/// The one route formula (energy or latency, by `costs`): a message, the
/// spike within the tile, and per mesh hop and chip crossing.
double routeCost(const EventCosts &costs, const Position &a,
                 const Position &b) {
  return costs.message + costs.spikeWithinTile +
         std::abs(a.tileX - b.tileX) * costs.hopEastWest +
         std::abs(a.tileY - b.tileY) * costs.hopNorthSouth +
         std::abs(a.chip - b.chip) * costs.chipCrossing;
}

Position placed(const Core &c) { return {c.chip, c.tileX, c.tileY, c.slot}; }

/// A placement edge: the other unit (-1: the host) and the link's share
/// (LinkShares), whose weight is the expected spikes per step between the
/// two.
struct Edge {
  int other;
  int32_t share;
};

/// Every unit's edges, one list per unit in link order (a unit-unit link
/// is listed at both ends), as one flat array with offsets: `edges` of
/// unit c are [begin[c], begin[c + 1]); and the weight per share.
struct EdgeLists {
  std::vector<size_t> begin;
  std::vector<Edge> edges;
  std::vector<double> weight;
  size_t size(int c) const { return begin[c + 1] - begin[c]; }
};

EdgeLists edgeLists(const Network &net, const Mapping &mapping,
                    const std::vector<int> &unitOf,
                    const std::vector<double> &spikeRate, int units) {
  EdgeLists g;
  const detail::LinkShares shares(net, mapping);
  for (int32_t k = 0; k < int32_t(shares.size()); ++k)
    g.weight.push_back(double(shares.neuronsOf(k)) *
                       spikeRate[shares.sourceOf(k)]);
  // Two passes over the links: count per unit, then fill in order.
  g.begin.assign(size_t(units) + 1, 0);
  auto each = [&](auto &&add) {
    for (const CoreLink &l : mapping.links) {
      int32_t share = shares.of(l);
      if (g.weight[size_t(share)] <= 0)
        continue;
      int to = unitOf[l.to];
      int from = l.from >= 0 ? unitOf[l.from] : -1;
      if (from == to)
        continue;
      if (from >= 0)
        add(from, Edge{to, share});
      add(to, Edge{from, share});
    }
  };
  each([&](int c, const Edge &) { ++g.begin[size_t(c) + 1]; });
  for (int c = 0; c < units; ++c)
    g.begin[size_t(c) + 1] += g.begin[size_t(c)];
  g.edges.resize(g.begin[size_t(units)]);
  std::vector<size_t> next(g.begin.begin(), g.begin.end() - 1);
  each([&](int c, const Edge &e) { g.edges[next[size_t(c)]++] = e; });
  return g;
}

} // namespace

Core hostPort() { return Core(); }

double routeEnergy(const HardwareModel &hw, const Core &a, const Core &b) {
  return routeCost(hw.energyPj, placed(a), placed(b));
}

double routeLatency(const HardwareModel &hw, const Core &a, const Core &b) {
  return routeCost(hw.latencyNs, placed(a), placed(b));
}

namespace {

/// The local search over unit positions: units (physical cores) on the
/// first `slots` positions, their edges, and the cost of a placement.
class Placer {
public:
  Placer(const Network &net, const HardwareModel &hw, const Mapping &mapping,
         const std::vector<double> &spikeRate, std::vector<int> unitOf,
         int units)
      : hw(hw), mapping(mapping), spikeRate(spikeRate),
        unitOf(std::move(unitOf)), n(units),
        g(edgeLists(net, mapping, this->unitOf, spikeRate, units)),
        host(placed(hostPort())) {
    // Candidate positions: those of the chips in use, but never more than
    // a few thousand beyond the cores themselves, so that memory and time
    // follow what is mapped, not the mesh (a 1024 x 1024 tile chip holding
    // ten cores must not allocate a million slots).
    slots = std::min(int64_t(mapping.chips) * hw.coresPerChip(),
                     int64_t(n) + std::max<int64_t>(n, kSpareSlots));
    coreAt.assign(size_t(slots), -1);
    positionOfCore.resize(n);
    cores.resize(n);
    for (int c = 0; c < n; ++c) {
      coreAt[c] = c;
      positionOfCore[c] = c;
      cores[c] = positionOf(hw, c);
    }
  }

  /// Sum over edges of weight x route energy, each edge once (pJ/step).
  double total() const {
    double sum = 0;
    for (int c = 0; c < n; ++c)
      for (size_t i = g.begin[c]; i < g.begin[c + 1]; ++i) {
        const Edge &e = g.edges[i];
        // Core-core edges are listed at both ends: count them once.
        if (e.other < 0 || e.other > c)
          sum +=
              g.weight[e.share] * routeCost(hw.energyPj, cores[c], at(e.other));
      }
    return sum;
  }

  /// Expected spikes per step x mesh hops (a chip crossing is one hop).
  double hopTraffic() const {
    double sum = 0;
    for (const CoreLink &l : mapping.links) {
      const Position &a = at(l.from < 0 ? -1 : unitOf[l.from]),
                     &b = cores[unitOf[l.to]];
      sum += double(l.neurons) * spikeRate[l.sourcePopulation] *
             double(std::abs(a.tileX - b.tileX) + std::abs(a.tileY - b.tileY) +
                    std::abs(a.chip - b.chip));
    }
    return sum;
  }

  /// hopTraffic of a random permutation of the same positions
  /// (Fisher-Yates on a fixed mt19937 stream, the same on every platform).
  double hopTrafficRandom() {
    std::mt19937 rng(1);
    std::vector<int> perm(n);
    for (int c = 0; c < n; ++c)
      perm[c] = c;
    for (int c = n - 1; c > 0; --c)
      std::swap(perm[c], perm[rng() % uint32_t(c + 1)]);
    for (int c = 0; c < n; ++c)
      cores[c] = positionOf(hw, perm[c]);
    double traffic = hopTraffic();
    for (int c = 0; c < n; ++c)
      cores[c] = positionOf(hw, positionOfCore[c]);
    return traffic;
  }

  /// Pairwise swaps (a core with another core or a free slot) while they
  /// help; the work budget (edges looked at) keeps large multi-chip
  /// mappings fast.
  void search(int64_t budget) {
    for (bool improved = true; improved && budget > 0;) {
      improved = false;
      for (int c = 0; c < n && budget > 0; ++c)
        for (int64_t slot = 0; slot < slots && budget > 0; ++slot)
          if (slot != positionOfCore[c])
            improved |= trySwap(c, slot, &budget);
    }
  }

  const Position &unit(int c) const { return cores[c]; }

private:
  const Position &at(int other) const {
    return other < 0 ? host : cores[other];
  }

  double costOf(int c) const {
    double sum = 0;
    for (size_t i = g.begin[c]; i < g.begin[c + 1]; ++i)
      sum += g.weight[g.edges[i].share] *
             routeCost(hw.energyPj, cores[c], at(g.edges[i].other));
    return sum;
  }

  /// Moves core c to `slot` (and the core there, if any, to c's position)
  /// if that lowers the cost of their edges.
  bool trySwap(int c, int64_t slot, int64_t *budget) {
    int pc = positionOfCore[c];
    int other = coreAt[slot];
    *budget -=
        int64_t(g.size(c)) + (other >= 0 ? int64_t(g.size(other)) : 0) + 1;
    double before = costOf(c) + (other >= 0 ? costOf(other) : 0);
    cores[c] = positionOf(hw, slot);
    if (other >= 0)
      cores[other] = positionOf(hw, pc);
    double after = costOf(c) + (other >= 0 ? costOf(other) : 0);
    if (after < before - 1e-9 * (1 + before)) {
      coreAt[slot] = c;
      coreAt[pc] = other;
      positionOfCore[c] = int(slot);
      if (other >= 0)
        positionOfCore[other] = pc;
      return true;
    }
    cores[c] = positionOf(hw, pc);
    if (other >= 0)
      cores[other] = positionOf(hw, slot);
    return false;
  }

  const HardwareModel &hw;
  const Mapping &mapping;
  const std::vector<double> &spikeRate;
  const std::vector<int> unitOf; ///< block -> unit
  const int n;                   ///< units
  const EdgeLists g;
  const Position host;
  int64_t slots = 0;
  std::vector<Position> cores; ///< unit -> position
  // position -> unit (-1 = free); unit -> position.
  std::vector<int> coreAt, positionOfCore;
};

} // namespace

void placeCores(const Network &net, const HardwareModel &hw,
                const std::vector<double> &spikeRate, Mapping *mapping) {
  // Placement moves physical cores ("units"): a block on its own, or with
  // mapping.share_cores all blocks packed into one core, which share its
  // position. Links inside a unit cost the same wherever it is.
  std::vector<Core> &blocks = mapping->cores;
  std::vector<int> unitOf(blocks.size()), unitOfPhysical(blocks.size(), -1);
  int n = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    size_t physical = blocks[b].physical >= 0 ? size_t(blocks[b].physical) : b;
    if (unitOfPhysical[physical] < 0)
      unitOfPhysical[physical] = n++;
    unitOf[b] = unitOfPhysical[physical];
  }
  Placer placer(net, hw, *mapping, spikeRate, unitOf, n);
  mapping->placementCostInitial = placer.total();
  mapping->hopTrafficSerpentine = placer.hopTraffic();
  mapping->hopTrafficRandom = placer.hopTrafficRandom();
  placer.search(4000000);
  mapping->placementCostFinal = placer.total();
  mapping->hopTrafficFinal = placer.hopTraffic();
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Position &p = placer.unit(unitOf[b]);
    blocks[b].chip = p.chip;
    blocks[b].tileX = p.tileX;
    blocks[b].tileY = p.tileY;
    blocks[b].slot = p.slot;
  }
}

} // namespace mapping
} // namespace snnc

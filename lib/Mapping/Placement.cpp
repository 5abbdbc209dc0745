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

void moveTo(Core &core, const Position &p) {
  core.chip = p.chip;
  core.tileX = p.tileX;
  core.tileY = p.tileY;
  core.slot = p.slot;
}

} // namespace

Core hostPort() { return Core(); }

double routeEnergy(const HardwareModel &hw, const Core &a, const Core &b) {
  const EventCosts &e = hw.energyPj;
  return e.message + e.spikeWithinTile +
         std::abs(a.tileX - b.tileX) * e.hopEastWest +
         std::abs(a.tileY - b.tileY) * e.hopNorthSouth +
         std::abs(a.chip - b.chip) * e.chipCrossing;
}

double routeLatency(const HardwareModel &hw, const Core &a, const Core &b) {
  const EventCosts &t = hw.latencyNs;
  return t.message + t.spikeWithinTile +
         std::abs(a.tileX - b.tileX) * t.hopEastWest +
         std::abs(a.tileY - b.tileY) * t.hopNorthSouth +
         std::abs(a.chip - b.chip) * t.chipCrossing;
}

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
  std::vector<Core> cores(n);
  // Candidate positions: those of the chips in use, but never more than a
  // few thousand beyond the cores themselves, so that memory and time follow
  // what is mapped, not the mesh (a 1024 x 1024 tile chip holding ten cores
  // must not allocate a million slots).
  int64_t slots = std::min(int64_t(mapping->chips) * hw.coresPerChip(),
                           int64_t(n) + std::max<int64_t>(n, kSpareSlots));
  // position -> core (-1 = free); core -> position.
  std::vector<int> coreAt(size_t(slots), -1), positionOfCore(n);
  for (int c = 0; c < n; ++c) {
    coreAt[c] = c;
    positionOfCore[c] = c;
    moveTo(cores[c], positionOf(hw, c));
  }
  struct Edge {
    int other; // core index, or -1 for the host
    double weight;
  };
  std::vector<std::vector<Edge>> edges(n);
  for (const CoreLink &l : mapping->links) {
    double w = double(l.neurons) * spikeRate[l.sourcePopulation];
    if (w <= 0)
      continue;
    int to = unitOf[l.to];
    if (l.from >= 0) {
      int from = unitOf[l.from];
      if (from == to)
        continue;
      edges[from].push_back({to, w});
      edges[to].push_back({from, w});
    } else {
      edges[to].push_back({-1, w});
    }
  }
  const Core host = hostPort();
  auto costOf = [&](int c) {
    double sum = 0;
    for (const Edge &e : edges[c])
      sum += e.weight *
             routeEnergy(hw, cores[c], e.other < 0 ? host : cores[e.other]);
    return sum;
  };
  auto total = [&] {
    double sum = 0;
    for (int c = 0; c < n; ++c)
      for (const Edge &e : edges[c])
        // Core-core edges are listed at both ends: count them once.
        if (e.other < 0 || e.other > c)
          sum += e.weight *
                 routeEnergy(hw, cores[c], e.other < 0 ? host : cores[e.other]);
    return sum;
  };
  auto hopTraffic = [&] {
    double sum = 0;
    for (const CoreLink &l : mapping->links) {
      const Core &a = l.from < 0 ? host : cores[unitOf[l.from]],
                 &b = cores[unitOf[l.to]];
      sum += double(l.neurons) * spikeRate[l.sourcePopulation] *
             double(std::abs(a.tileX - b.tileX) + std::abs(a.tileY - b.tileY) +
                    std::abs(a.chip - b.chip));
    }
    return sum;
  };
  mapping->placementCostInitial = total();
  mapping->hopTrafficSerpentine = hopTraffic();
  {
    // A random permutation of the same positions (Fisher-Yates on a fixed
    // mt19937 stream, the same on every platform).
    std::mt19937 rng(1);
    std::vector<int> perm(n);
    for (int c = 0; c < n; ++c)
      perm[c] = c;
    for (int c = n - 1; c > 0; --c)
      std::swap(perm[c], perm[rng() % uint32_t(c + 1)]);
    for (int c = 0; c < n; ++c)
      moveTo(cores[c], positionOf(hw, perm[c]));
    mapping->hopTrafficRandom = hopTraffic();
    for (int c = 0; c < n; ++c)
      moveTo(cores[c], positionOf(hw, c));
  }
  // Pairwise swaps (a core with another core or a free slot) while they
  // help; a work budget keeps large multi-chip mappings fast.
  int64_t budget = 4000000;
  for (bool improved = true; improved && budget > 0;) {
    improved = false;
    for (int c = 0; c < n && budget > 0; ++c)
      for (int64_t slot = 0; slot < slots && budget > 0; ++slot) {
        int pc = positionOfCore[c];
        if (slot == pc)
          continue;
        int other = coreAt[slot];
        budget -= int64_t(edges[c].size()) +
                  (other >= 0 ? int64_t(edges[other].size()) : 0) + 1;
        double before = costOf(c) + (other >= 0 ? costOf(other) : 0);
        moveTo(cores[c], positionOf(hw, slot));
        if (other >= 0)
          moveTo(cores[other], positionOf(hw, pc));
        double after = costOf(c) + (other >= 0 ? costOf(other) : 0);
        if (after < before - 1e-9 * (1 + before)) {
          coreAt[slot] = c;
          coreAt[pc] = other;
          positionOfCore[c] = int(slot);
          if (other >= 0)
            positionOfCore[other] = pc;
          improved = true;
        } else {
          moveTo(cores[c], positionOf(hw, pc));
          if (other >= 0)
            moveTo(cores[other], positionOf(hw, slot));
        }
      }
  }
  (void)net;
  mapping->placementCostFinal = total();
  mapping->hopTrafficFinal = hopTraffic();
  for (size_t b = 0; b < blocks.size(); ++b) {
    const Core &unit = cores[unitOf[b]];
    blocks[b].chip = unit.chip;
    blocks[b].tileX = unit.tileX;
    blocks[b].tileY = unit.tileY;
    blocks[b].slot = unit.slot;
  }
}

} // namespace mapping
} // namespace snnc

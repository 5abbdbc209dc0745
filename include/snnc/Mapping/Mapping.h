//===- Mapping.h - partition populations into cores, place cores on a mesh ===//
//
// A mapping assigns every mapped neuron to exactly one core: each core holds
// one block [c0,c1) x [h0,h1) x [w0,w1) of one population (cores are not
// shared between populations, which keeps per-step tables and synapse
// formats per layer). Partitioning picks, per population, the block shape
// with the fewest cores that respects every per-core limit; placement then
// puts the cores on the tiles of one or more chips to minimise the expected
// spike routing energy. The usage numbers stored per core are the ones the
// invariants in the tests check against the hardware limits.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_MAPPING_H
#define SNNC_MAPPING_MAPPING_H

#include "snnc/Mapping/Hardware.h"
#include "snnc/Mapping/Network.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace mapping {

struct CoreUsage {
  int64_t compartments = 0;
  int64_t faninAxons = 0;
  int64_t fanoutAxons = 0;
  int64_t synapses = 0;    ///< synapses of the neurons in the core
  int64_t synapseBits = 0; ///< synaptic memory used (after any sharing)
  int64_t tableEntries = 0;
};

struct Core {
  int population = -1;
  int64_t c0 = 0, c1 = 0, h0 = 0, h1 = 0, w0 = 0, w1 = 0;
  CoreUsage usage;
  // Placement: chip, global tile coordinates (chips side by side along x)
  // and the slot inside the tile.
  int chip = 0, tileX = 0, tileY = 0, slot = 0;
  /// The physical core holding this block: its own index, or with
  /// mapping.share_cores the index of the first block packed into the same
  /// core (blocks of one physical core share its position).
  int physical = -1;

  int64_t neurons() const { return (c1 - c0) * (h1 - h0) * (w1 - w0); }
};

/// `neurons` source neurons of core `from` have synapses in core `to`.
/// from = -1 - p for the unmapped input population p (the host).
struct CoreLink {
  int from = 0, to = 0;
  int64_t neurons = 0;
  int sourcePopulation = 0;
  /// Output-axon entries the source core spends on this link (the neurons
  /// with binary axons; fewer with core.population_axons). 0 from the host.
  int64_t fanoutAxons = 0;
};

struct PopulationMapping {
  int population = -1;
  int firstCore = 0, numCores = 0;
  int64_t lowerBound = 0;   ///< cores this population needs at least
  std::string lowerBoundBy; ///< the constraint giving that bound
  int64_t blockC = 0, blockH = 0, blockW = 0;
};

struct Mapping {
  std::vector<Core> cores;
  std::vector<PopulationMapping> populations; ///< mapped ones, in order
  std::vector<CoreLink> links;
  int64_t lowerBound = 0;       ///< sum of the per-population bounds
  int64_t sharedLowerBound = 0; ///< if cores could mix populations
  int64_t physicalCores = 0;    ///< set by shareCores; see numCores()
  int chips = 0;
  double placementCostInitial = 0, placementCostFinal = 0; ///< pJ per step
  /// Hop-weighted traffic (expected spikes per step x mesh hops, a chip
  /// crossing counting as one hop) of the final placement and of two
  /// references for the same partition: the serpentine order in population
  /// order (where the search starts) and a random placement (fixed seed).
  double hopTrafficFinal = 0, hopTrafficSerpentine = 0, hopTrafficRandom = 0;
  /// Which partitioner gave this mapping ("structured" or "metis";
  /// mapping.partitioner) and, where METIS ran, the cores each one needed
  /// (0: not run or no mapping), their inter-core traffic (expected spike
  /// messages per step between physical cores: one per source neuron and
  /// reading core) and why METIS gave no mapping, if it did not.
  std::string partitioner = "structured";
  int64_t structuredCores = 0, metisCores = 0;
  double structuredTraffic = 0, metisTraffic = 0;
  std::string metisFailure;

  /// Cores in use: one per block, fewer when blocks share cores.
  int64_t numCores() const {
    return physicalCores > 0 ? physicalCores : int64_t(cores.size());
  }
};

/// With hw.shareCores: packs the blocks of mapping->cores into physical
/// cores (first fit, largest block first) wherever the summed usage of
/// every limit fits one core; sets each block's `physical` and
/// mapping->physicalCores. Without: every block is its own core.
void shareCores(const HardwareModel &hw, Mapping *mapping);

/// Partitions every mapped population into cores. Fails with a message that
/// names the population and the constraint when one neuron alone cannot fit
/// a core, or when the network needs more than hw.maxChips chips.
/// hw.partitioner picks the structured block search, METIS, or (auto) both
/// where METIS applies (shared cores, or irregular connectivity: a layer
/// with several inputs or a layer feeding several), keeping the one with
/// fewer cores, then less inter-core traffic. `spikeRate` (per population,
/// spikes per neuron per step; null: 1 each) weighs METIS's edges.
bool partitionNetwork(const Network &net, const HardwareModel &hw,
                      Mapping *mapping, std::string *error,
                      const std::vector<double> *spikeRate = nullptr);

/// True when the network has a layer with inputs from several layers or a
/// layer that feeds several (residual ADDs, branches).
bool irregularConnectivity(const Network &net);

/// The first population (in network order) whose largest neuron alone
/// breaks a per-core limit: its index, the limit's key ("core.fanin_axons"),
/// what the neuron needs and the limit. False when every neuron fits.
struct NeuronLimit {
  int population = -1;
  std::string key;
  int64_t have = 0, limit = 0;
};
bool firstNeuronLimit(const Network &net, const HardwareModel &hw,
                      NeuronLimit *out);

/// Tile-to-tile spike energy (pJ) and latency (ns) of the route a->b.
double routeEnergy(const HardwareModel &hw, const Core &a, const Core &b);
double routeLatency(const HardwareModel &hw, const Core &a, const Core &b);
/// The host injects input spikes at tile (0, 0) of chip 0.
Core hostPort();

/// Places the cores, minimising sum over links of (spikes per step of the
/// link) x (route energy). `spikeRate[p]` is the mean spikes per neuron per
/// step of population p.
void placeCores(const Network &net, const HardwareModel &hw,
                const std::vector<double> &spikeRate, Mapping *mapping);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_MAPPING_H

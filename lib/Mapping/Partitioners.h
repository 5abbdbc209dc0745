//===- Partitioners.h - the two partitioners and what they share ----------===//
//
// Internal to SNNMapping. partitionNetwork (Partition.cpp) runs the
// structured block search and, where mapping.partitioner asks for it, the
// METIS graph partition (MetisPartition.cpp), which starts from the
// structured blocks, splits them into finer units and lets METIS group the
// units into cores. Both produce their Mapping through assembleMapping (the
// flat block list, the links, per-block fan-out) and checkMappingSize.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_LIB_MAPPING_PARTITIONERS_H
#define SNNC_LIB_MAPPING_PARTITIONERS_H

#include "snnc/Mapping/Mapping.h"

#include <string>
#include <vector>

namespace snnc {
namespace mapping {
namespace detail {

/// Flattens per-population blocks (indexed by population) into `mapping`:
/// cores in population order, the links between blocks, each block's
/// fan-out axons (outputSlots per destination block). Bounds are left at 0
/// except the per-population ones in `pms`.
void assembleMapping(const Network &net, const HardwareModel &hw,
                     const std::vector<std::vector<Core>> &coresOf,
                     std::vector<PopulationMapping> pms, Mapping *mapping);

/// Fails with a message when the mapping needs more cores than the mapper's
/// limit or more chips than mesh.max_chips; sets mapping->chips.
bool checkMappingSize(const HardwareModel &hw, Mapping *mapping,
                      std::string *error);

/// The METIS knobs; the defaults are what partitionNetwork uses.
struct MetisOptions {
  int split = 1; ///< units per structured block, at most (1 measured best)
  int seed = 1;  ///< METIS_OPTION_SEED: fixed, so results repeat
  double slack = 1.03; ///< METIS balance tolerance per constraint
  /// Rounds of bisecting parts that break a limit (each adds a part, so
  /// units + 1 rounds always end); 0: that many.
  int maxRounds = 64;
  /// The first try uses at least this fraction of the structured cores
  /// (fewer rounds; the lower bound alone starts far too low).
  double startFraction = 0.85;
};

/// Re-partitions the blocks of `structured` (a structured mapping of `net`
/// on `hw`) with METIS (MetisPartition.cpp's header says how). With
/// hw.shareCores the whole graph is one problem (cores mix layers),
/// otherwise every population is its own. The result's blocks name their
/// physical core; every core keeps every limit by its exact usage. Fails
/// with a message: "internal: METIS_PartGraph... : METIS_ERROR_..." when
/// METIS returns an error, "METIS found no partition of ..." naming a layer
/// and a limit when no bisection helps within options.maxRounds.
bool metisPartition(const Network &net, const HardwareModel &hw,
                    const std::vector<double> &spikeRate,
                    const Mapping &structured, const MetisOptions &options,
                    Mapping *out, std::string *error);

/// What a METIS return code means, for the message of a failed call.
std::string metisStatusText(int status);

/// Expected spike messages per step between physical cores: one per
/// source neuron and destination core that reads it (an axon), from
/// another core or the host, at the source layer's rate.
double interCoreTraffic(const Network &net, const HardwareModel &hw,
                        const Mapping &mapping,
                        const std::vector<double> &spikeRate);

} // namespace detail
} // namespace mapping
} // namespace snnc

#endif // SNNC_LIB_MAPPING_PARTITIONERS_H

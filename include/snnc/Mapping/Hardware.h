//===- Hardware.h - Loihi-class hardware descriptions ---------------------===//
//
// A HardwareModel holds the numbers the mapper and the energy model need
// about one neuromorphic chip (mesh, per-core limits, energies, latencies)
// or one baseline technology (energy per MAC and per accumulate). The numbers
// come from hw/*.json files whose schema is documented in docs/mapping.md:
// every number is an object {"value": ..., "source": "..."}. Parameters are
// also addressable by their short key (e.g. "compartments") so that a sweep
// can override them; the table of keys lives in Hardware.cpp. Reading the
// files is the loader's (Loaders.h, in SNNMappingReport).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_HARDWARE_H
#define SNNC_MAPPING_HARDWARE_H

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace mapping {

/// Energy (pJ) or latency (ns) of each hardware event.
struct EventCosts {
  double synop = 0;           ///< one synaptic operation
  double updateActive = 0;    ///< a compartment update with input or a spike
  double updateInactive = 0;  ///< a compartment update without either
  double spikeWithinTile = 0; ///< a spike delivered inside the source tile
  double hopEastWest = 0;     ///< one mesh hop along x
  double hopNorthSouth = 0;   ///< one mesh hop along y
  double chipCrossing = 0;    ///< a spike leaving one chip for the next
  // Optional in hw files (default 0): SANA-FE-style per-event costs.
  double spikeOut = 0; ///< a mapped neuron emits a spike (once per spike)
  double message = 0;  ///< a spike message leaves a core (once per link)
};

/// How populations are cut into cores (mapping.partitioner): the structured
/// block search of Partition.cpp, a METIS graph partition of fine blocks
/// (MetisPartition.cpp), or both with the better result kept.
enum class PartitionMethod { Auto, Structured, Metis };
/// "auto", "structured", "metis".
const char *partitionerName(PartitionMethod p);

struct HardwareModel {
  std::string name;        ///< e.g. "loihi1"
  std::string description; ///< free text from the file
  std::string file;        ///< where it was read from
  bool isBaseline = false; ///< "kind": "baseline" (only mac/ac energies)

  // Baseline technologies (kind "baseline").
  double macEnergyPj = 0; ///< multiply-accumulate (ANN)
  double acEnergyPj = 0;  ///< accumulate (SNN on the same process)

  // Chip files (kind "chip").
  std::string baselineName; ///< the baseline file used for ANN comparisons
  int64_t tilesX = 0, tilesY = 0, coresPerTile = 0, maxChips = 0;
  int64_t compartments = 0;        ///< neurons (compartments) per core
  int64_t faninAxons = 0;          ///< input axons per core
  int64_t fanoutAxons = 0;         ///< output axon entries per core
  int64_t synapseMemoryBytes = 0;  ///< synaptic memory per core
  int64_t maxWeightBits = 0;       ///< magnitude bits the hardware supports
  int64_t weightBits = 0;          ///< magnitude bits this mapping uses
  int64_t signBits = 0;            ///< extra bits per stored weight for sign
  int64_t synapseOverheadBits = 0; ///< per-synapse index/format overhead
  bool convWeightSharing = false;  ///< a core stores each conv kernel once
  /// Optional key (default false): an input axon carries the channels of
  /// one source position, the spike's atom picking the channel's weights
  /// (Loihi 1 population axons, docs/mapping.md "Population axons").
  bool populationAxons = false;
  int64_t populationAtoms = 0; ///< channels (atoms) one population axon carries
  int64_t populationAxonSlots = 0; ///< output-axon entries per population axon
  int64_t tableEntries = 0;        ///< per-step LIF table entries per core
  bool gradedSpikes = false;       ///< spikes may carry a payload
  bool foldPooling = true; ///< mapping choice: pool into synapses or relays
  /// Mapping choice (optional key, default false): a core may hold blocks
  /// of several populations when their summed usage fits every limit.
  bool shareCores = false;
  /// Mapping choice (optional key, default auto): see PartitionMethod.
  PartitionMethod partitioner = PartitionMethod::Auto;
  EventCosts energyPj;
  EventCosts latencyNs;
  double barrierMinNs = 0, barrierMaxNs = 0; ///< per-step synchronisation
  double staticPowerMwPerChip = 0;

  /// Saturates instead of overflowing; validateHardware bounds it.
  int64_t coresPerChip() const {
    int64_t n = 0;
    if (__builtin_mul_overflow(tilesX, tilesY, &n) ||
        __builtin_mul_overflow(n, coresPerTile, &n))
      return INT64_MAX;
    return n;
  }
  int64_t bitsPerSynapse() const {
    return weightBits + signBits + synapseOverheadBits;
  }
};

/// Sets the parameter `key` (a short key such as "compartments" or
/// "energy_pj.synop") to `value`, checking its type and range (the bounds of
/// snnc/Support/Limits.h) and the cross-field rules. Errors name the
/// parameter but no flag ("core.compartments=-4: expected ..."), or list
/// the valid parameters and the closest one to an unknown key.
/// With `validate` false the cross-field rules are left to the caller (a
/// sweep point sets all its values first, then validates once).
bool overrideParameter(HardwareModel *hw, const std::string &key,
                       const std::string &value, std::string *error,
                       bool validate = true);

/// Checks `value` for parameter `key` on its own (type and range, no
/// cross-field rules); gives the parameter's full "section.key" and the
/// value in canonical form (so that "4" and "4.0" compare equal).
bool checkParameter(const std::string &key, const std::string &value,
                    std::string *path, std::string *canonical,
                    std::string *error);

/// All keys accepted by overrideParameter, for help and error texts.
std::vector<std::string> parameterKeys();

/// Checks every integer's bounds (Limits.h), the cores per chip (with
/// overflow-safe arithmetic) and cross-field rules (weight bits within the
/// maximum, barrier range).
bool validateHardware(const HardwareModel &hw, std::string *error);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_HARDWARE_H

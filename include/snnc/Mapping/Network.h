//===- Network.h - the neuron populations and synapses of a model.bin -----===//
//
// The mapper does not see layers; it sees populations of neurons that live in
// cores (LIF layers and the READOUT accumulators) and the synaptic
// projections between them. ENCODE is an input population that is not mapped
// (its spikes come from the host). Layers without state between two
// populations are folded away: average pooling and flatten become part of
// the next projection's connectivity (its fan-in is the pre-pool spiking
// layer), a CHANNEL_AFFINE becomes per-step table state of the target, ADD
// gives a population two projections. With relay pooling (the hardware
// file's mapping.fold_pooling = false) an AVG_POOL2D after a spiking layer
// is instead a population of relay compartments that forward the window
// average as a graded spike. A MAX_POOL2D of binary spikes is always a relay
// population (max pooling is not linear, so it cannot fold into synapses):
// for binary spikes the max is the OR of the window, one neuron with
// weights 1 and a threshold just above 0 that sends a binary spike, so it
// needs no graded spikes (snn-max-pool-to-relay writes the same relay as
// CONV2D + LIF layers). Connectivity is kept per spatial
// dimension (a list of source rows for every target row), which is exact for
// conv/pool chains and makes per-core counts products of per-dimension sums.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_NETWORK_H
#define SNNC_MAPPING_NETWORK_H

#include "snnc/modelbin/model.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace mapping {

/// For each target coordinate along one dimension, the sorted distinct
/// source coordinates it receives synapses from.
struct DimensionMap {
  int64_t sourceExtent = 0;
  std::vector<std::vector<int32_t>> sources;
};

enum class PopulationKind { Input, Spiking, Readout, Relay };

struct Projection {
  int source = -1;              ///< index of the source population
  std::string synapseLayer;     ///< CONV2D / DENSE layer name
  std::vector<std::string> via; ///< folded layers between source and synapses
  bool allToAll = false;        ///< DENSE: every source neuron to every target
  bool folded = false;          ///< a pooling layer was folded in
  DimensionMap rows, cols;      ///< conv only
  int64_t groups = 1;           ///< conv channel groups
  int64_t inChannelsPerGroup = 0, outChannelsPerGroup = 0;
  int64_t sharedWeightsPerChannel = 0; ///< distinct weights per target channel
  int64_t macs = 0;            ///< multiply-accumulates of the layer as an ANN
  double meanFanout = 0;       ///< synapses per source neuron (folded network)
  double runtimeFanout = 0;    ///< targets per event as snnc-run counts them
  int64_t synapses = 0;        ///< total synapses (no sharing)
  int64_t distinctWeights = 0; ///< weights stored once (sharing)
};

struct Population {
  std::string name; ///< the LIF / READOUT / ENCODE layer name
  PopulationKind kind = PopulationKind::Spiking;
  int64_t channels = 1, height = 1, width = 1; ///< [C, H, W]; dense: [F,1,1]
  std::vector<Projection> inputs;
  /// Per-step table entries one channel needs in a core (threshold, leak,
  /// bias, gain and any folded affine; T rows when a table varies, else 1).
  int64_t tableEntriesPerChannel = 0;
  std::vector<int> consumers; ///< populations with a projection from this one

  /// Relays only: true for average pooling (sends the window average as a
  /// graded spike), false for max pooling (sends a binary spike, the OR).
  bool gradedRelay = false;

  int64_t size() const { return channels * height * width; }
  bool mapped() const { return kind != PopulationKind::Input; }
};

struct Network {
  std::string modelName;
  int numSteps = 0, earlyExitStep = 0;
  bool relayPooling = false;
  double earlyExitThreshold = 0;
  std::vector<Population> populations;
  struct Gamma {
    std::string layer;
    std::vector<double> mean;
  };
  std::vector<Gamma> gammaMean;
  /// Channels per gamma bin at every step of one BNTT layer (paper Fig. 6).
  struct GammaHistogram {
    std::string layer;
    double lo = 0, hi = 0;
    int bins = 0;
    std::vector<int> counts; // [T, bins]
  };
  std::vector<GammaHistogram> gammaHistograms;

  int find(const std::string &name) const;
};

/// Builds the populations of `model` after checking it with model.bin's
/// validator (modelbin::validate). Fails with a message naming the layer
/// when the topology has something that cannot become synapses (max pooling
/// of graded values or signed spikes, two weight layers without a neuron
/// between them). `relayPooling` maps
/// average pooling layers as relay populations instead of folding them.
/// `*unsupported` (optional) tells a valid topology the mapper cannot map
/// (graded max pooling, two weight layers in a row) from a malformed model.
bool buildNetwork(const modelbin::Model &model, Network *net,
                  std::string *error, bool relayPooling = false,
                  bool *unsupported = nullptr);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_NETWORK_H

//===- ErrorPathTest.cpp - every mapper failure says what and where -------===//
//
// A failing mapping must never report an empty message: each error path of
// buildNetwork, partitionNetwork and runMapping is driven here, and its text
// must name the layer (or the hardware parameter) that caused it. The first
// test is the VGG11 regression: a padded convolution whose corner neuron
// fits a core but whose inner neurons do not produced "error: " with no text.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"
#include "snnc/Support/Limits.h"

#include <fmt/format.h>

#include <gtest/gtest.h>

using namespace snnc;
using namespace snnc::mapping;
using namespace snnc::mapping::testing;

namespace {

/// Maps `model` on `hw`; returns the error ("" when it mapped).
std::string mapError(const modelbin::Model &model, const HardwareModel &hw) {
  HardwareModel baseline;
  baseline.isBaseline = true;
  MapResult r;
  std::string error;
  if (runMapping(model, hw, baseline, nullptr, 0.1, &r, &error))
    return "";
  EXPECT_FALSE(error.empty()) << "a failure without a message";
  return error;
}

void expectNames(const std::string &error, const std::string &what,
                 const std::string &detail) {
  EXPECT_NE(error.find(what), std::string::npos) << what << " in: " << error;
  EXPECT_NE(error.find(detail), std::string::npos)
      << detail << " in: " << error;
}

TEST(ErrorPath, InnerNeuronOfAPaddedConvNeedsMoreFanInThanTheCorner) {
  // conv 3x3, pad 1 over 4 channels: the corner neuron reads 2x2x4 = 16
  // sources, every inner neuron 3x3x4 = 36. A core with 20 axons fits the
  // corner only.
  ModelBuilder b({4, 8, 8}, 2, 2);
  b.readout(b.dense(b.flatten(b.lif(b.conv(b.encode(), 2, 3, 1, 1))), 2));
  HardwareModel hw = smallChip();
  hw.faninAxons = 20;
  expectNames(mapError(b.model(), hw), "layer 'LIF2'", "needs 36 fan-in axons");
}

TEST(ErrorPath, FoldedPoolBeforeAPaddedConv) {
  // The VGG pattern: pool 2x2 then conv 3x3 pad 1 is a 6x6 window inside
  // and 4x4 at the corner: 36 x 2 = 72 sources, corner 32.
  ModelBuilder b({2, 8, 8}, 2, 2);
  int x = b.lif(b.conv(b.encode(), 2, 3, 1, 1));
  x = b.lif(b.conv(b.avgPool(x, 2, 2), 2, 3, 1, 1));
  b.readout(b.dense(b.flatten(x), 2));
  HardwareModel hw = smallChip();
  hw.faninAxons = 40;
  expectNames(mapError(b.model(), hw), "layer 'LIF5'", "needs 72 fan-in axons");
}

TEST(ErrorPath, InnerNeuronNeedsMoreSynapticMemory) {
  ModelBuilder b({4, 8, 8}, 2, 2);
  b.readout(b.dense(b.flatten(b.lif(b.conv(b.encode(), 2, 3, 1, 1))), 2));
  HardwareModel hw = smallChip();
  hw.convWeightSharing = false;
  hw.synapseMemoryBytes = 30; // corner 16 x 9 bits = 18 B, inner 36 x 9 = 41
  expectNames(mapError(b.model(), hw), "layer 'LIF2'",
              "needs 41 bytes of synaptic memory");
}

TEST(ErrorPath, EveryPartitionAndRunMappingFailureNamesItsCause) {
  ModelBuilder b({1, 6, 6}, 3, 2);
  int x = b.lif(b.conv(b.encode(), 2, 3, 1, 1), true);
  b.readout(b.dense(b.flatten(b.avgPool(x, 2, 2)), 3));
  struct Case {
    const char *what;
    void (*edit)(HardwareModel &);
    const char *layerOrParameter, *detail;
  } cases[] = {
      {"fan-in", [](HardwareModel &h) { h.faninAxons = 4; }, "layer 'LIF2'",
       "fan-in axons"},
      {"memory", [](HardwareModel &h) { h.synapseMemoryBytes = 2; }, "layer '",
       "synaptic memory"},
      {"tables", [](HardwareModel &h) { h.tableEntries = 2; }, "layer 'LIF2'",
       "per-step table entries"},
      {"fan-out",
       [](HardwareModel &h) {
         h.compartments = 1;
         h.fanoutAxons = 1;
       },
       "layer 'LIF2'", "fan-out axons"},
      {"chips",
       [](HardwareModel &h) {
         h.compartments = 1;
         h.maxChips = 1;
       },
       "mesh.max_chips", "cores"},
      {"weight bits", [](HardwareModel &h) { h.weightBits = 9; },
       "core.weight_bits", "max_weight_bits"},
      {"barrier",
       [](HardwareModel &h) {
         h.barrierMinNs = 10;
         h.barrierMaxNs = 1;
       },
       "latency_ns.barrier_max", "barrier_min"},
      {"relays",
       [](HardwareModel &h) {
         h.foldPooling = false;
         h.gradedSpikes = false;
       },
       "layer 'AVG_POOL2D3'", "graded"},
      {"no compartments", [](HardwareModel &h) { h.compartments = 0; },
       "core.compartments", "is outside [1,"},
      {"memory below one synapse",
       [](HardwareModel &h) { h.synapseMemoryBytes = 1; },
       "core.synapse_memory_bytes", "cannot hold a single synapse"},
      {"population axons without atoms",
       [](HardwareModel &h) { h.populationAxons = true; },
       "core.population_axons", "core.population_atoms >= 1"},
      {"fan-in with population axons",
       [](HardwareModel &h) {
         h.populationAxons = true;
         h.populationAtoms = 1; // one axon per channel, as binary axons
         h.populationAxonSlots = 1;
         h.faninAxons = 4;
       },
       "layer 'LIF2'", "fan-in axons"},
  };
  for (const Case &c : cases) {
    HardwareModel hw = smallChip();
    c.edit(hw);
    SCOPED_TRACE(c.what);
    expectNames(mapError(b.model(), hw), c.layerOrParameter, c.detail);
  }
}

// A layer that needs more cores than the mapper allocates (kMaxCores) is
// named with the limit, not reported as an internal error.
TEST(ErrorPath, MoreCoresThanTheMapperAllocates) {
  ModelBuilder b({1}, 1, 1);
  b.readout(b.dense(b.lif(b.dense(b.encode(), limits::kMaxCores + 1)), 1));
  HardwareModel hw = smallChip();
  hw.compartments = 1;
  hw.faninAxons = hw.synapseMemoryBytes = limits::kMaxCoreCapacity;
  std::string error = mapError(b.model(), hw);
  expectNames(error, "layer 'LIF2'",
              fmt::format("needs more than {} cores on testchip, the mapper's "
                          "limit",
                          limits::kMaxCores));
  EXPECT_EQ(error.find("internal"), std::string::npos) << error;
}

// On a chip with graded spikes a folded network that does not fit is
// retried with pooling relays; when that fails too, both causes are named.
TEST(ErrorPath, RelayFallbackThatFailsNamesBothCauses) {
  ModelBuilder b({2, 8, 8}, 2, 2);
  int x = b.lif(b.conv(b.encode(), 4, 3, 1, 1));
  b.readout(b.dense(b.flatten(b.avgPool(x, 2, 2)), 2));
  HardwareModel hw = smallChip();
  hw.gradedSpikes = true;
  // The conv's neurons read 18 sources; folded, the dense layer reads
  // 4 x 8 x 8 = 256; with relays 4 x 4 x 4 = 64 (a relay reads 4).
  hw.faninAxons = 20;
  std::string error = mapError(b.model(), hw);
  expectNames(error, "needs 256 fan-in axons",
              "(with pooling relays instead: layer '");
  EXPECT_NE(error.find("needs 64 fan-in axons"), std::string::npos) << error;
}

// A network built for relays mapped with folding (a caller's mistake)
// names the parameter.
TEST(ErrorPath, NetworkBuiltForTheOtherPoolingMode) {
  ModelBuilder b({2, 8, 8}, 2, 2);
  int x = b.lif(b.conv(b.encode(), 4, 3, 1, 1));
  b.readout(b.dense(b.flatten(b.avgPool(x, 2, 2)), 2));
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(b.model(), &net, &error, /*relayPooling=*/true))
      << error;
  HardwareModel baseline;
  baseline.isBaseline = true;
  MapResult r;
  EXPECT_FALSE(
      runMapping(net, smallChip(), baseline, nullptr, 0.1, &r, &error));
  EXPECT_EQ(error, "internal: the network was built with pooling relays but "
                   "testchip has mapping.fold_pooling = true");
}

TEST(ErrorPath, EveryNetworkFailureNamesTheLayer) {
  auto buildError = [](const modelbin::Model &m) {
    Network net;
    std::string error;
    EXPECT_FALSE(buildNetwork(m, &net, &error));
    EXPECT_FALSE(error.empty());
    return error;
  };
  {
    ModelBuilder b({1, 8, 8}, 2, 2);
    // Max pooling of graded values (a convolution's currents).
    int x = b.lif(b.maxPool(b.conv(b.encode(), 2, 3, 1, 1), 2, 2));
    b.readout(b.dense(b.flatten(x), 2));
    expectNames(buildError(b.model()), "'MAX_POOL2D2' (MAX_POOL2D)",
                "reads graded values from 'CONV2D1'");
  }
  {
    // Two weight layers without a neuron layer between them.
    ModelBuilder b({4}, 2, 2);
    b.readout(b.dense(b.dense(b.encode(), 3), 2));
    expectNames(buildError(b.model()), "'DENSE1'", "spiking source");
  }
  {
    ModelBuilder b({4}, 2, 2);
    b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
    modelbin::Model m = b.model();
    m.mutable_layers(2)->mutable_lif()->mutable_threshold()->set_shape(1, 7);
    expectNames(buildError(m), "'LIF2'", "lif.threshold: shape [2, 7]");
  }
  {
    ModelBuilder b({4}, 2, 2);
    b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
    modelbin::Model m = b.model();
    m.mutable_layers(3)->mutable_dense()->mutable_weight()->set_shape(1, 5);
    expectNames(buildError(m), "'DENSE3'", "dense.weight: shape [2, 5]");
  }
  {
    ModelBuilder b({4}, 2, 2);
    b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
    modelbin::Model m = b.model();
    m.set_early_exit_step(5);
    expectNames(buildError(m), "model.early_exit_step: 5",
                "expected 1..num_steps = 2");
  }
  {
    // Only the encoder: nothing to map (the validator's message).
    ModelBuilder b({4}, 2, 2);
    b.encode();
    expectNames(buildError(b.model()), "model.layers: 1 layers",
                "expected 2..");
  }
}

} // namespace

namespace {

/// VGG11 for CIFAR-100 (3x32x32, average pooling as in the BNTT paper),
/// zero weights: the shapes are what the mapper reads.
modelbin::Model vgg11() {
  ModelBuilder b({3, 32, 32}, 4, 3);
  int x = b.encode();
  const int64_t plan[] = {64,  -1,  128, -1,  256, 256, -1,
                          512, 512, -1,  512, 512, -1};
  for (int64_t channels : plan)
    x = channels < 0 ? b.avgPool(x, 2, 2)
                     : b.lif(b.conv(x, channels, 3, 1, 1), true);
  x = b.lif(b.dense(b.flatten(x), 512), true);
  b.readout(b.dense(x, 100));
  return b.model();
}

TEST(ErrorPath, Vgg11OnLoihi2FallsBackToRelaysAndSaysWhy) {
  HardwareModel hw;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi2", {SNNC_SOURCE_HW_DIR}, &hw, &error))
      << error;
  // conv 3x3 pad 1 after pool 2x2 over 256 channels: 6 x 6 x 256 = 9216
  // sources inside, 4 x 4 x 256 = 4096 at the corner; a core has 8192.
  // Folded pooling does not fit; loihi2 has graded spikes, so the pooling
  // layers become relays and the network maps near its lower bound.
  HardwareModel baseline;
  baseline.isBaseline = true;
  MapResult r;
  ASSERT_TRUE(runMapping(vgg11(), hw, baseline, nullptr, 0.1, &r, &error))
      << error;
  EXPECT_EQ(r.pooling, "relays");
  expectNames(r.poolingFallback, "layer 'LIF13'", "needs 9216 fan-in axons");
  EXPECT_LE(double(r.mapping.cores.size()), 1.25 * r.mapping.lowerBound);
  EXPECT_NE(summaryText(r.net, r).find("pooling: relays (folded pooling "
                                       "does not fit: layer 'LIF13'"),
            std::string::npos);
  // Without graded spikes there is no fallback: the folded error stands.
  hw.gradedSpikes = false;
  expectNames(mapError(vgg11(), hw), "layer 'LIF13'",
              "needs 9216 fan-in axons");
}

} // namespace

namespace {

// Folded pooling that breaks the fan-in on a chip without graded spikes
// (loihi1 and VGG9's lif5): the message names the smallest change per
// violated constraint, and each one it names really fits.
TEST(ErrorPath, FoldedPoolingSaysWhatWouldFit) {
  ModelBuilder b({1, 8, 8}, 2, 2);
  b.readout(b.dense(
      b.lif(b.dense(
          b.flatten(b.avgPool(b.lif(b.conv(b.encode(), 16, 3, 1, 1)), 2, 2)),
          10)),
      10));
  HardwareModel hw = smallChip();
  hw.faninAxons = 512; // the folded dense reads 16 x 8 x 8 = 1024 neurons
  std::string error = mapError(b.model(), hw);
  expectNames(error, "1024 fan-in axons", "core.fanin_axons = 512");
  EXPECT_NE(error.find("fits with --set fanin_axons=1024"), std::string::npos)
      << error;
  EXPECT_NE(error.find("fits with --set graded_spikes=true"), std::string::npos)
      << error;
  EXPECT_NE(error.find("no exact mapping on testchip"), std::string::npos)
      << error;
  HardwareModel raised = hw;
  raised.faninAxons = 1024;
  EXPECT_EQ(mapError(b.model(), raised), "");
  HardwareModel graded = hw;
  graded.gradedSpikes = true;
  EXPECT_EQ(mapError(b.model(), graded), "");
}

} // namespace

//===- MetisPartitionTest.cpp - the METIS partitioner and its choice ------===//
//
// mapping.partitioner = metis on a residual network (ADD of a 3x3 and a 1x1
// branch) and a chain, with one layer per core and with shared cores: every
// physical core keeps every limit by its exact usage (sharedUsage), every
// neuron is in exactly one block, repeated runs give the same mapping (fixed
// METIS seed), auto keeps the partition with fewer cores, and every failure
// (METIS status codes, no fitting partition, bad option values) says why.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"
#include "MappingTestUtil.h"
#include "Partitioners.h"
#include "snnc/Mapping/Pipeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <metis.h>

namespace snnc {
namespace mapping {
namespace {

using testing::ModelBuilder;
using testing::smallChip;

/// conv-LIF, then two residual blocks LIF(conv3x3(LIF(conv3x3 x)) + conv1x1
/// x), then a tiny readout.
modelbin::Model residualModel() {
  ModelBuilder b({3, 16, 16}, 8, 6);
  int x = b.lif(b.conv(b.encode(), 16, 3, 1, 1));
  for (int block = 0; block < 2; ++block) {
    int y = b.lif(b.conv(x, 32, 3, 1, 1));
    y = b.conv(y, 32, 3, 1, 1);
    int skip = b.conv(x, 32, 1, 1, 0);
    x = b.lif(b.add(y, skip));
  }
  b.tinyReadout(x);
  return b.model();
}

HardwareModel chip(bool share, PartitionMethod method) {
  HardwareModel hw = smallChip();
  hw.compartments = 2048;
  hw.faninAxons = 1024;
  hw.fanoutAxons = 2048;
  hw.synapseMemoryBytes = 64 << 10;
  hw.maxChips = 16;
  hw.shareCores = share;
  hw.partitioner = method;
  return hw;
}

Network networkOf(const modelbin::Model &model) {
  Network net;
  std::string error;
  EXPECT_TRUE(buildNetwork(model, &net, &error)) << error;
  return net;
}

/// The exact usage of every physical core keeps every limit, and every
/// neuron of every mapped population is in exactly one block.
void expectValid(const Network &net, const HardwareModel &hw,
                 const Mapping &m) {
  std::vector<int> coreOf(m.cores.size());
  std::vector<int> index(m.cores.size(), -1);
  int cores = 0;
  for (size_t b = 0; b < m.cores.size(); ++b) {
    int physical = m.cores[b].physical;
    ASSERT_GE(physical, 0);
    if (index[size_t(physical)] < 0)
      index[size_t(physical)] = cores++;
    coreOf[b] = index[size_t(physical)];
  }
  EXPECT_EQ(cores, m.numCores());
  std::vector<CoreUsage> used =
      detail::sharedUsage(net, hw, m.cores, coreOf, cores);
  for (int k = 0; k < cores; ++k) {
    int64_t have = 0, limit = 0;
    EXPECT_EQ(detail::violation(hw, used[size_t(k)], &have, &limit), "")
        << "core " << k << ": " << have << " > " << limit;
  }
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const Population &pop = net.populations[p];
    if (!pop.mapped())
      continue;
    std::vector<int> count(size_t(pop.size()), 0);
    for (const Core &c : m.cores)
      if (c.population == int(p))
        for (int64_t ch = c.c0; ch < c.c1; ++ch)
          for (int64_t h = c.h0; h < c.h1; ++h)
            for (int64_t w = c.w0; w < c.w1; ++w)
              ++count[size_t((ch * pop.height + h) * pop.width + w)];
    for (int n : count)
      ASSERT_EQ(n, 1) << pop.name;
    // Shared cores hold blocks of several layers only when asked to.
    if (!hw.shareCores)
      for (const Core &c : m.cores)
        if (c.population == int(p))
          EXPECT_EQ(m.cores[size_t(c.physical)].population, int(p));
  }
}

/// The fan-out of a block is counted three ways: FanoutReaders while the
/// blocks are chosen, link() when the mapping is assembled, sharedUsage for
/// shared cores (here one block per core). They must agree block by block,
/// with binary axons and with population axons, on a chain with a grouped
/// convolution and a dense layer, cut by hand into blocks of 5 channels and
/// half the rows, so that blocks straddle the 4-channel atom groups and the
/// 3-channel convolution groups.
TEST(FanoutCount, ThreeCountersAgree) {
  ModelBuilder b({4, 8, 8}, 2, 2);
  int x = b.lif(b.conv(b.encode(), 6, 3, 1, 1));
  x = b.lif(b.conv(x, 6, 3, 1, 1, /*groups=*/2));
  x = b.lif(b.dense(b.flatten(b.avgPool(x, 2, 2)), 12));
  b.readout(b.dense(x, 3));
  Network net = networkOf(b.model());
  std::vector<std::vector<Core>> coresOf(net.populations.size());
  std::vector<PopulationMapping> pms(net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const Population &pop = net.populations[p];
    pms[p].population = int(p);
    if (!pop.mapped())
      continue;
    int64_t half = std::max<int64_t>(1, pop.height / 2);
    for (int64_t c = 0; c < pop.channels; c += 5)
      for (int64_t h = 0; h < pop.height; h += half)
        coresOf[p].push_back({int(p), c, std::min<int64_t>(c + 5, pop.channels),
                              h, std::min(h + half, pop.height), 0, pop.width,
                              CoreUsage()});
  }
  for (bool population : {false, true}) {
    HardwareModel hw = smallChip();
    hw.populationAxons = population;
    hw.populationAtoms = 4;
    hw.populationAxonSlots = 2;
    for (std::vector<Core> &blocks : coresOf)
      for (Core &c : blocks)
        c.usage = detail::usageOf(net, hw, c);
    Mapping m;
    detail::assembleMapping(net, hw, coresOf, pms, &m);
    std::vector<int> own(m.cores.size());
    for (size_t k = 0; k < own.size(); ++k)
      own[k] = int(k);
    std::vector<int64_t> shared;
    std::vector<CoreUsage> used = detail::sharedUsage(
        net, hw, m.cores, own, int(m.cores.size()), &shared);
    int64_t total = 0;
    for (size_t k = 0; k < m.cores.size(); ++k) {
      const Core &c = m.cores[k];
      detail::FanoutReaders readers(net, hw, c.population, coresOf);
      EXPECT_EQ(readers.of(c.c0, c.c1, c.h0, c.h1, c.w0, c.w1),
                c.usage.fanoutAxons)
          << "block " << k << " population axons " << population;
      EXPECT_EQ(shared[k], c.usage.fanoutAxons) << "block " << k;
      EXPECT_EQ(used[k].faninAxons, c.usage.faninAxons) << "block " << k;
      total += c.usage.fanoutAxons;
    }
    EXPECT_GT(total, 0);
  }
}

TEST(MetisPartition, EveryCoreKeepsEveryLimitAndEveryNeuronIsMappedOnce) {
  for (const modelbin::Model &model : {residualModel()})
    for (bool share : {false, true}) {
      Network net = networkOf(model);
      ASSERT_TRUE(irregularConnectivity(net));
      HardwareModel hw = chip(share, PartitionMethod::Metis);
      Mapping m;
      std::string error;
      ASSERT_TRUE(partitionNetwork(net, hw, &m, &error))
          << "share " << share << ": [" << error << "]";
      EXPECT_EQ(m.partitioner, "metis");
      EXPECT_GT(m.metisCores, 0);
      EXPECT_GE(m.numCores(), share ? m.sharedLowerBound : m.lowerBound);
      expectValid(net, hw, m);
    }
}

TEST(MetisPartition, TheSameInputGivesTheSameMapping) {
  Network net = networkOf(residualModel());
  for (bool share : {false, true}) {
    HardwareModel hw = chip(share, PartitionMethod::Metis);
    Mapping a, b;
    std::string error;
    ASSERT_TRUE(partitionNetwork(net, hw, &a, &error)) << error;
    ASSERT_TRUE(partitionNetwork(net, hw, &b, &error)) << error;
    ASSERT_EQ(a.cores.size(), b.cores.size());
    for (size_t i = 0; i < a.cores.size(); ++i) {
      EXPECT_EQ(a.cores[i].physical, b.cores[i].physical);
      EXPECT_EQ(a.cores[i].c0, b.cores[i].c0);
      EXPECT_EQ(a.cores[i].h0, b.cores[i].h0);
    }
  }
}

TEST(MetisPartition, FinerUnitsFromTheBoundRepeatToo) {
  // split 4 from the bound: METIS cuts every problem (the default, whole
  // blocks, often starts from a part per block).
  Network net = networkOf(residualModel());
  for (bool share : {false, true}) {
    HardwareModel hw = chip(share, PartitionMethod::Structured);
    Mapping structured, a, b;
    std::string error;
    ASSERT_TRUE(partitionNetwork(net, hw, &structured, &error)) << error;
    detail::MetisOptions fine;
    fine.split = 4;
    fine.startFraction = 0;
    std::vector<double> rates(net.populations.size(), 0.1);
    ASSERT_TRUE(
        detail::metisPartition(net, hw, rates, structured, fine, &a, &error))
        << error;
    ASSERT_TRUE(
        detail::metisPartition(net, hw, rates, structured, fine, &b, &error))
        << error;
    EXPECT_GT(a.cores.size(), structured.cores.size()); // units, not blocks
    ASSERT_EQ(a.cores.size(), b.cores.size());
    for (size_t i = 0; i < a.cores.size(); ++i)
      EXPECT_EQ(a.cores[i].physical, b.cores[i].physical);
    expectValid(net, hw, a);
  }
}

TEST(MetisPartition, AutoKeepsTheFewerCoresAndStructuredSkipsMetis) {
  Network net = networkOf(residualModel());
  for (bool share : {false, true}) {
    Mapping automatic, structured;
    std::string error;
    ASSERT_TRUE(partitionNetwork(net, chip(share, PartitionMethod::Auto),
                                 &automatic, &error))
        << error;
    ASSERT_TRUE(partitionNetwork(net, chip(share, PartitionMethod::Structured),
                                 &structured, &error))
        << error;
    EXPECT_EQ(structured.metisCores, 0);
    EXPECT_EQ(structured.partitioner, "structured");
    ASSERT_GT(automatic.metisCores, 0) << automatic.metisFailure;
    EXPECT_EQ(automatic.structuredCores, structured.numCores());
    EXPECT_EQ(automatic.numCores(),
              std::min(automatic.metisCores, automatic.structuredCores));
    EXPECT_EQ(automatic.partitioner,
              automatic.metisCores < automatic.structuredCores
                  ? "metis"
                  : automatic.partitioner);
    expectValid(net, chip(share, PartitionMethod::Auto), automatic);
  }
}

TEST(MetisPartition, AChainWithoutSharingStaysStructuredUnderAuto) {
  ModelBuilder b({1, 16, 16}, 8, 6);
  int x = b.lif(b.conv(b.encode(), 8, 3, 1, 1));
  b.tinyReadout(b.lif(b.conv(x, 8, 3, 1, 1)));
  Network net = networkOf(b.model());
  EXPECT_FALSE(irregularConnectivity(net));
  Mapping m;
  std::string error;
  ASSERT_TRUE(
      partitionNetwork(net, chip(false, PartitionMethod::Auto), &m, &error));
  EXPECT_EQ(m.partitioner, "structured");
  EXPECT_EQ(m.metisCores, 0); // METIS did not run
}

TEST(MetisPartition, AutoDoesNotRunMetisBeyond1024Blocks) {
  ModelBuilder b({1, 64, 64}, 4, 3);
  b.tinyReadout(b.lif(b.conv(b.encode(), 1, 3, 1, 1)));
  Network net = networkOf(b.model());
  HardwareModel hw = chip(true, PartitionMethod::Auto);
  hw.compartments = 2; // 2048 blocks of the 64 x 64 layer
  hw.maxChips = 1024;
  Mapping m;
  std::string error;
  ASSERT_TRUE(partitionNetwork(net, hw, &m, &error)) << error;
  ASSERT_GT(m.cores.size(), 1024u);
  EXPECT_EQ(m.partitioner, "structured");
  EXPECT_EQ(m.metisCores, 0);
  EXPECT_NE(m.metisFailure.find("not tried under auto"), std::string::npos)
      << m.metisFailure;
}

TEST(MetisPartition, EveryMetisStatusHasAMessage) {
  for (int status : {METIS_ERROR_INPUT, METIS_ERROR_MEMORY, METIS_ERROR}) {
    std::string text = detail::metisStatusText(status);
    EXPECT_NE(text.find("METIS_ERROR"), std::string::npos) << text;
  }
  EXPECT_NE(detail::metisStatusText(42).find("unknown METIS status 42"),
            std::string::npos);
}

TEST(MetisPartition, AToleranceMetisWouldRefuseIsAnInternalErrorBeforeTheCall) {
  // A balance tolerance below 1 is an input METIS refuses, printing its own
  // line to stdout; snnc refuses it first, naming the value and the rule.
  Network net = networkOf(residualModel());
  HardwareModel hw = chip(true, PartitionMethod::Metis);
  Mapping structured, out;
  std::string error;
  ASSERT_TRUE(partitionNetwork(net, chip(true, PartitionMethod::Structured),
                               &structured, &error));
  detail::MetisOptions bad; // finer units and the bound: METIS is called
  bad.split = 4;
  bad.startFraction = 0;
  bad.slack = -1;
  std::vector<double> rates(net.populations.size(), 0.1);
  ::testing::internal::CaptureStdout();
  bool ok =
      detail::metisPartition(net, hw, rates, structured, bad, &out, &error);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  ASSERT_FALSE(ok);
  EXPECT_EQ(error.rfind("internal: METIS called with a balance tolerance of "
                        "-1 (must be > 1)",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find("the network"), std::string::npos) << error;
}

TEST(MetisPartition, NoFittingPartitionNamesALayerAndALimit) {
  // The structured blocks are cut for `hw`; METIS is asked to fit them in
  // cores one compartment smaller than the largest block: bisecting ends at
  // that block alone, which still breaks core.compartments.
  Network net = networkOf(residualModel());
  HardwareModel hw = chip(true, PartitionMethod::Structured);
  Mapping structured, out;
  std::string error;
  ASSERT_TRUE(partitionNetwork(net, hw, &structured, &error)) << error;
  int64_t largest = 0;
  for (const Core &c : structured.cores)
    largest = std::max(largest, c.neurons());
  HardwareModel smaller = hw;
  smaller.compartments = largest - 1;
  std::vector<double> rates(net.populations.size(), 0.1);
  ASSERT_FALSE(detail::metisPartition(net, smaller, rates, structured,
                                      detail::MetisOptions(), &out, &error));
  EXPECT_NE(error.find("METIS found no partition of the network on testchip"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("1 block(s) of layer '"), std::string::npos) << error;
  EXPECT_NE(error.find(fmt::format("core.compartments = {} > {}", largest,
                                   largest - 1)),
            std::string::npos)
      << error;
}

TEST(MetisPartition, ThePartitionerParameterTakesItsThreeNamesOnly) {
  HardwareModel hw = smallChip();
  std::string error;
  EXPECT_EQ(hw.partitioner, PartitionMethod::Auto);
  ASSERT_TRUE(overrideParameter(&hw, "partitioner", "metis", &error)) << error;
  EXPECT_EQ(hw.partitioner, PartitionMethod::Metis);
  ASSERT_TRUE(
      overrideParameter(&hw, "mapping.partitioner", "\"structured\"", &error));
  EXPECT_EQ(hw.partitioner, PartitionMethod::Structured);
  for (const char *bad : {"kway", "1", "true", ""}) {
    EXPECT_FALSE(overrideParameter(&hw, "partitioner", bad, &error)) << bad;
    EXPECT_NE(error.find("mapping.partitioner"), std::string::npos) << error;
    EXPECT_NE(error.find("auto, structured, metis"), std::string::npos)
        << error;
  }
  EXPECT_EQ(hw.partitioner, PartitionMethod::Structured);
  std::string path, canonical;
  ASSERT_TRUE(
      checkParameter("partitioner", "metis", &path, &canonical, &error));
  EXPECT_EQ(path, "mapping.partitioner");
  EXPECT_EQ(canonical, "metis");
}

} // namespace
} // namespace mapping
} // namespace snnc

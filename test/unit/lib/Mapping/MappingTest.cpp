//===- MappingTest.cpp - partition and placement invariants ---------------===//
//
// The per-core usage the mapper reports is checked against an independent,
// naive expansion of each neuron's synaptic sources (element by element
// through conv, pooling and flatten), so the separable per-dimension
// arithmetic of Partition.cpp is not trusted. Also: every neuron is mapped
// exactly once, no core exceeds a limit, placements are distinct and on the
// mesh, lower bounds on layers with known answers, and one diagnostic per
// constraint that can make a layer unmappable.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

using namespace snnc;
using namespace snnc::mapping;
using namespace snnc::mapping::testing;

namespace {

using Source = std::pair<int, int64_t>; // (layer index, flat element)

std::vector<int64_t> dims3(const modelbin::Layer &l) {
  std::vector<int64_t> d(l.shape().begin(), l.shape().end());
  while (d.size() < 3)
    d.push_back(1);
  return d;
}

/// Spiking sources of element `e` of layer `i`, found element by element;
/// with `relay`, pooling layers are sources too.
void expand(const modelbin::Model &m, int i, int64_t e, std::set<Source> *out,
            bool relay = false) {
  const modelbin::Layer &l = m.layers(i);
  if (l.kind() == modelbin::Layer::LIF || l.kind() == modelbin::Layer::ENCODE ||
      (relay && l.kind() == modelbin::Layer::AVG_POOL2D)) {
    out->insert({i, e});
    return;
  }
  int in = l.inputs(0);
  std::vector<int64_t> o = dims3(l), s = dims3(m.layers(in));
  int64_t c = e / (o[1] * o[2]), y = e / o[2] % o[1], x = e % o[2];
  switch (l.kind()) {
  case modelbin::Layer::FLATTEN:
    return expand(m, in, e, out, relay);
  case modelbin::Layer::DENSE:
    for (int64_t k = 0; k < s[0] * s[1] * s[2]; ++k)
      expand(m, in, k, out, relay);
    return;
  case modelbin::Layer::AVG_POOL2D: {
    const auto &p = l.pool();
    for (int64_t a = 0; a < p.kernel(0); ++a)
      for (int64_t b = 0; b < p.kernel(1); ++b)
        expand(m, in,
               (c * s[1] + y * p.strides(0) + a) * s[2] + x * p.strides(1) + b,
               out);
    return;
  }
  case modelbin::Layer::CONV2D: {
    const auto &cv = l.conv2d();
    int64_t ipg = cv.weight().shape(1), opg = o[0] / cv.groups();
    int64_t g = c / opg;
    for (int64_t ci = g * ipg; ci < (g + 1) * ipg; ++ci)
      for (int64_t a = 0; a < cv.weight().shape(2); ++a)
        for (int64_t b = 0; b < cv.weight().shape(3); ++b) {
          int64_t yy = y * cv.strides(0) - cv.pads(0) + a;
          int64_t xx = x * cv.strides(1) - cv.pads(1) + b;
          if (yy >= 0 && yy < s[1] && xx >= 0 && xx < s[2])
            expand(m, in, (ci * s[1] + yy) * s[2] + xx, out, relay);
        }
    return;
  }
  default:
    FAIL() << "unexpected layer kind in test network";
  }
}

/// The input axon that carries source `s`, by hand: one per neuron with
/// binary axons; with population axons one per position and group of
/// population_atoms channels (docs/mapping.md, "Population axons").
std::tuple<int, int64_t, int64_t>
axonKey(const modelbin::Model &m, const Source &s, const HardwareModel &hw) {
  std::vector<int64_t> d = dims3(m.layers(s.first));
  int64_t area = d[1] * d[2];
  int64_t atoms = hw.populationAxons ? hw.populationAtoms : 1;
  return {s.first, s.second / area / atoms, s.second % area};
}

int layerIndex(const modelbin::Model &m, const std::string &name) {
  for (int i = 0; i < m.layers_size(); ++i)
    if (m.layers(i).name() == name)
      return i;
  return -1;
}

modelbin::Model convNet(bool varying = false) {
  ModelBuilder b({2, 12, 12}, 4, 3);
  int x = b.lif(b.conv(b.encode(), 4, 3, 1, 1), varying);
  x = b.lif(b.conv(b.avgPool(x, 2, 2), 6, 3, 1, 0, 2), varying);
  x = b.lif(b.dense(b.flatten(b.avgPool(x, 2, 2)), 10));
  b.readout(b.dense(x, 3));
  return b.model();
}

void checkInvariants(const modelbin::Model &model, const HardwareModel &hw) {
  Network net;
  std::string error;
  bool relay = !hw.foldPooling;
  ASSERT_TRUE(buildNetwork(model, &net, &error, relay)) << error;
  MapResult r;
  HardwareModel baseline;
  baseline.isBaseline = true;
  ASSERT_TRUE(runMapping(net, hw, baseline, nullptr, 0.2, &r, &error)) << error;
  const Mapping &m = r.mapping;

  // Every neuron of every mapped population in exactly one core.
  std::map<int, std::vector<int>> owner;
  for (const PopulationMapping &pm : m.populations)
    owner[pm.population].assign(size_t(net.populations[pm.population].size()),
                                0);
  for (const Core &c : m.cores) {
    const Population &pop = net.populations[c.population];
    for (int64_t ch = c.c0; ch < c.c1; ++ch)
      for (int64_t h = c.h0; h < c.h1; ++h)
        for (int64_t w = c.w0; w < c.w1; ++w)
          ++owner[c.population][size_t((ch * pop.height + h) * pop.width + w)];
  }
  for (const auto &[pop, counts] : owner)
    for (int n : counts)
      ASSERT_EQ(n, 1) << "population " << net.populations[pop].name;

  // Usage matches the naive expansion and respects every limit.
  std::vector<std::set<Source>> sourcesOfCore(m.cores.size());
  std::vector<int64_t> fanout(m.cores.size(), 0);
  for (size_t i = 0; i < m.cores.size(); ++i) {
    const Core &c = m.cores[i];
    const Population &pop = net.populations[c.population];
    int layer = layerIndex(model, pop.name);
    int64_t synapses = 0;
    for (int64_t ch = c.c0; ch < c.c1; ++ch)
      for (int64_t h = c.h0; h < c.h1; ++h)
        for (int64_t w = c.w0; w < c.w1; ++w) {
          std::set<Source> s;
          int64_t e = (ch * pop.height + h) * pop.width + w;
          // A LIF's element e is its input's element e; a relay reads its
          // own pooling window.
          if (pop.kind == PopulationKind::Relay)
            expand(model, layer, e, &s, /*relay=*/false);
          else
            expand(model, model.layers(layer).inputs(0), e, &s, relay);
          synapses += int64_t(s.size());
          sourcesOfCore[i].insert(s.begin(), s.end());
        }
    EXPECT_EQ(c.usage.synapses, synapses) << "core " << i;
    std::set<std::tuple<int, int64_t, int64_t>> axons;
    for (const Source &s : sourcesOfCore[i])
      axons.insert(axonKey(model, s, hw));
    EXPECT_EQ(c.usage.faninAxons, int64_t(axons.size())) << "core " << i;
    EXPECT_LE(c.usage.compartments, hw.compartments);
    EXPECT_LE(c.usage.faninAxons, hw.faninAxons);
    EXPECT_LE(c.usage.fanoutAxons, hw.fanoutAxons);
    EXPECT_LE(c.usage.synapseBits, hw.synapseMemoryBytes * 8);
    EXPECT_LE(c.usage.tableEntries, hw.tableEntries);
  }
  // Links: the neurons of core a that core b reads, and the output-axon
  // entries they take (slots per input axon of b they reach); fan-out is
  // the sum of the entries.
  int64_t slots = hw.populationAxons ? hw.populationAxonSlots : 1;
  for (const CoreLink &l : m.links) {
    if (l.from < 0)
      continue;
    const Core &a = m.cores[l.from];
    const Population &pop = net.populations[a.population];
    int layer = layerIndex(model, pop.name);
    int64_t n = 0;
    std::set<std::tuple<int, int64_t, int64_t>> reached;
    for (const Source &s : sourcesOfCore[l.to]) {
      int64_t ch = s.second / (pop.height * pop.width);
      int64_t h = s.second / pop.width % pop.height, w = s.second % pop.width;
      bool inA = s.first == layer && ch >= a.c0 && ch < a.c1 && h >= a.h0 &&
                 h < a.h1 && w >= a.w0 && w < a.w1;
      n += inA;
      if (inA)
        reached.insert(axonKey(model, s, hw));
    }
    EXPECT_EQ(l.neurons, n) << "link " << l.from << "->" << l.to;
    EXPECT_EQ(l.fanoutAxons, slots * int64_t(reached.size()))
        << "link " << l.from << "->" << l.to;
    fanout[l.from] += l.fanoutAxons;
  }
  for (size_t i = 0; i < m.cores.size(); ++i)
    EXPECT_EQ(m.cores[i].usage.fanoutAxons, fanout[i]) << "core " << i;

  // Placement: distinct positions on the chips in use; JSON hops agree.
  std::set<std::tuple<int, int, int>> used;
  for (const Core &c : m.cores) {
    EXPECT_TRUE(used.insert({c.tileX, c.tileY, c.slot}).second);
    EXPECT_GE(c.tileX, c.chip * hw.tilesX);
    EXPECT_LT(c.tileX, (c.chip + 1) * hw.tilesX);
    EXPECT_LT(c.tileY, hw.tilesY);
    EXPECT_LT(c.slot, hw.coresPerTile);
    EXPECT_LT(c.chip, m.chips);
  }
  EXPECT_GE(int64_t(m.cores.size()), m.lowerBound);
  EXPECT_LE(m.placementCostFinal, m.placementCostInitial + 1e-9);
  nlohmann::ordered_json j = resultToJson(net, r);
  for (const auto &link : j["links"]) {
    const auto &to = j["core_list"][link["to"].get<size_t>()];
    int fx = 0, fy = 0;
    if (!link["from"].is_string()) {
      const auto &from = j["core_list"][link["from"].get<size_t>()];
      fx = from["tile"][0];
      fy = from["tile"][1];
    }
    EXPECT_EQ(link["hops_x"].get<int>(),
              std::abs(fx - to["tile"][0].get<int>()));
    EXPECT_EQ(link["hops_y"].get<int>(),
              std::abs(fy - to["tile"][1].get<int>()));
  }
}

TEST(Mapping, InvariantsRoomyChip) { checkInvariants(convNet(), smallChip()); }

TEST(Mapping, InvariantsTightChipForcesSplitsAndChips) {
  HardwareModel hw = smallChip();
  hw.compartments = 37;
  hw.faninAxons = 100; // one LIF7 neuron reads 96
  hw.fanoutAxons = 40;
  hw.synapseMemoryBytes = 400;
  hw.tableEntries = 16;
  hw.maxChips = 64;
  checkInvariants(convNet(true), hw);
}

TEST(Mapping, InvariantsWithWeightSharing) {
  HardwareModel hw = smallChip();
  hw.convWeightSharing = true;
  hw.compartments = 50;
  hw.synapseMemoryBytes = 300;
  checkInvariants(convNet(), hw);
}

// Population axons with groups of 3 channels (not a divisor of 4 or 6, so
// groups straddle channel blocks) and 2 output entries per axon, on a chip
// tight enough to split every layer.
TEST(Mapping, InvariantsWithPopulationAxons) {
  HardwareModel hw = smallChip();
  hw.populationAxons = true;
  hw.populationAtoms = 3;
  hw.populationAxonSlots = 2;
  hw.compartments = 37;
  // A LIF5 neuron of the second conv group reads channels 2-3 of LIF2: atom
  // groups 0 and 1 at 36 positions, 72 axons (the first group's: 36).
  hw.faninAxons = 72;
  hw.fanoutAxons = 60;
  hw.synapseMemoryBytes = 400;
  hw.tableEntries = 16;
  hw.maxChips = 64;
  checkInvariants(convNet(true), hw);
  hw.foldPooling = false;
  hw.gradedSpikes = true;
  checkInvariants(convNet(), hw);
}

TEST(Mapping, InvariantsWithPoolingRelays) {
  HardwareModel hw = smallChip();
  hw.foldPooling = false;
  hw.gradedSpikes = true;
  hw.compartments = 30;
  hw.faninAxons = 50;
  checkInvariants(convNet(), hw);
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(convNet(), &net, &error, true)) << error;
  // encode, LIF, relay, LIF, relay, LIF, readout.
  ASSERT_EQ(net.populations.size(), 7u);
  EXPECT_EQ(net.populations[2].kind, PopulationKind::Relay);
  EXPECT_EQ(net.populations[2].size(), 4 * 6 * 6);
  EXPECT_EQ(net.populations[2].inputs[0].synapses, 4 * 12 * 12);
}

struct Mapped {
  bool ok;
  std::string error;
  MapResult result;
};

Mapped mapModel(const modelbin::Model &model, const HardwareModel &hw) {
  Network net;
  Mapped out;
  if (!buildNetwork(model, &net, &out.error)) {
    out.ok = false;
    return out;
  }
  HardwareModel baseline;
  baseline.isBaseline = true;
  out.ok = runMapping(net, hw, baseline, nullptr, 0.1, &out.result, &out.error);
  return out;
}

modelbin::Model mlp(int64_t in, int64_t hidden, int64_t out, int steps = 2,
                    bool varying = false) {
  ModelBuilder b({in}, steps, steps);
  b.readout(b.dense(b.lif(b.dense(b.encode(), hidden), varying), out));
  return b.model();
}

TEST(LowerBound, CompartmentsOfADenseLayer) {
  HardwareModel hw = smallChip();
  hw.compartments = 100;
  Mapped m = mapModel(mlp(16, 1000, 4), hw);
  ASSERT_TRUE(m.ok) << m.error;
  const PopulationMapping &hidden = m.result.mapping.populations[0];
  EXPECT_EQ(hidden.lowerBound, 10);
  EXPECT_EQ(hidden.lowerBoundBy, "core.compartments");
  EXPECT_EQ(hidden.numCores, 10); // nothing else binds: optimal
}

TEST(LowerBound, EndBlocksOfAnAsymmetricPadAreCountedToo) {
  // conv 3x3 with pads [0, 0, 2, 2] on 8x8: a block at the start reads
  // (h + 2) x (w + 2) sources, one at the bottom-right end only h x w. With
  // 16 fan-in axons the largest block is 4x4 at the end (2x2 at the
  // start), so the block bound is ceil(64 / 16) = 4. A bound from start
  // blocks only said 16, more than the 12 cores the partitioner finds.
  ModelBuilder b({1, 8, 8}, 2, 2);
  int conv = b.conv(b.encode(), 1, 3, 1, 1);
  b.tinyReadout(b.lif(conv));
  modelbin::Model model = b.model();
  auto *pads = model.mutable_layers(conv)->mutable_conv2d()->mutable_pads();
  for (int i = 0; i < 4; ++i)
    pads->Set(i, i < 2 ? 0 : 2);
  HardwareModel hw = smallChip();
  hw.faninAxons = 16;
  Mapped m = mapModel(model, hw);
  ASSERT_TRUE(m.ok) << m.error;
  const PopulationMapping &lif = m.result.mapping.populations[0];
  EXPECT_EQ(lif.lowerBound, 4) << lif.lowerBoundBy;
  EXPECT_GE(lif.numCores, lif.lowerBound);
}

TEST(LowerBound, SynapticMemory) {
  // 784 x 64 synapses x (8 + 1) bits = 451584 bits; 16 KiB cores hold
  // 131072 bits: at least ceil(3.45) = 4 cores.
  HardwareModel hw = smallChip();
  hw.synapseMemoryBytes = 16384;
  Mapped m = mapModel(mlp(784, 64, 10), hw);
  ASSERT_TRUE(m.ok) << m.error;
  const PopulationMapping &hidden = m.result.mapping.populations[0];
  EXPECT_EQ(hidden.lowerBound, 4);
  EXPECT_EQ(hidden.lowerBoundBy, "core.synapse_memory_bytes");
  EXPECT_GE(hidden.numCores, 4);
  // 18 neurons x 784 x 9 bits fit a core: 4 blocks of 16 are optimal.
  EXPECT_EQ(hidden.numCores, 4);
}

TEST(LowerBound, ConvWeightSharingLowersTheMemoryBound) {
  ModelBuilder b({1, 16, 16}, 2, 2);
  b.tinyReadout(b.lif(b.conv(b.encode(), 8, 3, 1, 1)));
  HardwareModel hw = smallChip();
  hw.synapseMemoryBytes = 256; // 8 x 9 synapses x 9 bits = 648 bits shared
  hw.maxChips = 64;
  Mapped unshared = mapModel(b.model(), hw);
  hw.convWeightSharing = true;
  Mapped shared = mapModel(b.model(), hw);
  ASSERT_TRUE(unshared.ok && shared.ok) << unshared.error << shared.error;
  // 2048 neurons: the compartment bound (2) binds once kernels are shared.
  EXPECT_EQ(shared.result.mapping.populations[0].lowerBound, 2);
  EXPECT_EQ(shared.result.mapping.populations[0].lowerBoundBy,
            "core.compartments");
  EXPECT_GT(unshared.result.mapping.populations[0].lowerBound, 1);
  EXPECT_LT(shared.result.mapping.cores.size(),
            unshared.result.mapping.cores.size());
}

TEST(LowerBound, FanInAxons) {
  // A 1x1 convolution reads 64 x 8 x 8 = 4096 source neurons; with 1024
  // fan-in axons per core at least 4 cores must take them in, although the
  // 256 output neurons fit one core's compartments.
  ModelBuilder b({64, 8, 8}, 2, 2);
  b.tinyReadout(b.lif(b.conv(b.encode(), 4, 1, 1, 0)));
  HardwareModel hw = smallChip();
  hw.faninAxons = 1024;
  Mapped m = mapModel(b.model(), hw);
  ASSERT_TRUE(m.ok) << m.error;
  const PopulationMapping &pop = m.result.mapping.populations[0];
  EXPECT_EQ(pop.lowerBound, 4);
  EXPECT_EQ(pop.lowerBoundBy, "core.fanin_axons");
  // 1x1 kernels do not overlap: 4 blocks of 16 positions are optimal.
  EXPECT_EQ(pop.numCores, 4);
}

TEST(LowerBound, PopulationAxonsCarryTheChannelsOfAPosition) {
  // The same 1x1 convolution with population axons of 16 atoms: each of
  // the 64 positions needs ceil(64 / 16) = 4 axons, 256 in all, so one
  // core takes them in.
  ModelBuilder b({64, 8, 8}, 2, 2);
  b.tinyReadout(b.lif(b.conv(b.encode(), 4, 1, 1, 0)));
  HardwareModel hw = smallChip();
  hw.faninAxons = 1024;
  hw.populationAxons = true;
  hw.populationAtoms = 16;
  hw.populationAxonSlots = 1;
  Mapped m = mapModel(b.model(), hw);
  ASSERT_TRUE(m.ok) << m.error;
  const PopulationMapping &pop = m.result.mapping.populations[0];
  EXPECT_EQ(pop.lowerBound, 1);
  EXPECT_EQ(pop.numCores, 1);
  EXPECT_EQ(m.result.mapping.cores[size_t(pop.firstCore)].usage.faninAxons,
            256);
  // 255 axons: the bound and the mapping need two cores.
  hw.faninAxons = 255;
  m = mapModel(b.model(), hw);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.result.mapping.populations[0].lowerBound, 2);
  EXPECT_EQ(m.result.mapping.populations[0].lowerBoundBy, "core.fanin_axons");
}

void expectDiagnostic(const modelbin::Model &model, const HardwareModel &hw,
                      const std::string &part1, const std::string &part2) {
  Mapped m = mapModel(model, hw);
  ASSERT_FALSE(m.ok);
  EXPECT_NE(m.error.find(part1), std::string::npos) << m.error;
  EXPECT_NE(m.error.find(part2), std::string::npos) << m.error;
}

TEST(Diagnostic, FanInAxons) {
  HardwareModel hw = smallChip();
  hw.faninAxons = 500;
  expectDiagnostic(mlp(784, 8, 2), hw, "layer 'LIF2'",
                   "needs 784 fan-in axons (inputs: 'ENCODE0' via DENSE1) but "
                   "a core has core.fanin_axons = 500");
}

TEST(Diagnostic, FanInAxonsWithPopulationAxons) {
  // A dense layer from 784 inputs (one position) with groups of 8 atoms
  // needs 98 axons per neuron.
  HardwareModel hw = smallChip();
  hw.faninAxons = 97;
  hw.populationAxons = true;
  hw.populationAtoms = 8;
  hw.populationAxonSlots = 1;
  expectDiagnostic(mlp(784, 8, 2), hw, "layer 'LIF2'",
                   "needs 98 fan-in axons (inputs: 'ENCODE0' via DENSE1) but "
                   "a core has core.fanin_axons = 97");
}

TEST(Diagnostic, SynapticMemory) {
  HardwareModel hw = smallChip();
  hw.synapseMemoryBytes = 512; // one neuron: 784 x 9 bits = 882 bytes
  expectDiagnostic(mlp(784, 8, 2), hw, "layer 'LIF2'",
                   "needs 882 bytes of synaptic memory");
}

TEST(Diagnostic, TableEntries) {
  HardwareModel hw = smallChip();
  hw.tableEntries = 20; // varying thresholds: 30 + 3 constant rows
  expectDiagnostic(mlp(4, 8, 2, 30, true), hw, "layer 'LIF2'",
                   "needs 33 per-step table entries");
}

TEST(Diagnostic, FanOutAxons) {
  HardwareModel hw = smallChip();
  hw.compartments = 10; // the 100 outputs need 10 cores ...
  hw.fanoutAxons = 5;   // ... and every hidden neuron reaches all of them
  expectDiagnostic(mlp(4, 8, 100), hw, "layer 'LIF2'",
                   "needs 10 fan-out axons");
}

TEST(Diagnostic, TooManyChips) {
  HardwareModel hw = smallChip();
  hw.compartments = 1;
  hw.maxChips = 1; // 16 cores per chip, 8 + 2 + ... needed
  expectDiagnostic(mlp(4, 20, 2), hw, "needs 22 cores = 2 chips",
                   "mesh.max_chips = 1");
}

TEST(Diagnostic, WeightBitsBeyondTheHardware) {
  HardwareModel hw = smallChip();
  hw.weightBits = 9;
  expectDiagnostic(mlp(4, 8, 2), hw, "core.weight_bits: 9",
                   "core.max_weight_bits 8");
}

TEST(Diagnostic, RelaysNeedGradedSpikes) {
  HardwareModel hw = smallChip();
  hw.foldPooling = false;
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(convNet(), &net, &error, true)) << error;
  MapResult r;
  HardwareModel baseline;
  EXPECT_FALSE(runMapping(net, hw, baseline, nullptr, 0.1, &r, &error));
  EXPECT_NE(error.find("layer 'AVG_POOL2D3' cannot be mapped on testchip: as "
                       "a pooling relay it sends graded spikes"),
            std::string::npos)
      << error;
}

TEST(MaxPool, MapsAsABinaryRelayWithoutGradedSpikes) {
  // lif 2x8x8 -> max pool 2x2 -> dense: the pool is a relay population of
  // 2x4x4 neurons, each reading its 2x2 window (every pre-pool neuron in
  // exactly one window), sending binary spikes: no graded spikes needed.
  ModelBuilder b({1, 8, 8}, 2, 2);
  int x = b.lif(b.conv(b.encode(), 2, 3, 1, 1));
  b.readout(b.dense(b.flatten(b.maxPool(x, 2, 2)), 2));
  HardwareModel hw = smallChip();
  ASSERT_FALSE(hw.gradedSpikes);
  Mapped m = mapModel(b.model(), hw);
  ASSERT_TRUE(m.ok) << m.error;
  const Network &net = m.result.net;
  int relay = net.find("MAX_POOL2D3");
  ASSERT_GE(relay, 0);
  const Population &pop = net.populations[relay];
  EXPECT_EQ(pop.kind, PopulationKind::Relay);
  EXPECT_FALSE(pop.gradedRelay);
  EXPECT_EQ(pop.size(), 2 * 4 * 4);
  ASSERT_EQ(pop.inputs.size(), 1u);
  EXPECT_EQ(net.populations[pop.inputs[0].source].name, "LIF2");
  EXPECT_EQ(pop.inputs[0].synapses, 2 * 8 * 8);
  EXPECT_EQ(pop.inputs[0].macs, 0); // an ANN max pool does no MACs
  // The readout reads the 32 relay neurons, not the 128 pre-pool ones.
  const Population &readout = net.populations.back();
  ASSERT_EQ(readout.inputs.size(), 1u);
  EXPECT_EQ(readout.inputs[0].source, relay);
  EXPECT_FALSE(readout.inputs[0].folded);
  EXPECT_EQ(readout.inputs[0].synapses, 2 * 32);
  // The relay has cores, energy (synops, updates, routing) and a summary
  // line.
  bool hasCore = false;
  for (const Core &c : m.result.mapping.cores)
    hasCore |= c.population == relay;
  EXPECT_TRUE(hasCore);
  const EnergyTerms &e = m.result.energy.atT.perPopulation[relay];
  EXPECT_GT(e.synops, 0);
  EXPECT_GT(e.updatesActive + e.updatesInactive, 0);
  EXPECT_NE(summaryText(net, m.result)
                .find("max pooling: 'MAX_POOL2D3' as "
                      "relays of binary spikes"),
            std::string::npos);
}

TEST(Diagnostic, MaxPoolOfGradedValuesNamesTheLayer) {
  // conv -> max pool: the pool reads graded currents, not spikes.
  ModelBuilder b({1, 8, 8}, 2, 2);
  int x = b.lif(b.maxPool(b.conv(b.encode(), 2, 3, 1, 1), 2, 2));
  b.readout(b.dense(b.flatten(x), 2));
  expectDiagnostic(b.model(), smallChip(), "layer 2 'MAX_POOL2D2' (MAX_POOL2D)",
                   "only for binary spikes (the OR of its window), but it "
                   "reads graded values from 'CONV2D1' (CONV2D)");
}

TEST(Diagnostic, MaxPoolOfSignedSpikesNamesTheLayer) {
  ModelBuilder b({1, 8, 8}, 2, 2);
  int e = b.encode();
  int x = b.lif(b.conv(b.maxPool(e, 2, 2), 2, 3, 1, 1));
  b.readout(b.dense(b.flatten(x), 2));
  modelbin::Model m = b.model();
  m.mutable_layers(e)->mutable_encoder()->set_signed_(true);
  expectDiagnostic(m, smallChip(), "'MAX_POOL2D1' (MAX_POOL2D)",
                   "signed spikes (-1, 0, 1) from the encoder 'ENCODE0'");
}

} // namespace

//===- EnergyTest.cpp - energy arithmetic against hand-computed cases -----===//
//
// A 4-2-1 network small enough to compute every term by hand (see the
// comments), with the round-number chip of MappingTestUtil; and the
// derivation of per-step activity from a hand-written snnc-run profile.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

using namespace snnc;
using namespace snnc::mapping;
using namespace snnc::mapping::testing;

namespace {

modelbin::Model tinyNet() {
  ModelBuilder b({4}, /*steps=*/2, /*exitStep=*/1);
  b.readout(b.dense(b.lif(b.dense(b.encode(), 2)), 1));
  return b.model();
}

HardwareModel cmos45() {
  HardwareModel hw;
  hw.isBaseline = true;
  hw.macEnergyPj = 4.6;
  hw.acEnergyPj = 0.9;
  return hw;
}

TEST(Energy, HandComputedDefaultRate) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  MapResult r;
  ASSERT_TRUE(runMapping(net, smallChip(), cmos45(), nullptr, 0.5, &r, &error))
      << error;
  ASSERT_EQ(r.mapping.cores.size(), 2u);
  // Both cores share tile 0 with the host port: every route is within tile.
  for (const Core &c : r.mapping.cores)
    EXPECT_EQ(c.tileX + c.tileY, 0);

  // Per step at rate 0.5: 2 input spikes x fan-out 2 = 4 synops into the
  // LIF, 1 LIF spike x fan-out 1 = 1 synop into the readout.
  const StepCost &s = r.energy.perStep[0];
  EXPECT_DOUBLE_EQ(s.synops, 5);
  EXPECT_DOUBLE_EQ(s.energy.synops, 5 * 10.0);
  // Active: LIF 2 x (1 - 0.5^4) = 1.875, readout 1 x (1 - 0.5^2) = 0.75.
  EXPECT_DOUBLE_EQ(s.activeUpdates, 1.875 + 0.75);
  EXPECT_DOUBLE_EQ(s.energy.updatesActive, (1.875 + 0.75) * 3);
  EXPECT_DOUBLE_EQ(s.energy.updatesInactive, (0.125 + 0.25) * 1);
  // Routing: (2 + 1) spikes x within-tile 2 pJ.
  EXPECT_DOUBLE_EQ(s.energy.routing, 6);
  // Latency: LIF core 4x1 + 1.875x2 + 0.125x1 = 7.875 ns (the slowest),
  // route 5 ns, barrier 100 ns; static 1 mW x 1 chip x 112.875 ns.
  EXPECT_DOUBLE_EQ(s.computeNs, 7.875);
  EXPECT_DOUBLE_EQ(s.routeNs, 5);
  EXPECT_DOUBLE_EQ(s.latencyNs, 112.875);
  EXPECT_DOUBLE_EQ(s.energy.staticBarrier, 112.875);
  double perStep = 50 + 7.875 + 0.375 + 6 + 112.875;
  EXPECT_DOUBLE_EQ(r.energy.atT.energy.total(), 2 * perStep);
  EXPECT_DOUBLE_EQ(r.energy.atExit.energy.total(), perStep);
  EXPECT_EQ(r.energy.atExit.steps, 1);
  EXPECT_DOUBLE_EQ(r.energy.atT.latencyNs, 2 * 112.875);
  // Per layer: the LIF gets its synops, updates and the routing of its own
  // spikes; the encoder's routing is attributed to the encoder.
  int lif = net.find("LIF2"), input = net.find("ENCODE0");
  EXPECT_DOUBLE_EQ(r.energy.atExit.perPopulation[lif].synops, 40);
  EXPECT_DOUBLE_EQ(r.energy.atExit.perPopulation[lif].routing, 2);
  EXPECT_DOUBLE_EQ(r.energy.atExit.perPopulation[input].routing, 4);
  // ANN: 4x2 + 2x1 = 10 MACs x 4.6 pJ; SNN: 5 accumulates per step x 0.9.
  EXPECT_EQ(r.energy.annMacs, 10);
  EXPECT_DOUBLE_EQ(r.energy.annBaselinePj, 46);
  EXPECT_DOUBLE_EQ(r.energy.atExit.snnBaselinePj, 4.5);
  EXPECT_DOUBLE_EQ(r.energy.atT.snnBaselinePj, 9);
}

TEST(Energy, HopsCostPerDirection) {
  HardwareModel hw = smallChip();
  Core a, b;
  b.tileX = 3;
  b.tileY = 1;
  // within tile 2 + 3 east-west x 4 + 1 north-south x 5.
  EXPECT_DOUBLE_EQ(routeEnergy(hw, a, b), 2 + 12 + 5);
  EXPECT_DOUBLE_EQ(routeLatency(hw, a, b), 5 + 21 + 11);
  b.chip = 1;
  EXPECT_DOUBLE_EQ(routeEnergy(hw, a, b), 2 + 12 + 5 + 100);
}

// The optional SANA-FE-style costs: spike_out per spike a mapped neuron
// emits, message per spike per link (on top of the route).
TEST(Energy, SpikeOutAndMessageCosts) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  HardwareModel hw = smallChip();
  hw.energyPj.spikeOut = 7;
  hw.energyPj.message = 11;
  hw.latencyNs.spikeOut = 3;
  hw.latencyNs.message = 13;
  MapResult r;
  ASSERT_TRUE(runMapping(net, hw, cmos45(), nullptr, 0.5, &r, &error)) << error;
  const StepCost &s = r.energy.perStep[0];
  // One LIF spike per step (2 neurons x 0.5); the encoder is not mapped and
  // pays no spike-out; the readout does not spike.
  EXPECT_DOUBLE_EQ(s.energy.spikeOut, 1 * 7);
  // (2 + 1) messages x (11 + within-tile 2).
  EXPECT_DOUBLE_EQ(s.energy.routing, 3 * (11 + 2));
  // LIF core: 7.875 ns as before + 1 spike x 3 ns; route 5 + 13 ns.
  EXPECT_DOUBLE_EQ(s.computeNs, 7.875 + 3);
  EXPECT_DOUBLE_EQ(s.routeNs, 5 + 13);
  EXPECT_DOUBLE_EQ(s.energy.total(),
                   50 + 7.875 + 0.375 + 7 + 39 + s.energy.staticBarrier);
  EXPECT_DOUBLE_EQ(r.energy.atT.energy.spikeOut, 2 * 7);
}

// estimateEnergy computes a link's spikes per step once per (source,
// neurons) pair and its route once: the routing energy per layer and step
// and the longest route per step must be exactly (bit for bit) those of
// the per-link, per-step sum spelled out here, on a multi-chip mapping
// with links of several sizes and steps where a layer does not spike.
TEST(Energy, RoutingEqualsThePerLinkPerStepSum) {
  ModelBuilder b({3, 12, 12}, /*steps=*/4, /*exitStep=*/4);
  int x = b.lif(b.conv(b.encode(), 8, 3, 1, 1));
  b.tinyReadout(b.lif(b.conv(x, 8, 3, 2, 1)));
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(b.model(), &net, &error)) << error;
  HardwareModel hw = smallChip();
  hw.compartments = 40;
  hw.maxChips = 64;
  MapResult r;
  ASSERT_TRUE(runMapping(net, hw, cmos45(), nullptr, 0.3, &r, &error)) << error;
  ASSERT_GT(r.mapping.chips, 1);
  Activity activity = r.activity;
  for (size_t p = 0; p < activity.spikes.size(); ++p)
    for (int t = 0; t < activity.steps; ++t)
      activity.spikes[p][t] =
          t == 1 ? 0.0 : activity.spikes[p][t] / (1 + t + p);
  EnergyReport e;
  estimateEnergy(net, hw, cmos45(), r.mapping, activity, &e);
  const Mapping &m = r.mapping;
  std::set<std::pair<int, int64_t>> shares;
  std::vector<std::vector<double>> routing(
      net.populations.size(), std::vector<double>(activity.steps, 0.0));
  for (int t = 0; t < activity.steps; ++t) {
    double routeNs = 0;
    for (const CoreLink &l : m.links) {
      shares.insert({l.sourcePopulation, l.neurons});
      const Core &from = l.from < 0 ? hostPort() : m.cores[l.from];
      double spikes = activity.spikes[l.sourcePopulation][t] *
                      double(l.neurons) /
                      double(net.populations[l.sourcePopulation].size());
      routing[l.sourcePopulation][t] +=
          spikes * routeEnergy(hw, from, m.cores[l.to]);
      if (spikes > 0)
        routeNs = std::max(routeNs, routeLatency(hw, from, m.cores[l.to]));
    }
    EXPECT_EQ(e.perStep[t].routeNs, routeNs) << "step " << t;
    for (size_t p = 0; p < net.populations.size(); ++p)
      EXPECT_EQ(e.perPopulationStep[p][t].routing, routing[p][t])
          << net.populations[p].name << " step " << t;
  }
  EXPECT_EQ(e.perStep[1].routeNs, 0);
  EXPECT_LT(shares.size(), m.links.size() / 2); // links do share
}

std::string writeTemp(const std::string &name, const std::string &text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Activity, FromProfile) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  std::string path = writeTemp(
      "profile.json",
      R"({"samples": 2, "num_steps": 2, "steps": 2, "mean_steps_executed": 2,
          "spikes": {"LIF2": [2, 4]},
          "synaptic_events": {"DENSE1": 16, "DENSE3": 6}})");
  Profile profile;
  ASSERT_TRUE(readProfile(path, net, &profile, &error)) << error;
  Activity a;
  estimateActivity(net, &profile, 0.5, &a);
  int lif = net.find("LIF2"), input = net.find("ENCODE0"),
      readout = net.find("READOUT4");
  EXPECT_DOUBLE_EQ(a.spikes[lif][0], 1);
  EXPECT_DOUBLE_EQ(a.spikes[lif][1], 2);
  // 16 events / 2 samples / 2 steps / fan-out 2 = 2 input spikes per step.
  EXPECT_DOUBLE_EQ(a.spikes[input][0], 2);
  EXPECT_DOUBLE_EQ(a.synops[lif][0][0], 4);
  // 3 events per inference spread like the LIF's spikes (1 : 2).
  EXPECT_DOUBLE_EQ(a.synops[readout][0][0], 1);
  EXPECT_DOUBLE_EQ(a.synops[readout][0][1], 2);
  EXPECT_TRUE(a.measured);
}

TEST(Activity, ProfileErrorsNameTheField) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  struct Case {
    const char *json, *expected;
  } cases[] = {
      {R"({"samples": 1, "spikes": {"LIF2": [1], "nope": [1]},
           "synaptic_events": {}})",
       "spikes.nope: not a LIF layer of the model"},
      {R"({"samples": 1, "spikes": {"LIF2": [1]},
           "synaptic_events": {"conv9": 3}})",
       "synaptic_events.conv9: not a CONV2D or DENSE layer"},
      {R"({"samples": 1, "spikes": {}, "synaptic_events": {}})",
       "no counts for LIF layer 'LIF2'"},
      {R"({"samples": 1, "spikes": {"LIF2": [-1]}, "synaptic_events": {}})",
       "counts must be integers >= 0"},
      {R"({"samples": 1, "num_steps": 7, "spikes": {"LIF2": [1]},
           "synaptic_events": {}})",
       "num_steps: the profile was measured with T = 7"},
      {R"({"samples": 0})", "samples: expected an integer >= 1"},
      // Impossible counts: more spikes than neurons x samples in a step, or
      // than neurons x steps executed; huge or fractional numbers; more
      // events than the layer's MACs x samples x steps.
      {R"({"samples": 1, "spikes": {"LIF2": [3]}, "synaptic_events": {}})",
       "spikes.LIF2: 3 spikes at step 0 exceed 2 neurons x 1 samples"},
      {R"({"samples": 1, "spikes": {"LIF2": [1e308]}, "synaptic_events": {}})",
       "spikes.LIF2: counts must be integers >= 0"},
      {R"({"samples": 1, "spikes": {"LIF2": [0.5]}, "synaptic_events": {}})",
       "spikes.LIF2: counts must be integers >= 0"},
      {R"({"samples": 1, "steps_executed": [1], "spikes": {"LIF2": [2, 2]},
           "synaptic_events": {}})",
       "spikes.LIF2: 4 spikes exceed 2 neurons x 1 steps executed"},
      {R"({"samples": 1, "steps": 1, "spikes": {"LIF2": [1]},
           "synaptic_events": {"DENSE1": 9}})",
       "synaptic_events.DENSE1: 9 events exceed 8 multiply-accumulates x 1 "
       "samples x 1 steps"},
      {R"({"samples": 1, "spikes": {"LIF2": [1]},
           "synaptic_events": {"DENSE1": -4}})",
       "synaptic_events.DENSE1: expected an integer >= 0"},
      // Schema: failed runs, missing identity, newer files.
      {R"({"schema_version": 1, "status": "error", "error": "boom",
           "model": {"crc32": 1, "payload_bytes": 2, "num_steps": 2,
                     "layers": []}})",
       "status: the run failed (boom)"},
      {R"({"schema_version": 1, "samples": 1, "spikes": {"LIF2": [1]},
           "synaptic_events": {}})",
       "model: expected the model identity"},
      {R"({"schema_version": 2})", "schema_version: 2 is newer"},
      {R"([1, 2)", "not a valid JSON object"},
  };
  for (const Case &c : cases) {
    Profile profile;
    EXPECT_FALSE(
        readProfile(writeTemp("bad.json", c.json), net, &profile, &error))
        << c.expected;
    EXPECT_NE(error.find(c.expected), std::string::npos) << error;
  }
}

TEST(Activity, ProfileModelIdentity) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  rt::ModelIdentity model;
  model.known = true;
  model.path = "this.bin";
  model.crc32 = 0xabcd;
  model.payloadBytes = 100;
  model.numSteps = 2;
  model.layers = {"ENCODE0", "DENSE1", "LIF2", "DENSE3", "READOUT4"};
  auto profile = [](const std::string &crc) {
    return writeTemp("id.json", R"({"schema_version": 1, "status": "ok",
        "model": {"path": "other.bin", "crc32": )" +
                                    crc + R"(, "payload_bytes": 100,
          "num_steps": 2, "layers": ["ENCODE0", "DENSE1", "LIF2", "DENSE3",
          "READOUT4"]},
        "samples": 1, "spikes": {"LIF2": [1, 1]}, "synaptic_events": {}})");
  };
  Profile p;
  EXPECT_TRUE(readProfile(profile("43981"), net, &p, &error, &model)) << error;
  EXPECT_TRUE(p.notes.empty());
  EXPECT_FALSE(readProfile(profile("43982"), net, &p, &error, &model));
  EXPECT_NE(error.find("the profile was measured on 'other.bin' (crc32 "
                       "0x0000abce, 100 payload bytes, T = 2, 5 layers) but "
                       "the model is 'this.bin' (crc32 0x0000abcd"),
            std::string::npos)
      << error;
  // A run.json from before the identity: accepted, with a note that the
  // report carries.
  std::string legacy =
      writeTemp("legacy.json", R"({"model": "old.bin", "samples": 1,
          "spikes": {"LIF2": [1, 1]}, "synaptic_events": {}})");
  ASSERT_TRUE(readProfile(legacy, net, &p, &error, &model)) << error;
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("records no model identity"), std::string::npos);
  Activity a;
  estimateActivity(net, &p, 0.5, &a);
  EXPECT_EQ(a.notes[0], p.notes[0]);
}

} // namespace

namespace {

std::string readAll(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

// The lit tests parse the report with an XML parser; this checks that names
// from the model are escaped even when they contain XML metacharacters.
TEST(Report, EscapesNamesAndWritesEveryFigure) {
  Network net;
  std::string error;
  ASSERT_TRUE(buildNetwork(tinyNet(), &net, &error)) << error;
  net.populations[net.find("LIF2")].name = "a<&>\"b";
  net.modelName = "model<1>";
  MapResult r;
  ASSERT_TRUE(runMapping(net, smallChip(), cmos45(), nullptr, 0.5, &r, &error))
      << error;
  std::string dir = ::testing::TempDir() + "report";
  ASSERT_TRUE(writeReport(dir, r.net, r, &error)) << error;
  std::string html = readAll(dir + "/index.html");
  EXPECT_EQ(html.find("a<&>"), std::string::npos);
  EXPECT_NE(html.find("a&lt;&amp;&gt;&quot;b"), std::string::npos);
  EXPECT_NE(html.find("model&lt;1&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "<svg "), 7u);
  EXPECT_EQ(count(html, "</svg>"), 7u);
  for (const char *figure : {"mesh", "energy", "energy_steps", "gamma",
                             "spikes", "spikes_log", "rate"}) {
    std::string svg = readAll(dir + "/" + figure + ".svg");
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u) << figure;
    EXPECT_EQ(count(svg, "<svg "), 1u) << figure;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << figure;
  }
}

} // namespace

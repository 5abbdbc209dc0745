//===- HardwareTest.cpp - the hw/*.json files and their error messages ----===//
//
// The shipped descriptions parse and hold the published numbers; malformed
// variants of loihi1.json (missing field, wrong type, negative energy,
// missing source) fail with a message naming the file and the field.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace snnc::mapping;

namespace {

const std::vector<std::string> kSourceDir = {SNNC_SOURCE_HW_DIR};

std::string loihi1Text() {
  std::ifstream in(std::string(SNNC_SOURCE_HW_DIR) + "/loihi1.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Hardware, Loihi1HasTheDavies2018Numbers) {
  HardwareModel hw;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi1", kSourceDir, &hw, &error)) << error;
  EXPECT_EQ(hw.coresPerChip(), 128);
  EXPECT_EQ(hw.tilesX * hw.tilesY, 32);
  EXPECT_EQ(hw.compartments, 1024);
  EXPECT_EQ(hw.faninAxons, 4096);
  EXPECT_EQ(hw.fanoutAxons, 4096);
  EXPECT_EQ(hw.synapseMemoryBytes, 128 * 1024);
  EXPECT_EQ(hw.maxWeightBits, 8);
  EXPECT_FALSE(hw.convWeightSharing);
  EXPECT_DOUBLE_EQ(hw.energyPj.synop, 23.6);
  EXPECT_DOUBLE_EQ(hw.energyPj.updateActive, 81);
  EXPECT_DOUBLE_EQ(hw.energyPj.updateInactive, 52);
  EXPECT_DOUBLE_EQ(hw.energyPj.spikeWithinTile, 1.7);
  EXPECT_DOUBLE_EQ(hw.energyPj.hopEastWest, 3.0);
  EXPECT_DOUBLE_EQ(hw.energyPj.hopNorthSouth, 4.0);
  EXPECT_DOUBLE_EQ(hw.latencyNs.synop, 3.5);
  EXPECT_DOUBLE_EQ(hw.latencyNs.updateActive, 8.4);
  EXPECT_DOUBLE_EQ(hw.latencyNs.updateInactive, 5.3);
  EXPECT_DOUBLE_EQ(hw.latencyNs.spikeWithinTile, 2.1);
  EXPECT_DOUBLE_EQ(hw.latencyNs.hopEastWest, 4.1);
  EXPECT_DOUBLE_EQ(hw.latencyNs.hopNorthSouth, 6.5);
  EXPECT_DOUBLE_EQ(hw.barrierMinNs, 300);
  EXPECT_DOUBLE_EQ(hw.barrierMaxNs, 1800);
  EXPECT_EQ(hw.baselineName, "cmos45");
}

// hw/loihi1-sanafe.json carries SANA-FE's Loihi costs, including the
// optional spike_out and message fields; files without them read 0.
TEST(Hardware, SanafeCostsAndOptionalFields) {
  HardwareModel hw;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi1-sanafe", kSourceDir, &hw, &error)) << error;
  EXPECT_EQ(hw.coresPerChip(), 128);
  EXPECT_DOUBLE_EQ(hw.energyPj.synop, 35.5);
  EXPECT_DOUBLE_EQ(hw.energyPj.updateActive, 51.2 + 21.6);
  EXPECT_DOUBLE_EQ(hw.energyPj.updateInactive, 51.2);
  EXPECT_DOUBLE_EQ(hw.energyPj.spikeOut, 69.3);
  EXPECT_DOUBLE_EQ(hw.energyPj.message, 111);
  EXPECT_DOUBLE_EQ(hw.energyPj.hopNorthSouth, 4.2);
  EXPECT_DOUBLE_EQ(hw.staticPowerMwPerChip, 0);
  HardwareModel davies;
  ASSERT_TRUE(loadHardware("loihi1", kSourceDir, &davies, &error)) << error;
  EXPECT_DOUBLE_EQ(davies.energyPj.spikeOut, 0);
  EXPECT_DOUBLE_EQ(davies.latencyNs.message, 0);
  EXPECT_TRUE(overrideParameter(&davies, "energy_pj.message", "5", &error));
  EXPECT_DOUBLE_EQ(davies.energyPj.message, 5);
  // Present but malformed is still an error naming the field.
  std::string text = loihi1Text();
  size_t at = text.find("\"chip_crossing\"");
  text.insert(at, "\"spike_out\": {\"value\": -1, \"source\": \"x\"}, ");
  HardwareModel bad;
  EXPECT_FALSE(parseHardware(text, "t.json", &bad, &error));
  EXPECT_NE(error.find("energy_pj.spike_out"), std::string::npos) << error;
}

TEST(Hardware, Loihi2AndCmos45) {
  HardwareModel hw, base;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi2", kSourceDir, &hw, &error)) << error;
  EXPECT_EQ(hw.coresPerChip(), 128);
  EXPECT_EQ(hw.compartments, 8192);
  EXPECT_TRUE(hw.gradedSpikes);
  ASSERT_TRUE(loadHardware("cmos45", kSourceDir, &base, &error)) << error;
  EXPECT_TRUE(base.isBaseline);
  EXPECT_DOUBLE_EQ(base.macEnergyPj, 4.6);
  EXPECT_DOUBLE_EQ(base.acEnergyPj, 0.9);
}

/// Replaces the first occurrence of `from` in loihi1.json by `to`.
std::string parseError(const std::string &from, const std::string &to) {
  std::string text = loihi1Text();
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  HardwareModel hw;
  std::string error;
  EXPECT_FALSE(parseHardware(text, "bad.json", &hw, &error));
  return error;
}

TEST(Hardware, MalformedFilesNameFileAndField) {
  EXPECT_EQ(parseError("\"compartments\": {\"value\": 1024",
                       "\"compartmentz\": {\"value\": 1024"),
            "bad.json: core.compartments: missing field");
  EXPECT_EQ(parseError("{\"value\": 1024", "{\"value\": \"1024\""),
            "bad.json: core.compartments: expected an integer >= 1");
  EXPECT_EQ(parseError("{\"value\": 23.6", "{\"value\": -23.6"),
            "bad.json: energy_pj.synop: expected a finite number >= 0");
  EXPECT_EQ(
      parseError("{\"value\": false, \"source\"", "{\"value\": 0, \"source\""),
      "bad.json: core.conv_weight_sharing: expected true or false");
  EXPECT_EQ(parseError("\"tiles_x\": {\"value\": 8, \"source\"",
                       "\"tiles_x\": {\"value\": 8, \"sourc\""),
            "bad.json: mesh.tiles_x: every number needs a non-empty "
            "\"source\"");
  EXPECT_EQ(parseError("\"kind\": \"chip\"", "\"kind\": \"gpu\""),
            "bad.json: kind: expected \"chip\" or \"baseline\"");
  EXPECT_EQ(parseError("{", "["), "bad.json: not a valid JSON object");
}

// Loihi 1 has population axons with nengo-loihi's pop32 numbers; files
// without the optional keys (loihi2) have binary axons. Bad values and a
// missing atom count name the field and the rule.
TEST(Hardware, PopulationAxons) {
  HardwareModel hw, two;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi1", kSourceDir, &hw, &error)) << error;
  EXPECT_TRUE(hw.populationAxons);
  EXPECT_EQ(hw.populationAtoms, 1024);
  EXPECT_EQ(hw.populationAxonSlots, 2);
  ASSERT_TRUE(loadHardware("loihi2", kSourceDir, &two, &error)) << error;
  EXPECT_FALSE(two.populationAxons);
  EXPECT_EQ(two.populationAtoms, 0);
  EXPECT_EQ(parseError("\"population_axons\": {\"value\": true",
                       "\"population_axons\": {\"value\": 1"),
            "bad.json: core.population_axons: expected true or false");
  EXPECT_EQ(parseError("\"population_atoms\": {\"value\": 1024",
                       "\"population_atoms\": {\"value\": -3"),
            "bad.json: core.population_atoms: expected an integer >= 0");
  EXPECT_EQ(parseError("\"population_axon_slots\": {\"value\": 2",
                       "\"population_axon_slots\": {\"value\": 2.5"),
            "bad.json: core.population_axon_slots: expected an integer >= 0");
  std::string missing =
      parseError("\"population_atoms\"", "\"populaton_atoms\"");
  EXPECT_NE(missing.find("bad.json"), std::string::npos) << missing;
  EXPECT_NE(missing.find("core.population_axons: true needs "
                         "core.population_atoms >= 1"),
            std::string::npos)
      << missing;
  EXPECT_FALSE(overrideParameter(&two, "population_axons", "true", &error));
  EXPECT_EQ(error, "core.population_axons=true: core.population_axons: true "
                   "needs core.population_atoms >= 1 and "
                   "core.population_axon_slots >= 1 (have 0 and 0)");
  EXPECT_TRUE(overrideParameter(&hw, "population_axons", "false", &error));
  EXPECT_TRUE(overrideParameter(&hw, "population_atoms", "0", &error))
      << "unused while population_axons is false";
}

TEST(Hardware, UnknownNameListsTheSearchPath) {
  HardwareModel hw;
  std::string error;
  EXPECT_FALSE(loadHardware("loihi9", kSourceDir, &hw, &error));
  EXPECT_NE(error.find("unknown hardware 'loihi9'"), std::string::npos)
      << error;
  EXPECT_FALSE(loadHardware("/nonexistent/x.json", kSourceDir, &hw, &error));
  EXPECT_EQ(error, "/nonexistent/x.json: cannot open: No such file or "
                   "directory (hardware file)");
}

TEST(Hardware, OverridesAndSweepAxes) {
  HardwareModel hw;
  std::string error;
  ASSERT_TRUE(loadHardware("loihi1", kSourceDir, &hw, &error)) << error;
  EXPECT_TRUE(overrideParameter(&hw, "compartments", "512", &error));
  EXPECT_EQ(hw.compartments, 512);
  EXPECT_TRUE(overrideParameter(&hw, "energy_pj.synop", "10.5", &error));
  EXPECT_DOUBLE_EQ(hw.energyPj.synop, 10.5);
  EXPECT_FALSE(overrideParameter(&hw, "synop", "1", &error)); // ambiguous
  EXPECT_NE(error.find("ambiguous parameter 'synop'"), std::string::npos);
  EXPECT_FALSE(overrideParameter(&hw, "frobs", "1", &error));
  EXPECT_NE(error.find("unknown parameter 'frobs'"), std::string::npos);
  EXPECT_FALSE(overrideParameter(&hw, "weight_bits", "9", &error));
  EXPECT_NE(error.find("exceeds core.max_weight_bits"), std::string::npos);

  SweepAxis axis;
  EXPECT_TRUE(parseSweepAxis("weight_bits=1,2,4,8", &axis, &error));
  EXPECT_EQ(axis.values.size(), 4u);
  for (const char *bad :
       {"weight_bits", "=1,2", "weight_bits=", "weight_bits=1,,2",
        "weight_bits=1,", "tiles_x=a", "nope=1"})
    EXPECT_FALSE(parseSweepAxis(bad, &axis, &error)) << bad;
}

} // namespace

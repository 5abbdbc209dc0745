//===- LimitsTest.cpp - hostile hardware files, sweeps and baselines ------===//
//
// Every integer of a chip file is bounded by snnc/Support/Limits.h: the
// limit itself is accepted and limit + 1 is refused with the file, the field
// and the bound; the cores per chip are checked without overflow. The
// largest mesh maps a small network (placement is sized by the cores, not
// the mesh). Baseline names cannot be paths. Sweeps reject duplicate values
// and parameters, bound their points, and hand out each row as it is done.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"
#include "snnc/Support/Limits.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace snnc;
using namespace snnc::mapping;
using namespace snnc::mapping::testing;

namespace {

nlohmann::json loihi1() {
  std::ifstream in(std::string(SNNC_SOURCE_HW_DIR) + "/loihi1.json");
  return nlohmann::json::parse(in);
}

/// Parses loihi1.json with `section.key` set to `value`; returns the error.
std::string withValue(const char *section, const char *key,
                      nlohmann::json value) {
  nlohmann::json doc = loihi1();
  doc[section][key]["value"] = value;
  HardwareModel hw;
  std::string error;
  if (parseHardware(doc.dump(), "hostile.json", &hw, &error))
    return "";
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(Limits, EveryChipIntegerHasAnUpperBound) {
  struct Case {
    const char *section, *key;
    int64_t limit;
  } cases[] = {
      {"mesh", "tiles_x", limits::kMaxMeshDim},
      {"mesh", "tiles_y", limits::kMaxMeshDim},
      {"mesh", "cores_per_tile", limits::kMaxCoresPerTile},
      {"mesh", "max_chips", limits::kMaxChips},
      {"core", "compartments", limits::kMaxCoreCapacity},
      {"core", "fanin_axons", limits::kMaxCoreCapacity},
      {"core", "fanout_axons", limits::kMaxCoreCapacity},
      {"core", "synapse_memory_bytes", limits::kMaxCoreCapacity},
      {"core", "table_entries", limits::kMaxCoreCapacity},
      {"core", "sign_bits", limits::kMaxWeightBits},
      {"core", "synapse_overhead_bits", limits::kMaxWeightBits},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.key);
    EXPECT_EQ(withValue(c.section, c.key, c.limit), "");
    EXPECT_EQ(withValue(c.section, c.key, c.limit + 1),
              fmt::format("hostile.json: {}.{}: {} exceeds the limit {}",
                          c.section, c.key, c.limit + 1, c.limit));
  }
  // Absurd values do not overflow on the way to the message.
  EXPECT_EQ(withValue("mesh", "cores_per_tile", int64_t(1) << 62),
            "hostile.json: mesh.cores_per_tile: 4611686018427387904 exceeds "
            "the limit 1024");
  EXPECT_EQ(withValue("mesh", "tiles_x", 1e300),
            fmt::format("hostile.json: mesh.tiles_x: {:.0f} exceeds the limit "
                        "1024",
                        1e300));
  EXPECT_EQ(withValue("mesh", "tiles_x", 1e3), ""); // integral float
  EXPECT_EQ(withValue("mesh", "tiles_x", 2.5),
            "hostile.json: mesh.tiles_x: expected an integer >= 1");
  EXPECT_EQ(withValue("energy_pj", "synop", 1e13),
            "hostile.json: energy_pj.synop: 1e+13 exceeds the limit 1e+12");
}

TEST(Limits, CoresPerChipAreCheckedWithoutOverflow) {
  nlohmann::json doc = loihi1();
  doc["mesh"]["tiles_x"]["value"] = 1024;
  doc["mesh"]["tiles_y"]["value"] = 1024;
  doc["mesh"]["cores_per_tile"]["value"] = 1024;
  HardwareModel hw;
  std::string error;
  EXPECT_FALSE(parseHardware(doc.dump(), "mesh.json", &hw, &error));
  EXPECT_EQ(error, "mesh.json: mesh: tiles_x x tiles_y x cores_per_tile = "
                   "1024 x 1024 x 1024 cores per chip exceeds the limit "
                   "4194304");
  // A model built in code is checked the same way.
  hw = smallChip();
  hw.coresPerTile = int64_t(1) << 62;
  EXPECT_EQ(hw.coresPerChip(), INT64_MAX);
  EXPECT_FALSE(validateHardware(hw, &error));
  EXPECT_NE(error.find("mesh.cores_per_tile"), std::string::npos) << error;
}

TEST(Limits, TheLargestMeshMapsASmallNetwork) {
  ModelBuilder b({4}, 2, 2);
  b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
  HardwareModel hw = smallChip();
  hw.tilesX = hw.tilesY = limits::kMaxMeshDim;
  hw.coresPerTile = 4; // 4194304 positions per chip
  hw.compartments = 1;
  HardwareModel baseline;
  baseline.isBaseline = true;
  MapResult r;
  std::string error;
  ASSERT_TRUE(runMapping(b.model(), hw, baseline, nullptr, 0.1, &r, &error))
      << error;
  EXPECT_EQ(r.mapping.cores.size(), 5u);
  for (const Core &c : r.mapping.cores) {
    EXPECT_LT(c.tileX, hw.tilesX);
    EXPECT_LT(c.tileY, hw.tilesY);
  }
}

TEST(Limits, BaselineNamesAreNotPaths) {
  HardwareModel chip, baseline;
  std::string error;
  std::vector<std::string> dirs = {SNNC_SOURCE_HW_DIR};
  ASSERT_TRUE(loadHardware("loihi1", dirs, &chip, &error)) << error;
  ASSERT_TRUE(loadBaseline(chip, dirs, &baseline, &error)) << error;
  EXPECT_EQ(baseline.name, "cmos45");
  for (const char *bad : {"../../../etc/passwd", "/etc/passwd", "sub/cmos45",
                          ".hidden", "", "cmos45\\x", "a b"}) {
    chip.baselineName = bad;
    EXPECT_FALSE(loadBaseline(chip, dirs, &baseline, &error)) << bad;
    EXPECT_NE(error.find("is not a hardware name"), std::string::npos) << error;
  }
  chip.baselineName = "loihi2"; // exists, but is a chip
  EXPECT_FALSE(loadBaseline(chip, dirs, &baseline, &error));
  EXPECT_NE(error.find("is not of kind \"baseline\""), std::string::npos)
      << error;
  chip.baselineName = "cmos7";
  EXPECT_FALSE(loadBaseline(chip, dirs, &baseline, &error));
  EXPECT_NE(error.find("baseline: unknown hardware 'cmos7'"), std::string::npos)
      << error;
}

TEST(Limits, UnknownParametersSuggestTheClosest) {
  HardwareModel hw = smallChip();
  std::string error;
  EXPECT_FALSE(overrideParameter(&hw, "compartmets", "10", &error));
  EXPECT_EQ(error.find("unknown parameter 'compartmets' (did you mean "
                       "'core.compartments'? valid parameters: mesh.tiles_x"),
            0u)
      << error;
  EXPECT_FALSE(overrideParameter(&hw, "zzzzzzzzzz", "10", &error));
  EXPECT_EQ(error.find("did you mean"), std::string::npos) << error;
  EXPECT_EQ(error.find("--sweep"), std::string::npos) << error;
}

TEST(Limits, SweepValuesAreDistinctAndPointsBounded) {
  SweepAxis axis;
  std::string error;
  EXPECT_FALSE(parseSweepAxis("weight_bits=1,2,1", &axis, &error));
  EXPECT_EQ(error, "--sweep core.weight_bits: duplicate value '1'");
  EXPECT_FALSE(parseSweepAxis("synop=1", &axis, &error)); // ambiguous
  EXPECT_FALSE(parseSweepAxis("energy_pj.synop=1,1.0", &axis, &error));
  EXPECT_FALSE(parseSweepAxis("graded_spikes=true,true", &axis, &error));
  EXPECT_TRUE(parseSweepAxis("compartments=1e3,1024", &axis, &error)) << error;
  EXPECT_EQ(axis.key, "core.compartments");

  std::string many = "compartments=1";
  for (int64_t v = 2; v <= limits::kMaxSweepValues + 1; ++v)
    many += fmt::format(",{}", v);
  EXPECT_FALSE(parseSweepAxis(many, &axis, &error));
  EXPECT_NE(error.find("at most 10000 per parameter"), std::string::npos);

  SweepAxis ten{"core.compartments", {}};
  for (int v = 1; v <= 10; ++v)
    ten.values.push_back(std::to_string(v));
  std::vector<SweepAxis> axes;
  for (const char *key : {"core.compartments", "core.fanin_axons",
                          "core.fanout_axons", "core.table_entries"}) {
    axes.push_back(ten);
    axes.back().key = key;
  }
  int64_t points = 0;
  EXPECT_TRUE(checkSweep(axes, 10000, &points, &error)) << error;
  EXPECT_EQ(points, 10000);
  EXPECT_FALSE(checkSweep(axes, 9999, &points, &error));
  EXPECT_EQ(error.find("--sweep: 10000 points exceed the limit of 9999 "
                       "(--max-points N raises it"),
            0u)
      << error;
  axes.push_back(axes[0]);
  EXPECT_FALSE(checkSweep(axes, 10000, &points, &error));
  EXPECT_NE(error.find("core.compartments is swept twice"), std::string::npos);
  // 10000^5 points overflow nothing and are refused.
  for (SweepAxis &a : axes)
    a.values.resize(10000, "1");
  for (size_t i = 0; i < axes.size(); ++i)
    axes[i].key = std::to_string(i);
  EXPECT_FALSE(checkSweep(axes, limits::kMaxSweepPoints, &points, &error));
  EXPECT_NE(error.find("more than 2^63 points"), std::string::npos) << error;
}

TEST(Limits, SweepRowsArriveAsPointsFinish) {
  ModelBuilder b({4}, 2, 2);
  b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
  SweepAxis axis;
  std::string error;
  ASSERT_TRUE(parseSweepAxis("weight_bits=4,9,8", &axis, &error)) << error;
  HardwareModel baseline;
  baseline.isBaseline = true;
  std::vector<std::string> events;
  SweepOptions options;
  auto cut = [](const std::string &line) {
    return line.substr(0, line.find(',', line.find(',') + 1));
  };
  events.push_back(cut(sweepCsvHeader({axis})));
  options.onRow = [&](const SweepRow &row) {
    events.push_back(cut(sweepCsvLine(row)));
  };
  options.onProgress = [&](int64_t done, int64_t total, int64_t failed) {
    events.push_back(fmt::format("{}/{} {}", done, total, failed));
  };
  SweepTotals totals =
      runSweep(b.model(), smallChip(), baseline, nullptr, 0.1, {axis}, options);
  EXPECT_EQ(totals.points, 3);
  EXPECT_EQ(totals.failed, 1);
  std::vector<std::string> expected = {"core.weight_bits,status",
                                       "4,ok",
                                       "1/3 0",
                                       "9,unmappable",
                                       "2/3 1",
                                       "8,ok",
                                       "3/3 1"};
  EXPECT_EQ(events, expected);
}

TEST(Limits, ModelLabels) {
  EXPECT_EQ(modelLabel("out/vgg11.bin", "vgg11.onnx"),
            "vgg11.bin (from vgg11.onnx)");
  EXPECT_EQ(modelLabel("models/fmnist-bntt-conv/model.bin", "model.onnx"),
            "fmnist-bntt-conv/model.bin (from model.onnx)");
  EXPECT_EQ(modelLabel("model.bin", ""), "model.bin");
  EXPECT_EQ(modelLabel("/a/b.bin", "b.bin"), "b.bin");
}

} // namespace

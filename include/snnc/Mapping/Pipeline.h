//===- Pipeline.h - map, place and cost a network; sweeps and reports -----===//
//
// The steps snnc-map runs, as a library: partition + place + energy for one
// hardware description (runMapping), the same for every point of a
// parameter sweep (runSweep, one CSV row per point), and the outputs: a JSON
// document, the human summary and the HTML/SVG report folder.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_PIPELINE_H
#define SNNC_MAPPING_PIPELINE_H

#include "snnc/Mapping/Activity.h"
#include "snnc/Mapping/Energy.h"
#include "snnc/Mapping/Hardware.h"
#include "snnc/Mapping/Mapping.h"
#include "snnc/Mapping/Network.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace snnc {
namespace mapping {

struct MapResult {
  Network net; ///< as mapped (relay populations per hw.foldPooling)
  HardwareModel hw;
  Mapping mapping;
  Activity activity;
  EnergyReport energy;
  std::vector<ExitPoint> exitSweep; ///< paper Fig. 7 (exitSweep())
};

/// Builds the network of `model` for `hw` (folded or relay pooling), then
/// partitions, places and costs it. `profile` may be null.
bool runMapping(const modelbin::Model &model, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error);

/// The same for a network already built with relayPooling = !foldPooling.
bool runMapping(const Network &net, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error);

/// One --sweep argument: "key=v1,v2,...".
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};
bool parseSweepAxis(const std::string &text, const HardwareModel &hw,
                    SweepAxis *axis, std::string *error);

/// Runs every point of the cartesian product of `axes` and returns the CSV
/// text. A point that cannot be mapped is a row with status "unmappable"
/// and the reason, not an error.
std::string runSweep(const modelbin::Model &model, const HardwareModel &hw,
                     const HardwareModel &baseline, const Profile *profile,
                     double defaultRate, const std::vector<SweepAxis> &axes);

/// The machine-readable result (--json).
nlohmann::ordered_json resultToJson(const Network &net, const MapResult &r);

/// The concise human summary printed on stdout.
std::string summaryText(const Network &net, const MapResult &r);

/// Writes DIR/index.html (XHTML with inline SVG figures) and one .svg file
/// per figure; every file goes through a temporary file and a rename.
bool writeReport(const std::string &dir, const Network &net, const MapResult &r,
                 std::string *error);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_PIPELINE_H

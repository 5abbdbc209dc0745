//===- Pipeline.h - map, place and cost a network; sweeps -----------------===//
//
// The steps snnc-map runs, as a library (SNNMapping): partition + place +
// energy for one hardware description (runMapping) and the same for every
// point of a parameter sweep (runSweep, one SweepRow of numbers per point).
// No file format here: the JSON, CSV, text and HTML/SVG renderings and the
// file loaders are SNNMappingReport's (Report.h, Loaders.h).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_PIPELINE_H
#define SNNC_MAPPING_PIPELINE_H

#include "snnc/Mapping/Activity.h"
#include "snnc/Mapping/Energy.h"
#include "snnc/Mapping/Hardware.h"
#include "snnc/Mapping/Mapping.h"
#include "snnc/Mapping/Network.h"

#include <cstdint>
#include <functional>
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
  /// How pooling was mapped: "folded", "relays", or "none" (no pooling);
  /// when the mapper fell back from folding, why folding did not fit.
  std::string pooling = "none", poolingFallback;
  /// How the summary and report name the model (modelLabel()); empty: the
  /// model's source file name.
  std::string modelLabel;
};

/// A name for the model in titles: the model.bin file (with its folder when
/// the file name is the generic "model.bin") and the source it was compiled
/// from, e.g. "vgg11.bin (from vgg11.onnx)".
std::string modelLabel(const std::string &modelPath,
                       const std::string &sourceName);

/// Builds the network of `model` for `hw` (folded or relay pooling), then
/// partitions, places and costs it. `profile` may be null. When folded
/// pooling does not fit and the chip has graded spikes, the pooling layers
/// are mapped as relays instead (result->pooling, poolingFallback say so).
bool runMapping(const modelbin::Model &model, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error);

/// The same for a network already built with relayPooling = !foldPooling.
bool runMapping(const Network &net, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error);

/// Budgets a mapping must meet (--max-cores etc.); negative = no gate.
/// Energy and latency are per inference at T_exit, the steps the runtime
/// executes.
struct Gates {
  int64_t maxCores = -1, maxChips = -1;
  double maxEnergyUj = -1, maxLatencyMs = -1;
};
/// The first gate `r` violates, as a message naming it; "" if none.
std::string checkGates(const Gates &gates, const MapResult &r);

/// One --sweep argument: "key=v1,v2,...". The key is stored as the full
/// "section.key"; values are checked on their own (type, range) and must be
/// distinct.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};
bool parseSweepAxis(const std::string &text, SweepAxis *axis,
                    std::string *error);

/// Checks the axes together: no parameter swept twice, and the number of
/// points (the product of the axis sizes, overflow-safe) within
/// `maxPoints`. Gives the number of points.
bool checkSweep(const std::vector<SweepAxis> &axes, int64_t maxPoints,
                int64_t *points, std::string *error);

/// One point of a sweep: the swept values (one per axis), the outcome and,
/// unless unmappable, the numbers of the mapping at that point.
struct SweepRow {
  enum class Status { Ok, OverGate, Unmappable };
  std::vector<std::string> values;
  Status status = Status::Ok;
  std::string reason; ///< why unmappable, or the gate it is over
  int64_t cores = 0, lowerBound = 0, chips = 0;
  double maxCompartmentUtil = 0;
  double energyTUj = 0, energyTexitUj = 0, latencyTUs = 0, latencyTexitUs = 0;
  double synopsPj = 0, updatesPj = 0, spikeOutPj = 0, routingPj = 0,
         staticPj = 0; ///< T_exit
  double annRatioTexit = 0;
  /// --accuracy (SweepAccuracy.h): the measured accuracy of this point's
  /// build in percent, its difference to the float32 run in points
  /// (hasDelta: a float32 run was given) and the run.json.
  bool hasAccuracy = false, hasDelta = false;
  double accuracyPct = 0, accuracyDeltaPts = 0;
  std::string accuracyRun;
};

/// A measured run joined to sweep points (SweepAccuracy.h): its activity is
/// the point's profile, its accuracy goes into the row.
struct PointRun {
  std::string file;
  Profile profile;
  double accuracyPct = 0, deltaPts = 0;
  bool hasDelta = false;
};

struct SweepOptions {
  Gates gates;
  /// Called with each row as its point finishes.
  std::function<void(const SweepRow &row)> onRow;
  /// Called once per point, in sweep order, with its index (0-based, last
  /// axis fastest) before it runs; false skips the point (no row). Null:
  /// every point runs. Sharded studies (snnc-map study --shard) use it.
  std::function<bool(int64_t point)> select;
  /// Called after each point: points done, total, points not ok.
  std::function<void(int64_t done, int64_t total, int64_t failed)> onProgress;
  /// The measured run of a point's values, or null (the sweep's profile).
  std::function<const PointRun *(const std::vector<std::string> &values)> runOf;
};
struct SweepTotals {
  int64_t points = 0, failed = 0; ///< failed: unmappable or over a gate
};

/// Runs every point of the cartesian product of `axes` (last axis fastest).
/// A point that cannot be mapped is a row with status "unmappable" and the
/// reason, one over a gate a row "over_gate" with its numbers and the gate;
/// neither is an error.
SweepTotals runSweep(const modelbin::Model &model, const HardwareModel &hw,
                     const HardwareModel &baseline, const Profile *profile,
                     double defaultRate, const std::vector<SweepAxis> &axes,
                     const SweepOptions &options);
/// The same, returning every row.
std::vector<SweepRow> runSweep(const modelbin::Model &model,
                               const HardwareModel &hw,
                               const HardwareModel &baseline,
                               const Profile *profile, double defaultRate,
                               const std::vector<SweepAxis> &axes);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_PIPELINE_H

//===- Sweep.cpp - map once per point of a hardware parameter sweep -------===//
//
// A sweep is the cartesian product of its axes (last axis fastest). Every
// value is checked on its own when the axis is parsed (type, range,
// duplicates), the number of points is bounded before any work (a typo like
// six axes of ten values is a million mappings), and each row (SweepRow:
// numbers, not text; SweepCsv.cpp renders them) is handed to the caller as
// soon as its point is done, so a long sweep shows its results while it runs.
// Cross-field rules (weight_bits <= max_weight_bits) are per point: a point
// that breaks one is an "unmappable" row with the reason. A point with a
// measured run (SweepOptions::runOf, --accuracy) is mapped with the run's
// activity and carries its accuracy.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Pipeline.h"

#include "snnc/Support/Limits.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace snnc {
namespace mapping {

bool parseSweepAxis(const std::string &text, SweepAxis *axis,
                    std::string *error) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    *error = fmt::format("--sweep '{}': expected key=v1,v2,...", text);
    return false;
  }
  std::string key = text.substr(0, eq);
  axis->values.clear();
  std::stringstream values(text.substr(eq + 1));
  std::string value;
  while (std::getline(values, value, ','))
    axis->values.push_back(value);
  if (text.back() == ',')
    axis->values.push_back("");
  if (int64_t(axis->values.size()) > limits::kMaxSweepValues) {
    *error = fmt::format("--sweep '{}': {} values, at most {} per parameter",
                         key, axis->values.size(), limits::kMaxSweepValues);
    return false;
  }
  std::set<std::string> seen;
  for (const std::string &v : axis->values) {
    if (v.empty()) {
      *error = fmt::format("--sweep '{}': empty value", text);
      return false;
    }
    std::string canonical, why;
    if (!checkParameter(key, v, &axis->key, &canonical, &why)) {
      *error = "--sweep: " + why;
      return false;
    }
    if (!seen.insert(canonical).second) {
      *error = fmt::format("--sweep {}: duplicate value '{}'", axis->key, v);
      return false;
    }
  }
  return true;
}

bool checkSweep(const std::vector<SweepAxis> &axes, int64_t maxPoints,
                int64_t *points, std::string *error) {
  std::set<std::string> keys;
  int64_t n = 1;
  bool overflow = false;
  for (const SweepAxis &axis : axes) {
    if (!keys.insert(axis.key).second) {
      *error = fmt::format("--sweep: parameter {} is swept twice (give all "
                           "its values in one --sweep)",
                           axis.key);
      return false;
    }
    overflow |= __builtin_mul_overflow(n, int64_t(axis.values.size()), &n);
  }
  if (overflow || n > maxPoints) {
    *error = fmt::format(
        "--sweep: {} points exceed the limit of {} (--max-points N raises it, "
        "up to {}; or sweep fewer values)",
        overflow ? std::string("more than 2^63") : fmt::format("{}", n),
        maxPoints, limits::kMaxSweepPoints);
    return false;
  }
  *points = n;
  return true;
}

namespace {

/// The numbers of a mapped point.
void fillNumbers(const HardwareModel &point, const MapResult &r,
                 SweepRow *row) {
  const InferenceCost &T = r.energy.atT, &X = r.energy.atExit;
  double util = 0;
  for (const Core &c : r.mapping.cores)
    util = std::max(util,
                    double(c.usage.compartments) / double(point.compartments));
  row->cores = r.mapping.numCores();
  row->lowerBound = r.mapping.lowerBound;
  row->chips = r.mapping.chips;
  row->maxCompartmentUtil = util;
  row->energyTUj = T.energy.total() * 1e-6;
  row->energyTexitUj = X.energy.total() * 1e-6;
  row->latencyTUs = T.latencyNs * 1e-3;
  row->latencyTexitUs = X.latencyNs * 1e-3;
  row->synopsPj = X.energy.synops;
  row->updatesPj = X.energy.updatesActive + X.energy.updatesInactive;
  row->spikeOutPj = X.energy.spikeOut;
  row->routingPj = X.energy.routing;
  row->staticPj = X.energy.staticBarrier;
  row->annRatioTexit =
      X.snnBaselinePj > 0 ? r.energy.annBaselinePj / X.snnBaselinePj : 0;
}

/// Maps one point into `row` (its values already set).
void runPoint(const modelbin::Model &model, HardwareModel point,
              const HardwareModel &baseline, const Profile *profile,
              double defaultRate, const std::vector<SweepAxis> &axes,
              const std::vector<size_t> &index, const Gates &gates,
              SweepRow *row) {
  std::string reason;
  bool ok = true;
  for (size_t a = 0; a < axes.size() && ok; ++a)
    ok = overrideParameter(&point, axes[a].key, axes[a].values[index[a]],
                           &reason, /*validate=*/false);
  if (ok && !validateHardware(point, &reason))
    ok = false;
  MapResult r;
  if (ok)
    ok = runMapping(model, point, baseline, profile, defaultRate, &r, &reason);
  if (!ok) {
    row->status = SweepRow::Status::Unmappable;
    row->reason = reason;
    return;
  }
  fillNumbers(point, r, row);
  row->reason = checkGates(gates, r);
  row->status =
      row->reason.empty() ? SweepRow::Status::Ok : SweepRow::Status::OverGate;
}

} // namespace

SweepTotals runSweep(const modelbin::Model &model, const HardwareModel &hw,
                     const HardwareModel &baseline, const Profile *profile,
                     double defaultRate, const std::vector<SweepAxis> &axes,
                     const SweepOptions &options) {
  SweepTotals totals;
  int64_t total = 1;
  for (const SweepAxis &axis : axes)
    total *= int64_t(axis.values.size()); // bounded by checkSweep
  std::vector<size_t> index(axes.size(), 0);
  int64_t point = 0;
  for (bool done = total == 0; !done; ++point) {
    if (!options.select || options.select(point)) {
      SweepRow row;
      for (size_t a = 0; a < axes.size(); ++a)
        row.values.push_back(axes[a].values[index[a]]);
      const PointRun *run = options.runOf ? options.runOf(row.values) : nullptr;
      if (run) {
        row.hasAccuracy = true;
        row.accuracyPct = run->accuracyPct;
        row.hasDelta = run->hasDelta;
        row.accuracyDeltaPts = run->deltaPts;
        row.accuracyRun = run->file;
      }
      runPoint(model, hw, baseline, run ? &run->profile : profile, defaultRate,
               axes, index, options.gates, &row);
      ++totals.points;
      totals.failed += row.status != SweepRow::Status::Ok;
      if (options.onRow)
        options.onRow(row);
      if (options.onProgress)
        options.onProgress(totals.points, total, totals.failed);
    }
    // Odometer over the axes, last axis fastest.
    done = true;
    for (size_t a = axes.size(); a-- > 0;) {
      if (++index[a] < axes[a].values.size()) {
        done = false;
        break;
      }
      index[a] = 0;
    }
  }
  return totals;
}

std::vector<SweepRow> runSweep(const modelbin::Model &model,
                               const HardwareModel &hw,
                               const HardwareModel &baseline,
                               const Profile *profile, double defaultRate,
                               const std::vector<SweepAxis> &axes) {
  std::vector<SweepRow> rows;
  SweepOptions options;
  options.onRow = [&](const SweepRow &row) { rows.push_back(row); };
  runSweep(model, hw, baseline, profile, defaultRate, axes, options);
  return rows;
}

} // namespace mapping
} // namespace snnc

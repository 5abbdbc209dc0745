//===- SweepCsv.cpp - sweep rows as CSV -----------------------------------===//
//
// The CSV form of runSweep's rows (docs/mapping.md "Sweeps"): the swept
// values, status, the numbers of a mapped point and the reason. Part of
// SNNMappingReport; the sweep itself (SNNMapping) returns numbers.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Report.h"

#include <fmt/format.h>

namespace snnc {
namespace mapping {
namespace {

std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string quoted = "\"";
  for (char c : s)
    quoted +=
        c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return quoted + "\"";
}

const char *statusName(SweepRow::Status s) {
  switch (s) {
  case SweepRow::Status::Ok:
    return "ok";
  case SweepRow::Status::OverGate:
    return "over_gate";
  case SweepRow::Status::Unmappable:
    break;
  }
  return "unmappable";
}

} // namespace

std::string sweepCsvHeader(const std::vector<SweepAxis> &axes, bool accuracy) {
  std::string csv;
  for (const SweepAxis &axis : axes)
    csv += csvField(axis.key) + ",";
  return csv +
         "status,cores,lower_bound,chips,max_compartment_util,"
         "energy_T_uJ,energy_Texit_uJ,latency_T_us,latency_Texit_us,"
         "synops_pJ,updates_pJ,spike_out_pJ,routing_pJ,static_pJ,ann_"
         "ratio_Texit," +
         std::string(accuracy ? "accuracy_pct,accuracy_delta_pts,"
                                "accuracy_run,"
                              : "") +
         "reason\n";
}

std::string sweepCsvLine(const SweepRow &row, bool accuracy) {
  std::string csv;
  for (const std::string &v : row.values)
    csv += csvField(v) + ",";
  csv += std::string(statusName(row.status)) + ",";
  if (row.status == SweepRow::Status::Unmappable)
    csv += std::string(13, ','); // 14 empty numbers
  else
    csv += fmt::format(
        "{},{},{},{:.4f},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
        "{:.6g},{:.6g},{:.6g}",
        row.cores, row.lowerBound, row.chips, row.maxCompartmentUtil,
        row.energyTUj, row.energyTexitUj, row.latencyTUs, row.latencyTexitUs,
        row.synopsPj, row.updatesPj, row.spikeOutPj, row.routingPj,
        row.staticPj, row.annRatioTexit);
  if (accuracy && row.hasAccuracy)
    csv +=
        fmt::format(",{:.2f},{},{}", row.accuracyPct,
                    row.hasDelta ? fmt::format("{:+.2f}", row.accuracyDeltaPts)
                                 : std::string(),
                    csvField(row.accuracyRun));
  else if (accuracy)
    csv += ",,,";
  return csv + "," + csvField(row.reason) + "\n";
}

std::string sweepCsv(const std::vector<SweepAxis> &axes,
                     const std::vector<SweepRow> &rows) {
  std::string csv = sweepCsvHeader(axes);
  for (const SweepRow &row : rows)
    csv += sweepCsvLine(row);
  return csv;
}

} // namespace mapping
} // namespace snnc

//===- Report.h - snnc-map's outputs: JSON, text, CSV, HTML/SVG -----------===//
//
// The renderings of SNNMappingReport over SNNMapping's results: the
// machine-readable document (--json), the human summary on stdout, the CSV
// of a sweep (docs/mapping.md) and the HTML report folder with the paper's
// figures as SVG. SNNMapping computes; this library only formats and
// writes.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_REPORT_H
#define SNNC_MAPPING_REPORT_H

#include "snnc/Mapping/Pipeline.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace snnc {
namespace mapping {

/// The machine-readable result (--json).
nlohmann::ordered_json resultToJson(const Network &net, const MapResult &r);

/// The concise human summary printed on stdout.
std::string summaryText(const Network &net, const MapResult &r);

/// Writes DIR/index.html (XHTML with inline SVG figures) and one .svg file
/// per figure; every file goes through a temporary file and a rename.
bool writeReport(const std::string &dir, const Network &net, const MapResult &r,
                 std::string *error);

/// A sweep's CSV: the header line (axis keys, status, numbers, reason), one
/// line per row, and both together. Lines end in '\n'. With `accuracy`
/// (--accuracy) the columns accuracy_pct, accuracy_delta_pts, accuracy_run
/// come before the reason.
std::string sweepCsvHeader(const std::vector<SweepAxis> &axes,
                           bool accuracy = false);
std::string sweepCsvLine(const SweepRow &row, bool accuracy = false);
std::string sweepCsv(const std::vector<SweepAxis> &axes,
                     const std::vector<SweepRow> &rows);
/// DIR/sweep.html: the sweep's rows as a table (with --accuracy, accuracy
/// next to cores and energy) and, with accuracy, an SVG of energy at T_exit
/// against accuracy; written through a temporary file and a rename.
bool writeSweepHtml(const std::string &dir, const std::string &title,
                    const std::vector<SweepAxis> &axes,
                    const std::vector<SweepRow> &rows, bool accuracy,
                    std::string *error);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_REPORT_H

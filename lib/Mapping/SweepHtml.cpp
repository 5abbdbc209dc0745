//===- SweepHtml.cpp - a sweep's rows as an HTML page ---------------------===//
//
// writeSweepHtml (Report.h): DIR/sweep.html, written next to the single
// mapping's index.html by `snnc-map --sweep ... --report DIR`. One table row
// per point (the swept values, status, cores, chips, energy and latency at
// T_exit, and with --accuracy the measured accuracy, its difference to
// float32 and the run), and with --accuracy two charts over weight_bits, one
// line per combination of the other axes: accuracy, and energy at T_exit.
// Every text goes through svg::escape (well-formed XHTML).
//
//===----------------------------------------------------------------------===//

#include "Svg.h"

#include "snnc/Mapping/Report.h"
#include "snnc/Support/OutputFile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

namespace snnc {
namespace mapping {
namespace {

using svg::escape;

std::string tableRow(const SweepRow &row, bool accuracy) {
  std::string html = "<tr>";
  for (const std::string &v : row.values)
    html += "<td>" + escape(v) + "</td>";
  const char *status = row.status == SweepRow::Status::Ok ? "ok"
                       : row.status == SweepRow::Status::OverGate
                           ? "over_gate"
                           : "unmappable";
  html += fmt::format("<td>{}</td>", status);
  if (row.status == SweepRow::Status::Unmappable)
    html += "<td/><td/><td/><td/>";
  else
    html += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                        row.cores, row.chips, svg::num(row.energyTexitUj),
                        svg::num(row.latencyTexitUs));
  if (accuracy)
    html += row.hasAccuracy
                ? fmt::format("<td>{:.2f}</td><td>{}</td><td>{}</td>",
                              row.accuracyPct,
                              row.hasDelta
                                  ? fmt::format("{:+.2f}", row.accuracyDeltaPts)
                                  : std::string(),
                              escape(row.accuracyRun))
                : "<td/><td/><td/>";
  return html + "<td>" + escape(row.reason) + "</td></tr>\n";
}

/// Accuracy and energy over weight_bits, one series per combination of the
/// other axes' values (only combinations mapped at every bits value).
std::string charts(const std::vector<SweepAxis> &axes,
                   const std::vector<SweepRow> &rows) {
  size_t axis = axes.size();
  for (size_t a = 0; a < axes.size(); ++a)
    if (axes[a].key == "core.weight_bits")
      axis = a;
  if (axis == axes.size())
    return "";
  std::vector<double> xs;
  for (const std::string &v : axes[axis].values)
    xs.push_back(std::strtod(v.c_str(), nullptr));
  std::sort(xs.begin(), xs.end());
  std::map<std::string, std::map<double, const SweepRow *>> groups;
  for (const SweepRow &row : rows) {
    std::string key;
    for (size_t a = 0; a < axes.size(); ++a)
      if (a != axis)
        key += (key.empty() ? "" : ", ") + axes[a].key + "=" + row.values[a];
    groups[key][std::strtod(row.values[axis].c_str(), nullptr)] = &row;
  }
  std::vector<svg::Series> accuracy, energy;
  for (const auto &[key, byBits] : groups) {
    svg::Series acc{key.empty() ? "accuracy" : key, {}},
        uj{key.empty() ? "energy" : key, {}};
    bool complete = byBits.size() == xs.size();
    for (double x : xs) {
      auto it = byBits.find(x);
      complete = complete && it != byBits.end() && it->second->hasAccuracy &&
                 it->second->status != SweepRow::Status::Unmappable;
      if (!complete)
        break;
      acc.values.push_back(it->second->accuracyPct);
      uj.values.push_back(it->second->energyTexitUj);
    }
    if (complete) {
      accuracy.push_back(acc);
      energy.push_back(uj);
    }
  }
  if (accuracy.empty())
    return "<p>No combination of the other axes is mapped at every "
           "weight_bits value: no charts.</p>\n";
  return svg::xyChart("Measured accuracy against weight bits", "weight bits",
                      "accuracy (%)", xs, accuracy, true, -1, "", -1, "") +
         svg::xyChart("Energy per inference at T_exit against weight bits",
                      "weight bits", "energy (uJ)", xs, energy, true, -1, "",
                      -1, "");
}

} // namespace

bool writeSweepHtml(const std::string &dir, const std::string &title,
                    const std::vector<SweepAxis> &axes,
                    const std::vector<SweepRow> &rows, bool accuracy,
                    std::string *error) {
  std::string html = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta "
      "charset=\"UTF-8\"/><title>{0}</title></head><body>\n<h1>{0}</h1>\n",
      escape(title));
  if (accuracy)
    html += charts(axes, rows);
  html += "<table border=\"1\">\n<tr>";
  for (const SweepAxis &a : axes)
    html += "<th>" + escape(a.key) + "</th>";
  html += "<th>status</th><th>cores</th><th>chips</th><th>energy T_exit "
          "(uJ)</th><th>latency T_exit (us)</th>";
  if (accuracy)
    html += "<th>accuracy (%)</th><th>vs float32 (pts)</th><th>run</th>";
  html += "<th>reason</th></tr>\n";
  for (const SweepRow &row : rows)
    html += tableRow(row, accuracy);
  html += "</table>\n</body></html>\n";
  std::string folder = dir;
  while (folder.size() > 1 && folder.back() == '/')
    folder.pop_back();
  if (!support::ensureOutputFolder(folder, error))
    return false;
  return support::writeOutputFile(folder + "/sweep.html", html, error);
}

} // namespace mapping
} // namespace snnc

//===- Merge.cpp - snnc-map merge: join the shards of a study -------------===//
//
// `snnc-map merge OUT.csv IN.csv...` or `OUT.json IN.json...`: every input
// must come from the same study (same columns; for JSON the same study name
// and point count), no point may appear twice, and the output lists the
// points sorted by number, exactly as the unsharded run writes them. JSON
// inputs also say how many points the study has, so a missing shard is an
// error; CSV inputs must hold the points 0..n-1 without a gap. With
// --fail-on-unmappable the merge exits 3 when a merged point is not ok.
//
//===----------------------------------------------------------------------===//

#include "Study.h"

#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/InputFile.h"
#include "snnc/Support/OutputFile.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

namespace snnc {
namespace mapping {

using json = nlohmann::ordered_json;

namespace {

struct Merged {
  std::vector<std::string> columns;
  std::string header, study;
  int64_t total = -1; ///< JSON: the study's points; CSV: unknown
  std::map<int64_t, std::string> csvRows;
  std::map<int64_t, json> jsonRows;
  int64_t notOk = 0;
};

/// Adds one CSV shard; "" or the reason it cannot be merged.
std::string addCsv(const std::string &path, const std::string &text,
                   Merged *m) {
  std::istringstream lines(text);
  std::string line;
  if (!std::getline(lines, line) || line.rfind("point,model,hardware,", 0))
    return path + ": not a study CSV (the header must start with "
                  "point,model,hardware)";
  if (m->header.empty()) {
    m->header = line;
    m->columns = splitCsvLine(line);
  } else if (line != m->header) {
    return fmt::format("{}: its columns differ from the first input's", path);
  }
  size_t status = 0;
  while (status < m->columns.size() && m->columns[status] != "status")
    ++status;
  for (int n = 2; std::getline(lines, line); ++n) {
    std::vector<std::string> f = splitCsvLine(line);
    char *end = nullptr;
    long long point = std::strtoll(f[0].c_str(), &end, 10);
    if (f[0].empty() || *end || point < 0 || f.size() != m->columns.size())
      return fmt::format("{}:{}: not a row of the study", path, n);
    if (!m->csvRows.emplace(point, line).second)
      return fmt::format("{}:{}: point {} appears twice", path, n, point);
    m->notOk += status < f.size() && f[status] != "ok";
  }
  return "";
}

std::string addJson(const std::string &path, const std::string &text,
                    Merged *m) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("points") ||
      !j["points"].is_array() || !j.contains("columns") ||
      !j.contains("points_total") || !j.contains("study"))
    return path + ": not a study JSON result (points, columns, "
                  "points_total, study)";
  std::vector<std::string> columns = j["columns"];
  std::string study = j["study"];
  int64_t total = j["points_total"];
  if (m->total < 0) {
    m->columns = columns;
    m->study = study;
    m->total = total;
  } else if (columns != m->columns || study != m->study || total != m->total) {
    return path + ": from another study (its name, columns or point count "
                  "differ from the first input's)";
  }
  if (j.value("status", "") != "ok")
    return fmt::format("{}: the shard did not finish (status {})", path,
                       j.value("status", "?"));
  for (const json &row : j["points"]) {
    if (!row.is_object() || !row.contains("point") ||
        !row["point"].is_number_integer())
      return path + ": a point without its number";
    int64_t point = row["point"];
    if (!m->jsonRows.emplace(point, row).second)
      return fmt::format("{}: point {} appears twice", path, point);
    m->notOk += row.value("status", "") != "ok";
  }
  return "";
}

/// The first point missing from 0..n-1 (n = the total when known), or -1.
int64_t firstMissing(const Merged &m, bool isJson) {
  int64_t expect = 0;
  auto scan = [&](const auto &rows) {
    for (const auto &[point, row] : rows) {
      if (point != expect)
        return expect;
      ++expect;
    }
    return isJson && expect < m.total ? expect : int64_t(-1);
  };
  return isJson ? scan(m.jsonRows) : scan(m.csvRows);
}

/// The merged study JSON: the status of the merge (the gate's, if it failed)
/// and the points in order.
std::string mergedJson(const Merged &m, bool gated,
                       const std::string &gateMessage,
                       const diag::DiagnosticEngine &de) {
  json j;
  j["status"] = gated ? "unmappable" : "ok";
  j["exit_code"] = gated ? kExitConstraint : kExitOk;
  j["message"] = gateMessage;
  j["study"] = m.study;
  j["points_total"] = m.total;
  j["shard"] = nullptr;
  j["columns"] = m.columns;
  j["points"] = json::array();
  for (auto &[point, row] : m.jsonRows)
    j["points"].push_back(row);
  j["diagnostics"] = de.toJsonArray();
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

/// The merged CSV: the header and the rows in point order.
std::string mergedCsv(const Merged &m) {
  std::string text = m.header + "\n";
  for (const auto &[point, row] : m.csvRows)
    text += row + "\n";
  return text;
}

} // namespace

int runMerge(const std::vector<std::string> &args, diag::DiagnosticEngine &de) {
  std::vector<std::string> files;
  bool failOnUnmappable = false;
  for (const std::string &a : args) {
    if (a == "--fail-on-unmappable")
      failOnUnmappable = true;
    else if (!a.empty() && a[0] == '-' && a != "-") {
      de.report(diag::Code::UsageGeneric,
                fmt::format("merge: unknown option '{}'", a));
      return kExitUsage;
    } else
      files.push_back(a);
  }
  if (files.size() < 2) {
    de.report(diag::Code::UsageGeneric,
              "merge: expected OUT.csv|OUT.json and at least one input");
    return kExitUsage;
  }
  const std::string &out = files[0];
  bool isJson = out.size() > 5 && out.substr(out.size() - 5) == ".json";
  std::string error;
  if (!support::checkOutputPath(out, &error)) {
    de.report(diag::Code::OutputWrite, error, out);
    return kExitInvalidInput;
  }
  Merged m;
  for (size_t i = 1; i < files.size(); ++i) {
    std::string text;
    if (!support::readTextFile(files[i], &text, &error)) {
      de.report(diag::Code::IoRead, error, files[i]);
      return kExitInvalidInput;
    }
    error = isJson ? addJson(files[i], text, &m) : addCsv(files[i], text, &m);
    if (!error.empty()) {
      de.report(diag::Code::MergeInvalid, error, files[i]);
      return kExitInvalidInput;
    }
  }
  if (int64_t missing = firstMissing(m, isJson); missing >= 0) {
    de.report(diag::Code::MergeInvalid,
              fmt::format("merge: point {} is in none of the inputs (a shard "
                          "is missing or failed)",
                          missing));
    return kExitInvalidInput;
  }
  // The gate is decided before the output is written, so the merged JSON
  // carries the same status, exit code and message as the process, as a
  // study run's JSON does.
  bool gated = failOnUnmappable && m.notOk > 0;
  std::string gateMessage =
      gated ? fmt::format("--fail-on-unmappable: {} merged points are not ok",
                          m.notOk)
            : "";
  if (gated)
    de.report(diag::Code::MapSweepNotOk, gateMessage, out);
  std::string text =
      isJson ? mergedJson(m, gated, gateMessage, de) : mergedCsv(m);
  if (!support::writeOutputFile(out, text, &error)) {
    de.report(diag::Code::OutputWrite, error, out);
    return kExitInvalidInput;
  }
  return gated ? kExitConstraint : kExitOk;
}

} // namespace mapping
} // namespace snnc

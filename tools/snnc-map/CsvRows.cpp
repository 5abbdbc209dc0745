//===- CsvRows.cpp - study rows: CSV fields and their JSON form -----------===//
//
// splitCsvLine and rowToJson (Study.h): the one reader of the CSV lines the
// sweeps and studies write, and the JSON object of a row, shared by
// `snnc-map study`, `snnc-map merge` and the --json of a --sweep.
//
//===----------------------------------------------------------------------===//

#include "Study.h"

#include <cmath>
#include <cstdlib>

namespace snnc {
namespace mapping {

using json = nlohmann::ordered_json;

std::vector<std::string> splitCsvLine(const std::string &line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

json rowToJson(const std::vector<std::string> &columns,
               const std::vector<std::string> &fields) {
  json row = json::object();
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string v = i < fields.size() ? fields[i] : "";
    char *end = nullptr;
    double d = v.empty() ? 0 : std::strtod(v.c_str(), &end);
    if (v.empty())
      row[columns[i]] = nullptr;
    else if (i == 0)
      row[columns[i]] = std::strtoll(v.c_str(), nullptr, 10);
    else if (end && *end == 0 && std::isfinite(d) && columns[i] != "model" &&
             columns[i] != "hardware")
      row[columns[i]] = d;
    else
      row[columns[i]] = v;
  }
  return row;
}

} // namespace mapping
} // namespace snnc

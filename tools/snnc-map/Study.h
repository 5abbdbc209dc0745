//===- Study.h - snnc-map study and merge: mapping studies on many machines
//===//
//
// A study file (JSON) names models x hardware files x a parameter grid.
// `snnc-map study STUDY` maps every point in one process; `--shard I/N`
// maps the deterministic subset of points whose index is I modulo N;
// `--list-jobs` prints one self-contained shell command per shard, for GNU
// parallel or a Slurm job array (docs/ci.md, scripts/slurm/); and
// `snnc-map merge OUT IN...` merges the shards' CSV or JSON outputs, sorted
// by point, into what the single process writes.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_MAP_STUDY_H
#define SNNC_TOOLS_SNNC_MAP_STUDY_H

#include "snnc/Support/Diagnostics.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace snnc {
namespace mapping {

/// argv[0] is "study" or "merge"; `exe` is the tool's own argv[0].
int runStudyCommand(int argc, char **argv, const char *exe,
                    diag::DiagnosticEngine &de);

/// The fields of one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> splitCsvLine(const std::string &line);

/// One study row as a JSON object keyed by the columns: the point index an
/// integer, numeric fields numbers, empty fields null, the rest strings.
nlohmann::ordered_json rowToJson(const std::vector<std::string> &columns,
                                 const std::vector<std::string> &fields);

/// `snnc-map merge OUT IN...` (Merge.cpp).
int runMerge(const std::vector<std::string> &args, diag::DiagnosticEngine &de);

} // namespace mapping
} // namespace snnc

#endif // SNNC_TOOLS_SNNC_MAP_STUDY_H

//===- snnc-map.cpp - map a model.bin onto a Loihi-class chip -------------===//
//
// Command-line front end of the SNNMapping and SNNMappingReport libraries:
// reads model.bin, a hardware description and optionally an `snnc-run --json`
// profile, then prints the mapping summary and writes the JSON result, the
// HTML/SVG report or (with --sweep) a CSV with one row per hardware variant.
// Output paths are checked before any work; outputs are written through a
// temporary file and a rename. Exit codes (snnc/Support/ExitCodes.h): 1 invalid
// input file, 2 usage, 3 does not fit or a gate failed, 4 internal. Every error
// and warning is a structured diagnostic (snnc/Support/Diagnostics.h, with
// --diagnostics=text|json|sarif); with --json the result file is written on
// every failure after the options were parsed, with its status, message and
// diagnostics. `snnc-map study` and `snnc-map merge` are in Study.cpp.
//
//===----------------------------------------------------------------------===//

#include "Options.h"
#include "Study.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Report.h"
#include "snnc/Mapping/SweepAccuracy.h"
#include "snnc/Support/Diagnostics.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/Limits.h"
#include "snnc/Support/OutputFile.h"
#include "snnc/Support/ToolMain.h"
#include "snnc/Support/VersionText.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/RunReport.h"

#include <fmt/format.h>

#include <cstdio>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace snnc;
using namespace snnc::mapping;

namespace {

/// Why the run stopped (kExitOk: it did not).
struct Outcome {
  int code = kExitOk;
  std::string message;
  diag::Code diag = diag::Code::InternalGeneric;
  std::string file; ///< the input the message is about
};

Outcome failWith(int code, std::string message,
                 diag::Code diag = diag::Code::UsageGeneric,
                 std::string file = "") {
  return {code, std::move(message), diag, std::move(file)};
}

/// The code of a failed gate, from the flag checkGates names first.
diag::Code gateCode(const std::string &message) {
  for (auto [flag, code] :
       {std::pair{"--max-cores", diag::Code::GateCores},
        std::pair{"--max-chips", diag::Code::GateChips},
        std::pair{"--max-energy-uj", diag::Code::GateEnergy},
        std::pair{"--max-latency-ms", diag::Code::GateLatency}})
    if (message.find(flag) != std::string::npos)
      return code;
  return diag::Code::MapUnmappable;
}

const char *statusName(int code, bool overGate) {
  switch (code) {
  case kExitOk:
    return "ok";
  case kExitInvalidInput:
    return "invalid_input";
  case kExitUsage:
    return "usage";
  case kExitConstraint:
    return overGate ? "over_gate" : "unmappable";
  default:
    return "internal";
  }
}

/// The --json document: status and message first, then the result if any.
std::string statusJson(const Outcome &o, bool overGate, const MapResult *result,
                       const nlohmann::ordered_json &sweep,
                       const diag::DiagnosticEngine &de) {
  nlohmann::ordered_json j;
  j["status"] = statusName(o.code, overGate);
  j["exit_code"] = o.code;
  j["message"] = o.message;
  j["diagnostics"] = de.toJsonArray();
  if (!sweep.is_null())
    j["sweep"] = sweep;
  if (result) {
    nlohmann::ordered_json full = resultToJson(result->net, *result);
    for (auto &[key, value] : full.items())
      j[key] = value;
  }
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Outcome checkOutputs(const Options &o) {
  std::string error;
  for (const std::string *path : {&o.json, &o.csv})
    if (!path->empty() && !support::checkOutputPath(*path, &error))
      return failWith(kExitInvalidInput, error, diag::Code::OutputWrite, *path);
  // The report is a folder: an existing one must take index.html, a new one
  // must be creatable ("report/" and "report" are the same folder).
  std::string folder = o.report;
  while (folder.size() > 1 && folder.back() == '/')
    folder.pop_back();
  if (!folder.empty() &&
      !support::checkOutputPath(folder + "/index.html", &error) &&
      !support::checkOutputPath(folder, &error, /*allowStdout=*/false))
    return failWith(kExitInvalidInput,
                    fmt::format("--report {}: {}", o.report, error),
                    diag::Code::OutputWrite, o.report);
  return {};
}

struct Inputs {
  modelbin::Model model;
  HardwareModel hw, baseline;
  Profile profile;
  const Profile *measured = nullptr;
  std::vector<SweepAxis> axes;
  bool accuracy = false; ///< --accuracy: the runs joined to the sweep
  AccuracyJoin join;
  nlohmann::ordered_json sweepJson; ///< with --json: columns and points
};

/// --accuracy: the runs, checked against the sweep and the model.
Outcome readAccuracy(const Options &o, Inputs *in) {
  std::vector<AccuracySpec> specs;
  std::string error, file;
  size_t axis = 0;
  if (!parseAccuracySpecs(o.accuracy, &specs, &error) ||
      !matchAccuracyAxis(specs, in->axes, &axis, &error))
    return failWith(kExitUsage, error);
  if (!loadAccuracyRuns(specs, axis, o.model, in->model, &in->join, &error,
                        &file))
    return failWith(kExitInvalidInput, error, diag::Code::ProfileInvalid, file);
  in->accuracy = true;
  return {};
}

Outcome readInputs(const Options &o, const char *argv0, Inputs *in) {
  std::string error;
  if (!modelbin::readModelFile(o.model, &in->model, &error))
    return failWith(kExitInvalidInput, error, diag::Code::ModelInvalid,
                    o.model);
  Network net;
  bool unsupported = false;
  if (!buildNetwork(in->model, &net, &error, false, &unsupported))
    return failWith(unsupported ? kExitConstraint : kExitInvalidInput,
                    o.model + ": " + error,
                    unsupported ? diag::Code::MapUnsupported
                                : diag::Code::ModelInvalid,
                    o.model);
  std::vector<std::string> searchPath = hardwareSearchPath(argv0);
  if (!loadHardware(o.hw, searchPath, &in->hw, &error))
    return failWith(kExitInvalidInput, error, diag::Code::HardwareInvalid,
                    o.hw);
  if (in->hw.isBaseline)
    return failWith(kExitUsage,
                    fmt::format("{}: '{}' is a baseline technology, not a "
                                "chip; it is used for the ANN comparison",
                                in->hw.file, in->hw.name));
  if (!loadBaseline(in->hw, searchPath, &in->baseline, &error))
    return failWith(kExitInvalidInput, error, diag::Code::HardwareInvalid,
                    in->hw.file);
  for (const std::string &set : o.sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos)
      return failWith(kExitUsage,
                      fmt::format("--set '{}': expected key=value", set));
    if (!overrideParameter(&in->hw, set.substr(0, eq), set.substr(eq + 1),
                           &error))
      return failWith(kExitUsage, "--set: " + error);
  }
  if (!o.profile.empty()) {
    // The profile must come from a run of this very model.bin.
    snnc::rt::ModelIdentity identity;
    if (!snnc::rt::readModelIdentity(o.model, in->model, &identity, &error) ||
        !readProfile(o.profile, net, &in->profile, &error, &identity))
      return failWith(kExitInvalidInput, error, diag::Code::ProfileInvalid,
                      o.profile);
    in->measured = &in->profile;
  }
  in->axes.resize(o.sweeps.size());
  for (size_t i = 0; i < o.sweeps.size(); ++i)
    if (!parseSweepAxis(o.sweeps[i], &in->axes[i], &error))
      return failWith(kExitUsage, error);
  int64_t points = 0;
  int64_t cap = o.maxPoints > 0 ? o.maxPoints : limits::kDefaultSweepPoints;
  if (!in->axes.empty() && !checkSweep(in->axes, cap, &points, &error))
    return failWith(kExitUsage, error);
  if (!o.accuracy.empty())
    return readAccuracy(o, in);
  return {};
}

/// What a sweep keeps of its rows besides the CSV: the rows for --report's
/// sweep.html, their JSON objects (with a "point" index) for --json.
struct SweepKeep {
  SweepKeep(const std::string &header, bool rowsWanted, bool jsonWanted)
      : rowsWanted(rowsWanted), jsonWanted(jsonWanted),
        columns(splitCsvLine(header.substr(0, header.size() - 1))) {
    columns.insert(columns.begin(), "point");
  }
  void add(const SweepRow &row, const std::string &line) {
    if (rowsWanted)
      rows.push_back(row);
    if (!jsonWanted)
      return;
    std::vector<std::string> fields =
        splitCsvLine(line.substr(0, line.size() - 1));
    fields.insert(fields.begin(), std::to_string(points.size()));
    points.push_back(rowToJson(columns, fields));
  }
  bool rowsWanted, jsonWanted;
  std::vector<std::string> columns;
  std::vector<SweepRow> rows;
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
};

/// Streams rows to stdout, or to OUT.partial while the sweep runs and then
/// atomically to OUT.
Outcome runSweepRows(const Options &o, Inputs &in, bool textMode) {
  std::string csv, error;
  int partial = -1;
  std::string partialPath = o.csv + ".partial";
  if (!o.csv.empty()) {
    partial =
        ::open(partialPath.c_str(),
               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (partial < 0)
      return failWith(kExitInvalidInput,
                      fmt::format("{}: cannot write", partialPath),
                      diag::Code::OutputWrite, partialPath);
  }
  SweepOptions so;
  so.gates = o.gates;
  auto emit = [&](const std::string &line) {
    if (partial < 0) {
      std::fputs(line.c_str(), stdout);
      std::fflush(stdout);
      return;
    }
    csv += line;
    if (::write(partial, line.data(), line.size()) < 0)
      error = partialPath + ": write failed";
  };
  std::string header = sweepCsvHeader(in.axes, in.accuracy);
  emit(header);
  SweepKeep keep(header, !o.report.empty(), !o.json.empty());
  so.onRow = [&](const SweepRow &row) {
    std::string line = sweepCsvLine(row, in.accuracy);
    emit(line);
    keep.add(row, line);
  };
  if (in.accuracy)
    useAccuracyJoin(in.join, &so);
  bool tty = ::isatty(STDERR_FILENO);
  if (textMode && (o.progress || tty))
    so.onProgress = [&, lastDecile = int64_t(-1)](int64_t done, int64_t total,
                                                  int64_t failed) mutable {
      if (tty) {
        std::fprintf(stderr, "\rsnnc-map: sweep point %lld/%lld (%lld not ok)",
                     (long long)done, (long long)total, (long long)failed);
        if (done == total)
          std::fputc('\n', stderr);
      } else if (done * 10 / total != lastDecile) {
        lastDecile = done * 10 / total;
        std::fprintf(stderr, "snnc-map: sweep point %lld/%lld (%lld not ok)\n",
                     (long long)done, (long long)total, (long long)failed);
      }
    };
  SweepTotals totals = runSweep(in.model, in.hw, in.baseline, in.measured,
                                o.defaultRate, in.axes, so);
  if (partial >= 0) {
    ::close(partial);
    if (!error.empty() || !support::writeOutputFile(o.csv, csv, &error))
      return failWith(kExitInvalidInput, error, diag::Code::OutputWrite, o.csv);
    ::unlink(partialPath.c_str());
    if (!o.quiet)
      std::printf("snnc-map: wrote %s\n", o.csv.c_str());
  }
  if (!o.json.empty())
    in.sweepJson = {{"columns", keep.columns}, {"points", keep.points}};
  if (!o.report.empty() &&
      !writeSweepHtml(o.report,
                      "Sweep of " +
                          modelLabel(o.model, in.model.source_name()) + " on " +
                          in.hw.name,
                      in.axes, keep.rows, in.accuracy, &error))
    return failWith(kExitInvalidInput, error, diag::Code::OutputWrite,
                    o.report);
  if (o.failOnUnmappable && totals.failed > 0)
    return failWith(kExitConstraint,
                    fmt::format("--fail-on-unmappable: {} of {} sweep points "
                                "are not ok (see the status and reason "
                                "columns)",
                                totals.failed, totals.points),
                    diag::Code::MapSweepNotOk, o.model);
  return {};
}

/// The single mapping: summary, --report and the gates (the caller writes
/// --json).
Outcome runSingle(const Options &o, const Inputs &in, bool *overGate,
                  MapResult *result, bool *mapped) {
  std::string error;
  if (!runMapping(in.model, in.hw, in.baseline, in.measured, o.defaultRate,
                  result, &error)) {
    bool internal = error.rfind("internal:", 0) == 0;
    return failWith(internal ? kExitInternal : kExitConstraint, error,
                    internal ? diag::Code::InternalGeneric
                             : diag::Code::MapUnmappable,
                    o.model);
  }
  *mapped = true;
  result->modelLabel = modelLabel(o.model, in.model.source_name());
  Outcome outcome;
  if (std::string gate = checkGates(o.gates, *result); !gate.empty()) {
    *overGate = true;
    outcome = failWith(kExitConstraint, gate, gateCode(gate), o.model);
  }
  if (!o.report.empty() && !writeReport(o.report, result->net, *result, &error))
    return failWith(kExitInvalidInput, error, diag::Code::OutputWrite,
                    o.report);
  if (!o.quiet && o.sweeps.empty())
    std::fputs(summaryText(result->net, *result).c_str(), stdout);
  return outcome;
}

void reportOutcome(diag::DiagnosticEngine &de, const Outcome &o) {
  de.report(o.diag, o.message, o.file);
}

int run(int argc, char **argv, diag::DiagnosticEngine &de) {
  Options o;
  std::string error;
  if (!parseOptions(argc, argv, &o, &error)) {
    de.report(diag::Code::UsageGeneric, error);
    return kExitUsage;
  }
  if (o.help) {
    std::fputs(kUsage, stdout);
    std::fputs(diag::kOptionsHelp, stdout);
    return kExitOk;
  }
  if (o.version) {
    std::fputs(
        support::versionText("snnc-map", modelbin::kFormatVersion, {}).c_str(),
        stdout);
    return kExitOk;
  }
  Outcome outcome = checkOutputs(o);
  if (outcome.code != kExitOk) {
    reportOutcome(de, outcome);
    return outcome.code;
  }
  Inputs in;
  MapResult result;
  bool overGate = false, mapped = false;
  outcome = readInputs(o, argv[0], &in);
  if (outcome.code == kExitOk && in.profile.identityUnchecked)
    de.report(diag::Code::ProfileUnchecked,
              in.profile.notes.empty() ? o.profile : in.profile.notes.front(),
              o.profile);
  if (outcome.code == kExitOk && !in.axes.empty())
    outcome = runSweepRows(o, in, de.textMode());
  if (outcome.code == kExitOk &&
      (in.axes.empty() || !o.json.empty() || !o.report.empty()))
    outcome = runSingle(o, in, &overGate, &result, &mapped);
  std::fflush(stdout); // the summary and "wrote" lines come first
  if (outcome.code != kExitOk)
    reportOutcome(de, outcome);
  if (!o.json.empty() &&
      !support::writeOutputFile(o.json,
                                statusJson(outcome, overGate,
                                           mapped ? &result : nullptr,
                                           in.sweepJson, de),
                                &error)) {
    de.report(diag::Code::OutputWrite, error, o.json);
    return outcome.code != kExitOk ? outcome.code : kExitInvalidInput;
  }
  return outcome.code;
}

} // namespace

int main(int argc, char **argv) {
  diag::DiagnosticEngine de("snnc-map", SNNC_VERSION);
  diag::Options options;
  std::string optionsError;
  bool optionsOk = diag::extractOptions(argc, argv, &options, &optionsError);
  de.configure(options);
  int status = support::runToolMain(
      "snnc-map",
      [&] {
        if (!optionsOk) {
          de.report(diag::Code::UsageGeneric, optionsError);
          return int(kExitUsage);
        }
        std::string sub = argc > 1 ? argv[1] : "";
        if (sub == "study" || sub == "merge")
          return runStudyCommand(argc - 1, argv + 1, argv[0], de);
        return run(argc, argv, de);
      },
      [&](const std::string &message) {
        de.report(diag::Code::InternalGeneric, "internal error: " + message);
      });
  return de.finish(status);
}

//===- Study.cpp - snnc-map study: models x hardware x grid, sharded ------===//
//
// See Study.h. Points are numbered models-major, then hardware, then the
// grid in sweep order (runSweep's, last axis fastest); shard I of N maps the
// points whose number is I modulo N, so shards interleave and balance. Every
// shard loads and checks every model and hardware file first, so a bad
// study fails the same way in every shard. Relative paths in the study file
// are relative to its folder.
//
//===----------------------------------------------------------------------===//

#include "Study.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"
#include "snnc/Mapping/SweepAccuracy.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/InputFile.h"
#include "snnc/Support/Limits.h"
#include "snnc/Support/OutputFile.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/RunReport.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace snnc {
namespace mapping {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

struct ModelEntry {
  std::string label, path, profile;
  modelbin::Model model;
  Profile measured;
  bool hasProfile = false;
  std::vector<std::string> accuracy; ///< "BITS=RUN.json", paths resolved
  AccuracyJoin join;                 ///< loaded when `accuracy` is not empty
};

struct HardwareEntry {
  std::string label, where; ///< as written; a name or a resolved path
  HardwareModel hw, baseline;
};

struct Study {
  std::string name;
  std::vector<ModelEntry> models;
  std::vector<HardwareEntry> hardware;
  std::vector<SweepAxis> axes;
  int64_t gridPoints = 1, points = 0;
  bool accuracy = false; ///< some model joins measured runs
  double defaultRate = 0.1;
  Gates gates;
};

struct StudyOptions {
  std::string study, csv, json, outDir = ".";
  int64_t shard = 0, shards = 1, listShards = 0, maxPoints = 0;
  bool listJobs = false, quiet = false, failOnUnmappable = false;
};

/// A failure: exit code, diagnostic code, message and the file it is about.
struct Failure {
  int exit = kExitOk;
  diag::Code code = diag::Code::StudyInvalid;
  std::string message, file;
  explicit operator bool() const { return exit != kExitOk; }
};

Failure fail(int exit, diag::Code code, std::string message,
             std::string file = "") {
  return {exit, code, std::move(message), std::move(file)};
}

std::string resolve(const fs::path &dir, const std::string &path) {
  return fs::path(path).is_absolute() ? path : (dir / path).string();
}

bool parseInt(const std::string &v, int64_t lo, int64_t hi, int64_t *out) {
  char *end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < lo || n > hi)
    return false;
  *out = n;
  return true;
}

/// A grid value as the text --sweep takes.
bool gridValue(const json &v, std::string *text) {
  if (v.is_string())
    *text = v.get<std::string>();
  else if (v.is_number_integer())
    *text = std::to_string(v.get<int64_t>());
  else if (v.is_number())
    *text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  else
    return false;
  return text->find(',') == std::string::npos;
}

Failure parseGates(const json &g, const std::string &file, Gates *gates) {
  for (const auto &[key, value] : g.items()) {
    bool integer = key == "max_cores" || key == "max_chips";
    if (!value.is_number() || value.get<double>() < 0 ||
        (integer && !value.is_number_integer()))
      return fail(
          kExitInvalidInput, diag::Code::StudyInvalid,
          fmt::format("{}: gates.{}: expected a number >= 0", file, key), file);
    if (key == "max_cores")
      gates->maxCores = value.get<int64_t>();
    else if (key == "max_chips")
      gates->maxChips = value.get<int64_t>();
    else if (key == "max_energy_uj")
      gates->maxEnergyUj = value.get<double>();
    else if (key == "max_latency_ms")
      gates->maxLatencyMs = value.get<double>();
    else
      return fail(kExitInvalidInput, diag::Code::StudyInvalid,
                  fmt::format("{}: gates.{}: unknown gate (max_cores, "
                              "max_chips, max_energy_uj, max_latency_ms)",
                              file, key),
                  file);
  }
  return {};
}

/// A model entry's "accuracy": {BITS: RUN.json} (SweepAccuracy.h), paths
/// relative to the study's folder; "" or what is wrong.
std::string parseModelAccuracy(const json &m, const fs::path &dir,
                               ModelEntry *e) {
  if (!m.contains("accuracy"))
    return "";
  if (!m["accuracy"].is_object() || m.contains("profile"))
    return "models[].accuracy: expected {\"BITS\": RUN.json, ...} and no "
           "profile (each point takes its run's activity)";
  for (const auto &[bits, run] : m["accuracy"].items()) {
    if (!run.is_string())
      return fmt::format("models[].accuracy.{}: expected a path", bits);
    e->accuracy.push_back(bits + "=" + resolve(dir, run.get<std::string>()));
  }
  return "";
}

/// Every model's accuracy runs against the grid (usage rules of
/// SweepAccuracy.h); sets Study::accuracy. "" or what is wrong.
std::string checkStudyAccuracy(Study *s) {
  for (ModelEntry &m : s->models) {
    std::vector<AccuracySpec> specs;
    std::string error;
    size_t axis = 0;
    if (!m.accuracy.empty() &&
        (!parseAccuracySpecs(m.accuracy, &specs, &error) ||
         !matchAccuracyAxis(specs, s->axes, &axis, &error)))
      return fmt::format("models '{}': {}", m.label, error);
    s->accuracy |= !m.accuracy.empty();
  }
  return "";
}

/// The study file's structure; models and hardware are loaded afterwards.
Failure parseStudy(const std::string &file, const json &j, Study *s) {
  auto bad = [&](const std::string &what) {
    return fail(kExitInvalidInput, diag::Code::StudyInvalid, file + ": " + what,
                file);
  };
  if (!j.is_object())
    return bad("not a JSON object");
  for (const auto &[key, value] : j.items())
    if (key != "name" && key != "description" && key != "models" &&
        key != "hardware" && key != "grid" && key != "default_rate" &&
        key != "gates")
      return bad(fmt::format("unknown key '{}' (name, description, models, "
                             "hardware, grid, default_rate, gates)",
                             key));
  fs::path dir = fs::path(file).parent_path();
  s->name = j.contains("name") && j["name"].is_string()
                ? j["name"].get<std::string>()
                : fs::path(file).filename().string();
  if (!j.contains("models") || !j["models"].is_array() || j["models"].empty())
    return bad("models: expected a non-empty array");
  for (const json &m : j["models"]) {
    ModelEntry e;
    if (m.is_string()) {
      e.label = m.get<std::string>();
    } else if (m.is_object() && m.contains("model") && m["model"].is_string()) {
      e.label = m["model"].get<std::string>();
      if (m.contains("profile")) {
        if (!m["profile"].is_string())
          return bad("models[].profile: expected a path");
        e.profile = resolve(dir, m["profile"].get<std::string>());
      }
      if (std::string why = parseModelAccuracy(m, dir, &e); !why.empty())
        return bad(why);
    } else {
      return bad("models[]: expected a path or {\"model\": PATH, "
                 "\"profile\": RUN.json}");
    }
    e.path = resolve(dir, e.label);
    s->models.push_back(std::move(e));
  }
  if (!j.contains("hardware") || !j["hardware"].is_array() ||
      j["hardware"].empty())
    return bad("hardware: expected a non-empty array of names or files");
  for (const json &h : j["hardware"]) {
    if (!h.is_string())
      return bad("hardware[]: expected a name (loihi1) or a file");
    std::string label = h.get<std::string>();
    bool isPath = label.find('/') != std::string::npos ||
                  fs::path(label).extension() == ".json";
    s->hardware.push_back(
        {label, isPath ? resolve(dir, label) : label, {}, {}});
  }
  if (j.contains("grid")) {
    if (!j["grid"].is_object())
      return bad("grid: expected an object of parameter: [values]");
    for (const auto &[key, values] : j["grid"].items()) {
      if (!values.is_array() || values.empty())
        return bad(fmt::format("grid.{}: expected a non-empty array", key));
      std::string text = key + "=", v, error;
      for (size_t i = 0; i < values.size(); ++i) {
        if (!gridValue(values[i], &v))
          return bad(fmt::format("grid.{}[{}]: expected a number or a string "
                                 "without ','",
                                 key, i));
        text += (i ? "," : "") + v;
      }
      s->axes.emplace_back();
      if (!parseSweepAxis(text, &s->axes.back(), &error))
        return bad("grid: " + error);
    }
  }
  if (std::string why = checkStudyAccuracy(s); !why.empty())
    return bad(why);
  if (j.contains("default_rate")) {
    const json &r = j["default_rate"];
    if (!r.is_number() || r.get<double>() < 0 || r.get<double>() > 1)
      return bad("default_rate: expected a number in [0, 1]");
    s->defaultRate = r.get<double>();
  }
  if (j.contains("gates")) {
    if (!j["gates"].is_object())
      return bad("gates: expected an object");
    if (Failure f = parseGates(j["gates"], file, &s->gates))
      return f;
  }
  return {};
}

/// Loads every model (and profile) and hardware file the study names.
Failure loadStudy(const std::string &exe, Study *s) {
  std::string error;
  for (ModelEntry &m : s->models) {
    if (!modelbin::readModelFile(m.path, &m.model, &error))
      return fail(kExitInvalidInput, diag::Code::ModelInvalid, error, m.path);
    if (!m.accuracy.empty()) {
      std::vector<AccuracySpec> specs;
      size_t axis = 0;
      std::string file;
      parseAccuracySpecs(m.accuracy, &specs, &error); // checked by parseStudy
      matchAccuracyAxis(specs, s->axes, &axis, &error);
      if (!loadAccuracyRuns(specs, axis, m.path, m.model, &m.join, &error,
                            &file))
        return fail(kExitInvalidInput, diag::Code::ProfileInvalid, error, file);
    }
    if (m.profile.empty())
      continue;
    Network net;
    rt::ModelIdentity identity;
    if (!buildNetwork(m.model, &net, &error, false, nullptr) ||
        !rt::readModelIdentity(m.path, m.model, &identity, &error) ||
        !readProfile(m.profile, net, &m.measured, &error, &identity))
      return fail(kExitInvalidInput, diag::Code::ProfileInvalid, error,
                  m.profile);
    m.hasProfile = true;
  }
  std::vector<std::string> searchPath = hardwareSearchPath(exe);
  for (HardwareEntry &h : s->hardware) {
    const std::string &where = h.where;
    if (!loadHardware(where, searchPath, &h.hw, &error) ||
        (!h.hw.isBaseline &&
         !loadBaseline(h.hw, searchPath, &h.baseline, &error)))
      return fail(kExitInvalidInput, diag::Code::HardwareInvalid, error, where);
    if (h.hw.isBaseline)
      return fail(kExitInvalidInput, diag::Code::HardwareInvalid,
                  fmt::format("{}: '{}' is a baseline technology, not a chip",
                              h.hw.file, h.hw.name),
                  h.hw.file);
  }
  return {};
}

/// Runs the points of this shard; rows go to `onRow` (CSV, with the point,
/// model and hardware first). Gives the number of rows that are not ok.
int64_t runPoints(const Study &s, const StudyOptions &o,
                  const std::function<void(const std::string &)> &onHeader,
                  const std::function<void(const std::string &)> &onRow) {
  int64_t base = 0, notOk = 0;
  bool headerDone = false;
  for (const ModelEntry &m : s.models)
    for (const HardwareEntry &h : s.hardware) {
      int64_t point = 0;
      SweepOptions so;
      so.gates = s.gates;
      so.select = [&](int64_t local) {
        point = base + local;
        return point % o.shards == o.shard;
      };
      if (!std::exchange(headerDone, true))
        onHeader("point,model,hardware," + sweepCsvHeader(s.axes, s.accuracy));
      so.onRow = [&](const SweepRow &row) {
        onRow(fmt::format("{},{},{},", point, m.label, h.label) +
              sweepCsvLine(row, s.accuracy));
      };
      if (!m.accuracy.empty())
        useAccuracyJoin(m.join, &so);
      notOk += runSweep(m.model, h.hw, h.baseline,
                        m.hasProfile ? &m.measured : nullptr, s.defaultRate,
                        s.axes, so)
                   .failed;
      base += s.gridPoints;
    }
  return notOk;
}

std::string shellQuote(const std::string &s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// One self-contained command per shard (absolute paths), on stdout.
Failure listJobs(const Study &s, const StudyOptions &o) {
  int64_t n = o.listShards > 0 ? std::min(o.listShards, s.points) : s.points;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  fs::path study = fs::absolute(o.study, ec);
  fs::path out = fs::absolute(o.outDir, ec);
  std::string error;
  if (!support::ensureOutputFolder(out.string(), &error))
    return fail(kExitInvalidInput, diag::Code::OutputWrite, error,
                out.string());
  for (int64_t i = 0; i < n; ++i) {
    std::string stem = (out / fmt::format("shard-{}-of-{}", i, n)).string();
    std::printf("%s study %s --shard %lld/%lld --csv %s --json %s --quiet%s\n",
                shellQuote(exe.string()).c_str(),
                shellQuote(study.lexically_normal().string()).c_str(),
                (long long)i, (long long)n, shellQuote(stem + ".csv").c_str(),
                shellQuote(stem + ".json").c_str(),
                o.maxPoints > 0
                    ? fmt::format(" --max-points {}", o.maxPoints).c_str()
                    : "");
  }
  return {};
}

const char *const kStudyUsage =
    "usage: snnc-map study STUDY.json [--shard I/N] [--csv OUT] [--json OUT]\n"
    "                     [--max-points N] [--fail-on-unmappable] [--quiet]\n"
    "       snnc-map study STUDY.json --list-jobs [--shards N] [--out-dir "
    "DIR]\n"
    "       snnc-map merge OUT.csv|OUT.json IN... [--fail-on-unmappable]\n"
    "A study maps models x hardware x grid (docs/ci.md); --shard I/N maps the\n"
    "points whose number is I modulo N; --list-jobs prints one command per\n"
    "shard (default: one per point) for GNU parallel or a Slurm array.\n";

bool parseStudyOptions(const std::vector<std::string> &args, StudyOptions *o,
                       std::string *error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    bool hasValue = i + 1 < args.size();
    std::string v = hasValue ? args[i + 1] : "";
    auto need = [&]() {
      if (!hasValue)
        *error = a + ": missing value";
      ++i;
      return hasValue;
    };
    if (a == "--list-jobs") {
      o->listJobs = true;
    } else if (a == "--quiet") {
      o->quiet = true;
    } else if (a == "--fail-on-unmappable") {
      o->failOnUnmappable = true;
    } else if (a == "--csv" || a == "--json" || a == "--out-dir") {
      if (!need())
        return false;
      (a == "--csv" ? o->csv : a == "--json" ? o->json : o->outDir) = v;
    } else if (a == "--shards" || a == "--max-points") {
      if (!need())
        return false;
      int64_t *out = a == "--shards" ? &o->listShards : &o->maxPoints;
      if (!parseInt(v, 1, limits::kMaxSweepPoints, out)) {
        *error = fmt::format("{}: expected an integer in [1, {}], not '{}'", a,
                             limits::kMaxSweepPoints, v);
        return false;
      }
    } else if (a == "--shard") {
      if (!need())
        return false;
      size_t slash = v.find('/');
      if (slash == std::string::npos ||
          !parseInt(v.substr(slash + 1), 1, limits::kMaxSweepPoints,
                    &o->shards) ||
          !parseInt(v.substr(0, slash), 0, o->shards - 1, &o->shard)) {
        *error = fmt::format("--shard '{}': expected I/N with 0 <= I < N", v);
        return false;
      }
    } else if (!a.empty() && a[0] == '-') {
      *error = fmt::format("study: unknown option '{}' (see --help)", a);
      return false;
    } else if (o->study.empty()) {
      o->study = a;
    } else {
      *error = fmt::format("study: unexpected argument '{}'", a);
      return false;
    }
  }
  if (o->study.empty())
    *error = "study: no study file given (see --help)";
  else if (o->listJobs && (!o->csv.empty() || !o->json.empty()))
    *error = "--list-jobs prints commands; it takes no --csv or --json";
  return error->empty();
}

Failure openStudy(const StudyOptions &o, const std::string &exe, Study *s) {
  std::string text, error;
  if (!support::readTextFile(o.study, &text, &error))
    return fail(kExitInvalidInput, diag::Code::IoRead,
                error + " (the study file)", o.study);
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return fail(kExitInvalidInput, diag::Code::StudyInvalid,
                o.study + ": not valid JSON", o.study);
  if (Failure f = parseStudy(o.study, j, s))
    return f;
  int64_t cap = o.maxPoints > 0 ? o.maxPoints : limits::kDefaultSweepPoints;
  if (!checkSweep(s->axes, cap, &s->gridPoints, &error))
    return fail(kExitInvalidInput, diag::Code::StudyInvalid,
                o.study + ": grid: " + error, o.study);
  int64_t n = 0;
  if (__builtin_mul_overflow(int64_t(s->models.size()),
                             int64_t(s->hardware.size()), &n) ||
      __builtin_mul_overflow(n, s->gridPoints, &n) || n > cap)
    return fail(kExitInvalidInput, diag::Code::StudyInvalid,
                fmt::format("{}: more than {} points (--max-points N raises "
                            "the limit, up to {})",
                            o.study, cap, limits::kMaxSweepPoints),
                o.study);
  s->points = n;
  return loadStudy(exe, s);
}

json studyJson(const Study &s, const StudyOptions &o, const Failure &f,
               const std::vector<std::string> &columns, const json &points,
               const diag::DiagnosticEngine &de) {
  json j;
  j["status"] = f.exit == kExitOk           ? "ok"
                : f.exit == kExitConstraint ? "unmappable"
                : f.exit == kExitUsage      ? "usage"
                                            : "invalid_input";
  j["exit_code"] = f.exit;
  j["message"] = f.message;
  j["study"] = s.name;
  j["points_total"] = s.points;
  j["shard"] =
      o.shards > 1 ? json{{"index", o.shard}, {"count", o.shards}} : json();
  j["columns"] = columns;
  j["points"] = points;
  j["diagnostics"] = de.toJsonArray();
  return j;
}

void report(diag::DiagnosticEngine &de, const Failure &f) {
  de.report(f.code, f.message, f.file);
}

int runStudy(const std::vector<std::string> &args, const std::string &exe,
             diag::DiagnosticEngine &de) {
  StudyOptions o;
  std::string error;
  if (!parseStudyOptions(args, &o, &error)) {
    de.report(diag::Code::UsageGeneric, error);
    return kExitUsage;
  }
  for (const std::string *path : {&o.csv, &o.json})
    if (!path->empty() && !support::checkOutputPath(*path, &error)) {
      report(de,
             fail(kExitInvalidInput, diag::Code::OutputWrite, error, *path));
      return kExitInvalidInput;
    }
  Study s;
  Failure f = openStudy(o, exe, &s);
  if (!f && o.listJobs)
    f = listJobs(s, o);
  if (o.listJobs || f) {
    if (f)
      report(de, f);
    if (f && !o.json.empty())
      support::writeOutputFile(
          o.json,
          studyJson(s, o, f, {}, json::array(), de)
                  .dump(1, ' ', false,
                        nlohmann::json::error_handler_t::replace) +
              "\n",
          &error);
    return f.exit;
  }
  std::vector<std::string> columns;
  std::string csv;
  json points = json::array();
  int64_t rows = 0;
  bool stream = o.csv.empty() && o.json.empty();
  auto emit = [&](const std::string &line) {
    if (stream)
      std::fputs(line.c_str(), stdout);
    else
      csv += line;
  };
  int64_t notOk = runPoints(
      s, o,
      [&](const std::string &header) {
        columns = splitCsvLine(header.substr(0, header.size() - 1));
        emit(header);
      },
      [&](const std::string &row) {
        ++rows;
        emit(row);
        if (!o.json.empty())
          points.push_back(
              rowToJson(columns, splitCsvLine(row.substr(0, row.size() - 1))));
      });
  if (o.failOnUnmappable && notOk > 0)
    f = fail(kExitConstraint, diag::Code::MapSweepNotOk,
             fmt::format("--fail-on-unmappable: {} points of this run are not "
                         "ok (see the status and reason columns)",
                         notOk),
             o.study);
  if (f)
    report(de, f);
  if (!o.csv.empty() && !support::writeOutputFile(o.csv, csv, &error)) {
    report(de, fail(kExitInvalidInput, diag::Code::OutputWrite, error, o.csv));
    return kExitInvalidInput;
  }
  if (!o.json.empty() &&
      !support::writeOutputFile(
          o.json,
          studyJson(s, o, f, columns, points, de)
                  .dump(1, ' ', false,
                        nlohmann::json::error_handler_t::replace) +
              "\n",
          &error)) {
    report(de, fail(kExitInvalidInput, diag::Code::OutputWrite, error, o.json));
    return kExitInvalidInput;
  }
  if (!o.quiet && !stream)
    de.info(fmt::format("snnc-map: study {}: {} of {} points mapped in this "
                        "run, {} not ok\n",
                        s.name, rows, s.points, notOk));
  return f.exit;
}

} // namespace

int runStudyCommand(int argc, char **argv, const char *exe,
                    diag::DiagnosticEngine &de) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string &a : args)
    if (a == "--help" || a == "-h") {
      std::fputs(kStudyUsage, stdout);
      std::fputs(diag::kOptionsHelp, stdout);
      return kExitOk;
    }
  if (std::string(argv[0]) == "merge")
    return runMerge(args, de);
  return runStudy(args, exe, de);
}

} // namespace mapping
} // namespace snnc

//===- SweepAccuracy.cpp - join measured accuracy to a weight_bits sweep --===//
//
// See SweepAccuracy.h. The checks run in the order a user would fix them:
// the flag's syntax and the sweep's values (usage), then per run.json its
// status, accuracy and identity, the model.bin it ran (found where snnc-run
// recorded it, or next to the run), that file's bits and source digest, and
// its counts as a profile of the mapped network (invalid input, naming the
// run). Every run must have measured the same number of samples, so that
// the accuracies compare.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/SweepAccuracy.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/RunReport.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace snnc {
namespace mapping {

namespace fs = std::filesystem;

namespace {

constexpr const char *kFloat = "float32";
constexpr const char *kBitsKey = "core.weight_bits";

bool fail(std::string *error, std::string message) {
  *error = std::move(message);
  return false;
}

/// "8" for 1..8 given as a decimal integer, "float32" for itself.
bool canonicalBits(const std::string &text, std::string *bits) {
  if (text == kFloat) {
    *bits = kFloat;
    return true;
  }
  char *end = nullptr;
  errno = 0;
  long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || errno || n < 1 || n > 8)
    return false;
  *bits = std::to_string(n);
  return true;
}

std::string bitsName(const modelbin::Model &m) {
  return m.quantization().empty()
             ? std::string("a float32 model")
             : fmt::format("a {}-bit {} model", m.weight_bits(),
                           m.quantization());
}

/// The model.bin a run used: where snnc-run recorded it, or (a relative
/// path) next to the run.json.
bool findRunModel(const std::string &runFile, const std::string &recorded,
                  std::string *found) {
  std::error_code ec;
  if (!recorded.empty() && fs::is_regular_file(recorded, ec)) {
    *found = recorded;
    return true;
  }
  if (recorded.empty() || fs::path(recorded).is_absolute())
    return false;
  fs::path near = fs::path(runFile).parent_path() / recorded;
  if (!fs::is_regular_file(near, ec))
    return false;
  *found = near.string();
  return true;
}

/// The run's model against the mapped one: T and layer names, then the file
/// it ran: unchanged since the run, the stated bits, the same source.
bool checkRunModel(const AccuracySpec &spec, const rt::RunReport &r,
                   const rt::ModelIdentity &mapped,
                   const modelbin::Model &model, rt::ModelIdentity *ran,
                   std::string *error) {
  const std::string &file = spec.file;
  if (!r.model.known)
    return fail(error, fmt::format("{}: model: the run records no model "
                                   "identity (an older snnc-run, or written "
                                   "by hand); rerun snnc-run --json",
                                   file));
  if (r.model.numSteps != mapped.numSteps || r.model.layers != mapped.layers)
    return fail(error, fmt::format("{}: a run of another model: it ran '{}' "
                                   "(T = {}, {} layers) but the mapped model "
                                   "'{}' has T = {}, {} layers or other "
                                   "layer names",
                                   file, r.model.path, r.model.numSteps,
                                   r.model.layers.size(), mapped.path,
                                   mapped.numSteps, mapped.layers.size()));
  std::string path, why;
  if (!findRunModel(file, r.model.path, &path))
    return fail(error, fmt::format("{}: model: cannot check which bits it "
                                   "ran: its model.bin '{}' (as snnc-run "
                                   "recorded it) is found neither here nor "
                                   "next to the run; run snnc-map where "
                                   "snnc-run ran",
                                   file, r.model.path));
  modelbin::Model m;
  if (!modelbin::readModelFile(path, &m, &why) ||
      !rt::readModelIdentity(path, m, ran, &why))
    return fail(error, fmt::format("{}: model: {}", file, why));
  if (!ran->sameModel(r.model))
    return fail(error,
                fmt::format("{}: model: '{}' changed since the run "
                            "(now {}; the run: {}); rerun snnc-run",
                            file, path, ran->describe(), r.model.describe()));
  bool isFloat = spec.bits == kFloat;
  if (isFloat != m.quantization().empty() ||
      (!isFloat && std::to_string(m.weight_bits()) != spec.bits))
    return fail(
        error,
        fmt::format("{}: ran '{}', {}, but --accuracy gives it as "
                    "{} (compile with snnc {})",
                    file, path, bitsName(m),
                    isFloat ? std::string("the float32 run")
                            : spec.bits + "-bit",
                    isFloat ? std::string("without --quantize")
                            : "--quantize=loihi --weight-bits " + spec.bits));
  if (m.source_sha256() != model.source_sha256())
    return fail(error,
                fmt::format("{}: a run of another model: '{}' was "
                            "compiled from {} (sha256 {:.12}), the "
                            "mapped model from {} (sha256 {:.12})",
                            file, path, m.source_name(), m.source_sha256(),
                            model.source_name(), model.source_sha256()));
  return true;
}

/// Loads one run into `out`.
bool loadRun(const AccuracySpec &spec, const Network &net,
             const rt::ModelIdentity &mapped, const modelbin::Model &model,
             PointRun *out, int64_t *samples, std::string *error) {
  rt::RunReport r;
  if (!rt::readRunReport(spec.file, &r, error))
    return false;
  if (r.status != "ok")
    return fail(error, fmt::format("{}: status: the run failed ({}); rerun "
                                   "snnc-run",
                                   spec.file, r.error));
  if (!r.hasAccuracy)
    return fail(error, fmt::format("{}: accuracy: null: the run measured no "
                                   "accuracy (rerun snnc-run with --labels)",
                                   spec.file));
  rt::ModelIdentity ran;
  if (!checkRunModel(spec, r, mapped, model, &ran, error))
    return false;
  if (!readProfile(spec.file, net, &out->profile, error, &ran))
    return false;
  *samples = r.samples;
  out->file = spec.file;
  out->accuracyPct = 100.0 * r.accuracy;
  return true;
}

} // namespace

const PointRun *
AccuracyJoin::find(const std::vector<std::string> &values) const {
  std::string path, canonical, why;
  if (axis >= values.size() ||
      !checkParameter(kBitsKey, values[axis], &path, &canonical, &why))
    return nullptr;
  for (const auto &[bits, run] : runs)
    if (bits == canonical)
      return &run;
  return nullptr;
}

bool parseAccuracySpecs(const std::vector<std::string> &texts,
                        std::vector<AccuracySpec> *specs, std::string *error) {
  specs->clear();
  for (const std::string &text : texts) {
    std::stringstream items(text);
    std::string item;
    while (std::getline(items, item, ',')) {
      size_t eq = item.find('=');
      AccuracySpec spec;
      if (eq == std::string::npos || eq == 0)
        return fail(error, fmt::format("--accuracy '{}': expected "
                                       "BITS=RUN.json (BITS 1..8 or float32)",
                                       item));
      if (!canonicalBits(item.substr(0, eq), &spec.bits))
        return fail(error, fmt::format("--accuracy '{}': BITS '{}' is not "
                                       "1..8 (snnc --quantize=loihi "
                                       "--weight-bits) or float32",
                                       item, item.substr(0, eq)));
      spec.file = item.substr(eq + 1);
      if (spec.file.empty())
        return fail(error, fmt::format("--accuracy '{}': no run.json after "
                                       "'='",
                                       item));
      for (const AccuracySpec &other : *specs)
        if (other.bits == spec.bits)
          return fail(error, fmt::format("--accuracy: {} is given twice ({} "
                                         "and {})",
                                         spec.bits == kFloat
                                             ? std::string(kFloat)
                                             : "weight_bits " + spec.bits,
                                         other.file, spec.file));
      specs->push_back(spec);
    }
    if (!text.empty() && text.back() == ',')
      return fail(error, fmt::format("--accuracy '{}': empty entry", text));
  }
  return true;
}

bool matchAccuracyAxis(const std::vector<AccuracySpec> &specs,
                       const std::vector<SweepAxis> &axes, size_t *axis,
                       std::string *error) {
  *axis = axes.size();
  for (size_t a = 0; a < axes.size(); ++a)
    if (axes[a].key == kBitsKey)
      *axis = a;
  if (*axis == axes.size())
    return fail(error, "--accuracy needs --sweep weight_bits=... (it joins "
                       "each run to the sweep points of its bits)");
  const SweepAxis &bitsAxis = axes[*axis];
  std::vector<std::string> swept;
  for (const std::string &v : bitsAxis.values) {
    std::string path, canonical, why;
    checkParameter(kBitsKey, v, &path, &canonical, &why); // checked on parse
    swept.push_back(canonical);
    bool found = false;
    for (const AccuracySpec &s : specs)
      found |= s.bits == canonical;
    if (!found)
      return fail(error, fmt::format("--accuracy: no run for weight_bits {} "
                                     "(a value of --sweep weight_bits; give "
                                     "{}=RUN.json)",
                                     v, canonical));
  }
  for (const AccuracySpec &s : specs)
    if (s.bits != kFloat &&
        std::find(swept.begin(), swept.end(), s.bits) == swept.end())
      return fail(error, fmt::format("--accuracy {}={}: weight_bits {} is "
                                     "not a value of --sweep weight_bits",
                                     s.bits, s.file, s.bits));
  return true;
}

bool loadAccuracyRuns(const std::vector<AccuracySpec> &specs, size_t axis,
                      const std::string &modelPath,
                      const modelbin::Model &model, AccuracyJoin *join,
                      std::string *error, std::string *file) {
  *join = AccuracyJoin();
  join->axis = axis;
  Network net;
  rt::ModelIdentity mapped;
  *file = modelPath;
  if (!buildNetwork(model, &net, error, false, nullptr) ||
      !rt::readModelIdentity(modelPath, model, &mapped, error))
    return false;
  int64_t samples = -1;
  std::string first;
  for (const AccuracySpec &spec : specs) {
    *file = spec.file;
    PointRun run;
    int64_t n = 0;
    if (!loadRun(spec, net, mapped, model, &run, &n, error))
      return false;
    if (samples >= 0 && n != samples)
      return fail(error, fmt::format("{}: samples: {} samples, but {} has {}; "
                                     "accuracies of different test sets do "
                                     "not compare",
                                     spec.file, n, first, samples));
    samples = n;
    first = spec.file;
    if (spec.bits == kFloat) {
      join->floatRun = std::move(run);
      join->hasFloat = true;
    } else {
      join->runs.emplace_back(spec.bits, std::move(run));
    }
  }
  for (auto &[bits, run] : join->runs) {
    run.hasDelta = join->hasFloat;
    run.deltaPts =
        join->hasFloat ? run.accuracyPct - join->floatRun.accuracyPct : 0;
  }
  return true;
}

void useAccuracyJoin(const AccuracyJoin &join, SweepOptions *options) {
  options->runOf = [&join](const std::vector<std::string> &values) {
    return join.find(values);
  };
}

} // namespace mapping
} // namespace snnc

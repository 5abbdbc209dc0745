//===- Check.cpp - snnc check: what of a model is supported, and does it map
//===//
//
// See Check.h. A node is "supported" when it is a layer of the compiled
// model.bin, "folded" when the pipeline removed it (a BNTT or batch norm
// folded into the neurons, a no-op canonicalized away) and "not_folded" for
// a BNTT or batch norm that stays as an affine layer (snnc warned).
//
//===----------------------------------------------------------------------===//

#include "Check.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/OutputFile.h"

#include <fmt/format.h>

#include <cstdio>
#include <set>

namespace snnc {

using json = nlohmann::ordered_json;

int mapOntoTarget(const modelbin::Model &model, const std::string &target,
                  const std::string &modelPath, const std::string &exe,
                  diag::Code code, diag::DiagnosticEngine &de,
                  std::string *reason, int64_t *cores, int64_t *chips) {
  std::string error;
  mapping::HardwareModel hw, baseline;
  std::vector<std::string> path = mapping::hardwareSearchPath(exe);
  if (!mapping::loadHardware(target, path, &hw, &error) ||
      (!hw.isBaseline && !mapping::loadBaseline(hw, path, &baseline, &error)) ||
      (hw.isBaseline &&
       !(error = target + ": a baseline technology, not a chip").empty())) {
    de.report(diag::Code::HardwareInvalid, error, target);
    *reason = error;
    return kExitInvalidInput;
  }
  mapping::MapResult result;
  if (!mapping::runMapping(model, hw, baseline, nullptr, 0.1, &result,
                           &error)) {
    diag::Diagnostic d;
    d.code = code;
    d.message = fmt::format("does not map onto {}: {}", hw.name, error);
    d.file = modelPath;
    de.report(std::move(d));
    *reason = error;
    return kExitConstraint;
  }
  *cores = result.mapping.numCores();
  *chips = result.mapping.chips;
  *reason = hw.name;
  return kExitOk;
}

namespace {

/// The target's verdict, or why there is none.
struct Fit {
  bool checked = false, fits = false;
  int exit = kExitOk;
  std::string reason;
  int64_t cores = 0, chips = 0;
};

Fit mapOnto(const CheckRequest &r, diag::DiagnosticEngine &de) {
  Fit fit;
  if (r.target.empty() || !r.compiled)
    return fit;
  fit.checked = true;
  fit.exit = mapOntoTarget(*r.compiled, r.target, r.model, r.exe,
                           diag::Code::CheckNotMappable, de, &fit.reason,
                           &fit.cores, &fit.chips);
  fit.fits = fit.exit == kExitOk;
  return fit;
}

const char *nodeStatus(const CheckNode &n, const std::set<std::string> &kept,
                       bool compiled) {
  if (!compiled)
    return "unknown";
  bool norm = n.op == "snn.bntt" || n.op == "snn.batch_norm";
  if (kept.count(n.name))
    return norm ? "not_folded" : "supported";
  return "folded";
}

} // namespace

int finishCheck(const CheckRequest &r, diag::DiagnosticEngine &de) {
  Fit fit = mapOnto(r, de);
  int exit = r.status != kExitOk ? r.status : fit.exit;
  if (exit == kExitOk && de.errorCount() > 0)
    exit = kExitInvalidInput; // --Werror
  std::set<std::string> kept;
  if (r.compiled)
    for (const auto &layer : r.compiled->layers())
      kept.insert(layer.name());
  json j;
  j["status"] = exit == kExitOk           ? "ok"
                : exit == kExitConstraint ? "does_not_fit"
                                          : "invalid_input";
  j["exit_code"] = exit;
  j["model"] = r.model;
  j["supported"] = r.compiled != nullptr;
  j["num_steps"] = r.compiled ? json(r.compiled->num_steps()) : json();
  j["early_exit_step"] =
      r.compiled ? json(r.compiled->early_exit_step()) : json();
  j["nodes"] = json::array();
  for (const CheckNode &n : r.imported)
    j["nodes"].push_back({{"name", n.name},
                          {"op", n.op},
                          {"status", nodeStatus(n, kept, r.compiled)}});
  if (fit.checked)
    j["target"] = {{"hardware", r.target},
                   {"fits", fit.fits},
                   {"cores", fit.fits ? json(fit.cores) : json()},
                   {"chips", fit.fits ? json(fit.chips) : json()},
                   {"reason", fit.fits ? "" : fit.reason}};
  else
    j["target"] = nullptr;
  j["diagnostics"] = de.toJsonArray();
  std::string error;
  if (r.jsonRequested) {
    if (!support::writeOutputFile(
            r.json.empty() ? "-" : r.json,
            j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n",
            &error)) {
      de.report(diag::Code::OutputWrite, error, r.json);
      return exit == kExitOk ? kExitInvalidInput : exit;
    }
    return exit;
  }
  std::string text =
      fmt::format("{}: {}\n", r.model, j["status"].get<std::string>());
  if (r.compiled)
    text += fmt::format("  T = {}, T_exit = {}\n", r.compiled->num_steps(),
                        r.compiled->early_exit_step());
  for (const CheckNode &n : r.imported)
    text += fmt::format("  {:<24} {:<18} {}\n", n.name, n.op,
                        nodeStatus(n, kept, r.compiled));
  if (fit.checked)
    text += fit.fits ? fmt::format("  target {}: fits ({} cores, {} chips)\n",
                                   r.target, fit.cores, fit.chips)
                     : fmt::format("  target {}: does not fit: {}\n", r.target,
                                   fit.reason);
  std::fputs(text.c_str(), stdout);
  return exit;
}

} // namespace snnc

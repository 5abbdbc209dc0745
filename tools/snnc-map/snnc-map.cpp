//===- snnc-map.cpp - map a model.bin onto a Loihi-class chip -------------===//
//
// Command-line front end of the SNNMapping library: reads model.bin, a
// hardware description and optionally an `snnc-run --json` profile, then
// prints the mapping summary and writes the JSON result, the HTML/SVG report
// or (with --sweep) a CSV with one row per hardware variant. Every input is
// checked before any output is written; outputs are written through a
// temporary file and a rename; any error is one line on stderr and exit 1.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Pipeline.h"

#include "snnc/runtime/ModelFile.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace snnc::mapping;

namespace {

const char *const kUsage =
    "usage: snnc-map MODEL.bin [--hw NAME|FILE] [--profile RUN.json]\n"
    "                [--json OUT] [--report DIR] [--default-rate R]\n"
    "                [--set key=value]... [--sweep key=v1,v2,...]... "
    "[--csv OUT] [--quiet]\n"
    "\n"
    "Maps the network of MODEL.bin (written by snnc) onto the cores of a\n"
    "Loihi-class chip and estimates energy and latency per inference.\n"
    "  --hw NAME|FILE     hardware description: hw/NAME.json (loihi1, loihi2)\n"
    "                     or a path; default loihi1\n"
    "  --profile RUN.json measured activity from snnc-run --json (use --full)\n"
    "  --default-rate R   spikes per neuron per step without a profile (0.1)\n"
    "  --set key=value    override one hardware parameter\n"
    "  --sweep key=v,...  map once per value (repeat for a cartesian product)\n"
    "                     and write CSV to --csv OUT or stdout\n"
    "  --json OUT         the full result as JSON\n"
    "  --report DIR       DIR/index.html with SVG figures\n"
    "Parameters for --set/--sweep: see docs/mapping.md (e.g. compartments,\n"
    "weight_bits, tiles_x, fanin_axons, conv_weight_sharing).\n";

int fail(const std::string &message) {
  std::fprintf(stderr, "snnc-map: error: %s\n", message.c_str());
  return 1;
}

struct Options {
  std::string model, hw = "loihi1", profile, json, report, csv;
  double defaultRate = 0.1;
  std::vector<std::string> sets, sweeps;
  bool quiet = false;
};

bool parseArgs(int argc, char **argv, Options *o, std::string *error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string *out) {
      if (i + 1 >= argc) {
        *error = a + ": missing value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a == "--hw") {
      if (!value(&o->hw))
        return false;
    } else if (a == "--profile") {
      if (!value(&o->profile))
        return false;
    } else if (a == "--json") {
      if (!value(&o->json))
        return false;
    } else if (a == "--report") {
      if (!value(&o->report))
        return false;
    } else if (a == "--csv") {
      if (!value(&o->csv))
        return false;
    } else if (a == "--set" || a == "--sweep") {
      if (!value(&v))
        return false;
      (a == "--set" ? o->sets : o->sweeps).push_back(v);
    } else if (a == "--default-rate") {
      if (!value(&v))
        return false;
      char *end = nullptr;
      o->defaultRate = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end || !std::isfinite(o->defaultRate) ||
          o->defaultRate < 0 || o->defaultRate > 1) {
        *error = "--default-rate: expected a number in [0, 1]";
        return false;
      }
    } else if (a == "--quiet") {
      o->quiet = true;
    } else if (!a.empty() && a[0] == '-') {
      *error = fmt::format("unknown option '{}' (see --help)", a);
      return false;
    } else if (o->model.empty()) {
      o->model = a;
    } else {
      *error = fmt::format("unexpected argument '{}'", a);
      return false;
    }
  }
  if (o->model.empty()) {
    *error = "no model.bin given (see --help)";
    return false;
  }
  if (!o->csv.empty() && o->sweeps.empty()) {
    *error = "--csv needs --sweep";
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  std::string error;
  if (!parseArgs(argc, argv, &o, &error))
    return fail(error);

  snnc::modelbin::Model model;
  if (!snnc::modelbin::readModelFile(o.model, &model, &error))
    return fail(error);
  Network net;
  if (!buildNetwork(model, &net, &error))
    return fail(o.model + ": " + error);

  std::vector<std::string> searchPath = hardwareSearchPath(argv[0]);
  HardwareModel hw, baseline;
  if (!loadHardware(o.hw, searchPath, &hw, &error))
    return fail(error);
  if (hw.isBaseline)
    return fail(fmt::format("{}: '{}' is a baseline technology, not a chip; "
                            "it is used for the ANN comparison",
                            hw.file, hw.name));
  // The baseline is looked up next to the chip file first.
  std::vector<std::string> baselinePath = searchPath;
  size_t slash = hw.file.rfind('/');
  baselinePath.insert(baselinePath.begin(), slash == std::string::npos
                                                ? "."
                                                : hw.file.substr(0, slash));
  if (!loadHardware(hw.baselineName, baselinePath, &baseline, &error))
    return fail(fmt::format("{}: baseline: {}", hw.file, error));
  if (!baseline.isBaseline)
    return fail(fmt::format("{}: baseline '{}' is not of kind \"baseline\"",
                            hw.file, hw.baselineName));
  for (const std::string &set : o.sets) {
    size_t eq = set.find('=');
    if (eq == std::string::npos)
      return fail(fmt::format("--set '{}': expected key=value", set));
    if (!overrideParameter(&hw, set.substr(0, eq), set.substr(eq + 1), &error))
      return fail(error);
  }

  Profile profile;
  snnc::rt::ModelIdentity identity;
  if (!o.profile.empty() &&
      (!snnc::rt::readModelIdentity(o.model, model, &identity, &error) ||
       !readProfile(o.profile, net, &profile, &error, &identity)))
    return fail(error);
  const Profile *measured = o.profile.empty() ? nullptr : &profile;

  if (!o.sweeps.empty()) {
    std::vector<SweepAxis> axes(o.sweeps.size());
    for (size_t i = 0; i < o.sweeps.size(); ++i)
      if (!parseSweepAxis(o.sweeps[i], hw, &axes[i], &error))
        return fail(error);
    std::string csv =
        runSweep(model, hw, baseline, measured, o.defaultRate, axes);
    if (o.csv.empty()) {
      std::fputs(csv.c_str(), stdout);
    } else {
      if (!snnc::modelbin::writeFileAtomically(o.csv, csv, &error))
        return fail(error);
      if (!o.quiet)
        std::printf("snnc-map: wrote %s\n", o.csv.c_str());
    }
    if (o.json.empty() && o.report.empty())
      return 0;
  }

  MapResult result;
  if (!runMapping(model, hw, baseline, measured, o.defaultRate, &result,
                  &error))
    return fail(error);
  const Network &mapped = result.net;
  if (!o.json.empty()) {
    std::string text = resultToJson(mapped, result).dump(1) + "\n";
    if (!snnc::modelbin::writeFileAtomically(o.json, text, &error))
      return fail(error);
  }
  if (!o.report.empty() && !writeReport(o.report, mapped, result, &error))
    return fail(error);
  if (!o.quiet && o.sweeps.empty())
    std::fputs(summaryText(mapped, result).c_str(), stdout);
  return 0;
}

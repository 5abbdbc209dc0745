//===- Options.cpp - snnc-map command line --------------------------------===//

#include "Options.h"

#include "snnc/Support/Limits.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace snnc {
namespace mapping {

const char *const kUsage =
    "usage: snnc-map MODEL.bin [--hw NAME|FILE] [--profile RUN.json]\n"
    "                [--json OUT] [--report DIR] [--default-rate R]\n"
    "                [--set key=value]... [--sweep key=v1,v2,...]... "
    "[--csv OUT]\n"
    "                [--max-points N] [--progress] [--fail-on-unmappable]\n"
    "                [--accuracy BITS=RUN.json,...]\n"
    "                [--max-cores N] [--max-chips N] [--max-energy-uj X]\n"
    "                [--max-latency-ms X] [--quiet] [--version]\n"
    "       snnc-map study STUDY.json [--shard I/N | --list-jobs] ...\n"
    "       snnc-map merge OUT.csv|OUT.json IN...   (snnc-map study --help)\n"
    "\n"
    "Maps the network of MODEL.bin (written by snnc) onto the cores of a\n"
    "Loihi-class chip and estimates energy and latency per inference.\n"
    "  --hw NAME|FILE     hardware description: hw/NAME.json (loihi1, loihi2)\n"
    "                     or a path; default loihi1\n"
    "  --profile RUN.json measured activity from snnc-run --json (use --full)\n"
    "  --default-rate R   spikes per neuron per step without a profile (0.1)\n"
    "  --set key=value    override one hardware parameter\n"
    "  --sweep key=v,...  map once per value (repeat for a cartesian product)\n"
    "                     and write CSV rows to --csv OUT or stdout\n"
    "  --accuracy BITS=RUN.json,...  with --sweep weight_bits=...: the\n"
    "                     snnc-run --json of each --quantize=loihi\n"
    "                     --weight-bits BITS build (float32=RUN.json: the\n"
    "                     float one); each point takes its run's activity\n"
    "                     and accuracy (docs/fixed-point.md)\n"
    "  --max-points N     largest sweep (default 10000, at most 1000000)\n"
    "  --progress         sweep progress on stderr (default: when a terminal)\n"
    "  --fail-on-unmappable  exit 3 when a sweep point is not ok\n"
    "  --max-cores N, --max-chips N, --max-energy-uj X, --max-latency-ms X\n"
    "                     gates (energy, latency per inference at T_exit):\n"
    "                     exit 3 naming the one violated\n"
    "  --json OUT         the result as JSON (also written on failure, with\n"
    "                     status and message)\n"
    "  --report DIR       DIR/index.html with SVG figures\n"
    "Exit codes: 0 ok, 1 invalid input file, 2 usage, 3 does not fit or a\n"
    "gate failed, 4 internal error.\n"
    "Parameters for --set/--sweep: see docs/mapping.md (e.g. compartments,\n"
    "weight_bits, tiles_x, fanin_axons, conv_weight_sharing).\n";

namespace {

bool parseInteger(const std::string &flag, const std::string &v, int64_t lo,
                  int64_t hi, int64_t *out, std::string *error) {
  char *end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < lo || n > hi) {
    *error = fmt::format("{}: expected an integer in [{}, {}], not '{}'", flag,
                         lo, hi, v);
    return false;
  }
  *out = n;
  return true;
}

bool parseNumber(const std::string &flag, const std::string &v, double lo,
                 double hi, double *out, std::string *error) {
  char *end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || !std::isfinite(d) || d < lo || d > hi) {
    *error = fmt::format("{}: expected a number in [{}, {}], not '{}'", flag,
                         lo, hi, v);
    return false;
  }
  *out = d;
  return true;
}

/// Flags that take a value; false if `a` is not one of them.
bool valueFlag(Options *o, const std::string &a, const std::string &v,
               bool *known, std::string *error) {
  *known = true;
  std::string *text = a == "--hw"        ? &o->hw
                      : a == "--profile" ? &o->profile
                      : a == "--json"    ? &o->json
                      : a == "--report"  ? &o->report
                      : a == "--csv"     ? &o->csv
                                         : nullptr;
  if (text) {
    *text = v;
    return true;
  }
  if (a == "--set" || a == "--sweep" || a == "--accuracy") {
    (a == "--set"     ? o->sets
     : a == "--sweep" ? o->sweeps
                      : o->accuracy)
        .push_back(v);
    return true;
  }
  const int64_t big = limits::kMaxCores;
  if (a == "--default-rate")
    return parseNumber(a, v, 0, 1, &o->defaultRate, error);
  if (a == "--max-points")
    return parseInteger(a, v, 1, limits::kMaxSweepPoints, &o->maxPoints, error);
  if (a == "--max-cores")
    return parseInteger(a, v, 0, big, &o->gates.maxCores, error);
  if (a == "--max-chips")
    return parseInteger(a, v, 0, limits::kMaxChips, &o->gates.maxChips, error);
  if (a == "--max-energy-uj")
    return parseNumber(a, v, 0, 1e300, &o->gates.maxEnergyUj, error);
  if (a == "--max-latency-ms")
    return parseNumber(a, v, 0, 1e300, &o->gates.maxLatencyMs, error);
  *known = false;
  return false;
}

} // namespace

bool parseOptions(int argc, char **argv, Options *o, std::string *error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      o->help = true;
      return true;
    }
    if (a == "--version") {
      o->version = true;
      return true;
    }
    bool *flag = a == "--quiet"                ? &o->quiet
                 : a == "--progress"           ? &o->progress
                 : a == "--fail-on-unmappable" ? &o->failOnUnmappable
                                               : nullptr;
    if (flag) {
      *flag = true;
      continue;
    }
    bool known = false;
    std::string v = i + 1 < argc ? argv[i + 1] : "";
    if (valueFlag(o, a, v, &known, error)) {
      if (i + 1 >= argc) {
        *error = a + ": missing value";
        return false;
      }
      ++i;
      continue;
    }
    if (known) {
      if (i + 1 >= argc)
        *error = a + ": missing value";
      return false;
    }
    if (!a.empty() && a[0] == '-') {
      *error = fmt::format("unknown option '{}' (see --help)", a);
      return false;
    }
    if (!o->model.empty()) {
      *error = fmt::format("unexpected argument '{}'", a);
      return false;
    }
    o->model = a;
  }
  if (o->model.empty()) {
    *error = "no model.bin given (see --help)";
    return false;
  }
  if (!o->accuracy.empty() && o->sweeps.empty()) {
    *error = "--accuracy needs --sweep weight_bits=... (it joins each run to "
             "the sweep points of its bits)";
    return false;
  }
  if (!o->accuracy.empty() && !o->profile.empty()) {
    *error = "--accuracy and --profile exclude each other: each sweep point "
             "takes its activity from the run of its weight_bits";
    return false;
  }
  if (!o->csv.empty() && o->sweeps.empty()) {
    *error = "--csv needs --sweep";
    return false;
  }
  return true;
}

} // namespace mapping
} // namespace snnc

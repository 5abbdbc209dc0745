//===- Options.h - snnc-map command line ----------------------------------===//
//
// The options of snnc-map and their parser. A parse failure is a usage
// error (exit 2); the parser checks every flag value (numbers, ranges) but
// not files, which main reads afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_MAP_OPTIONS_H
#define SNNC_TOOLS_SNNC_MAP_OPTIONS_H

#include "snnc/Mapping/Pipeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace mapping {

struct Options {
  std::string model, hw = "loihi1", profile, json, report, csv;
  double defaultRate = 0.1;
  std::vector<std::string> sets, sweeps, accuracy;
  int64_t maxPoints = 0; ///< 0: limits::kDefaultSweepPoints
  Gates gates;
  bool quiet = false, progress = false, failOnUnmappable = false;
  bool help = false, version = false;
};

extern const char *const kUsage;

/// Parses argv; false with `*error` on a usage error.
bool parseOptions(int argc, char **argv, Options *o, std::string *error);

} // namespace mapping
} // namespace snnc

#endif // SNNC_TOOLS_SNNC_MAP_OPTIONS_H

//===- Loaders.h - read hardware files and run profiles (SNNMappingReport) ===//
//
// The file readers of snnc-map, in SNNMappingReport: hardware descriptions
// (hw/*.json, the schema in docs/mapping.md) into HardwareModel, and
// snnc-run's run.json (rt::RunReport) into a Profile checked against the
// network. SNNMapping itself reads no file format but model.bin.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_LOADERS_H
#define SNNC_MAPPING_LOADERS_H

#include "snnc/Mapping/Activity.h"
#include "snnc/Mapping/Hardware.h"
#include "snnc/runtime/RunReport.h"

#include <string>
#include <vector>

namespace snnc {
namespace mapping {

/// Parses a hardware description from JSON text; `origin` names the file in
/// errors ("loihi1.json: core.compartments: expected a positive integer").
bool parseHardware(const std::string &text, const std::string &origin,
                   HardwareModel *hw, std::string *error);

/// The folders searched for `--hw NAME`: $SNNC_HW_DIR, <exe>/../../hw,
/// <exe>/../share/snnc/hw and the source tree's hw/ (compile-time path).
std::vector<std::string> hardwareSearchPath(const std::string &argv0);

/// Loads `nameOrPath`: a path if it contains '/' or ends in ".json",
/// otherwise NAME.json from the search path.
bool loadHardware(const std::string &nameOrPath,
                  const std::vector<std::string> &searchPath, HardwareModel *hw,
                  std::string *error);

/// Loads the baseline technology `chip.baselineName` names. The name is a
/// hardware name, never a path: NAME.json is looked up next to the chip
/// file, then in `searchPath`; the file must be of kind "baseline".
bool loadBaseline(const HardwareModel &chip,
                  const std::vector<std::string> &searchPath,
                  HardwareModel *baseline, std::string *error);

/// Reads `snnc-run --json` output (rt::RunReport) and checks it against the
/// network: the run succeeded, it was measured on `model` when given (the
/// identity snnc-run records; a report without one is accepted with a note),
/// every LIF population is present, every name is a LIF (spikes) or weight
/// layer (synaptic_events) of the model, and counts are integers >= 0 and
/// possible: spikes per step at most neurons x samples and in all at most
/// neurons x steps executed, events at most the layer's MACs x samples x
/// steps.
bool readProfile(const std::string &path, const Network &net, Profile *profile,
                 std::string *error, const rt::ModelIdentity *model = nullptr);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_LOADERS_H

//===- Hardware.cpp - read, validate and override hardware descriptions ---===//
//
// One table (kChipFields) lists every parameter of a chip file: its JSON
// section and key, its type and its lower bound. The same table drives
// parsing, sweep overrides and error messages, so a parameter is described
// in one place. Every value must be an object {"value": V, "source": "..."}
// with a non-empty source: the issue requires each number to say where it
// comes from.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Hardware.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#ifndef SNNC_SOURCE_HW_DIR
#define SNNC_SOURCE_HW_DIR ""
#endif

namespace snnc {
namespace mapping {
namespace {

enum class FieldType { Integer, Number, Boolean };

struct Field {
  const char *section;
  const char *key;
  FieldType type;
  double minimum; // inclusive lower bound for numbers
  int64_t HardwareModel::*integer = nullptr;
  double HardwareModel::*number = nullptr;
  bool HardwareModel::*boolean = nullptr;
  double EventCosts::*cost = nullptr;
  bool isLatency = false;

  std::string path() const { return fmt::format("{}.{}", section, key); }
};

Field integerField(const char *section, const char *key,
                   int64_t HardwareModel::*member, double minimum) {
  Field f{section, key, FieldType::Integer, minimum};
  f.integer = member;
  return f;
}
Field numberField(const char *section, const char *key,
                  double HardwareModel::*member) {
  Field f{section, key, FieldType::Number, 0};
  f.number = member;
  return f;
}
Field boolField(const char *section, const char *key,
                bool HardwareModel::*member) {
  Field f{section, key, FieldType::Boolean, 0};
  f.boolean = member;
  return f;
}
Field costField(const char *section, const char *key,
                double EventCosts::*member, bool isLatency) {
  Field f{section, key, FieldType::Number, 0};
  f.cost = member;
  f.isLatency = isLatency;
  return f;
}

const std::vector<Field> &chipFields() {
  static const std::vector<Field> fields = [] {
    using H = HardwareModel;
    std::vector<Field> v = {
        integerField("mesh", "tiles_x", &H::tilesX, 1),
        integerField("mesh", "tiles_y", &H::tilesY, 1),
        integerField("mesh", "cores_per_tile", &H::coresPerTile, 1),
        integerField("mesh", "max_chips", &H::maxChips, 1),
        integerField("core", "compartments", &H::compartments, 1),
        integerField("core", "fanin_axons", &H::faninAxons, 1),
        integerField("core", "fanout_axons", &H::fanoutAxons, 1),
        integerField("core", "synapse_memory_bytes", &H::synapseMemoryBytes, 1),
        integerField("core", "max_weight_bits", &H::maxWeightBits, 1),
        integerField("core", "weight_bits", &H::weightBits, 1),
        integerField("core", "sign_bits", &H::signBits, 0),
        integerField("core", "synapse_overhead_bits", &H::synapseOverheadBits,
                     0),
        boolField("core", "conv_weight_sharing", &H::convWeightSharing),
        integerField("core", "table_entries", &H::tableEntries, 1),
        boolField("core", "graded_spikes", &H::gradedSpikes),
        boolField("mapping", "fold_pooling", &H::foldPooling),
        numberField("latency_ns", "barrier_min", &H::barrierMinNs),
        numberField("latency_ns", "barrier_max", &H::barrierMaxNs),
        numberField("power", "static_mw_per_chip", &H::staticPowerMwPerChip),
    };
    struct CostKey {
      const char *key;
      double EventCosts::*member;
    };
    const CostKey costs[] = {
        {"synop", &EventCosts::synop},
        {"update_active", &EventCosts::updateActive},
        {"update_inactive", &EventCosts::updateInactive},
        {"spike_within_tile", &EventCosts::spikeWithinTile},
        {"hop_east_west", &EventCosts::hopEastWest},
        {"hop_north_south", &EventCosts::hopNorthSouth},
        {"chip_crossing", &EventCosts::chipCrossing}};
    for (const CostKey &c : costs)
      v.push_back(costField("energy_pj", c.key, c.member, false));
    for (const CostKey &c : costs)
      v.push_back(costField("latency_ns", c.key, c.member, true));
    return v;
  }();
  return fields;
}

const std::vector<Field> &baselineFields() {
  static const std::vector<Field> fields = {
      numberField("energy_pj", "mac", &HardwareModel::macEnergyPj),
      numberField("energy_pj", "ac", &HardwareModel::acEnergyPj)};
  return fields;
}

double *costSlot(HardwareModel *hw, const Field &f) {
  EventCosts &costs = f.isLatency ? hw->latencyNs : hw->energyPj;
  return &(costs.*(f.cost));
}

/// Stores a JSON value into the field; the message says what was expected.
bool assign(HardwareModel *hw, const Field &f, const nlohmann::json &value,
            std::string *error) {
  switch (f.type) {
  case FieldType::Boolean:
    if (!value.is_boolean()) {
      *error = "expected true or false";
      return false;
    }
    hw->*(f.boolean) = value.get<bool>();
    return true;
  case FieldType::Integer: {
    if (!value.is_number_integer() ||
        value.get<int64_t>() < int64_t(f.minimum)) {
      *error = fmt::format("expected an integer >= {}", int64_t(f.minimum));
      return false;
    }
    hw->*(f.integer) = value.get<int64_t>();
    return true;
  }
  case FieldType::Number: {
    if (!value.is_number() || !std::isfinite(value.get<double>()) ||
        value.get<double>() < f.minimum) {
      *error = fmt::format("expected a finite number >= {}", f.minimum);
      return false;
    }
    double v = value.get<double>();
    if (f.cost)
      *costSlot(hw, f) = v;
    else
      hw->*(f.number) = v;
    return true;
  }
  }
  return false;
}

bool readFields(const nlohmann::json &root, const std::vector<Field> &fields,
                const std::string &origin, HardwareModel *hw,
                std::string *error) {
  for (const Field &f : fields) {
    std::string where = fmt::format("{}: {}", origin, f.path());
    auto section = root.find(f.section);
    if (section == root.end() || !section->is_object()) {
      *error = fmt::format("{}: missing object '{}'", origin, f.section);
      return false;
    }
    auto entry = section->find(f.key);
    if (entry == section->end()) {
      *error = fmt::format("{}: missing field", where);
      return false;
    }
    if (!entry->is_object() || !entry->contains("value")) {
      *error = fmt::format("{}: expected {{\"value\": ..., \"source\": ...}}",
                           where);
      return false;
    }
    auto source = entry->find("source");
    if (source == entry->end() || !source->is_string() ||
        source->get<std::string>().empty()) {
      *error =
          fmt::format("{}: every number needs a non-empty \"source\"", where);
      return false;
    }
    std::string why;
    if (!assign(hw, f, entry->at("value"), &why)) {
      *error = fmt::format("{}: {}", where, why);
      return false;
    }
  }
  return true;
}

bool readText(const std::string &path, std::string *text) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return bool(in) || in.eof();
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

} // namespace

bool parseHardware(const std::string &text, const std::string &origin,
                   HardwareModel *hw, std::string *error) {
  nlohmann::json root =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    *error = fmt::format("{}: not a valid JSON object", origin);
    return false;
  }
  *hw = HardwareModel();
  hw->file = origin;
  auto str = [&](const char *key, std::string *out) {
    auto it = root.find(key);
    if (it == root.end() || !it->is_string() ||
        it->get<std::string>().empty()) {
      *error = fmt::format("{}: {}: expected a non-empty string", origin, key);
      return false;
    }
    *out = it->get<std::string>();
    return true;
  };
  std::string kind;
  if (!str("name", &hw->name) || !str("kind", &kind))
    return false;
  if (root.contains("description") && root["description"].is_string())
    hw->description = root["description"].get<std::string>();
  if (kind == "baseline") {
    hw->isBaseline = true;
    return readFields(root, baselineFields(), origin, hw, error);
  }
  if (kind != "chip") {
    *error = fmt::format("{}: kind: expected \"chip\" or \"baseline\"", origin);
    return false;
  }
  if (!str("baseline", &hw->baselineName) ||
      !readFields(root, chipFields(), origin, hw, error))
    return false;
  std::string why;
  if (!validateHardware(*hw, &why)) {
    *error = fmt::format("{}: {}", origin, why);
    return false;
  }
  return true;
}

bool validateHardware(const HardwareModel &hw, std::string *error) {
  if (hw.isBaseline)
    return true;
  if (hw.weightBits > hw.maxWeightBits) {
    *error = fmt::format("core.weight_bits: {} exceeds core.max_weight_bits {}",
                         hw.weightBits, hw.maxWeightBits);
    return false;
  }
  if (hw.barrierMaxNs < hw.barrierMinNs) {
    *error = "latency_ns.barrier_max: smaller than barrier_min";
    return false;
  }
  if (hw.bitsPerSynapse() * 1 > hw.synapseMemoryBytes * 8) {
    *error = "core.synapse_memory_bytes: cannot hold a single synapse";
    return false;
  }
  return true;
}

std::vector<std::string> hardwareSearchPath(const std::string &argv0) {
  std::vector<std::string> dirs;
  if (const char *env = std::getenv("SNNC_HW_DIR"); env && *env)
    dirs.push_back(env);
  // The executable's own location: /proc/self/exe survives PATH lookups.
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  std::string exe = n > 0 ? std::string(buffer, size_t(n)) : argv0;
  std::string bin = directoryOf(exe);
  dirs.push_back(bin + "/../../hw");         // build tree: build/bin
  dirs.push_back(bin + "/../share/snnc/hw"); // installed
  if (std::string(SNNC_SOURCE_HW_DIR).size())
    dirs.push_back(SNNC_SOURCE_HW_DIR);
  return dirs;
}

bool loadHardware(const std::string &nameOrPath,
                  const std::vector<std::string> &searchPath, HardwareModel *hw,
                  std::string *error) {
  bool isPath = nameOrPath.find('/') != std::string::npos ||
                (nameOrPath.size() > 5 &&
                 nameOrPath.compare(nameOrPath.size() - 5, 5, ".json") == 0);
  std::string text;
  if (isPath) {
    if (!readText(nameOrPath, &text)) {
      *error = fmt::format("{}: cannot read hardware file", nameOrPath);
      return false;
    }
    return parseHardware(text, nameOrPath, hw, error);
  }
  for (const std::string &dir : searchPath) {
    std::string path = dir + "/" + nameOrPath + ".json";
    if (readText(path, &text))
      return parseHardware(text, path, hw, error);
  }
  std::string where;
  for (const std::string &dir : searchPath)
    where += (where.empty() ? "" : ", ") + dir;
  *error = fmt::format("unknown hardware '{}' (no {}.json in {})", nameOrPath,
                       nameOrPath, where);
  return false;
}

std::vector<std::string> parameterKeys() {
  std::vector<std::string> keys;
  for (const Field &f : chipFields())
    keys.push_back(f.path());
  return keys;
}

bool overrideParameter(HardwareModel *hw, const std::string &key,
                       const std::string &value, std::string *error) {
  // Short keys ("compartments") are accepted when they are unambiguous.
  const Field *match = nullptr;
  int matches = 0;
  for (const Field &f : chipFields()) {
    if (f.path() == key) {
      match = &f;
      matches = 1;
      break;
    }
    if (key == f.key) {
      match = &f;
      ++matches;
    }
  }
  if (!match || matches > 1) {
    *error = fmt::format("--sweep: {} parameter '{}' (use one of: {})",
                         matches > 1 ? "ambiguous" : "unknown", key,
                         fmt::format("{}", fmt::join(parameterKeys(), ", ")));
    return false;
  }
  nlohmann::json parsed =
      nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  std::string why;
  if (parsed.is_discarded() || !assign(hw, *match, parsed, &why)) {
    *error = fmt::format("--sweep: {}={}: {}", match->path(), value,
                         why.empty() ? "not a JSON value" : why);
    return false;
  }
  if (!validateHardware(*hw, &why)) {
    *error = fmt::format("--sweep: {}={}: {}", match->path(), value, why);
    return false;
  }
  return true;
}

} // namespace mapping
} // namespace snnc

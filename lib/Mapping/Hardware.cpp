//===- Hardware.cpp - the parameter table, validation and overrides -------===//
//
// The table of chip parameters (HardwareFields.h: section, key, type,
// bounds), the validation of a HardwareModel against it and the text
// overrides of --set and --sweep. Reading hardware files (JSON) is the
// loader's, in SNNMappingReport (HardwareLoader.cpp); both use this table,
// so a parameter is described in one place.
//
//===----------------------------------------------------------------------===//

#include "HardwareFields.h"

#include "snnc/Support/Limits.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace snnc {
namespace mapping {
namespace detail {
namespace {

Field integerField(const char *section, const char *key,
                   int64_t HardwareModel::*member, int64_t minimum,
                   int64_t maximum) {
  Field f{section, key, FieldType::Integer, double(minimum), double(maximum)};
  f.integer = member;
  return f;
}
Field numberField(const char *section, const char *key,
                  double HardwareModel::*member) {
  Field f{section, key, FieldType::Number, 0, limits::kMaxEventCost};
  f.number = member;
  return f;
}
Field boolField(const char *section, const char *key,
                bool HardwareModel::*member) {
  Field f{section, key, FieldType::Boolean, 0, 1};
  f.boolean = member;
  return f;
}
Field optionalBoolField(const char *section, const char *key,
                        bool HardwareModel::*member) {
  Field f = boolField(section, key, member);
  f.optional = true; // missing: the member's default
  return f;
}
/// 0 (the default when missing) means unset; validateHardware says which
/// setting needs it.
Field optionalIntegerField(const char *section, const char *key,
                           int64_t HardwareModel::*member, int64_t maximum) {
  Field f = integerField(section, key, member, 0, maximum);
  f.optional = true;
  return f;
}
Field partitionerField(const char *section, const char *key) {
  Field f{section, key, FieldType::Choice, 0, 2};
  f.choice = &HardwareModel::partitioner;
  for (PartitionMethod p : {PartitionMethod::Auto, PartitionMethod::Structured,
                            PartitionMethod::Metis})
    f.choices.push_back(partitionerName(p));
  f.optional = true; // missing: auto
  return f;
}
Field costField(const char *section, const char *key,
                double EventCosts::*member, bool isLatency,
                bool optional = false) {
  Field f{section, key, FieldType::Number, 0, limits::kMaxEventCost};
  f.cost = member;
  f.isLatency = isLatency;
  f.optional = optional;
  return f;
}

} // namespace

const std::vector<Field> &chipFields() {
  static const std::vector<Field> fields = [] {
    using H = HardwareModel;
    using namespace limits;
    const int64_t cap = kMaxCoreCapacity, bits = kMaxWeightBits;
    std::vector<Field> v = {
        integerField("mesh", "tiles_x", &H::tilesX, 1, kMaxMeshDim),
        integerField("mesh", "tiles_y", &H::tilesY, 1, kMaxMeshDim),
        integerField("mesh", "cores_per_tile", &H::coresPerTile, 1,
                     kMaxCoresPerTile),
        integerField("mesh", "max_chips", &H::maxChips, 1, kMaxChips),
        integerField("core", "compartments", &H::compartments, 1, cap),
        integerField("core", "fanin_axons", &H::faninAxons, 1, cap),
        integerField("core", "fanout_axons", &H::fanoutAxons, 1, cap),
        integerField("core", "synapse_memory_bytes", &H::synapseMemoryBytes, 1,
                     cap),
        integerField("core", "max_weight_bits", &H::maxWeightBits, 1, bits),
        integerField("core", "weight_bits", &H::weightBits, 1, bits),
        integerField("core", "sign_bits", &H::signBits, 0, bits),
        integerField("core", "synapse_overhead_bits", &H::synapseOverheadBits,
                     0, bits),
        boolField("core", "conv_weight_sharing", &H::convWeightSharing),
        optionalBoolField("core", "population_axons", &H::populationAxons),
        optionalIntegerField("core", "population_atoms", &H::populationAtoms,
                             cap),
        optionalIntegerField("core", "population_axon_slots",
                             &H::populationAxonSlots, cap),
        integerField("core", "table_entries", &H::tableEntries, 1, cap),
        boolField("core", "graded_spikes", &H::gradedSpikes),
        boolField("mapping", "fold_pooling", &H::foldPooling),
        optionalBoolField("mapping", "share_cores", &H::shareCores),
        partitionerField("mapping", "partitioner"),
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
    // Optional per-event costs (SANA-FE's soma spike-out and axon-out
    // message, hw/loihi1-sanafe.json); 0 when a file omits them.
    const CostKey optionalCosts[] = {{"spike_out", &EventCosts::spikeOut},
                                     {"message", &EventCosts::message}};
    for (const CostKey &c : optionalCosts) {
      v.push_back(costField("energy_pj", c.key, c.member, false, true));
      v.push_back(costField("latency_ns", c.key, c.member, true, true));
    }
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
  case FieldType::Choice: {
    std::string names = fmt::format("{}", fmt::join(f.choices, ", "));
    if (!value.is_string()) {
      *error = fmt::format("expected one of {}", names);
      return false;
    }
    for (size_t i = 0; i < f.choices.size(); ++i)
      if (value.get<std::string>() == f.choices[i]) {
        hw->*(f.choice) = PartitionMethod(i);
        return true;
      }
    *error =
        fmt::format("'{}' is not one of {}", value.get<std::string>(), names);
    return false;
  }
  case FieldType::Integer: {
    // Integral floats (1e3) are integers too; bounds are checked on the
    // double before any conversion can overflow.
    double d = value.is_number() ? value.get<double>() : 0.5;
    if (!value.is_number() || !std::isfinite(d) || d != std::floor(d) ||
        d < f.minimum) {
      *error = fmt::format("expected an integer >= {}", int64_t(f.minimum));
      return false;
    }
    if (d > f.maximum) {
      *error =
          fmt::format("{:.0f} exceeds the limit {}", d, int64_t(f.maximum));
      return false;
    }
    hw->*(f.integer) =
        value.is_number_integer() ? value.get<int64_t>() : int64_t(d);
    return true;
  }
  case FieldType::Number: {
    if (!value.is_number() || !std::isfinite(value.get<double>()) ||
        value.get<double>() < f.minimum) {
      *error = fmt::format("expected a finite number >= {}", f.minimum);
      return false;
    }
    double v = value.get<double>();
    if (v > f.maximum) {
      *error = fmt::format("{:g} exceeds the limit {:g}", v, f.maximum);
      return false;
    }
    if (f.cost)
      *costSlot(hw, f) = v;
    else
      hw->*(f.number) = v;
    return true;
  }
  }
  return false;
}

} // namespace detail

using namespace detail;

const char *partitionerName(PartitionMethod p) {
  switch (p) {
  case PartitionMethod::Structured:
    return "structured";
  case PartitionMethod::Metis:
    return "metis";
  case PartitionMethod::Auto:
    break;
  }
  return "auto";
}

bool validateHardware(const HardwareModel &hw, std::string *error) {
  if (hw.isBaseline)
    return true;
  // Fields built in code (tests, sweeps) are checked like file fields.
  for (const Field &f : chipFields()) {
    if (f.type != FieldType::Integer)
      continue;
    int64_t v = hw.*(f.integer);
    if (double(v) < f.minimum || double(v) > f.maximum) {
      *error = fmt::format("{}: {} is outside [{}, {}]", f.path(), v,
                           int64_t(f.minimum), int64_t(f.maximum));
      return false;
    }
  }
  int64_t perChip = 0;
  if (__builtin_mul_overflow(hw.tilesX, hw.tilesY, &perChip) ||
      __builtin_mul_overflow(perChip, hw.coresPerTile, &perChip) ||
      perChip > limits::kMaxCores) {
    *error =
        fmt::format("mesh: tiles_x x tiles_y x cores_per_tile = {} x {} "
                    "x {} cores per chip exceeds the limit {}",
                    hw.tilesX, hw.tilesY, hw.coresPerTile, limits::kMaxCores);
    return false;
  }
  if (hw.weightBits > hw.maxWeightBits) {
    *error = fmt::format("core.weight_bits: {} exceeds core.max_weight_bits {}",
                         hw.weightBits, hw.maxWeightBits);
    return false;
  }
  if (hw.populationAxons &&
      (hw.populationAtoms < 1 || hw.populationAxonSlots < 1)) {
    *error = fmt::format(
        "core.population_axons: true needs core.population_atoms >= 1 and "
        "core.population_axon_slots >= 1 (have {} and {})",
        hw.populationAtoms, hw.populationAxonSlots);
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

std::vector<std::string> parameterKeys() {
  std::vector<std::string> keys;
  for (const Field &f : chipFields())
    keys.push_back(f.path());
  return keys;
}

namespace {

/// Edit distance, for "did you mean" suggestions.
size_t distance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The field `key` names: "section.key", or a bare key when unambiguous.
const Field *findField(const std::string &key, std::string *error) {
  const Field *match = nullptr;
  int matches = 0;
  for (const Field &f : chipFields()) {
    if (f.path() == key)
      return &f;
    if (key == f.key) {
      match = &f;
      ++matches;
    }
  }
  if (matches == 1)
    return match;
  std::string keys = fmt::format("{}", fmt::join(parameterKeys(), ", "));
  if (matches > 1) {
    *error = fmt::format("ambiguous parameter '{}' (use section.key: {})", key,
                         keys);
    return nullptr;
  }
  const Field *closest = nullptr;
  size_t best = 0;
  for (const Field &f : chipFields())
    for (const std::string &name : {f.path(), std::string(f.key)})
      if (size_t d = distance(key, name); !closest || d < best) {
        closest = &f;
        best = d;
      }
  std::string hint;
  if (closest && best <= std::max<size_t>(2, key.size() / 3))
    hint = fmt::format("did you mean '{}'? ", closest->path());
  *error = fmt::format("unknown parameter '{}' ({}valid parameters: {})", key,
                       hint, keys);
  return nullptr;
}

/// Parses `value` for field `f` into `hw`.
bool assignText(HardwareModel *hw, const Field &f, const std::string &value,
                std::string *error) {
  nlohmann::json parsed =
      nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  // A choice is a bare word on the command line (--set partitioner=metis).
  if (f.type == FieldType::Choice && !parsed.is_string())
    parsed = value;
  std::string why;
  if (parsed.is_discarded() || !assign(hw, f, parsed, &why)) {
    *error = fmt::format("{}={}: {}", f.path(), value,
                         why.empty() ? "not a JSON value" : why);
    return false;
  }
  return true;
}

} // namespace

bool checkParameter(const std::string &key, const std::string &value,
                    std::string *path, std::string *canonical,
                    std::string *error) {
  const Field *f = findField(key, error);
  HardwareModel scratch;
  if (!f || !assignText(&scratch, *f, value, error))
    return false;
  *path = f->path();
  switch (f->type) {
  case FieldType::Boolean:
    *canonical = scratch.*(f->boolean) ? "true" : "false";
    break;
  case FieldType::Choice:
    *canonical = f->choices[size_t(scratch.*(f->choice))];
    break;
  case FieldType::Integer:
    *canonical = fmt::format("{}", scratch.*(f->integer));
    break;
  case FieldType::Number:
    *canonical = fmt::format("{}", f->cost ? *costSlot(&scratch, *f)
                                           : scratch.*(f->number));
    break;
  }
  return true;
}

bool overrideParameter(HardwareModel *hw, const std::string &key,
                       const std::string &value, std::string *error,
                       bool validate) {
  const Field *f = findField(key, error);
  if (!f || !assignText(hw, *f, value, error))
    return false;
  std::string why;
  if (validate && !validateHardware(*hw, &why)) {
    *error = fmt::format("{}={}: {}", f->path(), value, why);
    return false;
  }
  return true;
}

} // namespace mapping
} // namespace snnc

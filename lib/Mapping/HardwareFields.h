//===- HardwareFields.h - the parameter table of hardware files (internal) ===//
//
// Internal to the mapping libraries. One table lists every parameter of a
// chip file: its JSON section and key, its type and its bounds. SNNMapping
// (Hardware.cpp) uses it for validation and sweep overrides; the file loader
// of SNNMappingReport (HardwareLoader.cpp) for parsing and its messages, so
// a parameter is described in one place.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_HARDWAREFIELDS_H
#define SNNC_MAPPING_HARDWAREFIELDS_H

#include "snnc/Mapping/Hardware.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace snnc {
namespace mapping {
namespace detail {

enum class FieldType { Integer, Number, Boolean, Choice };

struct Field {
  const char *section;
  const char *key;
  FieldType type;
  double minimum; // inclusive bounds (snnc/Support/Limits.h)
  double maximum;
  int64_t HardwareModel::*integer = nullptr;
  double HardwareModel::*number = nullptr;
  bool HardwareModel::*boolean = nullptr;
  double EventCosts::*cost = nullptr;
  /// Choice fields: the names, in enum order, of the member's values.
  PartitionMethod HardwareModel::*choice = nullptr;
  std::vector<const char *> choices;
  bool isLatency = false;
  bool optional = false; // a missing field keeps its default (0)

  std::string path() const { return fmt::format("{}.{}", section, key); }
};

const std::vector<Field> &chipFields();
const std::vector<Field> &baselineFields();
double *costSlot(HardwareModel *hw, const Field &f);
/// Stores a JSON value (from a file or a --set/--sweep text) into the
/// field; the message says what was expected.
bool assign(HardwareModel *hw, const Field &f, const nlohmann::json &value,
            std::string *error);

} // namespace detail
} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_HARDWAREFIELDS_H

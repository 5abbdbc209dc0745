//===- HardwareLoader.cpp - read hardware description files ---------------===//
//
// Parses hw/*.json into a HardwareModel through the parameter table of
// HardwareFields.h: every value must be an object {"value": V, "source":
// "..."} with a non-empty source (each number says where it comes from).
// Also the search path of hardware files and the baseline lookup. Part of
// SNNMappingReport, the library of loaders and renderers.
//
//===----------------------------------------------------------------------===//

#include "HardwareFields.h"

#include "snnc/Mapping/Loaders.h"
#include "snnc/Support/InputFile.h"
#include "snnc/Support/Limits.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <unistd.h>

#ifndef SNNC_SOURCE_HW_DIR
#define SNNC_SOURCE_HW_DIR ""
#endif

namespace snnc {
namespace mapping {
using namespace detail;
namespace {

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
      if (f.optional)
        continue;
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

/// A hardware file: a regular file of bounded size (support::readTextFile).
bool readText(const std::string &path, std::string *text,
              std::string *error = nullptr) {
  return support::readTextFile(path, text, error);
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
    std::string why;
    if (!readText(nameOrPath, &text, &why)) {
      *error = fmt::format("{} (hardware file)", why);
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

bool validBaselineName(const std::string &name) {
  if (name.empty() || name.size() > 64 || name[0] == '.')
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' &&
        c != '.')
      return false;
  return true;
}

bool loadBaseline(const HardwareModel &chip,
                  const std::vector<std::string> &searchPath,
                  HardwareModel *baseline, std::string *error) {
  const std::string &name = chip.baselineName;
  if (!validBaselineName(name)) {
    *error = fmt::format("{}: baseline: '{}' is not a hardware name (letters, "
                         "digits, '_', '-', '.'; no path separators; found "
                         "as NAME.json next to the chip file or in the "
                         "hardware folders)",
                         chip.file, name);
    return false;
  }
  std::vector<std::string> dirs = searchPath;
  dirs.insert(dirs.begin(), directoryOf(chip.file));
  std::string text;
  for (const std::string &dir : dirs) {
    std::string path = dir + "/" + name + ".json";
    if (!readText(path, &text))
      continue;
    if (!parseHardware(text, path, baseline, error))
      return false;
    if (!baseline->isBaseline) {
      *error = fmt::format("{}: baseline '{}' ({}) is not of kind "
                           "\"baseline\"",
                           chip.file, name, path);
      return false;
    }
    return true;
  }
  *error = fmt::format("{}: baseline: unknown hardware '{}' (no {}.json next "
                       "to the chip file or in {})",
                       chip.file, name, name, fmt::join(searchPath, ", "));
  return false;
}

} // namespace mapping
} // namespace snnc

//===- Backend.cpp - the backend registry and the built-in cpu backend ----===//
//
// The registry is a function-local static, so backends that register from
// static initializers of other translation units find it constructed
// whatever the initialization order. It is filled before main and only read
// afterwards.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Backend.h"

#include "snnc/runtime/Version.h"

#include <fmt/format.h>

namespace snnc {
namespace rt {
namespace {

bool cpuInfo(std::string *info, std::string *) {
  *info = fmt::format("cpu ({} kernels)", kernelIsa());
  return true;
}

std::vector<BackendEntry> &registry() {
  static std::vector<BackendEntry> entries{
      {"cpu", "event-driven CPU executor (default)", &runNetwork, &cpuInfo}};
  return entries;
}

} // namespace

bool registerBackend(const BackendEntry &entry) {
  if (entry.name.empty() || !entry.run || findBackend(entry.name))
    return false;
  registry().push_back(entry);
  return true;
}

const BackendEntry *findBackend(const std::string &name) {
  for (const BackendEntry &e : registry())
    if (e.name == name)
      return &e;
  return nullptr;
}

std::vector<const BackendEntry *> registeredBackends() {
  std::vector<const BackendEntry *> out;
  for (const BackendEntry &e : registry())
    out.push_back(&e);
  return out;
}

std::string backendNames() {
  const std::vector<BackendEntry> &r = registry();
  std::string s;
  for (size_t i = 0; i < r.size(); ++i)
    s += (i == 0 ? "" : i + 1 == r.size() ? " or " : ", ") + r[i].name;
  return s;
}

bool runNetworkOn(const std::string &name, const Network &net,
                  const Batch &batch, const RunOptions &opt, RunResult *out,
                  std::string *error) {
  const BackendEntry *e = findBackend(name);
  if (!e) {
    *error =
        fmt::format("unknown backend '{}', expected {}", name, backendNames());
    return false;
  }
  return e->run(net, batch, opt, out, error);
}

} // namespace rt
} // namespace snnc

//===- RunReport.cpp - run.json: summary, schema, reader ------------------===//
//
// See RunReport.h and the schema in docs/runtime.md. toJson writes the keys
// in a fixed order (the order snnc-run always used, with schema_version,
// status and the model identity first); fromJson accepts the documented
// schema and, for older files (no schema_version), the keys they had, with
// the model identity marked unknown.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/RunReport.h"
#include "snnc/Support/InputFile.h"

#include "snnc/runtime/ModelFile.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace snnc {
namespace rt {
namespace {

using Json = nlohmann::json;

bool fail(std::string *error, const std::string &msg) {
  *error = msg;
  return false;
}

uint64_t le(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int k = 0; k < n; ++k)
    v |= uint64_t(p[k]) << (8 * k);
  return v;
}

} // namespace

bool ModelIdentity::sameModel(const ModelIdentity &o) const {
  return crc32 == o.crc32 && payloadBytes == o.payloadBytes &&
         numSteps == o.numSteps && layers == o.layers;
}

std::string ModelIdentity::describe() const {
  return fmt::format("crc32 0x{:08x}, {} payload bytes, T = {}, {} layers",
                     crc32, payloadBytes, numSteps, layers.size());
}

bool readModelIdentity(const std::string &path, const modelbin::Model &m,
                       ModelIdentity *id, std::string *error) {
  unsigned char h[modelbin::kHeaderSize];
  std::FILE *f = std::fopen(path.c_str(), "rb");
  size_t got = f ? std::fread(h, 1, sizeof h, f) : 0;
  if (f)
    std::fclose(f);
  if (got != sizeof h || std::memcmp(h, modelbin::kMagic, 8) != 0)
    return fail(error, path + ": cannot read the model.bin header");
  *id = ModelIdentity();
  id->known = true;
  id->path = path;
  id->payloadBytes = le(h + 16, 8);
  id->crc32 = static_cast<uint32_t>(le(h + 24, 4));
  id->numSteps = static_cast<int>(m.num_steps());
  for (const auto &l : m.layers())
    id->layers.push_back(l.name());
  return true;
}

void summarize(const RunResult &res, const std::vector<int64_t> &labels,
               bool outputs, bool sampleSpikes, RunReport *r) {
  const int64_t count = static_cast<int64_t>(res.predictions.size());
  r->samples = count;
  r->steps = res.steps;
  r->predictions = res.predictions;
  r->stepsExecuted = res.stepsExecuted;
  double total = 0;
  for (int s : res.stepsExecuted)
    total += s;
  r->meanStepsExecuted = count ? total / double(count) : 0;
  r->hasAccuracy = !labels.empty();
  r->correct = 0;
  for (int64_t k = 0; k < count && r->hasAccuracy; ++k)
    r->correct += res.predictions[k] == labels[k];
  r->accuracy = count ? double(r->correct) / double(count) : 0;
  r->accuracyPerStep.clear();
  if (r->hasAccuracy && !res.stepPredictions.empty())
    for (int t = 0; t < res.steps; ++t) {
      int64_t c = 0;
      for (int64_t k = 0; k < count; ++k)
        c += res.stepPredictions[k * res.steps + t] == labels[k];
      r->accuracyPerStep.push_back(count ? double(c) / double(count) : 0);
    }
  r->spikes = res.spikes;
  r->synapticEvents = res.synapticEvents;
  r->layerSeconds = res.layerSeconds;
  r->neuronUpdates = res.neuronUpdates;
  r->wallSeconds = res.wallSeconds;
  r->cpuSeconds = res.cpuSeconds;
  r->samplesPerSecond = res.wallSeconds > 0 ? count / res.wallSeconds : 0;
  r->hasOutputs = outputs;
  r->outputs.clear();
  for (int64_t k = 0; outputs && k < count; ++k)
    r->outputs.emplace_back(res.outputs.begin() + k * res.classes,
                            res.outputs.begin() + (k + 1) * res.classes);
  r->sampleSpikes.clear();
  size_t lifs = res.spikes.size();
  for (size_t l = 0; sampleSpikes && l < lifs; ++l) {
    std::vector<std::vector<int32_t>> rows;
    for (int64_t k = 0; k < count; ++k) {
      auto first = res.sampleSpikes.begin() + (k * lifs + l) * res.steps;
      rows.emplace_back(first, first + res.steps);
    }
    r->sampleSpikes.emplace_back(res.spikes[l].first, std::move(rows));
  }
}

nlohmann::ordered_json toJson(const RunReport &r) {
  nlohmann::ordered_json j;
  j["schema_version"] = r.schemaVersion;
  j["status"] = r.status;
  if (r.status != "ok")
    j["error"] = r.error;
  nlohmann::ordered_json m;
  m["path"] = r.model.path;
  m["crc32"] = r.model.crc32;
  m["payload_bytes"] = r.model.payloadBytes;
  m["num_steps"] = r.model.numSteps;
  m["layers"] = r.model.layers;
  j["model"] = r.model.known ? m : nlohmann::ordered_json(r.model.path);
  j["input"] = r.input;
  if (!r.labels.empty())
    j["labels"] = r.labels;
  j["samples"] = r.samples;
  j["num_steps"] = r.numSteps;
  j["early_exit_step"] = r.earlyExitStep;
  j["steps"] = r.steps;
  j["adaptive_exit"] = r.adaptiveExit;
  j["mode"] = r.mode;
  j["threads"] = r.threads;
  j["warmup_samples"] = r.warmupSamples;
  j["backend"] = r.backend;
  j["kernels"] = r.kernels;
  j["seed"] = r.seed;
  if (r.hasAccuracy) {
    j["accuracy"] = r.accuracy;
    j["correct"] = r.correct;
  } else {
    j["accuracy"] = nullptr;
  }
  if (!r.accuracyPerStep.empty())
    j["accuracy_per_step"] = r.accuracyPerStep;
  if (r.status != "ok")
    return j;
  j["predictions"] = r.predictions;
  j["steps_executed"] = r.stepsExecuted;
  j["mean_steps_executed"] = r.meanStepsExecuted;
  j["spikes"] = nlohmann::ordered_json::object();
  for (const auto &s : r.spikes)
    j["spikes"][s.first] = s.second;
  j["synaptic_events"] = nlohmann::ordered_json::object();
  for (const auto &s : r.synapticEvents)
    j["synaptic_events"][s.first] = s.second;
  if (!r.layerSeconds.empty()) {
    j["layer_seconds"] = nlohmann::ordered_json::object();
    for (const auto &s : r.layerSeconds)
      j["layer_seconds"][s.first] = s.second;
  }
  j["neuron_updates"] = r.neuronUpdates;
  j["wall_seconds"] = r.wallSeconds;
  j["cpu_seconds"] = r.cpuSeconds;
  j["samples_per_second"] = r.samplesPerSecond;
  if (r.hasOutputs)
    j["outputs"] = r.outputs;
  if (!r.sampleSpikes.empty()) {
    j["sample_spikes"] = nlohmann::ordered_json::object();
    for (const auto &s : r.sampleSpikes)
      j["sample_spikes"][s.first] = s.second;
  }
  return j;
}

namespace {

/// A non-negative integer that fits int64 (1e308, -1, 2.5 and 2^64 do not).
bool count(const Json &v, int64_t *out) {
  if (v.is_number_unsigned() && v.get<uint64_t>() <= uint64_t(INT64_MAX)) {
    *out = static_cast<int64_t>(v.get<uint64_t>());
    return true;
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    *out = v.get<int64_t>();
    return true;
  }
  return false;
}

bool readIdentity(const Json &m, ModelIdentity *id, std::string *error) {
  int64_t crc = 0, bytes = 0, steps = 0;
  if (!m.contains("crc32") || !count(m["crc32"], &crc) || crc > 0xffffffffll)
    return fail(error, "model.crc32: expected an unsigned 32-bit integer");
  if (!m.contains("payload_bytes") || !count(m["payload_bytes"], &bytes))
    return fail(error, "model.payload_bytes: expected an integer >= 0");
  if (!m.contains("num_steps") || !count(m["num_steps"], &steps) ||
      steps > INT32_MAX)
    return fail(error, "model.num_steps: expected an integer >= 0");
  if (!m.contains("layers") || !m["layers"].is_array())
    return fail(error, "model.layers: expected an array of layer names");
  for (const Json &l : m["layers"]) {
    if (!l.is_string())
      return fail(error, "model.layers: expected an array of layer names");
    id->layers.push_back(l.get<std::string>());
  }
  if (m.contains("path") && m["path"].is_string())
    id->path = m["path"].get<std::string>();
  id->known = true;
  id->crc32 = static_cast<uint32_t>(crc);
  id->payloadBytes = static_cast<uint64_t>(bytes);
  id->numSteps = static_cast<int>(steps);
  return true;
}

bool readCounts(const Json &j, RunReport *r, std::string *error) {
  if (!j.contains("spikes") || !j["spikes"].is_object())
    return fail(error, "spikes: expected an object of per-step spike counts");
  if (!j.contains("synaptic_events") || !j["synaptic_events"].is_object())
    return fail(error, "synaptic_events: expected an object of event counts");
  for (const auto &[name, counts] : j["spikes"].items()) {
    if (!counts.is_array())
      return fail(error, "spikes." + name + ": expected an array of counts");
    std::vector<int64_t> v;
    for (const Json &c : counts) {
      int64_t n = 0;
      if (!count(c, &n))
        return fail(error, "spikes." + name + ": counts must be integers >= 0");
      v.push_back(n);
    }
    r->spikes.emplace_back(name, std::move(v));
  }
  for (const auto &[name, c] : j["synaptic_events"].items()) {
    int64_t n = 0;
    if (!count(c, &n))
      return fail(error,
                  "synaptic_events." + name + ": expected an integer >= 0");
    r->synapticEvents.emplace_back(name, n);
  }
  return true;
}

bool readSettings(const Json &j, RunReport *r, std::string *error) {
  int64_t v = 0;
  auto optionalInt = [&](const char *key, int *out) {
    if (!j.contains(key))
      return true;
    if (!count(j[key], &v) || v > INT32_MAX)
      return fail(error, std::string(key) + ": expected an integer >= 0");
    *out = static_cast<int>(v);
    return true;
  };
  if (!optionalInt("num_steps", &r->numSteps) ||
      !optionalInt("early_exit_step", &r->earlyExitStep) ||
      !optionalInt("steps", &r->steps) || !optionalInt("threads", &r->threads))
    return false;
  if (j.contains("warmup_samples") &&
      !count(j["warmup_samples"], &r->warmupSamples))
    return fail(error, "warmup_samples: expected an integer >= 0");
  using Field = std::pair<const char *, std::string *>;
  const Field fields[] = {{"input", &r->input},
                          {"labels", &r->labels},
                          {"mode", &r->mode},
                          {"backend", &r->backend},
                          {"kernels", &r->kernels}};
  for (auto [key, out] : fields)
    if (j.contains(key) && j[key].is_string())
      *out = j[key].get<std::string>();
  if (j.contains("steps_executed")) {
    if (!j["steps_executed"].is_array())
      return fail(error, "steps_executed: expected an array");
    for (const Json &s : j["steps_executed"]) {
      if (!count(s, &v) || v > INT32_MAX)
        return fail(error, "steps_executed: expected integers >= 0");
      r->stepsExecuted.push_back(static_cast<int>(v));
    }
  }
  if (j.contains("mean_steps_executed")) {
    const Json &m = j["mean_steps_executed"];
    if (!m.is_number() || !(m.get<double>() > 0) ||
        !std::isfinite(m.get<double>()))
      return fail(error, "mean_steps_executed: expected a number > 0");
    r->meanStepsExecuted = m.get<double>();
  }
  return true;
}

bool readAccuracy(const Json &j, RunReport *r, std::string *error) {
  auto fraction = [](const Json &v) {
    return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1;
  };
  if (j.contains("accuracy") && !j["accuracy"].is_null()) {
    if (!fraction(j["accuracy"]))
      return fail(error, "accuracy: expected a number in [0, 1] or null");
    r->hasAccuracy = true;
    r->accuracy = j["accuracy"].get<double>();
  }
  if (j.contains("accuracy_per_step")) {
    const Json &acc = j["accuracy_per_step"];
    if (!acc.is_array())
      return fail(error, "accuracy_per_step: expected an array");
    for (const Json &v : acc) {
      if (!fraction(v))
        return fail(error, "accuracy_per_step: values must be numbers in [0, "
                           "1]");
      r->accuracyPerStep.push_back(v.get<double>());
    }
  }
  return true;
}

} // namespace

bool fromJson(const Json &j, RunReport *r, std::string *error) {
  *r = RunReport();
  if (!j.is_object())
    return fail(error, "not a valid JSON object");
  r->schemaVersion = 0;
  if (j.contains("schema_version")) {
    int64_t v = 0;
    if (!count(j["schema_version"], &v) || v < 1)
      return fail(error, "schema_version: expected an integer >= 1");
    if (v > RunReport::kSchemaVersion)
      return fail(error, fmt::format("schema_version: {} is newer than this "
                                     "tool's {} (update snnc)",
                                     v, RunReport::kSchemaVersion));
    r->schemaVersion = static_cast<int>(v);
  }
  if (j.contains("status")) {
    if (!j["status"].is_string() ||
        (j["status"] != "ok" && j["status"] != "error"))
      return fail(error, "status: expected \"ok\" or \"error\"");
    r->status = j["status"].get<std::string>();
    if (j.contains("error") && j["error"].is_string())
      r->error = j["error"].get<std::string>();
  }
  if (j.contains("model")) {
    if (j["model"].is_object()) {
      if (!readIdentity(j["model"], &r->model, error))
        return false;
    } else if (j["model"].is_string()) {
      r->model.path = j["model"].get<std::string>();
    }
  }
  if (r->schemaVersion >= 1 && !r->model.known)
    return fail(error, "model: expected the model identity (crc32, "
                       "payload_bytes, num_steps, layers)");
  if (!readSettings(j, r, error) || !readAccuracy(j, r, error))
    return false;
  if (r->status != "ok")
    return true;
  int64_t samples = 0;
  if (!j.contains("samples") || !count(j["samples"], &samples) || samples < 1)
    return fail(error, "samples: expected an integer >= 1");
  r->samples = samples;
  return readCounts(j, r, error);
}

bool readRunReport(const std::string &path, RunReport *r, std::string *error) {
  std::string text;
  if (!support::readTextFile(path, &text, error))
    return fail(error, *error + " (the run report)");
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(error, path + ": not a valid JSON object");
  if (!fromJson(j, r, error))
    return fail(error, path + ": " + *error);
  return true;
}

} // namespace rt
} // namespace snnc

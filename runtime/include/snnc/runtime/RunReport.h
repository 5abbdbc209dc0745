//===- RunReport.h - the result of one snnc-run run, as data --------------===//
//
// RunReport is what `snnc-run --json` writes (run.json) and what snnc-map
// reads back as an activity profile: the model's identity (payload CRC-32 and
// size from the model.bin header, T, layer names), the run's settings, its
// status ("ok" or "error" with the message), accuracy (overall and per exit
// step), predictions, steps executed and the spike and synaptic-event counts.
// toJson/fromJson are the one definition of the JSON schema (docs/runtime.md,
// `schema_version`); summarize() turns an executor RunResult into the
// statistics. fromJson checks types and ranges only; a consumer checks the
// counts against its model. No function throws.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_RUNREPORT_H
#define SNNC_RUNTIME_RUNREPORT_H

#include "snnc/runtime/Executor.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace snnc {
namespace modelbin {
class Model;
}
namespace rt {

/// Which model.bin a run used.
struct ModelIdentity {
  bool known = false; ///< false for a run.json written before schema 1
  std::string path;
  uint32_t crc32 = 0;        ///< of the payload, from the model.bin header
  uint64_t payloadBytes = 0; ///< from the model.bin header
  int numSteps = 0;          ///< T
  std::vector<std::string> layers;

  /// Same model: CRC, payload size, T and layer names all equal.
  bool sameModel(const ModelIdentity &o) const;
  /// "crc32 0x1234abcd, 5120 payload bytes, T = 20, 12 layers".
  std::string describe() const;
};

/// Reads the identity of the model.bin at `path`, already parsed into `m`
/// (the CRC and payload size come from its header).
bool readModelIdentity(const std::string &path, const modelbin::Model &m,
                       ModelIdentity *id, std::string *error);

struct RunReport {
  static constexpr int kSchemaVersion = 1;
  int schemaVersion = kSchemaVersion; ///< 0: written before the schema
  std::string status = "ok";          ///< "ok" or "error"
  std::string error;                  ///< the message when status is "error"
  ModelIdentity model;
  std::string input, labels;
  int64_t samples = 0;
  int numSteps = 0, earlyExitStep = 0;
  int steps = 0; ///< the step budget; 0 when unknown
  bool adaptiveExit = false;
  std::string mode = "auto", backend = "cpu", kernels;
  int threads = 0;
  int64_t warmupSamples = 0; ///< run untimed before the timed run
  uint64_t seed = 0;
  bool hasAccuracy = false;
  double accuracy = 0;
  int64_t correct = 0;
  std::vector<double> accuracyPerStep; ///< empty unless --per-step
  std::vector<int> predictions, stepsExecuted;
  double meanStepsExecuted = -1; ///< < 0: unknown
  /// LIF layer name -> spikes per step, summed over samples.
  std::vector<std::pair<std::string, std::vector<int64_t>>> spikes;
  /// CONV2D/DENSE layer name -> weight additions, summed over samples.
  std::vector<std::pair<std::string, int64_t>> synapticEvents;
  /// RunResult::layerSeconds (written as "layer_seconds" when not empty).
  std::vector<std::pair<std::string, double>> layerSeconds;
  int64_t neuronUpdates = 0;
  double wallSeconds = 0, cpuSeconds = 0, samplesPerSecond = 0;
  bool hasOutputs = false;
  std::vector<std::vector<float>> outputs; ///< [sample][class]
  /// LIF name -> [sample][step] (--sample-spikes).
  std::vector<std::pair<std::string, std::vector<std::vector<int32_t>>>>
      sampleSpikes;
};

/// Fills the statistics of `r` from `res`: predictions, steps executed and
/// their mean, spikes, events, neuron updates, throughput, and with `labels`
/// (one per sample) accuracy, correct and, when res has step predictions,
/// the accuracy after every step. `outputs` / `sampleSpikes` copy those too.
void summarize(const RunResult &res, const std::vector<int64_t> &labels,
               bool outputs, bool sampleSpikes, RunReport *r);

nlohmann::ordered_json toJson(const RunReport &r);
/// Reads `j`; on failure `error` is "field: rule".
bool fromJson(const nlohmann::json &j, RunReport *r, std::string *error);
/// Reads the run.json at `path`; errors start with the path.
bool readRunReport(const std::string &path, RunReport *r, std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_RUNREPORT_H

//===- Executor.h - run a Network on a batch of samples -------------------===//
//
// The executor runs every sample independently for a number of steps (one step
// = every layer once, in order), event-driven (synaptic layers scatter the
// outgoing weights of the active inputs only) or dense (every input, same
// summation order, so both paths give bit-identical results), over a pool of
// threads that take samples one at a time; when there are fewer samples than
// threads, the threads of a sample split each synaptic and LIF layer (every
// output value is still computed whole by one thread). Results and counts do
// not depend on the thread count: per-sample work is independent, each value
// is summed in the same order, and counts are integers.
// Optionally it records, per sample, the prediction after every step (the
// accuracy-versus-exit-step curve).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_EXECUTOR_H
#define SNNC_RUNTIME_EXECUTOR_H

#include "snnc/runtime/Network.h"

#include <functional>
#include <string>
#include <vector>

namespace snnc {
namespace rt {

enum class Mode { Auto, Event, Dense };

struct RunOptions {
  int steps = 0;         // steps to run (0: the model's T_exit)
  bool adaptive = false; // per-sample exit once the top-1 class is settled
  int threads = 1;
  /// Samples in flight at once (0: as many as threads). Below `threads`, the
  /// threads of one sample split its layers (batch 1: latency mode, every
  /// thread on one sample); results are the same for every value.
  int64_t batch = 0;
  Mode mode = Mode::Auto;
  uint64_t seed = 0;
  bool sampleSpikes = false; // fill RunResult::sampleSpikes
  /// Fill RunResult::stepPredictions; excludes `adaptive` (every sample must
  /// run every step).
  bool stepPredictions = false;
  /// Fill RunResult::layerSeconds (the CPU executor of float models only).
  bool layerSeconds = false;
  /// Samples run before the timed run, as a benchmark's warm-up: the first
  /// min(warmup, count) samples, by the same workers (their buffers touched,
  /// their caches warm), their results and counts discarded. wallSeconds and
  /// cpuSeconds then cover the timed run alone; results do not depend on it.
  int64_t warmup = 0;
  /// Called now and then from one worker with the number of finished samples.
  std::function<void(int64_t)> progress;
};

/// Input samples: `count` rows of `numel` float32 values (logical order,
/// row-major C,H,W); row r is encoded with sample index firstIndex + r.
struct Batch {
  const float *data = nullptr;
  int64_t count = 0;
  int64_t numel = 0;
  int64_t firstIndex = 0;
};

struct RunResult {
  int steps = 0;                  // step budget used
  std::vector<int> predictions;   // [count]
  std::vector<int> stepsExecuted; // [count]
  std::vector<float> outputs;     // [count][classes], the readout values
  int64_t classes = 0;
  /// Per LIF layer (in layer order): name and spikes per step, summed over
  /// samples.
  std::vector<std::pair<std::string, std::vector<int64_t>>> spikes;
  /// Per synaptic layer (CONV2D, DENSE, AVG_POOL2D): weight additions made by
  /// non-zero inputs.
  std::vector<std::pair<std::string, int64_t>> synapticEvents;
  /// With RunOptions::sampleSpikes: [count][LIF layers][steps] spikes of each
  /// sample (0 after an adaptive exit).
  std::vector<int32_t> sampleSpikes;
  /// With RunOptions::stepPredictions: [count][steps] the class each sample
  /// would be given if the run stopped after step t + 1 (argmaxFirst of the
  /// accumulated readout / (t + 1), as for `predictions`); the last column
  /// equals `predictions`.
  std::vector<int32_t> stepPredictions;
  /// With RunOptions::layerSeconds: per layer (in layer order), the wall
  /// seconds its calls took, summed over the workers (so with several workers
  /// in flight the sum exceeds wallSeconds). A LIF that runs with its average
  /// pool counts the pool's time; the pool shows 0.
  std::vector<std::pair<std::string, double>> layerSeconds;
  int64_t neuronUpdates = 0; // LIF neuron updates
  double wallSeconds = 0;
  /// Process CPU seconds (user + system, all threads) over the same interval.
  double cpuSeconds = 0;
};

/// The predicted class: the first index of the largest readout value (the
/// rule of every backend and of the PyTorch reference's argmax).
int argmaxFirst(const float *values, int64_t count);

/// The step budget of a run (`opt.steps`, or T_exit when 0) checked against
/// T, the batch's sample size checked against the model, and stepPredictions
/// rejected with adaptive exit. Every backend starts with it, so they reject
/// the same requests with the same words.
bool checkRunRequest(const Network &net, const Batch &batch,
                     const RunOptions &opt, int *steps, std::string *error);

/// Runs `batch` through `net`. Returns false with `error` set on bad options.
bool runNetwork(const Network &net, const Batch &batch, const RunOptions &opt,
                RunResult *out, std::string *error);

/// Per-class bounds used by --adaptive-exit; false when the readout's input is
/// not a DENSE layer whose own input has bounded values.
bool adaptiveBounds(const Network &net, std::vector<double> *lo,
                    std::vector<double> *hi, std::vector<double> *mag);

/// The relative float-order margin of --adaptive-exit's decision over `steps`
/// steps (every backend compares the bounds with it): 8 ulp-scale units per
/// readout input and step, at least 1e-4.
double adaptiveEpsilon(const Network &net, int steps);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_EXECUTOR_H

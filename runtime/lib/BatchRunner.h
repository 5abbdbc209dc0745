//===- BatchRunner.h - run a batch's samples on worker threads ------------===//
//
// The one batch driver of the float and integer executors: it sizes the
// result, hands samples to `threads` workers through a shared counter (each
// sample's outputs, steps, spikes and per-step predictions land in its own
// slots, so the results do not depend on the thread count), reports progress
// and merges the workers' layer statistics. A worker type provides
// runSample(x, sampleIndex, outputs, sampleSpikes, stepPredictions) and a
// LayerStats member `stats`.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_BATCHRUNNER_H
#define SNNC_RUNTIME_BATCHRUNNER_H

#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// Counts of one worker: spikes per LIF layer and step, synaptic events per
/// layer, neuron updates.
struct LayerStats {
  std::vector<std::vector<int64_t>> spikes; // per layer (LIF only) per step
  std::vector<int64_t> syn;                 // per layer
  int64_t neuronUpdates = 0;
};

/// How a run uses its threads: `workers` samples in flight (at most
/// RunOptions::batch, at most the samples, at most the threads) and, with
/// fewer samples in flight than threads, a team of `team` threads per worker
/// that splits its sample's layer steps.
struct ThreadSplit {
  int workers = 1, team = 1;
};
inline ThreadSplit splitThreads(const RunOptions &opt, int64_t samples) {
  const int all = std::max(1, opt.threads);
  int64_t inFlight = std::max<int64_t>(1, samples);
  if (opt.batch > 0)
    inFlight = std::min(inFlight, opt.batch);
  ThreadSplit s;
  s.workers = static_cast<int>(std::min<int64_t>(all, inFlight));
  s.team = std::max(1, all / s.workers);
  return s;
}

/// Runs every sample of `batch` on `threads` workers made by makeWorker()
/// (called once per thread) and fills `out`; `start` is when the run began.
template <class MakeWorker>
void runSamples(const Network &net, const Batch &batch, const RunOptions &opt,
                int steps, int threads, MakeWorker makeWorker,
                std::chrono::steady_clock::time_point start, RunResult *out) {
  int64_t K = net.layers[net.output].numel;
  *out = RunResult();
  out->steps = steps;
  out->classes = K;
  out->predictions.assign(batch.count, 0);
  out->stepsExecuted.assign(batch.count, 0);
  out->outputs.assign(batch.count * K, 0.0f);
  int64_t lifs = 0;
  for (const Layer &L : net.layers)
    lifs += L.kind == Kind::Lif;
  if (opt.sampleSpikes)
    out->sampleSpikes.assign(batch.count * lifs * steps, 0);
  if (opt.stepPredictions)
    out->stepPredictions.assign(batch.count * steps, 0);
  std::vector<LayerStats> stats(threads);
  std::atomic<int64_t> next{0}, finished{0};
  auto work = [&](int id) {
    auto w = makeWorker();
    for (;;) {
      int64_t r = next.fetch_add(1);
      if (r >= batch.count)
        break;
      float *o = out->outputs.data() + r * K;
      out->stepsExecuted[r] = w.runSample(
          batch.data + r * batch.numel,
          static_cast<uint64_t>(batch.firstIndex + r), o,
          opt.sampleSpikes ? out->sampleSpikes.data() + r * lifs * steps
                           : nullptr,
          opt.stepPredictions ? out->stepPredictions.data() + r * steps
                              : nullptr);
      out->predictions[r] = argmaxFirst(o, K);
      int64_t f = finished.fetch_add(1) + 1;
      if (id == 0 && opt.progress)
        opt.progress(f);
    }
    stats[id] = std::move(w.stats);
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back(work, i);
  work(0);
  for (auto &th : pool)
    th.join();
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer &L = net.layers[l];
    if (L.kind == Kind::Lif) {
      std::vector<int64_t> s(steps, 0);
      for (const LayerStats &st : stats)
        for (int t = 0; t < steps; ++t)
          s[t] += st.spikes[l][t];
      out->spikes.emplace_back(L.name, std::move(s));
    }
    if (L.kind == Kind::Conv2d || L.kind == Kind::Dense) {
      int64_t n = 0;
      for (const LayerStats &st : stats)
        n += st.syn[l];
      out->synapticEvents.emplace_back(L.name, n);
    }
  }
  for (const LayerStats &st : stats)
    out->neuronUpdates += st.neuronUpdates;
  out->wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
}

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_BATCHRUNNER_H

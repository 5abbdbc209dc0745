//===- BatchRunner.h - run a batch's samples on worker threads ------------===//
//
// The one batch driver of the float and integer executors: it sizes the
// result, hands samples to `threads` workers through a shared counter (each
// sample's outputs, steps, spikes and per-step predictions land in its own
// slots, so the results do not depend on the thread count), reports progress
// and merges the workers' layer statistics. A worker type provides
// runSample(x, sampleIndex, outputs, sampleSpikes, stepPredictions) and a
// LayerStats member `stats`; with group > 1 it provides runGroup(jobs, n)
// instead, which runs n <= group samples together (SampleJob). A warm-up
// (RunOptions::warmup) runs the first samples untimed on the same workers.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_BATCHRUNNER_H
#define SNNC_RUNTIME_BATCHRUNNER_H

#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include "RunTimer.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// Counts of one worker: spikes per LIF layer and step, synaptic events per
/// layer, neuron updates.
struct LayerStats {
  std::vector<std::vector<int64_t>> spikes; // per layer (LIF only) per step
  std::vector<int64_t> syn;                 // per layer
  std::vector<double> seconds; // per layer, with RunOptions::layerSeconds
  int64_t neuronUpdates = 0;
  /// Every count back to 0, the sizes kept (after a warm-up).
  void clear() {
    for (auto &perStep : spikes)
      std::fill(perStep.begin(), perStep.end(), 0);
    std::fill(syn.begin(), syn.end(), 0);
    std::fill(seconds.begin(), seconds.end(), 0.0);
    neuronUpdates = 0;
  }
};

/// One sample of a group: its input, encoder sample index and result slots
/// (as runSample's arguments); the worker sets `steps`, the steps executed.
struct SampleJob {
  const float *x;
  uint64_t index;
  float *outputs;
  int32_t *spikes;
  int32_t *stepPred;
  int steps;
};

/// True when worker type W has runGroup(SampleJob *, int).
template <class W, class = void> struct HasRunGroup : std::false_type {};
template <class W>
struct HasRunGroup<W, std::void_t<decltype(std::declval<W &>().runGroup(
                          static_cast<SampleJob *>(nullptr), 0))>>
    : std::true_type {};

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

/// Sizes the result slots of `count` samples (outputs, and the spikes and
/// per-step predictions the options ask for).
inline void sizeResult(RunResult *r, int64_t count, int64_t classes,
                       int64_t lifs, int steps, const RunOptions &opt) {
  r->steps = steps;
  r->classes = classes;
  r->predictions.assign(count, 0);
  r->stepsExecuted.assign(count, 0);
  r->outputs.assign(count * classes, 0.0f);
  if (opt.sampleSpikes)
    r->sampleSpikes.assign(count * lifs * steps, 0);
  if (opt.stepPredictions)
    r->stepPredictions.assign(count * steps, 0);
}

/// Runs every sample of `batch` on `threads` workers made by makeWorker()
/// (called once per thread) and fills `out`; `timer` began with the run.
/// Workers claim `group` consecutive samples at a time (a worker with
/// group > 1 has runGroup). With RunOptions::warmup, the workers first run
/// the batch's first samples into scratch slots, clear their counts, wait
/// for each other, and the last to arrive restarts `timer`.
template <class MakeWorker>
void runSamples(const Network &net, const Batch &batch, const RunOptions &opt,
                int steps, int threads, MakeWorker makeWorker, RunTimer &timer,
                RunResult *out, int group = 1) {
  int64_t K = net.layers[net.output].numel;
  int64_t lifs = 0;
  for (const Layer &L : net.layers)
    lifs += L.kind == Kind::Lif;
  *out = RunResult();
  sizeResult(out, batch.count, K, lifs, steps, opt);
  const int64_t warmCount = std::clamp<int64_t>(opt.warmup, 0, batch.count);
  RunResult warm;
  if (warmCount)
    sizeResult(&warm, warmCount, K, lifs, steps, opt);
  std::vector<LayerStats> stats(threads);
  std::atomic<int64_t> next{0}, warmNext{0}, finished{0};
  std::mutex warmMutex;
  std::condition_variable warmDone;
  int warmArrived = 0;
  // Runs samples [0, count) of the batch, claimed from `counter`, into `res`.
  auto drain = [&](auto &w, std::vector<SampleJob> &jobs,
                   std::atomic<int64_t> &counter, int64_t count, RunResult &res,
                   bool report) {
    for (;;) {
      const int64_t r0 = counter.fetch_add(group);
      if (r0 >= count)
        break;
      const int n = static_cast<int>(std::min<int64_t>(group, count - r0));
      for (int i = 0; i < n; ++i) {
        const int64_t r = r0 + i;
        jobs[i] = {batch.data + r * batch.numel,
                   static_cast<uint64_t>(batch.firstIndex + r),
                   res.outputs.data() + r * K,
                   opt.sampleSpikes ? res.sampleSpikes.data() + r * lifs * steps
                                    : nullptr,
                   opt.stepPredictions ? res.stepPredictions.data() + r * steps
                                       : nullptr,
                   0};
      }
      if constexpr (HasRunGroup<std::decay_t<decltype(w)>>::value)
        w.runGroup(jobs.data(), n);
      else
        for (int i = 0; i < n; ++i) {
          SampleJob &j = jobs[i];
          j.steps = w.runSample(j.x, j.index, j.outputs, j.spikes, j.stepPred);
        }
      for (int i = 0; i < n; ++i) {
        res.stepsExecuted[r0 + i] = jobs[i].steps;
        res.predictions[r0 + i] = argmaxFirst(jobs[i].outputs, K);
      }
      int64_t f = finished.fetch_add(n) + n;
      if (report && opt.progress)
        opt.progress(f);
    }
  };
  auto work = [&](int id) {
    auto w = makeWorker();
    std::vector<SampleJob> jobs(group);
    if (warmCount) {
      drain(w, jobs, warmNext, warmCount, warm, false);
      w.stats.clear();
      std::unique_lock<std::mutex> lock(warmMutex);
      if (++warmArrived == threads) {
        timer.restart();
        finished = 0;
        warmDone.notify_all();
      } else {
        warmDone.wait(lock, [&] { return warmArrived == threads; });
      }
    }
    drain(w, jobs, next, batch.count, *out, id == 0);
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
  for (size_t l = 0; l < net.layers.size(); ++l) {
    double sec = 0;
    bool timed = false;
    for (const LayerStats &st : stats)
      if (l < st.seconds.size()) {
        sec += st.seconds[l];
        timed = true;
      }
    if (timed)
      out->layerSeconds.emplace_back(net.layers[l].name, sec);
  }
  for (const LayerStats &st : stats)
    out->neuronUpdates += st.neuronUpdates;
  timer.stop(out);
}

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_BATCHRUNNER_H

//===- Executor.cpp - step loop, modes, adaptive exit and threads ---------===//
//
// runNetwork() gives each worker thread its own workspace (one buffer set per
// layer, allocated once) and lets the workers pull sample indices from an
// atomic counter. One sample runs its steps; in each step every layer runs once
// in topological order. A synaptic layer (and an average pool of spikes) runs
// event-driven unless Mode::Dense is asked for; every layer such a consumer
// reads keeps an event list. In Mode::Auto a nearly all non-zero input is read
// densely instead.
// With RunOptions::stepPredictions a sample's prediction is recorded after
// every step (the readout divided by the steps so far, as at the end). Counts
// are accumulated per worker in int64 and summed at the end, so they do not
// depend on threads.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Executor.h"

#include "IntExecutor.h"
#include "Kernels.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

namespace snnc {
namespace rt {

using detail::Buf;
using detail::Source;

bool adaptiveBounds(const Network &net, std::vector<double> *lo,
                    std::vector<double> *hi, std::vector<double> *mag) {
  const Layer &R = net.layers[net.output];
  const Layer &D = net.layers[R.inputs[0]];
  if (D.kind != Kind::Dense || R.membrane) // the bounds assume a plain sum
    return false;
  const Layer &X = net.layers[D.inputs[0]];
  if (!X.bounded)
    return false;
  int64_t O = D.numel, N = X.numel;
  lo->assign(O, 0.0);
  hi->assign(O, 0.0);
  mag->assign(O, 0.0);
  double xmax = std::max(std::fabs(double(X.lo)), std::fabs(double(X.hi)));
  for (int64_t k = 0; k < O; ++k) {
    double l = D.bias[k], h = D.bias[k], m = std::fabs(double(D.bias[k]));
    for (int64_t p = 0; p < N; ++p) {
      double w = D.weight[p * O + k];
      double a = w * X.lo, b = w * X.hi;
      l += std::min(a, b);
      h += std::max(a, b);
      m += std::fabs(w) * xmax;
    }
    (*lo)[k] = l;
    (*hi)[k] = h;
    (*mag)[k] = m;
  }
  return true;
}

namespace {

struct Stats {
  std::vector<std::vector<int64_t>> spikes; // per layer (LIF only) per step
  std::vector<int64_t> syn;                 // per layer
  int64_t neuronUpdates = 0;
};

class Worker {
public:
  Worker(const Network &net, const RunOptions &opt, int steps)
      : net(net), opt(opt), steps(steps), K(detail::kernels()) {
    size_t n = net.layers.size();
    bufs.resize(n);
    wantEvents.assign(n, false);
    for (size_t l = 0; l < n; ++l) {
      const Layer &L = net.layers[l];
      Buf &b = bufs[l];
      b.out.assign(L.numel, 0.0f);
      if (L.kind == Kind::Lif || L.kind == Kind::Readout)
        b.state.assign(L.numel, 0.0f);
      if (L.kind == Kind::Encode)
        b.aux.assign(L.numel * L.encSteps, 0.0f);
      // Consumers that read event lists: synaptic layers, and average pools
      // of spikes (which scatter them).
      bool readsEvents =
          L.kind == Kind::Conv2d || L.kind == Kind::Dense ||
          (L.kind == Kind::AvgPool && net.layers[L.inputs[0]].binary);
      if (readsEvents && opt.mode != Mode::Dense)
        wantEvents[L.inputs[0]] = true;
    }
    for (size_t l = 0; l < n; ++l) {
      const Layer &L = net.layers[l];
      if (wantEvents[l] || L.kind == Kind::Encode || L.kind == Kind::Lif) {
        bufs[l].idx.assign(L.numel, 0);
        bufs[l].val.assign(L.numel, 0.0f);
      }
    }
    stats.spikes.resize(n);
    for (size_t l = 0; l < n; ++l)
      if (net.layers[l].kind == Kind::Lif)
        stats.spikes[l].assign(steps, 0);
    stats.syn.assign(n, 0);
    adaptive = opt.adaptive && adaptiveBounds(net, &lo, &hi, &mag);
    if (adaptive) {
      const Layer &D = net.layers[net.layers[net.output].inputs[0]];
      int64_t nin = net.layers[D.inputs[0]].numel;
      eps = std::max(1e-4, 8.0 * double(nin + steps) * std::ldexp(1.0, -24));
    }
  }

  /// Runs one sample; writes its readout values to `outputs` (and, when
  /// `stepPred` is set, the prediction after every step to stepPred[0..steps));
  /// returns steps executed.
  int runSample(const float *x, uint64_t sampleIndex, float *outputs,
                int32_t *spikes, int32_t *stepPred) {
    sampleOut = spikes;
    for (size_t l = 0; l < net.layers.size(); ++l) {
      const Layer &L = net.layers[l];
      Buf &b = bufs[l];
      std::fill(b.state.begin(), b.state.end(), 0.0f);
      if (L.kind == Kind::Lif) // s_{-1} = 0 for the delayed reset
        std::fill(b.out.begin(), b.out.end(), 0.0f);
      if (L.kind == Kind::Encode)
        K.encodeSetup(L, x, b);
    }
    int done = 0;
    for (int t = 0; t < steps; ++t) {
      step(t, sampleIndex);
      done = t + 1;
      if (stepPred)
        stepPred[t] = predictAfter(done);
      if (adaptive && done < steps && settled(steps - done))
        break;
    }
    readoutValues(done, outputs);
    return done;
  }

  Stats stats;

private:
  const Network &net;
  const RunOptions &opt;
  int steps;
  const detail::KernelTable &K;
  std::vector<Buf> bufs;
  std::vector<bool> wantEvents;
  int32_t *sampleOut =
      nullptr; // [LIF layers][steps] of the current sample, or null
  bool adaptive = false;
  std::vector<double> lo, hi, mag;
  double eps = 0;
  std::vector<float> scratch; // readout values for predictAfter

  /// The prediction if the sample stopped after `done` steps, computed exactly
  /// as runSample's final outputs and runNetwork's argmaxFirst.
  int32_t predictAfter(int done) {
    const Layer &R = net.layers[net.output];
    scratch.resize(R.numel);
    readoutValues(done, scratch.data());
    return argmaxFirst(scratch.data(), R.numel);
  }

  /// The readout's value after `done` steps: the mean over steps, or the
  /// membrane of a leaky-integrator readout.
  void readoutValues(int done, float *outputs) const {
    const Layer &R = net.layers[net.output];
    const float *acc = bufs[net.output].state.data();
    for (int64_t k = 0; k < R.numel; ++k)
      outputs[k] = R.membrane ? acc[k] : acc[k] / static_cast<float>(done);
  }

  Source source(int l) const {
    const Layer &L = net.layers[l];
    const Buf &b = bufs[l];
    Source s{b.out.data(), b.idx.data(), b.val.data(), b.nev,
             L.numel,      false,        L.binary};
    if (opt.mode == Mode::Dense)
      return s;
    s.events = true;
    // Auto: an almost fully active input is cheaper to read densely (same sums
    // either way).
    if (opt.mode == Mode::Auto && b.nev * 8 > L.numel * 7)
      s.events = false;
    return s;
  }

  void step(int t, uint64_t sampleIndex) {
    int lifIndex = 0;
    for (size_t l = 0; l < net.layers.size(); ++l) {
      const Layer &L = net.layers[l];
      Buf &b = bufs[l];
      bool scanned = false; // event list produced natively
      switch (L.kind) {
      case Kind::Encode:
        K.encodeStep(L, opt.seed, sampleIndex, t, net.steps, b);
        scanned = true;
        break;
      case Kind::Conv2d:
        stats.syn[l] += K.convStep(L, source(L.inputs[0]), b.out.data());
        break;
      case Kind::Dense:
        stats.syn[l] += K.denseStep(L, source(L.inputs[0]), b.out.data());
        break;
      case Kind::AvgPool:
        stats.syn[l] += K.avgPoolStep(L, source(L.inputs[0]), b.out.data());
        break;
      case Kind::MaxPool:
        K.maxPoolStep(L, bufs[L.inputs[0]].out.data(), b.out.data());
        break;
      case Kind::Flatten: {
        const float *in = bufs[L.inputs[0]].out.data();
        for (int64_t j = 0; j < L.numel; ++j)
          b.out[j] = in[L.gather[j]];
        break;
      }
      case Kind::Add: {
        const float *a = bufs[L.inputs[0]].out.data(),
                    *c = bufs[L.inputs[1]].out.data();
        for (int64_t p = 0; p < L.numel; ++p)
          b.out[p] = a[p] + c[p];
        break;
      }
      case Kind::Affine: {
        const float *in = bufs[L.inputs[0]].out.data();
        int64_t C = L.channels, r = L.rows == 1 ? 0 : t;
        const float *sc = L.scale.data() + r * C, *sh = L.shift.data() + r * C;
        for (int64_t s = 0; s < L.spatial; ++s)
          for (int64_t c = 0; c < C; ++c)
            b.out[s * C + c] = sc[c] * in[s * C + c] + sh[c];
        break;
      }
      case Kind::Lif: {
        int64_t n = K.lifStep(L, t, bufs[L.inputs[0]].out.data(), b);
        stats.spikes[l][t] += n;
        if (sampleOut)
          sampleOut[lifIndex * steps + t] = static_cast<int32_t>(n);
        ++lifIndex;
        stats.neuronUpdates += L.numel;
        scanned = true;
        break;
      }
      case Kind::Readout: {
        const float *in = bufs[L.inputs[0]].out.data();
        if (!L.membrane) {
          for (int64_t p = 0; p < L.numel; ++p)
            b.state[p] += in[p];
          break;
        }
        for (int64_t s = 0, C = L.channels; s < L.spatial; ++s)
          for (int64_t c = 0; c < C; ++c) {
            float &acc = b.state[s * C + c];
            acc = L.roLeak[c] * acc + L.roGain[c] * in[s * C + c] + L.roBias[c];
          }
        break;
      }
      }
      if (!scanned && wantEvents[l])
        K.scanEvents(b, L.numel);
    }
  }

  /// True when the top-1 class of the accumulator cannot change in `remaining`
  /// more steps.
  bool settled(int remaining) const {
    const float *acc = bufs[net.output].state.data();
    int64_t K = net.layers[net.output].numel;
    int64_t lead = 0;
    for (int64_t k = 1; k < K; ++k)
      if (acc[k] > acc[lead])
        lead = k;
    double R = remaining, total = steps;
    double low = double(acc[lead]) + R * lo[lead];
    for (int64_t k = 0; k < K; ++k) {
      if (k == lead)
        continue;
      double high = double(acc[k]) + R * hi[k];
      double margin =
          eps * (std::fabs(double(acc[lead])) + std::fabs(double(acc[k])) +
                 total * (mag[lead] + mag[k])) +
          1e-30;
      if (!(low > high + margin))
        return false;
    }
    return true;
  }
};

} // namespace

int argmaxFirst(const float *v, int64_t n) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k)
    if (v[k] > v[best])
      best = k;
  return static_cast<int>(best);
}

bool checkRunRequest(const Network &net, const Batch &batch,
                     const RunOptions &opt, int *steps, std::string *error) {
  *steps = opt.steps == 0 ? net.exitStep : opt.steps;
  if (*steps < 1 || *steps > net.steps) {
    *error = fmt::format("steps: {} out of range, expected 1..T = {}", *steps,
                         net.steps);
    return false;
  }
  int64_t perSample = net.inputNumel * (net.perStep ? net.steps : 1);
  if (batch.numel != perSample) {
    *error = fmt::format("input: {} values per sample, the model expects {}{}",
                         batch.numel, perSample,
                         net.perStep ? fmt::format(" (T = {} steps of {})",
                                                   net.steps, net.inputNumel)
                                     : "");
    return false;
  }
  if (opt.stepPredictions && opt.adaptive) {
    *error = "per-step predictions need every sample to run every step: they "
             "exclude adaptive exit";
    return false;
  }
  return true;
}

bool runNetwork(const Network &net, const Batch &batch, const RunOptions &opt,
                RunResult *out, std::string *error) {
  int steps = 0;
  if (!checkRunRequest(net, batch, opt, &steps, error))
    return false;
  if (net.integer) // docs/fixed-point.md
    return runIntegerNetwork(net, batch, opt, steps, out, error);
  auto start = std::chrono::steady_clock::now();
  int64_t K = net.layers[net.output].numel;
  *out = RunResult();
  out->steps = steps;
  out->classes = K;
  out->predictions.assign(batch.count, 0);
  out->stepsExecuted.assign(batch.count, 0);
  out->outputs.assign(batch.count * K, 0.0f);
  int threads = std::max(1, opt.threads);
  threads = static_cast<int>(
      std::min<int64_t>(threads, std::max<int64_t>(1, batch.count)));
  std::vector<Stats> stats(threads);
  int64_t lifs = 0;
  for (const Layer &L : net.layers)
    lifs += L.kind == Kind::Lif;
  if (opt.sampleSpikes)
    out->sampleSpikes.assign(batch.count * lifs * steps, 0);
  if (opt.stepPredictions)
    out->stepPredictions.assign(batch.count * steps, 0);
  std::atomic<int64_t> next{0}, finished{0};
  auto work = [&](int id) {
    Worker w(net, opt, steps);
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
      for (const Stats &st : stats)
        for (int t = 0; t < steps; ++t)
          s[t] += st.spikes[l][t];
      out->spikes.emplace_back(L.name, std::move(s));
    }
    if (L.kind == Kind::Conv2d || L.kind == Kind::Dense) {
      int64_t n = 0;
      for (const Stats &st : stats)
        n += st.syn[l];
      out->synapticEvents.emplace_back(L.name, n);
    }
  }
  for (const Stats &st : stats)
    out->neuronUpdates += st.neuronUpdates;
  out->wallSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return true;
}

} // namespace rt
} // namespace snnc

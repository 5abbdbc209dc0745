//===- IntExecutor.cpp - run an integer (Loihi) model ---------------------===//
//
// runIntegerNetwork() is runNetwork() for models with Network::integer
// (docs/fixed-point.md): the same sample-parallel scheme (one workspace per
// worker thread, samples pulled from an atomic counter, counts in int64 summed
// at the end), but every layer after the Poisson encoder computes with
// integers (IntKernels.cpp). The encoder is the float model's kernel, so the
// spikes are the float model's. The readout sums the output layer's integers
// in int64 and converts once, float(double(acc) * output_scale / steps).
//
//===----------------------------------------------------------------------===//
#include "IntExecutor.h"

#include "BatchRunner.h"

#include "IntKernels.h"
#include "Kernels.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace snnc {
namespace rt {
namespace {

class IntWorker {
public:
  IntWorker(const Network &net, int steps)
      : net(net), steps(steps), K(detail::kernels()) {
    size_t n = net.layers.size();
    bufs.resize(n);
    stats.spikes.resize(n);
    stats.syn.assign(n, 0);
    for (size_t l = 0; l < n; ++l) {
      const Layer &L = net.layers[l];
      fixed::IntBuf &b = bufs[l];
      b.out.assign(L.numel, 0);
      b.idx.assign(L.numel, 0);
      b.val.assign(L.numel, 0);
      if (L.kind == Kind::Conv2d || L.kind == Kind::Dense)
        b.sum.assign(L.numel, 0);
      if (L.kind == Kind::Lif) {
        b.u.assign(L.numel, 0);
        b.v.assign(L.numel, 0);
        stats.spikes[l].assign(steps, 0);
      }
      if (L.kind == Kind::Readout)
        b.acc.assign(L.numel, 0);
      if (L.kind == Kind::Encode) {
        enc.out.assign(L.numel, 0.0f);
        enc.idx.assign(L.numel, 0);
        enc.val.assign(L.numel, 0.0f);
        enc.aux.assign(L.numel * L.encSteps, 0.0f);
      }
    }
  }

  int runSample(const float *x, uint64_t sampleIndex, float *outputs,
                int32_t *spikes, int32_t *stepPred) {
    for (size_t l = 0; l < net.layers.size(); ++l) {
      fixed::IntBuf &b = bufs[l];
      std::fill(b.u.begin(), b.u.end(), 0);
      std::fill(b.v.begin(), b.v.end(), 0);
      std::fill(b.acc.begin(), b.acc.end(), 0);
      if (net.layers[l].kind == Kind::Encode)
        K.encodeSetup(net.layers[l], x, enc);
    }
    for (int t = 0; t < steps; ++t) {
      step(t, sampleIndex, spikes);
      if (stepPred) {
        readout(t + 1, outputs);
        stepPred[t] = argmaxFirst(outputs, net.layers[net.output].numel);
      }
    }
    readout(steps, outputs);
    return steps;
  }

  detail::LayerStats stats;

private:
  const Network &net;
  int steps;
  const detail::KernelTable &K;
  std::vector<fixed::IntBuf> bufs;
  detail::Buf enc; // the float encoder's buffers

  void readout(int done, float *outputs) const {
    const std::vector<int64_t> &acc = bufs[net.output].acc;
    for (size_t k = 0; k < acc.size(); ++k)
      outputs[k] = fixed::readoutValue(acc[k], net.outputScale, done);
  }

  void step(int t, uint64_t sampleIndex, int32_t *spikes) {
    int lifIndex = 0;
    for (size_t l = 0; l < net.layers.size(); ++l) {
      const Layer &L = net.layers[l];
      fixed::IntBuf &b = bufs[l];
      const fixed::IntBuf *in = L.inputs.empty() ? nullptr : &bufs[L.inputs[0]];
      bool scanned = true;
      switch (L.kind) {
      case Kind::Encode:
        K.encodeStep(L, opt_seed, sampleIndex, t, net.steps, enc);
        for (int64_t p = 0; p < L.numel; ++p)
          b.out[p] = static_cast<int32_t>(enc.out[p]);
        b.nev = enc.nev;
        for (int64_t e = 0; e < enc.nev; ++e) {
          b.idx[e] = enc.idx[e];
          b.val[e] = static_cast<int32_t>(enc.val[e]);
        }
        break;
      case Kind::Conv2d:
        stats.syn[l] += fixed::convStep(L, *in, b);
        scanned = false;
        break;
      case Kind::Dense:
        stats.syn[l] += fixed::denseStep(L, *in, b);
        scanned = false;
        break;
      case Kind::AvgPool:
        fixed::avgPoolSumStep(L, *in, b);
        scanned = false;
        break;
      case Kind::MaxPool:
        fixed::maxPoolStep(L, *in, b);
        scanned = false;
        break;
      case Kind::Flatten:
        for (int64_t j = 0; j < L.numel; ++j)
          b.out[j] = in->out[L.gather[j]];
        scanned = false;
        break;
      case Kind::Lif: {
        int64_t n = fixed::lifStep(L, t, *in, b);
        stats.spikes[l][t] += n;
        stats.neuronUpdates += L.numel;
        if (spikes)
          spikes[lifIndex * steps + t] = static_cast<int32_t>(n);
        ++lifIndex;
        break;
      }
      case Kind::Readout:
        for (int64_t p = 0; p < L.numel; ++p)
          b.acc[p] += in->out[p];
        break;
      default: // rejected by the validator
        break;
      }
      if (!scanned)
        fixed::scan(b);
    }
  }

public:
  uint64_t opt_seed = 0;
};

} // namespace

bool runIntegerNetwork(const Network &net, const Batch &batch,
                       const RunOptions &opt, int steps, RunResult *out,
                       std::string *error) {
  if (opt.adaptive) {
    *error = "adaptive exit is not supported for integer (quantized) models";
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  int threads = static_cast<int>(std::min<int64_t>(
      std::max(1, opt.threads), std::max<int64_t>(1, batch.count)));
  detail::runSamples(
      net, batch, opt, steps, threads,
      [&] {
        IntWorker w(net, steps);
        w.opt_seed = opt.seed;
        return w;
      },
      start, out);
  return true;
}

} // namespace rt
} // namespace snnc

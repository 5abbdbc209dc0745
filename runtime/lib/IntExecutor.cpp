//===- IntExecutor.cpp - run an integer (Loihi) model ---------------------===//
//
// runIntegerNetwork() is runNetwork() for models with Network::integer
// (docs/fixed-point.md): the same scheme (BatchRunner.h: one workspace per
// worker thread, at most --batch samples in flight pulled from an atomic
// counter, counts in int64 summed at the end; with fewer samples in flight
// than threads a Team per worker splits each convolution and dense step by
// output channels and each LIF step by positions), but every layer after the
// Poisson encoder computes with integers (IntKernels.cpp). Integer sums are
// exact, so neither split changes a bit. The encoder is the float model's
// kernel, so the spikes are the float model's. The readout sums the output
// layer's integers in int64 and converts once, float(double(acc) * output_scale
// / steps).
//
//===----------------------------------------------------------------------===//
#include "IntExecutor.h"

#include "BatchRunner.h"

#include "IntKernels.h"
#include "Kernels.h"
#include "Team.h"

#include <atomic>
#include <thread>

namespace snnc {
namespace rt {
namespace {

class IntWorker {
public:
  IntWorker(const Network &net, int steps, int teamSize, uint64_t seed)
      : opt_seed(seed), net(net), steps(steps), K(detail::kernels()),
        team(teamSize) {
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
        encOut.assign(L.numel, 0.0f);
        enc.out = {encOut.data(), L.numel};
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
  uint64_t opt_seed;
  const Network &net;
  int steps;
  const detail::KernelTable &K;
  std::vector<fixed::IntBuf> bufs;
  detail::Buf enc;           // the float encoder's buffers
  std::vector<float> encOut; // enc.out's floats
  detail::Team team;
  std::vector<int64_t> partCounts;

  /// Parts of a layer step: a few per team thread, at most `most`.
  int partsOf(int64_t most) const {
    if (team.size() == 1)
      return 1;
    return static_cast<int>(
        std::max<int64_t>(1, std::min<int64_t>(4 * team.size(), most)));
  }

  /// A synaptic layer's step split over output channels; its events.
  template <typename Step> int64_t synapticParts(int64_t channels, Step step) {
    const int parts = partsOf(channels);
    partCounts.assign(parts, 0);
    team.run(parts, [&](int part) {
      partCounts[part] =
          step(channels * part / parts, channels * (part + 1) / parts);
    });
    int64_t n = 0;
    for (int64_t c : partCounts)
      n += c;
    return n;
  }

  /// The LIF step split over positions; joins the parts' event lists.
  int64_t lifParts(const Layer &L, int t, const fixed::IntBuf &in,
                   fixed::IntBuf &b) {
    const int parts = partsOf(L.spatial);
    const int64_t S = L.spatial, C = L.channels;
    partCounts.assign(parts, 0);
    team.run(parts, [&](int part) {
      partCounts[part] =
          fixed::lifStep(L, t, in, b, S * part / parts, S * (part + 1) / parts);
    });
    int64_t n = partCounts[0];
    for (int p = 1; p < parts; ++p) {
      const int64_t from = S * p / parts * C, k = partCounts[p];
      std::copy_n(b.idx.begin() + from, k, b.idx.begin() + n);
      std::copy_n(b.val.begin() + from, k, b.val.begin() + n);
      n += k;
    }
    return b.nev = n;
  }

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
        K.encodeStep(L, opt_seed, sampleIndex, t, net.steps, enc.aux.data(),
                     enc);
        for (int64_t p = 0; p < L.numel; ++p)
          b.out[p] = static_cast<int32_t>(enc.out[p]);
        b.nev = enc.nev;
        for (int64_t e = 0; e < enc.nev; ++e) {
          b.idx[e] = enc.idx[e];
          b.val[e] = static_cast<int32_t>(enc.val[e]);
        }
        break;
      case Kind::Conv2d:
        stats.syn[l] +=
            synapticParts(L.outC / L.groups, [&](int64_t j0, int64_t j1) {
              return fixed::convStep(L, *in, b, j0, j1);
            });
        scanned = false;
        break;
      case Kind::Dense:
        stats.syn[l] += synapticParts(L.numel, [&](int64_t j0, int64_t j1) {
          return fixed::denseStep(L, *in, b, j0, j1);
        });
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
        int64_t n = lifParts(L, t, *in, b);
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
};

} // namespace

bool runIntegerNetwork(const Network &net, const Batch &batch,
                       const RunOptions &opt, int steps, RunResult *out,
                       std::string *error) {
  if (opt.adaptive) {
    *error = "adaptive exit is not supported for integer (quantized) models";
    return false;
  }
  detail::RunTimer timer;
  const detail::ThreadSplit split = detail::splitThreads(opt, batch.count);
  detail::runSamples(
      net, batch, opt, steps, split.workers,
      [&] { return IntWorker(net, steps, split.team, opt.seed); }, timer, out);
  return true;
}

} // namespace rt
} // namespace snnc

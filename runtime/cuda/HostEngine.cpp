//===- HostEngine.cpp - the CUDA backend's operations emulated on the host ===//
//
// An Engine whose "kernels" are loops over (sample, thread index) that call the
// same StepOps.h functions as the CUDA kernels, on host arrays laid out like
// the device arenas. Where a CUDA kernel cooperates inside a block (event
// compaction by warp ballots and a block prefix sum, spike and synaptic-event
// counts by block reductions and integer atomics), the emulation computes the
// defined result directly: the ascending list of non-zero outputs and exact
// integer sums. It is slow and exists for tests on machines without a GPU.
// Integer models run IntStepOps.h's operations (layers with DLayer::integer).
//
//===----------------------------------------------------------------------===//
#include "Engine.h"
#include "IntStepOps.h"
#include "StepOps.h"

#include <algorithm>

namespace snnc {
namespace rt {
namespace gpu {
namespace {

class HostEngine final : public Engine {
public:
  explicit HostEngine(int chunk) : maxChunk(std::max(1, chunk)) {}

  int chunkCapacity(const Plan &, int64_t count) override {
    return static_cast<int>(std::min<int64_t>(maxChunk, count));
  }

  bool setup(const Plan &plan, const std::vector<double> &lo,
             const std::vector<double> &hi, const std::vector<double> &mag,
             std::string *) override {
    integer = plan.integer;
    fparams = plan.fparams;
    iparams = plan.iparams;
    fa.assign(plan.floatArena, 0.0f);
    ia.assign(plan.intArena, 0);
    la.assign(plan.int64Arena, 0);
    input.assign(plan.chunk * plan.inputNumel, 0.0f);
    active.assign(plan.chunk, 0);
    done.assign(plan.chunk, 0);
    syn.assign(int64_t(plan.synLayers) * plan.chunk, 0);
    adLo = lo;
    adHi = hi;
    adMag = mag;
    inputNumel = plan.inputNumel;
    return true;
  }

  bool beginChunk(const float *x, const Ctx &base, std::string *) override {
    c = base;
    std::copy(x, x + int64_t(c.n) * inputNumel, input.begin());
    std::fill(fa.begin(), fa.end(), 0.0f);
    std::fill(ia.begin(), ia.end(), 0);
    std::fill(la.begin(), la.end(), 0);
    std::fill(active.begin(), active.end(), 1);
    std::fill(done.begin(), done.end(), c.steps);
    std::fill(syn.begin(), syn.end(), 0ull);
    spikes.assign(int64_t(c.n) * c.lifs * c.steps, 0);
    predictions.assign(c.recordPredictions ? int64_t(c.n) * c.steps : 0, 0);
    c.fparams = fparams.data();
    c.iparams = iparams.data();
    c.fa = fa.data();
    c.ia = ia.data();
    c.la = la.data();
    c.input = input.data();
    c.active = active.data();
    c.done = done.data();
    c.spikes = spikes.data();
    c.predictions = predictions.data();
    c.syn = syn.data();
    c.adLo = adLo.data();
    c.adHi = adHi.data();
    c.adMag = adMag.data();
    return true;
  }

  void encode(const DLayer &L, int t) override {
    for (int n = 0; n < c.n; ++n)
      for (int64_t p = 0; p < L.numel; ++p)
        if (integer)
          intEncodeOp(c, L, n, p, t);
        else
          encodeOp(c, L, n, p, t);
  }

  void compact(const DLayer &L) override {
    if (integer)
      compactRows(L, [&](int n) { return intOutOf(c, L, n); }, c.ia + L.ievVal);
    else
      compactRows(L, [&](int n) { return outOf(c, L, n); }, c.fa + L.evVal);
  }

  void synCount(const DLayer &L, const DLayer &P) override {
    for (int n = 0; n < c.n; ++n) {
      if (!c.active[n])
        continue;
      const int32_t *idx = c.ia + P.evIdx + int64_t(n) * P.numel;
      unsigned long long s = 0;
      for (int32_t e = 0; e < c.ia[P.evCount + n]; ++e)
        s += static_cast<unsigned long long>(fanout(c, L, idx[e]));
      c.syn[int64_t(L.synIndex) * c.n + n] += s;
    }
  }

  void conv(const DLayer &L, const DLayer &P) override {
    int64_t ev = int64_t(L.rowGroups) * L.outC;
    for (int n = 0; n < c.n && integer; ++n) {
      for (int64_t tid = 0; tid < ev; ++tid)
        intConvSumOp(c, L, P, n, tid);
      for (int64_t p = 0; p < L.numel; ++p)
        intSynFinishOp(c, L, n, p);
    }
    for (int n = 0; n < c.n && !integer; ++n) {
      for (int64_t tid = 0; tid < ev; ++tid)
        convEventOp(c, L, P, n, tid);
      for (int64_t tid = 0; tid < L.numel; ++tid)
        convGatherOp(c, L, P, n, tid);
    }
  }

  void dense(const DLayer &L, const DLayer &P) override {
    for (int n = 0; n < c.n; ++n)
      for (int64_t o = 0; o < L.numel; ++o) {
        if (integer) {
          intDenseOp(c, L, P, n, o);
          continue;
        }
        denseEventOp(c, L, P, n, o);
        denseGatherOp(c, L, P, n, o);
      }
  }

  void pool(const DLayer &L, const DLayer &P) override {
    for (int n = 0; n < c.n; ++n)
      for (int64_t p = 0; p < L.numel; ++p)
        if (integer)
          intPoolOp(c, L, P, n, p);
        else
          poolOp(c, L, P, n, p);
  }

  void elementwise(const DLayer &L, const DLayer &P, const DLayer &Q,
                   int t) override {
    for (int n = 0; n < c.n; ++n)
      for (int64_t p = 0; p < L.numel; ++p)
        if (integer)
          intElementwiseOp(c, L, P, n, p);
        else
          elementwiseOp(c, L, P, Q, n, p, t);
  }

  void lif(const DLayer &L, const DLayer &P, int t) override {
    for (int n = 0; n < c.n; ++n) {
      int32_t s = 0;
      for (int64_t p = 0; p < L.numel; ++p)
        s += integer ? intLifOp(c, L, P, n, p, t) : lifOp(c, L, P, n, p, t);
      c.spikes[(int64_t(n) * c.lifs + L.lifIndex) * c.steps + t] += s;
    }
  }

  void settle(const DLayer &R, int t, int remaining, double eps) override {
    for (int n = 0; n < c.n; ++n)
      if (c.active[n] && settledOp(c, R, n, remaining, c.steps, eps)) {
        c.active[n] = 0;
        c.done[n] = t + 1;
      }
  }

  void predict(const DLayer &R, int t) override {
    for (int n = 0; n < c.n; ++n)
      if (integer)
        intPredictOp(c, R, n, t);
      else
        predictOp(c, R, n, t);
  }

  bool endChunk(const Plan &plan, ChunkResult *r, std::string *) override {
    const DLayer &R = plan.layers[plan.output];
    if (plan.integer)
      r->iacc.assign(la.begin() + R.lacc, la.begin() + R.lacc + c.n * R.numel);
    else
      r->acc.assign(fa.begin() + R.state, fa.begin() + R.state + c.n * R.numel);
    r->done.assign(done.begin(), done.begin() + c.n);
    r->spikes = spikes;
    r->predictions = predictions;
    r->syn.assign(syn.begin(), syn.begin() + int64_t(plan.synLayers) * c.n);
    return true;
  }

  const char *name() const override { return "cuda-emu"; }
  bool runsInteger() const override { return true; }

private:
  /// Per active sample, the ascending list of non-zero outputs of `L` (their
  /// indices at evIdx, their values from `values`: evVal for float layers,
  /// ievVal for integer ones) and its length at evCount. One loop for both
  /// forms, so a rule such as skipping finished samples cannot diverge.
  template <typename OutputsOf, typename T>
  void compactRows(const DLayer &L, OutputsOf outputsOf, T *values) {
    for (int n = 0; n < c.n; ++n) {
      if (!c.active[n])
        continue;
      const T *out = outputsOf(n);
      int32_t *idx = c.ia + L.evIdx + int64_t(n) * L.numel;
      T *val = values + int64_t(n) * L.numel;
      int32_t k = 0;
      for (int64_t p = 0; p < L.numel; ++p)
        if (out[p] != 0) {
          idx[k] = static_cast<int32_t>(p);
          val[k++] = out[p];
        }
      c.ia[L.evCount + n] = k;
    }
  }

  bool integer = false;
  int maxChunk;
  int64_t inputNumel = 0;
  Ctx c;
  std::vector<float> fparams, fa, input;
  std::vector<int32_t> iparams, ia, active, done, spikes, predictions;
  std::vector<unsigned long long> syn;
  std::vector<long long> la;
  std::vector<double> adLo, adHi, adMag;
};

} // namespace

std::unique_ptr<Engine> makeHostEngine(int chunk) {
  return std::make_unique<HostEngine>(chunk);
}

} // namespace gpu
} // namespace rt
} // namespace snnc

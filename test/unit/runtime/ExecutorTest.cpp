//===- ExecutorTest.cpp - executor semantics, paths, threads, exit -----===//
//
// Hand-computed spike trains for a tiny dense network (soft/hard reset,
// per-step tables, gain, bias), single synaptic layers against a naive NCHW
// reference written here (conv with stride, padding, dilation and groups;
// average and max pooling), event vs dense vs auto paths (bit-identical),
// thread-count and batch independence (threads splitting one sample's
// layers, groups of samples run together), step blocks, the convolution's
// summation order, and the backend registry. Step counts and per-step answers:
// ExecutorExitTest.cpp.
//
//===----------------------------------------------------------------------===//
#include "ExecutorTestUtil.h"
#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include "snnc/runtime/Backend.h"
#include "snnc/runtime/Encoder.h"
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace snnc;
using namespace snnc::test;

namespace {

/// 2 direct inputs -> identity dense -> LIF -> identity dense -> readout, T
/// = 4.
mb::Model tinyNet(bool hard, std::vector<float> thr = {},
                  std::vector<float> bias = {}, std::vector<float> gain = {}) {
  ModelBuilder b({2}, 4, 4);
  int x = b.encode(false);
  x = b.dense(x, 2, {1, 0, 0, 1});
  x = b.lif(x, 1.0f, 1.0f, hard, thr, {}, bias, gain);
  x = b.dense(x, 2, {1, 0, 0, 1});
  b.readout(x);
  return b.m;
}

} // namespace

TEST(Executor, HandComputedSpikesSoftReset) {
  rt::Network net = prepare(tinyNet(false));
  // u0: 0.6, 1.2 (spike, 0.2), 0.8, 1.4 (spike); u1: 0.3, 0.6, 0.9, 1.2
  // (spike).
  rt::RunResult r = run(net, {0.6f, 0.3f}, 1);
  ASSERT_EQ(r.spikes.size(), 1u);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{0, 1, 0, 2}));
  EXPECT_EQ(r.outputs, (std::vector<float>{0.5f, 0.25f}));
  EXPECT_EQ(r.predictions[0], 0);
  EXPECT_EQ(r.stepsExecuted[0], 4);
  EXPECT_EQ(r.neuronUpdates, 8);
  // Readout divides by the steps executed.
  r = run(net, {0.6f, 0.3f}, 1, rt::Mode::Auto, 1, 2);
  EXPECT_EQ(r.outputs, (std::vector<float>{0.5f, 0.0f}));
}

TEST(Executor, HandComputedSpikesHardReset) {
  rt::Network net = prepare(tinyNet(true));
  // Hard reset: u0: 0.7, 1.4 (spike, 0), 0.7, 1.4 (spike); u1: 0.5 .. 1.5 at
  // t=2 (spike, 0), 0.5.
  rt::RunResult r = run(net, {0.7f, 0.5f}, 1);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(r.outputs, (std::vector<float>{0.5f, 0.25f}));
}

TEST(Executor, PerStepTablesGainAndBias) {
  // Threshold only low at t = 2; neuron 1 has gain -1 and bias 0.5 per step.
  std::vector<float> thr = {10, 10, 10, 10, 0.5f, 0.5f, 10, 10};
  std::vector<float> gain = {1, -1, 1, -1, 1, -1, 1, -1};
  std::vector<float> bias = {0, 0.5f, 0, 0.5f, 0, 0.5f, 0, 0.5f};
  rt::Network net = prepare(tinyNet(false, thr, bias, gain));
  // u0 = 0.1 t -> 0.3 at t=2 (< 0.5: no spike); u1 = -0.1+0.5 per step -> 1.2
  // at t=2: spike.
  rt::RunResult r = run(net, {0.1f, 0.1f}, 1);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{0, 0, 1, 0}));
}

namespace {

struct ConvCase {
  Dims in, w, strides, pads, dil;
  int64_t groups;
  bool bias, poisson;
};

std::vector<float> naiveConv(const ConvCase &c, const std::vector<float> &x,
                             const std::vector<float> &w,
                             const std::vector<float> &bias, Dims *outShape) {
  int64_t C = c.in[0], H = c.in[1], W = c.in[2], O = c.w[0], Ig = c.w[1],
          KH = c.w[2], KW = c.w[3];
  int64_t OH =
      mb::windowOutputSize(H, KH, c.strides[0], c.pads[0], c.pads[2], c.dil[0]);
  int64_t OW =
      mb::windowOutputSize(W, KW, c.strides[1], c.pads[1], c.pads[3], c.dil[1]);
  *outShape = {O, OH, OW};
  int64_t Og = O / c.groups;
  std::vector<float> out(O * OH * OW);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t y = 0; y < OH; ++y)
      for (int64_t z = 0; z < OW; ++z) {
        double s = bias.empty() ? 0.0 : bias[o];
        for (int64_t ci = 0; ci < Ig; ++ci)
          for (int64_t a = 0; a < KH; ++a)
            for (int64_t b = 0; b < KW; ++b) {
              int64_t h = y * c.strides[0] - c.pads[0] + a * c.dil[0];
              int64_t v = z * c.strides[1] - c.pads[1] + b * c.dil[1];
              if (h < 0 || h >= H || v < 0 || v >= W)
                continue;
              int64_t cin = (o / Og) * Ig + ci;
              s += double(x[(cin * H + h) * W + v]) *
                   w[((o * Ig + ci) * KH + a) * KW + b];
            }
        out[(o * OH + y) * OW + z] = static_cast<float>(s);
      }
  (void)C;
  return out;
}

} // namespace

TEST(Executor, ConvMatchesNaiveReference) {
  std::vector<ConvCase> cases = {
      {{1, 8, 8}, {4, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, false, true},
      {{3, 9, 10}, {5, 3, 3, 2}, {2, 1}, {1, 0, 2, 1}, {1, 1}, 1, true, false},
      {{3, 9, 10}, {4, 3, 2, 3}, {1, 2}, {0, 2, 1, 0}, {2, 2}, 1, true, true},
      {{6, 7, 7}, {9, 2, 3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, 3, true, false},
      {{4, 5, 6}, {4, 1, 1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1}, 4, false, false},
  };
  std::mt19937 rng(5);
  for (size_t k = 0; k < cases.size(); ++k) {
    const ConvCase &c = cases[k];
    ModelBuilder b(c.in, 3, 1);
    std::vector<float> w = randomValues(rng, product(c.w), -1, 1);
    std::vector<float> bias =
        c.bias ? randomValues(rng, c.w[0], -1, 1) : std::vector<float>{};
    int x = b.encode(c.poisson);
    x = b.conv(x, c.w, w, c.strides, c.pads, c.dil, c.groups, bias);
    x = b.flatten(x);
    b.readout(x);
    rt::Network net = prepare(b.m);
    std::vector<float> img = images(static_cast<uint32_t>(k), 1, product(c.in));
    // Step 0 input as the encoder produces it (logical order).
    std::vector<float> enc = img;
    if (c.poisson)
      for (int64_t i = 0; i < product(c.in); ++i)
        enc[i] = rt::poissonSpike(
            img[i],
            rt::poissonUniform(0,
                               rt::poissonCounter(0, 0, i, 3, product(c.in))),
            1.0f, true);
    Dims os;
    std::vector<float> want = naiveConv(c, enc, w, bias, &os);
    for (rt::Mode mode : {rt::Mode::Event, rt::Mode::Dense}) {
      rt::RunResult r = run(net, img, 1, mode);
      ASSERT_EQ(r.outputs.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i)
        ASSERT_NEAR(r.outputs[i], want[i], 1e-5)
            << "case " << k << " element " << i;
    }
  }
}

TEST(Executor, PoolsMatchNaiveReference) {
  struct PoolCase {
    Dims in, k, s, pads;
    bool cip;
  } cases[] = {{{2, 6, 6}, {2, 2}, {2, 2}, {0, 0, 0, 0}, false},
               {{3, 7, 5}, {3, 2}, {2, 1}, {1, 1, 1, 0}, false},
               {{3, 7, 5}, {3, 3}, {2, 2}, {1, 1, 2, 2}, true}};
  // Graded inputs (direct encoder) take the gather path; binary ones (a signed
  // Poisson encoder of values in {-1, 0, 1} at scale 1 passes them through
  // unchanged) take the scatter path in event mode.
  for (bool binary : {false, true})
    for (const PoolCase &c : cases)
      for (bool avg : {true, false}) {
        ModelBuilder b(c.in, 1, 1);
        int x = b.encode(binary);
        x = b.pool(x, avg, c.k, c.s, c.pads, c.cip);
        x = b.flatten(x);
        b.readout(x);
        rt::Network net = prepare(b.m);
        std::vector<float> img = images(9, 1, product(c.in));
        for (float &v : img)
          v = binary ? std::round(v * 2.0f - 1.0f) // -1, 0 or 1
                     : v - 0.3f; // negative values too (max pool)
        const Dims &os = b.shapeOf(1);
        int64_t H = c.in[1], W = c.in[2];
        rt::RunResult event = run(net, img, 1, rt::Mode::Event);
        rt::RunResult dense = run(net, img, 1, rt::Mode::Dense);
        EXPECT_EQ(event.outputs, dense.outputs) << "not bit-identical";
        const rt::RunResult &r = event;
        for (int64_t ch = 0; ch < os[0]; ++ch)
          for (int64_t y = 0; y < os[1]; ++y)
            for (int64_t z = 0; z < os[2]; ++z) {
              double sum = 0, mx = -INFINITY;
              int n = 0;
              for (int64_t a = 0; a < c.k[0]; ++a)
                for (int64_t e = 0; e < c.k[1]; ++e) {
                  int64_t h = y * c.s[0] - c.pads[0] + a,
                          v = z * c.s[1] - c.pads[1] + e;
                  if (h < 0 || h >= H || v < 0 || v >= W) {
                    n += c.cip;
                    continue;
                  }
                  double val = img[(ch * H + h) * W + v];
                  sum += val;
                  mx = std::max(mx, val);
                  ++n;
                }
              double want = avg ? sum / n : mx;
              ASSERT_NEAR(r.outputs[(ch * os[1] + y) * os[2] + z], want, 1e-6)
                  << (avg ? "avg" : "max") << " " << ch << "," << y << "," << z
                  << (binary ? " binary" : "");
            }
      }
}

TEST(Executor, AvgPoolOfMaxPooledSpikes) {
  // A max pool passes spikes on as spikes but keeps no event list of its own
  // unless a consumer asks for one: the average pool's scatter path must.
  ModelBuilder b({2, 8, 8}, 1, 1);
  int x = b.encode(true);
  x = b.pool(x, false, {2, 2}, {2, 2});
  x = b.pool(x, true, {2, 2}, {2, 2});
  x = b.flatten(x);
  b.readout(x);
  rt::Network net = prepare(b.m);
  std::vector<float> img = images(5, 1, 128);
  for (float &v : img)
    v = std::round(v * 2.0f - 1.0f); // -1, 0 or 1: passed through unchanged
  rt::RunResult event = run(net, img, 1, rt::Mode::Event);
  rt::RunResult autoMode = run(net, img, 1, rt::Mode::Auto);
  rt::RunResult dense = run(net, img, 1, rt::Mode::Dense);
  EXPECT_EQ(event.outputs, dense.outputs);
  EXPECT_EQ(autoMode.outputs, dense.outputs);
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t y = 0; y < 2; ++y)
      for (int64_t z = 0; z < 2; ++z) {
        double sum = 0;
        for (int64_t a = 0; a < 2; ++a)
          for (int64_t e = 0; e < 2; ++e) {
            float m = -INFINITY;
            for (int64_t i = 0; i < 2; ++i)
              for (int64_t j = 0; j < 2; ++j)
                m = std::max(
                    m,
                    img[(c * 8 + 4 * y + 2 * a + i) * 8 + 4 * z + 2 * e + j]);
            sum += m;
          }
        EXPECT_EQ(dense.outputs[(c * 2 + y) * 2 + z], float(sum / 4))
            << c << "," << y << "," << z;
      }
}

TEST(Executor, EventDenseAutoAreBitIdentical) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    rt::Network net = prepare(smallConvNet(seed, 12, 12, 8, 5, seed != 2));
    std::vector<float> x = images(seed, 20, net.inputNumel);
    rt::RunResult e = run(net, x, 20, rt::Mode::Event, 1, 8);
    rt::RunResult d = run(net, x, 20, rt::Mode::Dense, 1, 8);
    rt::RunResult a = run(net, x, 20, rt::Mode::Auto, 1, 8);
    expectSameResults(e, d);
    expectSameResults(e, a);
    int64_t spikes = 0;
    for (const auto &s : e.spikes)
      for (int64_t v : s.second)
        spikes += v;
    EXPECT_GT(spikes, 0);
  }
}

TEST(Executor, ListedSpikesOfAFullyFiringLayerAgreeInEveryMode) {
  // The first LIF feeds only a convolution, so its spikes are only listed
  // (no dense copy); with a bias of 20 every neuron fires every step, where
  // auto mode would read an input densely: it must read the list instead.
  std::mt19937 rng(7);
  ModelBuilder b({1, 8, 8}, 5, 5);
  int x = b.encode(true);
  x = b.conv(x, {6, 1, 3, 3}, randomValues(rng, 54, -0.8f, 1.2f), {1, 1},
             {1, 1, 1, 1});
  x = b.lif(x, 0.9f, 1.0f, false, {}, {}, std::vector<float>(5 * 6, 20.0f));
  x = b.conv(x, {4, 6, 3, 3}, randomValues(rng, 4 * 54, -0.5f, 0.6f), {1, 1},
             {1, 1, 1, 1});
  x = b.lif(x, 0.9f, 1.0f);
  x = b.flatten(x);
  x = b.dense(x, 10, randomValues(rng, 10 * 4 * 64, -0.3f, 0.4f));
  b.readout(x);
  rt::Network net = prepare(b.m);
  std::vector<float> img = images(7, 3, net.inputNumel);
  rt::RunResult e = run(net, img, 3, rt::Mode::Event);
  rt::RunResult d = run(net, img, 3, rt::Mode::Dense);
  rt::RunResult a = run(net, img, 3, rt::Mode::Auto);
  expectSameResults(e, d);
  expectSameResults(e, a);
  ASSERT_FALSE(e.spikes.empty());
  for (int64_t v : e.spikes[0].second)
    EXPECT_EQ(v, 3 * 6 * 64); // every neuron of the 3 samples, every step
}

TEST(Executor, ThreadCountDoesNotChangeResults) {
  rt::Network net = prepare(smallConvNet(4));
  std::vector<float> x = images(4, 37, net.inputNumel);
  rt::RunResult one = run(net, x, 37, rt::Mode::Auto, 1);
  for (int threads : {2, 3, 8})
    expectSameResults(one, run(net, x, 37, rt::Mode::Auto, threads));
}

namespace {

rt::RunResult runBatch(const rt::Network &net, const std::vector<float> &x,
                       int64_t count, rt::Mode mode, int threads,
                       int64_t batch) {
  rt::RunOptions o;
  o.mode = mode;
  o.threads = threads;
  o.batch = batch;
  o.sampleSpikes = true;
  rt::Batch b{x.data(), count, net.inputNumel, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_TRUE(rt::runNetwork(net, b, o, &r, &err)) << err;
  return r;
}

} // namespace

TEST(Executor, BatchOneSplitsLayersWithoutChangingResults) {
  rt::Network net = prepare(wideNet(7, 5));
  const int64_t n = 5;
  std::vector<float> x = images(7, n, net.inputNumel);
  rt::RunResult ref = runBatch(net, x, n, rt::Mode::Event, 1, 0);
  int64_t spikes = 0;
  for (const auto &s : ref.spikes)
    for (int64_t v : s.second)
      spikes += v;
  EXPECT_GT(spikes, 0);
  for (rt::Mode mode : {rt::Mode::Event, rt::Mode::Dense, rt::Mode::Auto})
    for (int threads : {1, 2, 3, 8})
      for (int64_t batch : {1, 2}) {
        SCOPED_TRACE(testing::Message() << "threads " << threads << " batch "
                                        << batch << " mode " << int(mode));
        expectSameResults(ref, runBatch(net, x, n, mode, threads, batch));
      }
}

TEST(Executor, SampleGroupsEqualOneSampleAtATime) {
  // From 16 samples in flight, workers run groups of up to 4 samples
  // together (one kernel call per layer for every sample and step of the
  // group). 37 samples = nine full groups and a partial one on one thread;
  // other splits on 2 and 3 threads; every reset kind (the delayed reset
  // reads each lane's previous spikes).
  for (auto reset : {mb::LIF::SOFT, mb::LIF::SUBTRACT_DELAYED}) {
    mb::Model m = wideNet(11, 5);
    for (auto &layer : *m.mutable_layers())
      if (layer.has_lif())
        layer.mutable_lif()->set_reset(reset);
    rt::Network net = prepare(m);
    const int64_t n = 37;
    std::vector<float> x = images(11, n, net.inputNumel);
    for (rt::Mode mode : {rt::Mode::Event, rt::Mode::Dense}) {
      rt::RunResult ref = runBatch(net, x, n, mode, 1, 1);
      int64_t spikes = 0;
      for (const auto &s : ref.spikes)
        for (int64_t v : s.second)
          spikes += v;
      EXPECT_GT(spikes, 0);
      for (int threads : {1, 2, 3})
        for (int64_t batch : {16, 0}) {
          SCOPED_TRACE(testing::Message()
                       << "reset " << int(reset) << " mode " << int(mode)
                       << " threads " << threads << " batch " << batch);
          rt::RunResult r = runBatch(net, x, n, mode, threads, batch);
          expectSameResults(ref, r);
          EXPECT_EQ(ref.sampleSpikes, r.sampleSpikes);
        }
    }
  }
}

TEST(Executor, StepBlocksEqualStepByStep) {
  // By default steps run in blocks (each layer runs all steps of a block
  // before the next layer); per-step predictions force one step per block.
  // 19 steps = two full blocks and a partial one; every reset kind, the
  // delayed reset reading the previous block's last spikes.
  for (auto reset : {mb::LIF::SOFT, mb::LIF::HARD, mb::LIF::SUBTRACT_DELAYED,
                     mb::LIF::NONE}) {
    mb::Model m = smallConvNet(9, 12, 12, 19, 19);
    for (auto &layer : *m.mutable_layers())
      if (layer.has_lif())
        layer.mutable_lif()->set_reset(reset);
    rt::Network net = prepare(m);
    std::vector<float> x = images(9, 4, net.inputNumel);
    for (int threads : {1, 2}) {
      rt::RunOptions o;
      o.threads = threads;
      o.batch = 1;
      rt::Batch b{x.data(), 4, net.inputNumel, 0};
      rt::RunResult blocked, stepwise;
      std::string err;
      ASSERT_TRUE(rt::runNetwork(net, b, o, &blocked, &err)) << err;
      o.stepPredictions = true;
      ASSERT_TRUE(rt::runNetwork(net, b, o, &stepwise, &err)) << err;
      SCOPED_TRACE(testing::Message()
                   << "reset " << int(reset) << " threads " << threads);
      expectSameResults(blocked, stepwise);
      int64_t spikes = 0;
      for (const auto &sp : blocked.spikes)
        for (int64_t v : sp.second)
          spikes += v;
      EXPECT_GT(spikes, 0);
    }
  }
}

TEST(Executor, ConvSumsInAscendingInputOrder) {
  // The convolution (gather form, any channel-block split) must give the bits
  // of a float sum started at the bias and taken in ascending physical input
  // index (window row, column, input channel), the order the event scatter
  // adds in: no reassociation, no fused multiply-add.
  struct Case {
    Dims in, w, strides, pads, dil;
  } cases[] = {{{3, 7, 7}, {80, 3, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}},
               {{5, 9, 8}, {40, 5, 3, 2}, {2, 1}, {0, 2, 1, 0}, {2, 1}},
               {{2, 6, 6}, {20, 2, 2, 2}, {1, 2}, {1, 0, 0, 1}, {1, 2}}};
  std::mt19937 rng(11);
  for (const Case &c : cases) {
    ModelBuilder b(c.in, 1, 1);
    std::vector<float> w = randomValues(rng, product(c.w), -1, 1);
    std::vector<float> bias = randomValues(rng, c.w[0], -1, 1);
    int x = b.encode(false);
    x = b.conv(x, c.w, w, c.strides, c.pads, c.dil, 1, bias);
    const Dims os = b.shapeOf(x);
    x = b.flatten(x);
    b.readout(x);
    rt::Network net = prepare(b.m);
    std::vector<float> img = images(3, 1, product(c.in));
    const int64_t C = c.in[0], H = c.in[1], W = c.in[2], O = c.w[0];
    std::vector<float> want(product(os));
    for (int64_t o = 0; o < O; ++o)
      for (int64_t y = 0; y < os[1]; ++y)
        for (int64_t z = 0; z < os[2]; ++z) {
          float acc = bias[o];
          for (int64_t a = 0; a < c.w[2]; ++a)
            for (int64_t e = 0; e < c.w[3]; ++e) {
              int64_t h = y * c.strides[0] - c.pads[0] + a * c.dil[0];
              int64_t v = z * c.strides[1] - c.pads[1] + e * c.dil[1];
              if (h < 0 || h >= H || v < 0 || v >= W)
                continue;
              for (int64_t ci = 0; ci < C; ++ci) {
                float xv = img[(ci * H + h) * W + v];
                if (xv != 0) // the event list skips zeros
                  acc = acc + xv * w[((o * C + ci) * c.w[2] + a) * c.w[3] + e];
              }
            }
          want[(o * os[1] + y) * os[2] + z] = acc;
        }
    for (rt::Mode mode : {rt::Mode::Event, rt::Mode::Dense})
      for (int threads : {1, 3}) {
        rt::RunResult r = runBatch(net, img, 1, mode, threads, 1);
        ASSERT_EQ(r.outputs.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
          ASSERT_EQ(r.outputs[i], want[i])
              << "element " << i << " mode " << int(mode) << " threads "
              << threads;
      }
  }
}

// The core runtime registers "cpu" only; other backends register themselves
// when their library is linked (this test binary links none of them).
TEST(Backends, CoreRegistryHasCpuOnly) {
  std::vector<const rt::BackendEntry *> all = rt::registeredBackends();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->name, "cpu");
  EXPECT_EQ(rt::backendNames(), "cpu");
  EXPECT_EQ(rt::findBackend("cuda"), nullptr);
  rt::Network net = prepare(smallConvNet(3));
  std::vector<float> x(static_cast<size_t>(net.inputNumel), 0.5f);
  rt::Batch b{x.data(), 1, net.inputNumel, 0};
  rt::RunResult viaRegistry;
  std::string err;
  EXPECT_FALSE(
      rt::runNetworkOn("cuda", net, b, rt::RunOptions(), &viaRegistry, &err));
  EXPECT_EQ(err, "unknown backend 'cuda', expected cpu");
  ASSERT_TRUE(
      rt::runNetworkOn("cpu", net, b, rt::RunOptions(), &viaRegistry, &err))
      << err;
  EXPECT_EQ(viaRegistry.predictions, run(net, x, 1).predictions);
}

TEST(Backends, RegistrationRejectsTakenAndEmptyNames) {
  EXPECT_FALSE(rt::registerBackend({"cpu", "again", &rt::runNetwork, nullptr}));
  EXPECT_FALSE(rt::registerBackend({"", "no name", &rt::runNetwork, nullptr}));
  EXPECT_FALSE(rt::registerBackend({"null", "no function", nullptr, nullptr}));
  EXPECT_EQ(rt::registeredBackends().size(), 1u);
}

//===- ExecutorExitTest.cpp - how many steps run, and what each step says -===//
//
// The executor's step count and per-step answers: the seed and sample index
// change the Poisson encoding, the default step count is the static early-exit
// step, --adaptive-exit answers equal full runs (and stop after one step when
// decided), per-step predictions (hand-computed, equal to runs of fewer steps,
// independent of threads, rejected with adaptive exit), and the encoder's
// input normalisation.
//
//===----------------------------------------------------------------------===//
#include "ExecutorTestUtil.h"
#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include "snnc/runtime/Encoder.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace snnc;
using namespace snnc::test;

TEST(Executor, SeedAndSampleIndexChangeTheEncoding) {
  rt::Network net = prepare(smallConvNet(4));
  std::vector<float> x = images(4, 1, net.inputNumel);
  rt::RunResult a = run(net, x, 1, rt::Mode::Auto, 1, 0, false, 0);
  rt::RunResult b = run(net, x, 1, rt::Mode::Auto, 1, 0, false, 99);
  EXPECT_NE(a.spikes[0].second, b.spikes[0].second);
}

TEST(Executor, DefaultStepsIsEarlyExitStep) {
  rt::Network net = prepare(smallConvNet(4, 12, 12, 6, 4));
  std::vector<float> x = images(4, 3, net.inputNumel);
  rt::RunResult r = run(net, x, 3);
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(r.stepsExecuted, (std::vector<int>{4, 4, 4}));
  EXPECT_EQ(r.spikes[0].second.size(), 4u);
  rt::RunOptions o;
  o.steps = 7;
  rt::Batch b{x.data(), 3, net.inputNumel, 0};
  std::string err;
  EXPECT_FALSE(rt::runNetwork(net, b, o, &r, &err));
  EXPECT_NE(err.find("expected 1..T = 6"), std::string::npos) << err;
}

TEST(Executor, AdaptiveExitEqualsFullRun) {
  int64_t stopped = 0, total = 0;
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    mb::Model m = smallConvNet(seed, 12, 12, 16, 16);
    // Give the readout a bias so that some samples settle early.
    std::mt19937 rng(seed);
    std::vector<float> bias = randomValues(rng, 10, -0.5f, 0.5f);
    bias[seed % 10] += 1.5f;
    setTensor(m.mutable_layers(10)->mutable_dense()->mutable_bias(), {10},
              bias);
    rt::Network net = prepare(m);
    std::vector<float> x = images(seed + 100, 64, net.inputNumel);
    for (int steps : {16, 9}) {
      rt::RunResult full = run(net, x, 64, rt::Mode::Auto, 2, steps);
      rt::RunResult ad = run(net, x, 64, rt::Mode::Auto, 2, steps, true);
      EXPECT_EQ(full.predictions, ad.predictions)
          << "seed " << seed << " steps " << steps;
      for (int s : ad.stepsExecuted) {
        EXPECT_LE(s, steps);
        stopped += s < steps;
        ++total;
      }
    }
  }
  EXPECT_GT(stopped, 0) << "adaptive exit never stopped early in " << total
                        << " runs";
}

TEST(Executor, AdaptiveExitStopsAfterOneStepWhenDecided) {
  ModelBuilder b({2}, 10, 10);
  int x = b.encode(true);
  x = b.dense(x, 2, {1, 0, 0, 1});
  x = b.lif(x);
  x = b.dense(x, 3, {0.1f, 0.1f, 0.2f, -0.1f, 0.0f, 0.3f},
              {100.0f, 0.0f, 0.0f});
  b.readout(x);
  rt::Network net = prepare(b.m);
  rt::RunResult r = run(net, {0.5f, 0.9f}, 1, rt::Mode::Auto, 1, 0, true);
  EXPECT_EQ(r.stepsExecuted[0], 1);
  EXPECT_EQ(r.predictions[0], 0);
}

namespace {

rt::RunResult runPerStep(const rt::Network &net, const std::vector<float> &x,
                         int64_t count, int threads, int steps = 0) {
  rt::RunOptions o;
  o.threads = threads;
  o.steps = steps;
  o.stepPredictions = true;
  rt::Batch b{x.data(), count, net.inputNumel, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_TRUE(rt::runNetwork(net, b, o, &r, &err)) << err;
  return r;
}

} // namespace

TEST(Executor, StepPredictionsHandComputed) {
  // Direct 2 inputs -> identity dense -> LIF (soft reset) -> identity dense
  // with bias {0, 0.5} -> readout, T = 4. Input {0.9, 0.4}: neuron 0 spikes at
  // t = 1, 2, 3, neuron 1 at t = 2, so the readout adds (0, .5), (1, .5),
  // (1, 1.5), (1, .5): sums (0, .5), (1, 1), (2, 2.5), (3, 3). The ties go to
  // class 0 (argmaxFirst), so the prediction flips 1, 0, 1, 0.
  ModelBuilder b({2}, 4, 4);
  int x = b.encode(false);
  x = b.dense(x, 2, {1, 0, 0, 1});
  x = b.lif(x);
  x = b.dense(x, 2, {1, 0, 0, 1}, {0.0f, 0.5f});
  b.readout(x);
  rt::Network net = prepare(b.m);
  rt::RunResult r = runPerStep(net, {0.9f, 0.4f}, 1, 1);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{0, 1, 2, 1}));
  EXPECT_EQ(r.stepPredictions, (std::vector<int32_t>{1, 0, 1, 0}));
  EXPECT_EQ(r.predictions[0], 0);
  // Without the option nothing is recorded.
  EXPECT_TRUE(run(net, {0.9f, 0.4f}, 1).stepPredictions.empty());
}

TEST(Executor, StepPredictionsEqualShorterRunsAndIgnoreThreads) {
  // Poisson MLP whose hidden layer does not saturate, so that predictions move
  // from step to step (smallConvNet's last LIF layer fires every step).
  std::mt19937 rng(3);
  ModelBuilder b({24}, 8, 5);
  int h = b.encode(true);
  h = b.dense(h, 12, randomValues(rng, 24 * 12, -0.5f, 0.7f));
  h = b.lif(h, 0.9f, 1.0f);
  h = b.dense(h, 5, randomValues(rng, 60, -1.0f, 1.0f));
  b.readout(h);
  rt::Network net = prepare(b.m);
  const int64_t n = 29;
  std::vector<float> x = images(7, n, net.inputNumel);
  rt::RunResult one = runPerStep(net, x, n, 1, 8);
  ASSERT_EQ(one.stepPredictions.size(), size_t(n * 8));
  // Column t is the prediction of a run of t + 1 steps (the encoder does not
  // depend on the step budget); the last column is `predictions`.
  int changed = 0;
  for (int t = 0; t < 8; ++t) {
    rt::RunResult shorter = run(net, x, n, rt::Mode::Auto, 1, t + 1);
    for (int64_t r = 0; r < n; ++r) {
      ASSERT_EQ(one.stepPredictions[r * 8 + t], shorter.predictions[r])
          << "sample " << r << " step " << t;
      changed += t > 0 && one.stepPredictions[r * 8 + t] !=
                              one.stepPredictions[r * 8 + t - 1];
    }
  }
  for (int64_t r = 0; r < n; ++r)
    EXPECT_EQ(one.stepPredictions[r * 8 + 7], one.predictions[r]);
  EXPECT_GT(changed, 0) << "no prediction changed between steps";
  for (int threads : {2, 3, 8}) {
    rt::RunResult many = runPerStep(net, x, n, threads, 8);
    EXPECT_EQ(one.stepPredictions, many.stepPredictions) << threads;
    expectSameResults(one, many);
  }
  // Recording does not change the run itself.
  expectSameResults(one, run(net, x, n, rt::Mode::Auto, 1, 8));
}

TEST(Executor, StepPredictionsRejectAdaptiveExit) {
  rt::Network net = prepare(smallConvNet(4));
  std::vector<float> x = images(4, 2, net.inputNumel);
  rt::RunOptions o;
  o.adaptive = true;
  o.stepPredictions = true;
  rt::Batch b{x.data(), 2, net.inputNumel, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_FALSE(rt::runNetwork(net, b, o, &r, &err));
  EXPECT_NE(err.find("adaptive exit"), std::string::npos) << err;
}

// The encoder's input normalisation (encoder.mean/std): a raw sample run
// through a normalising model gives bit for bit what the normalised sample
// gives without it ((x - mean) / std in float32, as the reference).
TEST(Executor, InputNormalisationEqualsPreNormalisedInput) {
  mb::Model plain = smallConvNet(5, 12, 12, 6, 6, true);
  mb::Model norm = plain;
  norm.mutable_layers(0)->mutable_encoder()->add_mean(0.3f);
  norm.mutable_layers(0)->mutable_encoder()->add_std(0.7f);
  rt::Network a = prepare(plain), b = prepare(norm);
  std::vector<float> raw = images(5, 10, a.inputNumel, 0.1f), pre(raw);
  for (float &v : pre)
    v = (v - 0.3f) / 0.7f;
  expectSameResults(run(a, pre, 10), run(b, raw, 10));
  mb::Model bad = norm;
  bad.mutable_layers(0)->mutable_encoder()->set_std(0, 0.0f);
  rt::Network n;
  std::string err;
  EXPECT_FALSE(rt::prepareNetwork(bad, &n, &err));
  EXPECT_NE(err.find("expected finite values and std > 0"), std::string::npos)
      << err;
}

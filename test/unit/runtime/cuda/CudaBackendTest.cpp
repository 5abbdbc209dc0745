//===- CudaBackendTest.cpp - CUDA backend against the CPU backend ---------===//
//
// The CUDA backend must give the CPU backend's results bit for bit: readout
// values, predictions, steps executed, per-layer and per-sample spike counts,
// synaptic event counts. On every machine these tests run the backend's
// algorithm through its host emulation (the kernels' per-thread operations in
// loops, the same plan, arenas, chunking and step loop) on random networks
// that use every layer kind and option (convolution stride, padding, dilation
// and groups; both pools; affine, add, hard and soft reset; Poisson and direct
// encoding; event, dense and auto paths; adaptive exit; sample offsets). The
// same checks run on the GPU when one exists and are skipped with a visible
// message otherwise.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include "snnc/runtime/Backend.h"
#include "snnc/runtime/CudaBackend.h"
#include "snnc/runtime/Encoder.h"
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include "DeviceNet.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace snnc;
using namespace snnc::test;

namespace {

struct RunCfg {
  rt::Mode mode = rt::Mode::Auto;
  int steps = 0;
  bool adaptive = false;
  uint64_t seed = 0;
  int64_t first = 0;
};

rt::RunResult run(const std::string &be, const rt::Network &net,
                  const std::vector<float> &x, int64_t count, const RunCfg &r) {
  rt::RunOptions o;
  o.mode = r.mode;
  o.threads = 2;
  o.steps = r.steps;
  o.adaptive = r.adaptive;
  o.seed = r.seed;
  o.sampleSpikes = true;
  o.stepPredictions = !r.adaptive; // recorded whenever the options allow it
  rt::Batch b{x.data(), count, net.inputNumel, r.first};
  rt::RunResult res;
  std::string err;
  EXPECT_TRUE(rt::runNetworkOn(be, net, b, o, &res, &err)) << err;
  return res;
}

std::vector<float> images(uint32_t seed, int64_t count, int64_t numel,
                          float zeroFrac = 0.4f, float lo = 0.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(0, 1), v(lo, 1);
  std::vector<float> x(count * numel);
  for (float &e : x)
    e = d(rng) < zeroFrac ? 0.0f : v(rng);
  return x;
}

void expectIdentical(const rt::RunResult &a, const rt::RunResult &b,
                     const std::string &what) {
  EXPECT_EQ(a.steps, b.steps) << what;
  EXPECT_EQ(a.predictions, b.predictions) << what;
  EXPECT_EQ(a.stepsExecuted, b.stepsExecuted) << what;
  ASSERT_EQ(a.outputs.size(), b.outputs.size()) << what;
  for (size_t i = 0; i < a.outputs.size(); ++i)
    ASSERT_EQ(a.outputs[i], b.outputs[i]) << what << ": output " << i;
  ASSERT_EQ(a.spikes.size(), b.spikes.size()) << what;
  for (size_t l = 0; l < a.spikes.size(); ++l) {
    EXPECT_EQ(a.spikes[l].first, b.spikes[l].first) << what;
    EXPECT_EQ(a.spikes[l].second, b.spikes[l].second)
        << what << ": " << a.spikes[l].first;
  }
  EXPECT_EQ(a.synapticEvents, b.synapticEvents) << what;
  EXPECT_EQ(a.sampleSpikes, b.sampleSpikes) << what;
  EXPECT_EQ(a.stepPredictions, b.stepPredictions) << what;
  EXPECT_EQ(a.neuronUpdates, b.neuronUpdates) << what;
}

/// Poisson conv net: conv (pad) -> LIF -> avg pool -> grouped, strided,
/// dilated conv -> LIF -> max pool -> flatten -> dense -> LIF -> dense ->
/// readout.
mb::Model convNet(uint32_t seed, bool hard) {
  std::mt19937 rng(seed);
  ModelBuilder b({2, 14, 13}, 8, 6);
  int x = b.encode(true, 1.0f, true);
  x = b.conv(x, {8, 2, 3, 3}, randomValues(rng, 8 * 2 * 9, -0.8f, 1.2f), {1, 1},
             {1, 1, 1, 1}, {1, 1}, 1, randomValues(rng, 8, -0.2f, 0.3f));
  x = b.lif(x, 0.9f, 1.0f, hard);
  x = b.pool(x, true, {2, 2}, {2, 2}, {1, 0, 0, 1}, seed % 2 == 0);
  x = b.conv(x, {6, 4, 3, 2}, randomValues(rng, 6 * 4 * 6, -0.7f, 1.0f), {2, 1},
             {1, 0, 0, 1}, {1, 2}, 2);
  x = b.lif(x, 0.95f, 0.8f, !hard);
  x = b.pool(x, false, {2, 2}, {1, 2});
  x = b.flatten(x);
  int64_t nin = product(b.shapeOf(x));
  x = b.dense(x, 20, randomValues(rng, 20 * nin, -0.5f, 0.8f),
              randomValues(rng, 20, -0.1f, 0.2f));
  x = b.lif(x, 1.0f, 1.0f, hard);
  x = b.dense(x, 10, randomValues(rng, 200, -1, 1));
  b.readout(x);
  return b.m;
}

/// Direct-encoded net with per-step affine tables, a residual ADD, per-step
/// LIF tables (gain -1/0/1, bias) and a convolution over a direct input.
mb::Model affineAddNet(uint32_t seed) {
  std::mt19937 rng(seed);
  ModelBuilder b({3, 6, 6}, 5, 5);
  int e = b.encode(false);
  int c = b.conv(e, {3, 3, 3, 3}, randomValues(rng, 81, -0.6f, 0.6f), {1, 1},
                 {1, 1, 1, 1});
  int a = b.affine(c, 5, randomValues(rng, 15, 0.5f, 1.5f),
                   randomValues(rng, 15, -0.2f, 0.2f));
  int s = b.addLayer(a, e);
  int T = 5, C = 3;
  std::vector<float> gain(T * C);
  for (int i = 0; i < T * C; ++i)
    gain[i] = float(int(i % 3) - 1);
  int l = b.lif(s, 0.9f, 1.0f, false, randomValues(rng, T * C, 0.4f, 1.2f),
                randomValues(rng, T * C, 0.5f, 1.0f),
                randomValues(rng, T * C, -0.2f, 0.3f), gain);
  int a1 = b.affine(l, 1, randomValues(rng, 3, 0.5f, 1.0f),
                    randomValues(rng, 3, 0.0f, 0.1f));
  int f = b.flatten(a1);
  int d = b.dense(f, 4, randomValues(rng, 4 * 108, -1, 1));
  b.readout(d);
  return b.m;
}

/// Dense net whose readout input is a LIF: adaptive exit applies.
mb::Model mlp(uint32_t seed) {
  std::mt19937 rng(seed);
  ModelBuilder b({40}, 12, 9);
  int x = b.encode(true, 1.0f, false);
  x = b.dense(x, 64, randomValues(rng, 64 * 40, -0.3f, 0.6f));
  x = b.lif(x, 0.9f, 1.0f);
  x = b.dense(x, 10, randomValues(rng, 640, -1, 1),
              randomValues(rng, 10, -0.5f, 0.5f));
  b.readout(x);
  return b.m;
}

void compareAll(const std::string &be, const std::string &tag) {
  for (uint32_t seed : {1u, 2u}) {
    rt::Network net = prepare(convNet(seed, seed == 2));
    std::vector<float> x = images(seed, 61, net.inputNumel);
    for (rt::Mode m : {rt::Mode::Event, rt::Mode::Dense, rt::Mode::Auto}) {
      RunCfg r;
      r.mode = m;
      r.seed = seed * 7;
      r.first = seed * 100;
      r.steps = seed == 2 ? 8 : 0;
      rt::RunResult cpu = run("cpu", net, x, 61, r);
      rt::RunResult gpu = run(be, net, x, 61, r);
      EXPECT_EQ(gpu.stepPredictions.size(), size_t(61 * cpu.steps));
      expectIdentical(cpu, gpu,
                      tag + " conv seed " + std::to_string(seed) + " mode " +
                          std::to_string(int(m)));
      int64_t spikes = 0;
      for (const auto &s : cpu.spikes)
        for (int64_t v : s.second)
          spikes += v;
      EXPECT_GT(spikes, 0);
    }
  }
  {
    rt::Network net = prepare(affineAddNet(3));
    std::vector<float> x = images(3, 20, net.inputNumel, 0.3f, -1.0f);
    for (rt::Mode m : {rt::Mode::Event, rt::Mode::Dense, rt::Mode::Auto})
      expectIdentical(run("cpu", net, x, 20, RunCfg{m}),
                      run(be, net, x, 20, RunCfg{m}), tag + " affine/add");
  }
  {
    rt::Network net = prepare(mlp(4));
    std::vector<float> x = images(4, 100, net.inputNumel, 0.5f);
    for (bool adaptive : {false, true}) {
      RunCfg r;
      r.adaptive = adaptive;
      r.steps = 12;
      rt::RunResult cpu = run("cpu", net, x, 100, r);
      rt::RunResult gpu = run(be, net, x, 100, r);
      expectIdentical(cpu, gpu,
                      tag + " mlp adaptive " + std::to_string(adaptive));
      if (adaptive) {
        int early = 0;
        for (int s : gpu.stepsExecuted)
          early += s < 12;
        EXPECT_GT(early, 0) << "some samples must stop early";
      }
    }
  }
}

} // namespace

TEST(CudaBackend, EncoderFormulaMatchesEncoderH) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; ++i) {
    uint64_t seed = i < 100 ? uint64_t(i) : rng(), counter = rng() >> (i % 40);
    float u = rt::poissonUniform(seed, counter);
    ASSERT_EQ(u, rt::gpu::poissonUniformHD(seed, counter)) << i;
    float x = float(int(i % 21) - 10) / 10.0f, scale = 0.5f + float(i % 3);
    ASSERT_EQ(rt::poissonSpike(x, u, scale, i % 2),
              rt::gpu::poissonSpikeHD(x, u, scale, i % 2))
        << i;
  }
}

TEST(CudaBackend, EmulationEqualsCpuBackend) {
  compareAll("cuda-emu", "emulation");
}

TEST(CudaBackend, EmulationEqualsCpuWithMixedPathDecisions) {
  // A low threshold makes Auto take the gather path for some samples (tiles)
  // and the event path for others within the same step.
  // "CONV,FC" sets the convolutions' and the dense layers' thresholds apart.
  for (const char *f : {"0.05", "0.15", "0.6", "0.02,0.5", "0.6,0"}) {
    setenv("SNNC_CUDA_DENSE_FRACTION", f, 1);
    rt::Network net = prepare(convNet(9, false));
    std::vector<float> x = images(9, 50, net.inputNumel, 0.7f);
    expectIdentical(run("cpu", net, x, 50, RunCfg{}),
                    run("cuda-emu", net, x, 50, RunCfg{}),
                    std::string("fraction ") + f);
  }
  unsetenv("SNNC_CUDA_DENSE_FRACTION");
}

TEST(CudaBackend, EmptyBatch) {
  rt::Network net = prepare(mlp(1));
  std::vector<float> x;
  rt::RunResult r = run("cuda-emu", net, x, 0, RunCfg{});
  EXPECT_TRUE(r.predictions.empty());
  EXPECT_EQ(r.spikes.size(), 1u);
}

TEST(CudaBackend, BadOptionsAreRejected) {
  rt::Network net = prepare(mlp(1));
  std::vector<float> x(40, 0.5f);
  rt::RunOptions o;
  o.steps = 13;
  rt::Batch b{x.data(), 1, 40, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_FALSE(rt::runNetworkCudaEmulated(net, b, o, &r, &err));
  EXPECT_NE(err.find("out of range"), std::string::npos) << err;
  // Per-step predictions exclude adaptive exit, as on the CPU.
  o.steps = 0;
  o.stepPredictions = true;
  o.adaptive = true;
  EXPECT_FALSE(rt::runNetworkCudaEmulated(net, b, o, &r, &err));
  EXPECT_NE(err.find("exclude adaptive exit"), std::string::npos) << err;
}

TEST(CudaBackend, MalformedDensityThresholdIsAnError) {
  // A value that would be ignored would silently time the defaults.
  rt::Network net = prepare(mlp(1));
  std::vector<float> x(40, 0.5f);
  rt::Batch b{x.data(), 1, 40, 0};
  rt::RunResult r;
  for (const char *bad :
       {"1.01", "-0.1", "0.2x", "0.1,", ",0.5", "0.1,0.2,0.3", "nan", "abc"}) {
    setenv("SNNC_CUDA_DENSE_FRACTION", bad, 1);
    std::string err;
    EXPECT_FALSE(rt::runNetworkCudaEmulated(net, b, rt::RunOptions(), &r, &err))
        << bad;
    EXPECT_NE(err.find(std::string("SNNC_CUDA_DENSE_FRACTION='") + bad + "'"),
              std::string::npos)
        << err;
  }
  setenv("SNNC_CUDA_DENSE_FRACTION", "1", 1);
  std::string err;
  EXPECT_TRUE(rt::runNetworkCudaEmulated(net, b, rt::RunOptions(), &r, &err))
      << err;
  unsetenv("SNNC_CUDA_DENSE_FRACTION");
}

TEST(CudaBackend, DeviceEqualsCpuBackend) {
  std::string info, err;
  if (!rt::cudaDeviceInfo(&info, &err)) {
    // Visible in ctest --output-on-failure / -V output and in the gtest log.
    std::printf("SKIPPED: %s\n", err.c_str());
    GTEST_SKIP() << err;
  }
  std::printf("device: %s\n", info.c_str());
  compareAll("cuda", "cuda");
  // Runs repeat exactly.
  rt::Network net = prepare(convNet(1, false));
  std::vector<float> x = images(11, 300, net.inputNumel);
  rt::RunResult a = run("cuda", net, x, 300, RunCfg{});
  rt::RunResult b = run("cuda", net, x, 300, RunCfg{});
  expectIdentical(a, b, "repeat");
}

TEST(CudaBackend, WithoutCudaTheBackendSaysSo) {
  rt::Network net = prepare(mlp(1));
  std::vector<float> x(40, 0.5f);
  rt::Batch b{x.data(), 1, 40, 0};
  rt::RunResult r;
  std::string err, info;
  bool device = rt::cudaDeviceInfo(&info, &err);
  if (device)
    GTEST_SKIP() << "a CUDA device is present: " << info;
  EXPECT_FALSE(rt::runNetworkCuda(net, b, rt::RunOptions(), &r, &err));
  if (rt::cudaBackendBuilt())
    EXPECT_NE(err.find("no CUDA device"), std::string::npos) << err;
  else
    EXPECT_NE(err.find("built without CUDA"), std::string::npos) << err;
}

TEST(CudaBackend, RegistersItselfWhenLinked) {
  EXPECT_EQ(rt::backendNames(), "cpu, cuda or cuda-emu");
  ASSERT_NE(rt::findBackend("cuda"), nullptr);
  EXPECT_EQ(rt::findBackend("cuda")->run, &rt::runNetworkCuda);
  ASSERT_NE(rt::findBackend("cuda-emu"), nullptr);
  EXPECT_EQ(rt::findBackend("cuda-emu")->run, &rt::runNetworkCudaEmulated);
}

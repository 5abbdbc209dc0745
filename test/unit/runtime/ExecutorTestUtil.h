//===- ExecutorTestUtil.h - shared helpers of the executor tests ----------===//
//
// Runs a prepared network on a batch with the options the executor tests vary
// (mode, threads, steps, adaptive exit, seed), makes reproducible inputs, and
// compares two runs bit for bit (predictions, outputs, spikes, events).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TEST_RUNTIME_EXECUTORTESTUTIL_H
#define SNNC_TEST_RUNTIME_EXECUTORTESTUTIL_H

#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace snnc {
namespace test {

inline rt::RunResult run(const rt::Network &net, const std::vector<float> &x,
                         int64_t count, rt::Mode mode = rt::Mode::Auto,
                         int threads = 1, int steps = 0, bool adaptive = false,
                         uint64_t seed = 0) {
  rt::RunOptions o;
  o.mode = mode;
  o.threads = threads;
  o.steps = steps;
  o.adaptive = adaptive;
  o.seed = seed;
  rt::Batch b{x.data(), count, net.inputNumel, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_TRUE(rt::runNetwork(net, b, o, &r, &err)) << err;
  return r;
}

inline std::vector<float> images(uint32_t seed, int64_t count, int64_t numel,
                                 float zeroFrac = 0.4f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(0, 1);
  std::vector<float> x(count * numel);
  for (float &v : x)
    v = d(rng) < zeroFrac ? 0.0f : d(rng);
  return x;
}

inline void expectSameResults(const rt::RunResult &a, const rt::RunResult &b) {
  EXPECT_EQ(a.predictions, b.predictions);
  EXPECT_EQ(a.stepsExecuted, b.stepsExecuted);
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i)
    ASSERT_EQ(a.outputs[i], b.outputs[i]) << "output " << i; // bit-identical
  ASSERT_EQ(a.spikes.size(), b.spikes.size());
  for (size_t l = 0; l < a.spikes.size(); ++l)
    EXPECT_EQ(a.spikes[l].second, b.spikes[l].second) << a.spikes[l].first;
  for (size_t l = 0; l < a.synapticEvents.size(); ++l)
    EXPECT_EQ(a.synapticEvents[l].second, b.synapticEvents[l].second);
  EXPECT_EQ(a.neuronUpdates, b.neuronUpdates);
}

} // namespace test
} // namespace snnc

#endif // SNNC_TEST_RUNTIME_EXECUTORTESTUTIL_H

//===- OutputPlanTest.cpp - which pools run with their LIF ----------------===//
//
// poolsWithLif (OutputPlan.h) picks the LIF layers whose spikes only an
// average pool reads, in windows that tile the LIF's output; the executor
// then runs the pool inside the LIF step (lifPoolStep) and the LIF keeps
// neither spikes nor a list. These tests check the rule's accept and reject
// cases, and that the worker's output layout keeps such a pool's output off
// the bytes of the LIF's input, which the fused step reads while it writes
// the pool.
//
//===----------------------------------------------------------------------===//
#include "OutputPlan.h"

#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include <gtest/gtest.h>

using namespace snnc;
using namespace snnc::test;
namespace d = snnc::rt::detail;

namespace {

rt::RunOptions withMode(rt::Mode mode) {
  rt::RunOptions o;
  o.mode = mode;
  return o;
}

/// encode -> conv 1->4 -> LIF -> average pool of the given window (with
/// `secondConsumer`, a second such pool added to it) -> flatten -> dense ->
/// readout, on [1, 8, 8].
rt::Network lifThenPool(test::Dims kernel, test::Dims strides,
                        test::Dims pads = {0, 0, 0, 0},
                        bool secondConsumer = false) {
  std::mt19937 rng(1);
  ModelBuilder b({1, 8, 8}, 4, 4);
  int x = b.encode();
  x = b.conv(x, {4, 1, 3, 3}, randomValues(rng, 36, -1.0f, 1.0f), {1, 1},
             {1, 1, 1, 1});
  const int lif = b.lif(x, 0.9f, 1.0f);
  x = b.pool(lif, true, kernel, strides, pads);
  if (secondConsumer)
    x = b.addLayer(x, b.pool(lif, true, kernel, strides, pads));
  x = b.flatten(x);
  x = b.dense(x, 3, randomValues(rng, 3 * product(b.shapeOf(x)), -1.0f, 1.0f));
  b.readout(x);
  return prepare(b.m);
}

TEST(OutputPlan, PoolsThatTileTheirLifRunWithIt) {
  // smallConvNet: encode, conv, lif, pool, conv, lif, pool, flatten, fc, lif,
  // fc, readout.
  rt::Network net = prepare(smallConvNet(1));
  ASSERT_EQ(net.layers[3].kind, rt::Kind::AvgPool);
  ASSERT_EQ(net.layers[6].kind, rt::Kind::AvgPool);
  for (rt::Mode mode : {rt::Mode::Event, rt::Mode::Auto}) {
    std::vector<int> pool = d::poolsWithLif(net, withMode(mode));
    std::vector<int> want(net.layers.size(), -1);
    want[2] = 3;
    want[5] = 6; // its pool feeds a flatten: no list, still fused
    EXPECT_EQ(pool, want);
  }
  // Dense mode stores every LIF's spikes: nothing is fused.
  EXPECT_EQ(d::poolsWithLif(net, withMode(rt::Mode::Dense)),
            std::vector<int>(net.layers.size(), -1));
}

TEST(OutputPlan, PoolsThatDoNotTileOrShareTheSpikesRunAlone) {
  EXPECT_EQ(d::poolsWithLif(lifThenPool({2, 2}, {2, 2}), {})[2], 3);
  EXPECT_EQ(d::poolsWithLif(lifThenPool({4, 2}, {4, 2}), {})[2], 3);
  // Overlapping windows, padding, a window left over, two consumers.
  EXPECT_EQ(d::poolsWithLif(lifThenPool({3, 3}, {2, 2}, {1, 1, 1, 1}), {})[2],
            -1);
  EXPECT_EQ(d::poolsWithLif(lifThenPool({2, 2}, {2, 2}, {1, 1, 1, 1}), {})[2],
            -1);
  EXPECT_EQ(d::poolsWithLif(lifThenPool({3, 3}, {3, 3}), {})[2], -1);
  EXPECT_EQ(
      d::poolsWithLif(lifThenPool({2, 2}, {2, 2}, {0, 0, 0, 0}, true), {})[2],
      -1);
}

TEST(OutputPlan, PoolRunWithItsLifDoesNotShareTheLifInput) {
  // The fused step reads the conv's output (the LIF's input) while it writes
  // the pool's: the two are live together from the LIF on.
  for (uint32_t seed : {1u, 2u}) {
    rt::Network net = prepare(smallConvNet(seed));
    const d::OutputLayout p = d::planWorkerOutputs(net, {});
    for (auto [conv, pool] : {std::pair{1, 3}, std::pair{4, 6}}) {
      ASSERT_GT(p.floats[conv], 0);
      ASSERT_GT(p.floats[pool], 0);
      EXPECT_EQ(p.floats[conv + 1], 0) << "the LIF keeps no spikes";
      const bool overlap = p.offset[conv] < p.offset[pool] + p.floats[pool] &&
                           p.offset[pool] < p.offset[conv] + p.floats[conv];
      EXPECT_FALSE(overlap) << conv << " and " << pool;
    }
  }
}

} // namespace

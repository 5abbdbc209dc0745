//===- PageArenaTest.cpp - the layout of a worker's layer outputs ---------===//
//
// planOutputs lays layer outputs over shared bytes where their lifetimes are
// disjoint. These tests check the one property the executor relies on (two
// outputs live at the same layer never overlap), on random lifetimes and on
// the case that once broke the delayed reset: an output carried into the
// block (live from layer 0) must not be overwritten by an earlier layer.
//
//===----------------------------------------------------------------------===//
#include "PageArena.h"
#include "snnc/runtime/HugePages.h"

#include <gtest/gtest.h>

#include <random>

using snnc::rt::detail::OutputLayout;
using snnc::rt::detail::planOutputs;

namespace {

/// Fails where two outputs live at the same layer share a float, or an
/// output runs past the slot or is not 64-byte aligned.
void expectDisjointWhileLive(const std::vector<int64_t> &floats,
                             const std::vector<int64_t> &first,
                             const std::vector<int64_t> &last,
                             const OutputLayout &p) {
  const size_t n = floats.size();
  for (size_t a = 0; a < n; ++a) {
    if (!floats[a])
      continue;
    EXPECT_EQ(p.offset[a] % 16, 0) << a;
    EXPECT_LE(p.offset[a] + floats[a], p.slotFloats) << a;
    for (size_t b = a + 1; b < n; ++b) {
      if (!floats[b])
        continue;
      const bool together = first[a] <= last[b] && first[b] <= last[a];
      const bool overlap = p.offset[a] < p.offset[b] + floats[b] &&
                           p.offset[b] < p.offset[a] + floats[a];
      EXPECT_FALSE(together && overlap) << a << " and " << b;
    }
  }
}

TEST(PageArena, ChainSharesBytesBetweenDeadOutputs) {
  // conv -> lif (listed: none) -> pool -> conv -> lif -> readout (whole).
  const std::vector<int64_t> floats{256, 0, 64, 128, 0, 10};
  const std::vector<int64_t> first{0, 1, 2, 3, 4, 0}, last{1, 2, 3, 4, 5, 6};
  OutputLayout p = planOutputs(floats, first, last);
  expectDisjointWhileLive(floats, first, last, p);
  // In order of first: the conv at 0, the readout after it; the pool on the
  // conv's bytes (dead after layer 1); the second conv after the pool.
  EXPECT_EQ(p.offset[0], 0);
  EXPECT_EQ(p.offset[5], 256);
  EXPECT_EQ(p.offset[2], 0);
  EXPECT_EQ(p.offset[3], 64);
  EXPECT_EQ(p.slotFloats, 272); // not 256 + 64 + 128 + 16
}

TEST(PageArena, CarriedOutputIsNotReusedByAnEarlierLayer) {
  // Layer 2 carries its value into the block (first 0), so layer 0's output
  // (dead after layer 1) must not lie on it.
  const std::vector<int64_t> floats{100, 100, 100};
  const std::vector<int64_t> first{0, 1, 0}, last{1, 2, 3};
  OutputLayout p = planOutputs(floats, first, last);
  expectDisjointWhileLive(floats, first, last, p);
  EXPECT_NE(p.offset[0], p.offset[2]);
}

TEST(PageArena, RandomLifetimesNeverOverlapWhileLive) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 30;
    std::vector<int64_t> floats(n), first(n), last(n);
    for (size_t l = 0; l < n; ++l) {
      floats[l] = rng() % 4 == 0 ? 0 : 1 + rng() % 500;
      first[l] = rng() % 5 == 0 ? 0 : static_cast<int64_t>(l);
      last[l] = first[l] + rng() % 6;
    }
    SCOPED_TRACE(trial);
    expectDisjointWhileLive(floats, first, last,
                            planOutputs(floats, first, last));
  }
}

} // namespace

// Every block allocateHuge hands out starts on a cache line: below
// kHugeMinBytes it once came from plain operator new (16 bytes, and 16 bytes
// past a page for glibc's large chunks), so every 512-bit load of a VGG
// layer's 64-float weight row spanned two lines.
TEST(HugePages, EveryBlockIsCacheLineAligned) {
  using namespace snnc::rt;
  for (size_t bytes : {size_t(4), size_t(1000), size_t(200) << 10,
                       kHugeMinBytes - 4, kHugeMinBytes, size_t(3) << 20}) {
    void *p = allocateHuge(bytes);
    ASSERT_NE(p, nullptr) << bytes;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kLineBytes, 0u) << bytes;
    if (bytes >= kHugeMinBytes)
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kHugePage, 0u) << bytes;
    freeHuge(p, bytes);
  }
}

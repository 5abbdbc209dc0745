//===- EncoderTest.cpp - Poisson encoder against independent values -------===//
//
// The expected 24-bit values were computed once with Python big integers (not
// with this code) from the formula in python/snncref/encoder.py; the spike rule
// is checked at its edges.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Encoder.h"

#include <gtest/gtest.h>

using namespace snnc::rt;

TEST(Encoder, HashMatchesPythonBigIntValues) {
  struct Case {
    uint64_t s, n, t, i, T, D, c, z40;
  } cases[] = {
      {0, 0, 0, 0, 20, 784, 0, 14819496},
      {0, 3, 7, 100, 20, 784, 52628, 7388453},
      {12345, 9999, 19, 783, 20, 784, 156799999, 3510099},
      {18446744073709551615ull, 1, 2, 3, 4, 5, 33, 15936136},
  };
  for (const Case &k : cases) {
    uint64_t c = poissonCounter(k.n, k.t, k.i, k.T, k.D);
    EXPECT_EQ(c, k.c);
    EXPECT_EQ(poissonUniform(k.s, c), static_cast<float>(k.z40) * 0x1p-24f);
  }
}

TEST(Encoder, SpikeRule) {
  EXPECT_EQ(poissonSpike(0.5f, 0.5f, 1.0f, true), 1.0f); // u*scale <= |x|
  EXPECT_EQ(poissonSpike(0.5f, 0.50001f, 1.0f, true), 0.0f);
  EXPECT_EQ(poissonSpike(-0.5f, 0.25f, 1.0f, true), -1.0f); // signed
  EXPECT_EQ(poissonSpike(-0.5f, 0.25f, 1.0f, false), 0.0f); // unsigned: never
  EXPECT_EQ(poissonSpike(0.0f, 0.0f, 1.0f, true), 0.0f);    // zero never spikes
  EXPECT_EQ(poissonSpike(0.3f, 0.5f, 0.5f, true), 1.0f);    // scale
}

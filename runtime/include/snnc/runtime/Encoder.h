//===- Encoder.h - the counter-based Poisson encoder ----------------------===//
//
// The deterministic, portable Poisson rate code shared with the Python
// reference (python/snncref/encoder.py): a SplitMix64-style hash of (seed,
// sample, step, element) gives a uniform u in [0, 1) with 24 bits, exact in
// float32; an element x spikes with sign(x) when u * scale <= |x|.
// Bit-identical to the reference by construction (integer hash, one float
// multiply, one float compare).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_ENCODER_H
#define SNNC_RUNTIME_ENCODER_H

#include <cstdint>

namespace snnc {
namespace rt {

/// Uniform u in [0, 1) for seed s and counter c = (n*T + t)*D + i (all mod
/// 2^64).
inline float poissonUniform(uint64_t seed, uint64_t counter) {
  uint64_t z = seed + (counter + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z = z ^ (z >> 31);
  return static_cast<float>(z >> 40) * 0x1p-24f;
}

/// Spike (-1, 0 or 1) of input value x for uniform u.
inline float poissonSpike(float x, float u, float scale, bool isSigned) {
  if (x == 0 || !(u * scale <= (x < 0 ? -x : x)))
    return 0.0f;
  if (x < 0)
    return isSigned ? -1.0f : 0.0f;
  return 1.0f;
}

/// Counter of (sample n, step t, element i) for T steps and D elements per
/// sample.
inline uint64_t poissonCounter(uint64_t n, uint64_t t, uint64_t i, uint64_t T,
                               uint64_t D) {
  return (n * T + t) * D + i;
}

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_ENCODER_H

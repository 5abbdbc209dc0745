//===- DeviceNet.h - flat network and buffers of the CUDA backend ---------===//
//
// The form of a Network that the CUDA kernels (and their host emulation) read:
// plain structs without pointers to host containers, so that one DLayer can be
// passed to a kernel by value. Parameters live in two blobs (float, int32)
// indexed by offsets; activations of a chunk of N samples live in arenas laid
// out layer-major ([layer][sample][element]). This header is compiled by nvcc
// and by the host C++ compiler; it includes nothing but <cstdint>, so no
// protobuf or standard-library container ever reaches device code. The
// arithmetic helpers round every float operation separately (no fused
// multiply-add), matching the CPU runtime's -ffp-contract=off.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDA_DEVICENET_H
#define SNNC_RUNTIME_CUDA_DEVICENET_H

#include <cstdint>

#ifdef __CUDACC__
#define SNNC_HD __host__ __device__ inline
#else
#define SNNC_HD inline
#endif

namespace snnc {
namespace rt {
namespace gpu {

/// Layer kinds, same numbering as rt::Kind.
enum DKind : int32_t {
  DEncode,
  DConv2d,
  DDense,
  DAvgPool,
  DMaxPool,
  DFlatten,
  DAdd,
  DAffine,
  DLif,
  DReadout
};

/// Synaptic path selection (RunOptions::mode).
enum DMode : int32_t { ModeAuto, ModeEvent, ModeDense };

/// Samples per decision tile of the dense-layer GEMM path (all samples of a
/// tile take the same path; both paths give the same bits).
constexpr int kDenseTile = 16;

/// --mode=auto's default densities above which a layer takes the gather path
/// (SNNC_CUDA_DENSE_FRACTION overrides them). Measured on an H200 with
/// bench/gpu/density_sweep.py (docs/gpu.md, 2026-12-04): a convolution's
/// gather kernel wins from a few percent of non-zero inputs on (the event
/// kernel gives each thread a sample's whole event list), while the dense
/// layers' tiled GEMM won at no density the shipped models reach (0.75 and 1
/// tied; 0.25 and below ran the MLP at half the speed).
struct GatherThresholds {
  float conv = 0.02f;
  float dense = 0.75f;
};
/// Threads per block of the per-sample kernels (compaction, reductions).
constexpr int kBlock = 256;

struct DLayer {
  int32_t kind = 0;
  int32_t in0 = -1, in1 = -1;
  int64_t numel = 0, channels = 1, spatial = 1;
  int32_t binary = 0;
  // ENCODE
  int32_t poisson = 0, encSigned = 0;
  float encScale = 1;
  // CONV2D / pools
  int32_t inC = 0, inH = 0, inW = 0, outC = 0, outH = 0, outW = 0;
  int32_t kh = 1, kw = 1, sh = 1, sw = 1, padT = 0, padL = 0, dh = 1, dw = 1;
  int32_t groups = 1, countIncludePad = 0;
  // CONV2D event kernel: output positions are split into `rowGroups` classes
  // (position % rowGroups); a thread owns one class of one output channel.
  int32_t rowGroups = 1;
  // CHANNEL_AFFINE rows; LIF reset
  int32_t rows = 1, hardReset = 0;
  // Offsets into the float parameter blob (-1: none).
  int64_t weight = -1, bias = -1, poolDiv = -1, scale = -1, shift = -1;
  int64_t thr = -1, leak = -1, lifBias = -1, gain = -1;
  // Offsets into the int32 parameter blob (-1: none).
  int64_t tapStart = -1, tapOut = -1, tapW = -1, tapClass = -1, gather = -1;
  // Arena offsets of this layer's per-chunk buffers ([N][numel] each; -1:
  // none): output and state (float arena), event values (float arena), event
  // indices (int arena) and event counts ([N], int arena).
  int64_t out = -1, state = -1, evVal = -1, evIdx = -1, evCount = -1;
  int32_t lifIndex = -1; // LIF: index among the LIF layers
  int32_t synIndex = -1; // CONV2D/DENSE: index among the synaptic layers
  // Integer (Loihi) models (docs/fixed-point.md, IntStepOps.h): every layer
  // but the encoder has `integer` set; its output `iout`, LIF state `iu`/`iv`,
  // convolution sums `isum` and event values `ievVal` are in the int arena,
  // the readout sums `lacc` in the int64 arena; the tables (int8 weights
  // widened) are in the int32 blob. The encoder keeps its float output and
  // also writes `iout`.
  int32_t integer = 0, weightExp = 0, du = 4096, reset = 0;
  int64_t iweight = -1, ibias = -1, idv = -1, ivth = -1, ilifBias = -1,
          isign = -1, ishift = -1;
  int64_t iout = -1, iu = -1, iv = -1, isum = -1, ievVal = -1, lacc = -1;
};

/// Everything a kernel needs besides its layer. Pointers are device pointers
/// on the GPU and host pointers in the emulation.
struct Ctx {
  const float *fparams = nullptr;
  const int32_t *iparams = nullptr;
  float *fa = nullptr;               // float arena
  int32_t *ia = nullptr;             // int arena
  const float *input = nullptr;      // [N][inputNumel], logical order
  int32_t *active = nullptr;         // [N]: 1 while the sample runs
  int32_t *done = nullptr;           // [N]: steps executed
  int32_t *spikes = nullptr;         // [N][lifs][steps]
  int32_t *predictions = nullptr;    // [N][steps] with recordPredictions
  unsigned long long *syn = nullptr; // [synaptic layers][N]
  long long *la = nullptr;           // int64 arena (integer models)
  float outputScale = 1;             // integer models: Network::outputScale
  const double *adLo = nullptr, *adHi = nullptr, *adMag = nullptr; // [K]
  int32_t n = 0;           // samples in this chunk
  int64_t firstSample = 0; // encoder sample index of row 0 of the chunk
  int32_t T = 1;           // the model's num_steps (encoder counter)
  int32_t steps = 1;       // steps of this run
  int32_t lifs = 0;
  int32_t mode = ModeAuto;
  GatherThresholds gather; // Auto: the gather path above these densities
  uint64_t seed = 0;
  int32_t recordPredictions = 0; // RunOptions::stepPredictions
};

SNNC_HD float fmulRn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

SNNC_HD float faddRn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

SNNC_HD float fsubRn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fsub_rn(a, b);
#else
  return a - b;
#endif
}

SNNC_HD float fdivRn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}

/// The counter-based Poisson encoder of docs/model-bin.md §4 (same formula as
/// Encoder.h; a unit test compares the two).
SNNC_HD float poissonUniformHD(uint64_t seed, uint64_t counter) {
  uint64_t z = seed + (counter + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z = z ^ (z >> 31);
  return fmulRn(static_cast<float>(z >> 40), 5.9604644775390625e-8f);
}

SNNC_HD float poissonSpikeHD(float x, float u, float scale, bool isSigned) {
  float ax = x < 0 ? -x : x;
  if (x == 0 || !(fmulRn(u, scale) <= ax))
    return 0.0f;
  if (x < 0)
    return isSigned ? -1.0f : 0.0f;
  return 1.0f;
}

} // namespace gpu
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_CUDA_DEVICENET_H

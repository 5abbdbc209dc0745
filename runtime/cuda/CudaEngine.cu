//===- CudaEngine.cu - kernels and device engine of the CUDA backend ------===//
//
// The Engine that runs a chunk of samples on the GPU. All buffers (parameter
// blobs, arenas, per-sample counters) are allocated once per run; a chunk
// uploads its inputs, then every step launches the layers' kernels on one
// stream with no host synchronisation until the chunk's results are copied
// back. Kernels wrap the per-thread operations of StepOps.h (grid y = sample).
// Block-cooperative parts live here: event compaction (warp ballot + block
// prefix, in ascending index order), spike and synaptic-event counts (block
// reduction, then one integer atomicAdd per block: exact in any order), and
// the dense layers' gather path as a shared-memory tiled GEMM over samples x
// outputs whose per-output sum still runs over the inputs in ascending order
// (so it equals the event path bit for bit). Compiled with -fmad=false.
// Integer (Loihi) models launch the kernels of CudaIntKernels.cuh instead
// (IntStepOps.h); that path is compiled but has not yet run on a GPU.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"
#include "IntStepOps.h"
#include "StepOps.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace snnc {
namespace rt {
namespace gpu {
namespace {

__global__ void encodeKernel(Ctx c, DLayer L, int t) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    encodeOp(c, L, blockIdx.y, p, t);
}

/// One block per sample: the ascending list of non-zero entries of `out`
/// (float outputs, or an integer model's int32 ones).
template <typename T>
__device__ void compactRow(const T *out, int64_t numel, int32_t *idx, T *val,
                           int32_t *count) {
  __shared__ int32_t warpCount[kBlock / 32];
  __shared__ int32_t base;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  if (tid == 0)
    base = 0;
  __syncthreads();
  for (int64_t start = 0; start < numel; start += kBlock) {
    int64_t p = start + tid;
    T v = p < numel ? out[p] : T(0);
    bool f = v != 0;
    unsigned mask = __ballot_sync(0xffffffffu, f);
    int before = __popc(mask & ((1u << lane) - 1u));
    if (lane == 0)
      warpCount[warp] = __popc(mask);
    __syncthreads();
    int32_t off = base;
    for (int w = 0; w < warp; ++w)
      off += warpCount[w];
    if (f) {
      idx[off + before] = static_cast<int32_t>(p);
      val[off + before] = v;
    }
    __syncthreads();
    if (tid == 0) {
      int32_t s = 0;
      for (int w = 0; w < kBlock / 32; ++w)
        s += warpCount[w];
      base += s;
    }
    __syncthreads();
  }
  if (tid == 0)
    *count = base;
}

__global__ void compactKernel(Ctx c, DLayer L) {
  const int n = blockIdx.x;
  if (!c.active[n])
    return;
  compactRow(outOf(c, L, n), L.numel, c.ia + L.evIdx + int64_t(n) * L.numel,
             c.fa + L.evVal + int64_t(n) * L.numel, c.ia + L.evCount + n);
}

/// One block per sample: weight additions of the events (exact integers).
__global__ void synCountKernel(Ctx c, DLayer L, DLayer P) {
  __shared__ unsigned long long part[kBlock];
  const int n = blockIdx.x, tid = threadIdx.x;
  if (!c.active[n])
    return;
  const int32_t nev = c.ia[P.evCount + n];
  const int32_t *idx = c.ia + P.evIdx + int64_t(n) * P.numel;
  unsigned long long s = 0;
  for (int32_t e = tid; e < nev; e += kBlock)
    s += static_cast<unsigned long long>(fanout(c, L, idx[e]));
  part[tid] = s;
  __syncthreads();
  for (int k = kBlock / 2; k > 0; k >>= 1) {
    if (tid < k)
      part[tid] += part[tid + k];
    __syncthreads();
  }
  if (tid == 0)
    c.syn[int64_t(L.synIndex) * c.n + n] += part[0];
}

__global__ void convEventKernel(Ctx c, DLayer L, DLayer P) {
  int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid < int64_t(L.rowGroups) * L.outC)
    convEventOp(c, L, P, blockIdx.y, tid);
}

__global__ void convGatherKernel(Ctx c, DLayer L, DLayer P) {
  int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid < L.numel)
    convGatherOp(c, L, P, blockIdx.y, tid);
}

__global__ void denseEventKernel(Ctx c, DLayer L, DLayer P) {
  int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o < L.numel)
    denseEventOp(c, L, P, blockIdx.y, o);
}

constexpr int kGemmO = 64, kGemmK = 32;

/// Dense layer, gather path: a tile of kDenseTile samples x 64 outputs per
/// block of 16 x 16 threads (4 outputs per thread), inputs staged in shared
/// memory 32 at a time and consumed in ascending order, zeros skipped.
__global__ void denseGemmKernel(Ctx c, DLayer L, DLayer P) {
  __shared__ float xs[kDenseTile][kGemmK + 1];
  __shared__ float ws[kGemmK][kGemmO];
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
  const int n0 = blockIdx.y * kDenseTile, n = n0 + ty;
  const int64_t O = L.numel, Kin = P.numel, o0 = int64_t(blockIdx.x) * kGemmO;
  if (!useGather(c, P, n0, kDenseTile,
                 c.gather.dense)) // same answer for the whole block
    return;
  float acc[4];
  for (int j = 0; j < 4; ++j) {
    int64_t o = o0 + tx + 16 * j;
    acc[j] = o < O ? c.fparams[L.bias + o] : 0.0f;
  }
  const float *in = c.fa + P.out;
  const float *w = c.fparams + L.weight;
  for (int64_t k0 = 0; k0 < Kin; k0 += kGemmK) {
    for (int i = tid; i < kDenseTile * kGemmK; i += 256) {
      int r = i / kGemmK, kk = i % kGemmK, nn = n0 + r;
      xs[r][kk] =
          (nn < c.n && k0 + kk < Kin) ? in[int64_t(nn) * Kin + k0 + kk] : 0.0f;
    }
    for (int i = tid; i < kGemmK * kGemmO; i += 256) {
      int kk = i / kGemmO, oo = i % kGemmO;
      ws[kk][oo] =
          (k0 + kk < Kin && o0 + oo < O) ? w[(k0 + kk) * O + o0 + oo] : 0.0f;
    }
    __syncthreads();
    for (int kk = 0; kk < kGemmK; ++kk) {
      float x = xs[ty][kk];
      if (x != 0)
        for (int j = 0; j < 4; ++j)
          acc[j] = faddRn(acc[j], fmulRn(x, ws[kk][tx + 16 * j]));
    }
    __syncthreads();
  }
  if (n < c.n && c.active[n])
    for (int j = 0; j < 4; ++j) {
      int64_t o = o0 + tx + 16 * j;
      if (o < O)
        outOf(c, L, n)[o] = acc[j];
    }
}

__global__ void poolKernel(Ctx c, DLayer L, DLayer P) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    poolOp(c, L, P, blockIdx.y, p);
}

__global__ void elementwiseKernel(Ctx c, DLayer L, DLayer P, DLayer Q, int t) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    elementwiseOp(c, L, P, Q, blockIdx.y, p, t);
}

/// Adds the block's spikes `s` (one per thread) to sample n's count of LIF
/// layer L at step t: warp ballots, then one integer atomicAdd per block.
__device__ void countSpikes(const Ctx &c, const DLayer &L, int n, int t,
                            int s) {
  __shared__ int32_t part[kBlock / 32];
  unsigned mask = __ballot_sync(0xffffffffu, s != 0);
  if ((threadIdx.x & 31) == 0)
    part[threadIdx.x >> 5] = __popc(mask);
  __syncthreads();
  if (threadIdx.x == 0) {
    int32_t total = 0;
    for (int w = 0; w < kBlock / 32; ++w)
      total += part[w];
    if (total)
      atomicAdd(&c.spikes[(int64_t(n) * c.lifs + L.lifIndex) * c.steps + t],
                total);
  }
}

__global__ void lifKernel(Ctx c, DLayer L, DLayer P, int t) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int n = blockIdx.y;
  countSpikes(c, L, n, t, p < L.numel ? lifOp(c, L, P, n, p, t) : 0);
}

#include "CudaIntKernels.cuh"

__global__ void settleKernel(Ctx c, DLayer R, int t, int remaining,
                             double eps) {
  int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n < c.n && c.active[n] && settledOp(c, R, n, remaining, c.steps, eps)) {
    c.active[n] = 0;
    c.done[n] = t + 1;
  }
}

__global__ void predictKernel(Ctx c, DLayer R, int t) {
  int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n < c.n)
    predictOp(c, R, n, t);
}

__global__ void initKernel(Ctx c) {
  int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n < c.n) {
    c.active[n] = 1;
    c.done[n] = c.steps;
  }
}

dim3 grid(int64_t threads, int n, int block = kBlock) {
  return dim3(static_cast<unsigned>((threads + block - 1) / block),
              static_cast<unsigned>(n));
}

#define SNNC_CUDA_TRY(call)                                                    \
  do {                                                                         \
    cudaError_t e_ = (call);                                                   \
    if (e_ != cudaSuccess) {                                                   \
      *error = std::string("cuda: ") + #call + ": " + cudaGetErrorString(e_);  \
      return false;                                                            \
    }                                                                          \
  } while (0)

class CudaEngine final : public Engine {
public:
  ~CudaEngine() override {
    for (void *p : allocations)
      cudaFree(p);
    if (stream)
      cudaStreamDestroy(stream);
  }

  bool init(std::string *error) {
    // Creates the context here, outside the timed part of a run.
    SNNC_CUDA_TRY(cudaFree(nullptr));
    SNNC_CUDA_TRY(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    return true;
  }

  int chunkCapacity(const Plan &plan, int64_t count) override {
    size_t freeB = 0, totalB = 0;
    if (cudaMemGetInfo(&freeB, &totalB) != cudaSuccess)
      freeB = size_t(1) << 30;
    size_t params = (plan.fparams.size() + plan.iparams.size()) * 4;
    size_t budget = freeB / 2 > params ? freeB / 2 - params : 0;
    budget = std::min<size_t>(budget, size_t(8) << 30);
    size_t perSample = (plan.floatPerSample + plan.intPerSample +
                        plan.inputNumel + plan.layers.size()) *
                           4 +
                       8 * plan.int64PerSample + 64 +
                       4 * size_t(plan.lifs) * plan.steps;
    int64_t n = std::max<int64_t>(1, budget / perSample);
    n = std::min<int64_t>({n, count, 16384});
    // The benchmark's batch size (bench/gpu): at most this many samples at
    // once.
    if (const char *m = std::getenv("SNNC_CUDA_MAX_CHUNK"))
      if (std::atoi(m) > 0)
        n = std::min<int64_t>(n, std::atoi(m));
    if (n > kDenseTile)
      n -= n % kDenseTile;
    return static_cast<int>(n);
  }

  template <typename T> bool alloc(T **p, size_t n, std::string *error) {
    SNNC_CUDA_TRY(cudaMalloc(reinterpret_cast<void **>(p),
                             std::max<size_t>(1, n) * sizeof(T)));
    allocations.push_back(*p);
    return true;
  }

  template <typename T>
  bool upload(T **p, const std::vector<T> &v, std::string *error) {
    if (!alloc(p, v.size(), error))
      return false;
    SNNC_CUDA_TRY(
        cudaMemcpy(*p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
    return true;
  }

  bool setup(const Plan &plan, const std::vector<double> &lo,
             const std::vector<double> &hi, const std::vector<double> &mag,
             std::string *error) override {
    chunk = plan.chunk;
    inputNumel = plan.inputNumel;
    synLayers = plan.synLayers;
    float *fp;
    int32_t *ip;
    double *l, *h, *m;
    if (!upload(&fp, plan.fparams, error) ||
        !upload(&ip, plan.iparams, error) || !upload(&l, lo, error) ||
        !upload(&h, hi, error) || !upload(&m, mag, error) ||
        !alloc(&fa, plan.floatArena, error) ||
        !alloc(&ia, plan.intArena, error) ||
        !alloc(&la, plan.int64Arena, error) ||
        !alloc(&input, size_t(chunk) * inputNumel, error) ||
        !alloc(&active, chunk, error) || !alloc(&done, chunk, error) ||
        !alloc(&syn, size_t(synLayers) * chunk, error))
      return false;
    fparams = fp;
    iparams = ip;
    adLo = l;
    adHi = h;
    adMag = m;
    floatArena = plan.floatArena;
    intArena = plan.intArena;
    int64Arena = plan.int64Arena;
    integer = plan.integer;
    return true;
  }

  bool beginChunk(const float *x, const Ctx &base,
                  std::string *error) override {
    c = base;
    size_t nsp = size_t(c.n) * c.lifs * c.steps;
    if (nsp > spikesCap) {
      if (!alloc(&spikes, nsp, error))
        return false;
      spikesCap = nsp;
    }
    size_t npred = c.recordPredictions ? size_t(c.n) * c.steps : 0;
    if (npred > predictionsCap) {
      if (!alloc(&predictions, npred, error))
        return false;
      predictionsCap = npred;
    }
    c.fparams = fparams;
    c.iparams = iparams;
    c.fa = fa;
    c.ia = ia;
    c.la = la;
    c.input = input;
    c.active = active;
    c.done = done;
    c.spikes = spikes;
    c.predictions = predictions;
    c.syn = syn;
    c.adLo = adLo;
    c.adHi = adHi;
    c.adMag = adMag;
    SNNC_CUDA_TRY(cudaMemcpyAsync(input, x, size_t(c.n) * inputNumel * 4,
                                  cudaMemcpyHostToDevice, stream));
    SNNC_CUDA_TRY(cudaMemsetAsync(fa, 0, floatArena * 4, stream));
    SNNC_CUDA_TRY(cudaMemsetAsync(ia, 0, intArena * 4, stream));
    if (int64Arena)
      SNNC_CUDA_TRY(cudaMemsetAsync(la, 0, int64Arena * 8, stream));
    if (nsp)
      SNNC_CUDA_TRY(cudaMemsetAsync(spikes, 0, nsp * 4, stream));
    SNNC_CUDA_TRY(cudaMemsetAsync(syn, 0, size_t(synLayers) * c.n * 8, stream));
    initKernel<<<(c.n + 127) / 128, 128, 0, stream>>>(c);
    SNNC_CUDA_TRY(cudaGetLastError());
    return true;
  }

  void encode(const DLayer &L, int t) override {
    if (integer)
      return void(
          intEncodeKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, t));
    encodeKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, t);
  }
  void compact(const DLayer &L) override {
    if (integer)
      return void(intCompactKernel<<<c.n, kBlock, 0, stream>>>(c, L));
    compactKernel<<<c.n, kBlock, 0, stream>>>(c, L);
  }
  void synCount(const DLayer &L, const DLayer &P) override {
    synCountKernel<<<c.n, kBlock, 0, stream>>>(c, L, P);
  }
  void conv(const DLayer &L, const DLayer &P) override {
    if (integer) {
      intConvSumKernel<<<grid(int64_t(L.rowGroups) * L.outC, c.n, 128), 128, 0,
                         stream>>>(c, L, P);
      intSynFinishKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L);
      return;
    }
    if (c.mode != ModeDense)
      convEventKernel<<<grid(int64_t(L.rowGroups) * L.outC, c.n, 128), 128, 0,
                        stream>>>(c, L, P);
    if (c.mode != ModeEvent)
      convGatherKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P);
  }
  void dense(const DLayer &L, const DLayer &P) override {
    if (integer)
      return void(
          intDenseKernel<<<grid(L.numel, c.n, 128), 128, 0, stream>>>(c, L, P));
    if (c.mode != ModeDense)
      denseEventKernel<<<grid(L.numel, c.n, 128), 128, 0, stream>>>(c, L, P);
    if (c.mode != ModeEvent) {
      dim3 g(static_cast<unsigned>((L.numel + kGemmO - 1) / kGemmO),
             static_cast<unsigned>((c.n + kDenseTile - 1) / kDenseTile));
      denseGemmKernel<<<g, dim3(16, 16), 0, stream>>>(c, L, P);
    }
  }
  void pool(const DLayer &L, const DLayer &P) override {
    if (integer)
      return void(
          intPoolKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P));
    poolKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P);
  }
  void elementwise(const DLayer &L, const DLayer &P, const DLayer &Q,
                   int t) override {
    if (integer)
      return void(
          intElementwiseKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L,
                                                                          P));
    elementwiseKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P, Q, t);
  }
  void lif(const DLayer &L, const DLayer &P, int t) override {
    if (integer)
      return void(
          intLifKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P, t));
    lifKernel<<<grid(L.numel, c.n), kBlock, 0, stream>>>(c, L, P, t);
  }
  void settle(const DLayer &R, int t, int remaining, double eps) override {
    settleKernel<<<(c.n + 127) / 128, 128, 0, stream>>>(c, R, t, remaining,
                                                        eps);
  }

  void predict(const DLayer &R, int t) override {
    if (integer)
      return void(
          intPredictKernel<<<(c.n + 127) / 128, 128, 0, stream>>>(c, R, t));
    predictKernel<<<(c.n + 127) / 128, 128, 0, stream>>>(c, R, t);
  }

  bool endChunk(const Plan &plan, ChunkResult *r, std::string *error) override {
    SNNC_CUDA_TRY(cudaGetLastError());
    const DLayer &R = plan.layers[plan.output];
    r->acc.resize(integer ? 0 : size_t(c.n) * R.numel);
    r->iacc.resize(integer ? size_t(c.n) * R.numel : 0);
    r->done.resize(c.n);
    r->spikes.resize(size_t(c.n) * c.lifs * c.steps);
    r->syn.resize(size_t(synLayers) * c.n);
    r->predictions.resize(c.recordPredictions ? size_t(c.n) * c.steps : 0);
    if (integer)
      SNNC_CUDA_TRY(cudaMemcpyAsync(r->iacc.data(), la + R.lacc,
                                    r->iacc.size() * 8, cudaMemcpyDeviceToHost,
                                    stream));
    else
      SNNC_CUDA_TRY(cudaMemcpyAsync(r->acc.data(), fa + R.state,
                                    r->acc.size() * 4, cudaMemcpyDeviceToHost,
                                    stream));
    SNNC_CUDA_TRY(cudaMemcpyAsync(r->done.data(), done, r->done.size() * 4,
                                  cudaMemcpyDeviceToHost, stream));
    if (!r->spikes.empty())
      SNNC_CUDA_TRY(cudaMemcpyAsync(r->spikes.data(), spikes,
                                    r->spikes.size() * 4,
                                    cudaMemcpyDeviceToHost, stream));
    SNNC_CUDA_TRY(cudaMemcpyAsync(r->syn.data(), syn, r->syn.size() * 8,
                                  cudaMemcpyDeviceToHost, stream));
    if (!r->predictions.empty())
      SNNC_CUDA_TRY(cudaMemcpyAsync(r->predictions.data(), predictions,
                                    r->predictions.size() * 4,
                                    cudaMemcpyDeviceToHost, stream));
    SNNC_CUDA_TRY(cudaStreamSynchronize(stream));
    return true;
  }

  const char *name() const override { return "cuda"; }
  bool runsInteger() const override { return true; }

private:
  cudaStream_t stream = nullptr;
  std::vector<void *> allocations;
  Ctx c;
  int chunk = 0, synLayers = 0;
  int64_t inputNumel = 0, floatArena = 0, intArena = 0, int64Arena = 0;
  bool integer = false;
  long long *la = nullptr;
  size_t spikesCap = 0, predictionsCap = 0;
  const float *fparams = nullptr;
  const int32_t *iparams = nullptr;
  float *fa = nullptr, *input = nullptr;
  int32_t *ia = nullptr, *active = nullptr, *done = nullptr, *spikes = nullptr,
          *predictions = nullptr;
  unsigned long long *syn = nullptr;
  const double *adLo = nullptr, *adHi = nullptr, *adMag = nullptr;
};

bool deviceReady(std::string *error) {
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    *error = std::string("--backend=cuda: no CUDA device (") +
             (e != cudaSuccess ? cudaGetErrorString(e) : "0 devices") +
             "), so this machine runs the 'cpu' backend only";
    return false;
  }
  SNNC_CUDA_TRY(cudaSetDevice(0));
  return true;
}

} // namespace

std::unique_ptr<Engine> makeCudaEngine(std::string *error) {
  if (!deviceReady(error))
    return nullptr;
  auto e = std::make_unique<CudaEngine>();
  if (!e->init(error))
    return nullptr;
  return e;
}

bool cudaDeviceInfoImpl(std::string *info, std::string *error) {
  if (!deviceReady(error))
    return false;
  cudaDeviceProp p;
  SNNC_CUDA_TRY(cudaGetDeviceProperties(&p, 0));
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s (sm_%d%d, %.1f GiB, %d SMs)", p.name,
                p.major, p.minor, double(p.totalGlobalMem) / (1 << 30),
                p.multiProcessorCount);
  *info = buf;
  return true;
}

} // namespace gpu
} // namespace rt
} // namespace snnc

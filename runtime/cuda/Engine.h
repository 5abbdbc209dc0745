//===- Engine.h - plan of a run and the interface of its executors --------===//
//
// A Plan is a Network flattened for the CUDA backend: DLayers, parameter blobs
// and the per-chunk arena layout. An Engine executes the plan's layer
// operations for one chunk of samples: the CUDA engine (CudaEngine.cu)
// launches kernels on one stream and synchronises only at the end of a chunk;
// the host engine (HostEngine.cpp) calls the same per-thread operations of
// StepOps.h in loops, which lets the CPU-only test suite check the GPU
// algorithm's arithmetic against the CPU backend. The step loop that calls
// the operations is shared (Driver.cpp). Protobuf-free, so nvcc can include
// it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDA_ENGINE_H
#define SNNC_RUNTIME_CUDA_ENGINE_H

#include "DeviceNet.h"

#include <memory>
#include <string>
#include <vector>

namespace snnc {
namespace rt {
namespace gpu {

struct Plan {
  std::vector<DLayer> layers;
  std::vector<float> fparams;
  std::vector<int32_t> iparams;
  std::vector<char> wantEvents; // per layer: compact its output every step
  int output = 0;               // READOUT layer
  int lifs = 0, synLayers = 0;
  int64_t inputNumel = 0;
  int steps = 0;          // steps of the run
  int chunk = 0;          // samples per chunk (arena layout)
  int64_t floatArena = 0; // elements, for `chunk` samples
  int64_t intArena = 0;   // elements, for `chunk` samples
  int64_t int64Arena = 0; // elements, for `chunk` samples (integer)
  bool integer = false;   // an integer (Loihi) model: IntStepOps.h
  float outputScale = 1;
  int64_t floatPerSample = 0; // arena elements per sample
  int64_t intPerSample = 0;
  int64_t int64PerSample = 0;
};

/// Sets every DLayer's arena offsets for chunks of `chunk` samples.
void layoutArenas(Plan *plan, int chunk);

/// Per-chunk results copied back to the host.
struct ChunkResult {
  std::vector<float> acc;              // [n][classes] readout sums
  std::vector<long long> iacc;         // integer models: [n][classes]
  std::vector<int32_t> done;           // [n] steps executed
  std::vector<int32_t> spikes;         // [n][lifs][steps]
  std::vector<unsigned long long> syn; // [synLayers][n]
  std::vector<int32_t> predictions;    // [n][steps] with recordPredictions
};

class Engine {
public:
  virtual ~Engine() = default;
  /// Samples per chunk this engine can hold for `plan` (before layoutArenas).
  virtual int chunkCapacity(const Plan &plan, int64_t count) = 0;
  /// Allocates the arenas of plan.chunk samples and uploads the parameters.
  virtual bool setup(const Plan &plan, const std::vector<double> &adLo,
                     const std::vector<double> &adHi,
                     const std::vector<double> &adMag, std::string *error) = 0;
  /// Uploads `c.n` input rows, zeroes the state, marks all samples active with
  /// done = c.steps. `c` carries the scalar fields of the run.
  virtual bool beginChunk(const float *input, const Ctx &c,
                          std::string *error) = 0;
  virtual void encode(const DLayer &L, int t) = 0;
  virtual void compact(const DLayer &L) = 0;
  virtual void synCount(const DLayer &L, const DLayer &P) = 0;
  virtual void conv(const DLayer &L, const DLayer &P) = 0;
  virtual void dense(const DLayer &L, const DLayer &P) = 0;
  virtual void pool(const DLayer &L, const DLayer &P) = 0;
  virtual void elementwise(const DLayer &L, const DLayer &P, const DLayer &Q,
                           int t) = 0;
  virtual void lif(const DLayer &L, const DLayer &P, int t) = 0;
  virtual void settle(const DLayer &R, int t, int remaining, double eps) = 0;
  /// Records every sample's prediction after step t (Ctx::recordPredictions).
  virtual void predict(const DLayer &R, int t) = 0;
  /// Waits for the chunk and copies its results.
  virtual bool endChunk(const Plan &plan, ChunkResult *out,
                        std::string *error) = 0;
  virtual const char *name() const = 0;
  /// Whether the engine has the integer operations (IntStepOps.h).
  virtual bool runsInteger() const { return false; }
};

std::unique_ptr<Engine> makeHostEngine(int chunk);
#ifdef SNNC_HAVE_CUDA
/// Null with `error` set ("no CUDA device: ...") when no device is usable.
std::unique_ptr<Engine> makeCudaEngine(std::string *error);
/// Name, compute capability, memory and SMs of device 0, or false.
bool cudaDeviceInfoImpl(std::string *info, std::string *error);
#endif

} // namespace gpu
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_CUDA_ENGINE_H

//===- CudaIntKernels.cuh - the CUDA kernels of integer (Loihi) models ----===//
//
// Included by CudaEngine.cu only (it needs compactRow and countSpikes from
// there). Each kernel wraps an IntStepOps.h operation (grid y = sample), as
// the float kernels wrap StepOps.h; the formulas are IntRules.h's. Integer
// models take one synaptic path (every sum is exact) and never stop early.
// Compiled with nvcc; not yet run on a GPU (docs/gpu.md, Status).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_CUDA_CUDAINTKERNELS_CUH
#define SNNC_RUNTIME_CUDA_CUDAINTKERNELS_CUH

__global__ void intEncodeKernel(Ctx c, DLayer L, int t) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    intEncodeOp(c, L, blockIdx.y, p, t);
}

/// One block per sample: the ascending list of non-zero integer outputs.
__global__ void intCompactKernel(Ctx c, DLayer L) {
  const int n = blockIdx.x;
  if (!c.active[n])
    return;
  compactRow(intOutOf(c, L, n), L.numel, c.ia + L.evIdx + int64_t(n) * L.numel,
             c.ia + L.ievVal + int64_t(n) * L.numel, c.ia + L.evCount + n);
}

__global__ void intConvSumKernel(Ctx c, DLayer L, DLayer P) {
  int64_t tid = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (tid < int64_t(L.rowGroups) * L.outC)
    intConvSumOp(c, L, P, blockIdx.y, tid);
}

__global__ void intSynFinishKernel(Ctx c, DLayer L) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    intSynFinishOp(c, L, blockIdx.y, p);
}

__global__ void intDenseKernel(Ctx c, DLayer L, DLayer P) {
  int64_t o = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o < L.numel)
    intDenseOp(c, L, P, blockIdx.y, o);
}

__global__ void intPoolKernel(Ctx c, DLayer L, DLayer P) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    intPoolOp(c, L, P, blockIdx.y, p);
}

__global__ void intElementwiseKernel(Ctx c, DLayer L, DLayer P) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (p < L.numel)
    intElementwiseOp(c, L, P, blockIdx.y, p);
}

__global__ void intLifKernel(Ctx c, DLayer L, DLayer P, int t) {
  int64_t p = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  const int n = blockIdx.y;
  countSpikes(c, L, n, t, p < L.numel ? intLifOp(c, L, P, n, p, t) : 0);
}

__global__ void intPredictKernel(Ctx c, DLayer R, int t) {
  int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n < c.n)
    intPredictOp(c, R, n, t);
}

#endif // SNNC_RUNTIME_CUDA_CUDAINTKERNELS_CUH

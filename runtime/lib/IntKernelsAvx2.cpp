//===- IntKernelsAvx2.cpp - the integer step kernels built for AVX2
//---------===//
//
// Compiles IntKernels.cpp again in namespace fixed::avx2 with the AVX2
// instructions enabled (runtime/CMakeLists.txt), so that the int8 x int32
// scatter loops of the synaptic layers are vectorised; integer arithmetic
// gives the baseline's bits. Without that build it falls back to the
// baseline table.
//
//===----------------------------------------------------------------------===//
#if defined(SNNC_HAVE_AVX2_BUILD)
#define SNNC_INT_NS avx2
#define SNNC_INT_ISA "avx2"
#define SNNC_INT_SECOND_COPY
#include "IntKernels.cpp"
#else
#include "IntKernels.h"
namespace snnc {
namespace rt {
namespace fixed {
namespace avx2 {
const IntKernelTable &table() { return baseline::table(); }
} // namespace avx2
} // namespace fixed
} // namespace rt
} // namespace snnc
#endif

//===- KernelsAvx512.cpp - the step kernels built for AVX-512 -------------===//
//
// Compiles Kernels.cpp a third time, with AVX-512 F/BW/VL (no FMA, 512-bit
// vectors preferred) in namespace detail::avx512, so that the channel loops
// use zmm registers on CPUs that have them. Like the AVX2 copy it contracts no
// multiply-add and reassociates nothing (-ffp-contract=off, no fast-math):
// every lane computes the same float operations as the baseline, so all
// tables give the same bits. kernels() (KernelsAvx2.cpp) picks the table.
//
//===----------------------------------------------------------------------===//
#if defined(SNNC_HAVE_AVX512_BUILD)
#define SNNC_KERNEL_NS avx512
#define SNNC_KERNEL_ISA "avx512"
#include "Kernels.cpp"
#else
#include "Kernels.h"
namespace snnc {
namespace rt {
namespace detail {
namespace avx512 {
const KernelTable &table() { return baseline::table(); }
} // namespace avx512
} // namespace detail
} // namespace rt
} // namespace snnc
#endif

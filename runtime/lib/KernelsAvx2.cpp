//===- KernelsAvx2.cpp - the step kernels built for AVX2 ------------------===//
//
// Compiles Kernels.cpp a second time, with -mavx2 (no FMA) and in namespace
// detail::avx2, so that the vector loops use 256-bit registers on CPUs that
// have them; kernels() below picks the table at run time.
//
//===----------------------------------------------------------------------===//
#if defined(SNNC_HAVE_AVX2_BUILD)
#define SNNC_KERNEL_NS avx2
#define SNNC_KERNEL_ISA "avx2"
#include "Kernels.cpp"
#else
#include "Kernels.h"
namespace snnc {
namespace rt {
namespace detail {
namespace avx2 {
const KernelTable &table() { return baseline::table(); }
} // namespace avx2
} // namespace detail
} // namespace rt
} // namespace snnc
#endif

#include <cstdlib>
#include <cstring>

namespace snnc {
namespace rt {
namespace detail {

const KernelTable &kernels() {
  static const KernelTable *best = [] {
    const char *force = std::getenv("SNNC_KERNELS");
    if (force && std::strcmp(force, "baseline") == 0)
      return &baseline::table();
#if defined(SNNC_HAVE_AVX2_BUILD)
    if (__builtin_cpu_supports("avx2"))
      return &avx2::table();
#endif
    return &baseline::table();
  }();
  return *best;
}

} // namespace detail
} // namespace rt
} // namespace snnc

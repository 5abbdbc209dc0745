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

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace snnc {
namespace rt {
namespace detail {

/// The best table this CPU runs, or the one SNNC_KERNELS=avx512|avx2|baseline
/// names. A forced ISA the CPU (or the build) lacks falls back to the next one
/// down, and an unknown name to the best table, each with a one-line warning on
/// stderr, so a forced name never crashes; kernelIsa() and run.json's
/// "kernels" report the table used.
const KernelTable &kernels() {
  static const KernelTable *best = [] {
    const char *force = std::getenv("SNNC_KERNELS");
    int cap = 2; // 2 = avx512, 1 = avx2, 0 = baseline
    if (force && *force) {
      if (std::strcmp(force, "baseline") == 0)
        cap = 0;
      else if (std::strcmp(force, "avx2") == 0)
        cap = 1;
      else if (std::strcmp(force, "avx512") != 0)
        cap = -1;
    }
    const KernelTable *t = &baseline::table();
#if defined(SNNC_HAVE_AVX2_BUILD)
    if (cap != 0 && __builtin_cpu_supports("avx2"))
      t = &avx2::table();
#endif
#if defined(SNNC_HAVE_AVX512_BUILD)
    if ((cap == 2 || cap == -1) && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
      t = &avx512::table();
#endif
    if (cap == -1)
      std::fprintf(stderr,
                   "warning: SNNC_KERNELS=%s is not avx512, avx2 or baseline; "
                   "using the %s kernels\n",
                   force, t->isa);
    else if (force && *force && std::strcmp(force, t->isa) != 0)
      std::fprintf(stderr,
                   "warning: SNNC_KERNELS=%s: this CPU or build has no %s "
                   "kernels; using the %s kernels\n",
                   force, force, t->isa);
    return t;
  }();
  return *best;
}

} // namespace detail
} // namespace rt
} // namespace snnc

//===- HugePages.h - 2 MiB-page memory for the runtime's large tables -----===//
//
// The one owner of how the runtime asks for transparent huge pages: a block
// of at least kHugeMinBytes is taken 2 MiB aligned, rounded up to whole
// 2 MiB pages and advised MADV_HUGEPAGE (a hint: where the kernel does not
// grant it, or on other systems, the block is ordinary memory); a smaller
// one comes from operator new. Two users: the executor's PageArena (a
// worker's layer outputs, written in full every step, where huge pages save
// the first-touch faults) and HugePageAllocator, the allocator of the
// blocked weights (Network.h), whose rows the gathers read in random order:
// with 4 KiB pages a 64-channel block of a VGG layer (1-2 MiB) spans
// hundreds of pages, more than the first-level data TLB holds. VGG11 at
// 10 % firing, T_exit, batch 64, 2 threads (AMD EPYC avx512f/bw/vl,
// THP=madvise): 1.84 -> 1.60 CPU s (median of 5 interleaved runs).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_HUGEPAGES_H
#define SNNC_RUNTIME_HUGEPAGES_H

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace snnc {
namespace rt {

/// The huge page size asked for, and the smallest block that gets one
/// (below it the rounding up would waste more than the TLB saves).
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeMinBytes = size_t(1) << 20;
/// The alignment of a smaller block: a cache line, so that a 64-float weight
/// row at a multiple of 64 floats is whole cache lines (operator new gives 16
/// bytes, and glibc's large chunks sit 16 bytes past a page: every 512-bit
/// load of such a row then spans two lines).
constexpr size_t kLineBytes = 64;

/// `bytes` rounded up to whole huge pages.
inline size_t wholeHugePages(size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

/// The bytes allocateHuge reserves for a request of `bytes`.
inline size_t hugeRounded(size_t bytes) {
  return bytes < kHugeMinBytes ? bytes : wholeHugePages(bytes);
}

/// A block of `bytes` (null when out of memory), freed by freeHuge with the
/// same `bytes`.
inline void *allocateHuge(size_t bytes) {
  if (bytes < kHugeMinBytes)
    return ::operator new(bytes, std::align_val_t(kLineBytes), std::nothrow);
  const size_t size = hugeRounded(bytes);
  void *p = std::aligned_alloc(kHugePage, size);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (p)
    madvise(p, size, MADV_HUGEPAGE); // a hint: failure changes nothing
#endif
  return p;
}
inline void freeHuge(void *p, size_t bytes) {
  if (bytes < kHugeMinBytes)
    ::operator delete(p, std::align_val_t(kLineBytes));
  else
    std::free(p);
}

/// A std::vector allocator over allocateHuge.
template <class T> struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U> HugePageAllocator(const HugePageAllocator<U> &) {}
  T *allocate(size_t n) {
    void *p = allocateHuge(n * sizeof(T));
    if (!p)
      throw std::bad_alloc();
    return static_cast<T *>(p);
  }
  void deallocate(T *p, size_t n) { freeHuge(p, n * sizeof(T)); }
  template <class U> bool operator==(const HugePageAllocator<U> &) const {
    return true;
  }
  template <class U> bool operator!=(const HugePageAllocator<U> &) const {
    return false;
  }
};

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_HUGEPAGES_H

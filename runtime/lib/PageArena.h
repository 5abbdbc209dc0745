//===- PageArena.h - one huge-page block for a worker's step buffers ------===//
//
// Internal to the executor. A worker's layer outputs, one buffer per layer
// and (sample, step) slot, are many vectors of up to a few hundred KiB that
// every step writes in full: at batch 1 about 40 MiB for VGG9, first touched
// 4 KiB page by page, one page fault each. On a virtual machine that was 40 %
// of the CPU time of a one-sample VGG9 run at 10 % firing, 2 threads (AMD EPYC
// avx512f/bw/vl under Firecracker: 0.110 ->
// 0.068 s with 2 MiB pages). A PageArena is one block of whole 2 MiB pages
// (allocateHuge, snnc/runtime/HugePages.h), from which ArenaAllocator hands out
// pieces; they are freed with the arena. Event lists, written only up to their
// count, stay on 4 KiB pages (NoInit in Kernels.h): in a huge page all of one
// would be faulted in.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PAGEARENA_H
#define SNNC_RUNTIME_PAGEARENA_H

#include "snnc/runtime/HugePages.h"

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

namespace snnc {
namespace rt {
namespace detail {

/// A bump allocator over one block of `bytes` (rounded up to 2 MiB); pieces
/// are 64-byte aligned. A request that does not fit goes to the heap.
class PageArena {
public:
  static constexpr size_t kAlign = 64;
  explicit PageArena(size_t bytes) {
    size = wholeHugePages(bytes);
    if (size == 0)
      return;
    base = static_cast<char *>(allocateHuge(size));
    if (!base)
      size = 0;
  }
  ~PageArena() {
    if (base)
      freeHuge(base, size);
  }
  PageArena(const PageArena &) = delete;
  PageArena &operator=(const PageArena &) = delete;

  /// Rounds a request up as take() does, for sizing an arena.
  static size_t rounded(size_t bytes) {
    return (bytes + kAlign - 1) / kAlign * kAlign;
  }
  void *take(size_t bytes) {
    bytes = rounded(bytes);
    if (base && bytes <= size - used) {
      void *p = base + used;
      used += bytes;
      return p;
    }
    return ::operator new(bytes);
  }
  void give(void *p) {
    char *c = static_cast<char *>(p);
    if (!base || c < base || c >= base + size)
      ::operator delete(p);
  }

private:
  char *base = nullptr;
  size_t size = 0, used = 0;
};

/// A std::vector allocator drawing from a PageArena (none: the heap). It
/// moves with its vector on move assignment, so a vector built with an arena
/// keeps it.
template <class T> struct ArenaAllocator {
  using value_type = T;
  using propagate_on_container_move_assignment = std::true_type;
  PageArena *arena = nullptr;
  ArenaAllocator() = default;
  explicit ArenaAllocator(PageArena *a) : arena(a) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U> &o) : arena(o.arena) {}
  T *allocate(size_t n) {
    void *p =
        arena ? arena->take(n * sizeof(T)) : ::operator new(n * sizeof(T));
    return static_cast<T *>(p);
  }
  void deallocate(T *p, size_t) {
    if (arena)
      arena->give(p);
    else
      ::operator delete(p);
  }
  template <class U> bool operator==(const ArenaAllocator<U> &o) const {
    return arena == o.arena;
  }
  template <class U> bool operator!=(const ArenaAllocator<U> &o) const {
    return arena != o.arena;
  }
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_PAGEARENA_H

//===- PageArena.h - a worker's layer outputs: layout and huge-page block -===//
//
// Internal to the executor. A worker keeps one output buffer per layer and
// (sample, step) slot: vectors of up to a few hundred KiB that every step
// writes in full. Two things keep their first touch cheap:
// - planOutputs lays the layers of a slot out over the same bytes where
//   their lifetimes are disjoint (a layer's output is live from the layer to
//   its last consumer in a step block), so a slot holds the largest live set
//   rather than every layer: VGG11's 1352 KiB of layer outputs per slot
//   become 268 KiB (with the listed LIF layers', OutputPlan.h, dropped).
//   Fresh memory costs a page fault and a zeroing by the kernel: on the
//   Firecracker VM of bench/README.md `perf` put the zeroing at 1.4-15 % of
//   a VGG11 run at batch 64 (10 % firing, 2 threads), varying run to run.
// - PageArena is the one block of whole 2 MiB pages (allocateHuge,
//   snnc/runtime/HugePages.h) that the slots live in: one page fault per
//   2 MiB instead of per 4 KiB. A one-sample VGG9 run at 10 % firing, 2
//   threads (AMD EPYC avx512f/bw/vl under Firecracker): 0.110 -> 0.068 CPU s.
// Event lists, written only up to their count, stay on 4 KiB pages (NoInit in
// Kernels.h): in a huge page all of one would be faulted in.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PAGEARENA_H
#define SNNC_RUNTIME_PAGEARENA_H

#include "snnc/runtime/HugePages.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// Where each layer's output lies in a slot (floats from the slot's start,
/// each 64-byte aligned), and the slot's size in floats.
struct OutputLayout {
  std::vector<int64_t> floats, offset; // per layer
  int64_t slotFloats = 0;
};

/// Lays out outputs of `floats[l]` floats (0: none), each live from layer
/// first[l] through layer last[l] >= first[l] of a block (layers run in index
/// order; an output that carries a value into the block, such as the delayed
/// reset's previous spikes, has first 0): first fit in order of first, so
/// that two outputs share bytes only where one's last use comes before the
/// other is live.
inline OutputLayout planOutputs(const std::vector<int64_t> &floats,
                                const std::vector<int64_t> &first,
                                const std::vector<int64_t> &last) {
  constexpr int64_t kAlignFloats = 16;
  struct Live {
    int64_t begin, end, last;
  };
  OutputLayout p;
  p.floats = floats;
  p.offset.assign(floats.size(), 0);
  std::vector<size_t> order(floats.size());
  for (size_t l = 0; l < order.size(); ++l)
    order[l] = l;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return first[a] != first[b] ? first[a] < first[b] : a < b;
  });
  std::vector<Live> live; // by begin
  for (size_t l : order) {
    live.erase(std::remove_if(live.begin(), live.end(),
                              [&](const Live &b) { return b.last < first[l]; }),
               live.end());
    if (floats[l] == 0)
      continue;
    const int64_t n =
        (floats[l] + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
    int64_t at = 0;
    auto gap = live.begin();
    for (; gap != live.end() && gap->begin < at + n; ++gap)
      at = std::max(at, gap->end);
    live.insert(gap, Live{at, at + n, last[l]});
    p.offset[l] = at;
    p.slotFloats = std::max(p.slotFloats, at + n);
  }
  return p;
}

/// One block of `bytes` rounded up to whole 2 MiB pages (so even a small
/// worker's outputs get a huge page where the kernel grants one), freed with
/// the arena; null data() when out of memory.
class PageArena {
public:
  explicit PageArena(size_t bytes)
      : size(wholeHugePages(bytes)),
        base(size ? static_cast<float *>(allocateHuge(size)) : nullptr) {}
  ~PageArena() {
    if (base)
      freeHuge(base, size);
  }
  PageArena(const PageArena &) = delete;
  PageArena &operator=(const PageArena &) = delete;
  float *data() const { return base; }

private:
  size_t size;
  float *base;
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_PAGEARENA_H

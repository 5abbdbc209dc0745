//===- EventLists.h - joining and indexing a layer's event list -----------===//
//
// Internal to the executor. When a team of threads splits a layer step by
// positions, each part lists its events from its own first index on, and
// joinParts closes the gaps in part order, so the list ascends as if one
// thread had written it. indexByPosition then gives a gather convolution
// the first event of every position (Buf::pos).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_EVENTLISTS_H
#define SNNC_RUNTIME_EVENTLISTS_H

#include "Kernels.h"

#include <cstdint>
#include <cstring>

namespace snnc {
namespace rt {
namespace detail {

/// Joins the event lists of `parts` position ranges of b (part p listed
/// counts[p] events from index S * p / parts * C on); returns the total.
inline int64_t joinParts(Buf &b, const int64_t *counts, int parts, int64_t S,
                         int64_t C) {
  int64_t n = counts[0];
  for (int p = 1; p < parts; ++p) {
    const int64_t from = S * p / parts * C, k = counts[p];
    if (from != n) {
      std::memmove(b.idx.data() + n, b.idx.data() + from, k * sizeof(int32_t));
      std::memmove(b.val.data() + n, b.val.data() + from, k * sizeof(float));
    }
    n += k;
  }
  return n;
}

/// b.pos[s] = the first event at position s or later (events ascend), for
/// the S + 1 positions of layer L.
inline void indexByPosition(Buf &b, const Layer &L) {
  const int64_t S = L.spatial, C = L.channels;
  int64_t e = 0;
  for (int64_t s = 0; s <= S; ++s) {
    const int64_t limit = s * C;
    while (e < b.nev && b.idx[e] < limit)
      ++e;
    b.pos[s] = static_cast<int32_t>(e);
  }
}

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_EVENTLISTS_H

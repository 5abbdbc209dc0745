//===- OutputPlan.cpp - which layer outputs a worker keeps, and how long --===//
//
// The rules of OutputPlan.h. Measured effect (VGG11 at 10 % firing, batch
// 64, 2 threads, AMD EPYC avx512f/bw/vl): listing only the spikes of LIF
// layers whose consumers read lists took their layers from 0.157 to 0.135 s
// (per-layer wall sums of 3 runs) and peak RSS from 397 to 320 MiB; sharing
// the bytes of outputs with disjoint lifetimes, 320 to 258 MiB (docs/
// runtime.md).
//
//===----------------------------------------------------------------------===//
#include "OutputPlan.h"

#include "KernelsCuba.h"

#include <algorithm>

namespace snnc {
namespace rt {
namespace detail {

bool readsEventList(const Network &net, const Layer &C, Mode mode) {
  return mode != Mode::Dense &&
         (C.kind == Kind::Conv2d || C.kind == Kind::Dense ||
          (C.kind == Kind::AvgPool && net.layers[C.inputs[0]].binary));
}

std::vector<bool> spikesOnlyListed(const Network &net, const RunOptions &opt) {
  std::vector<bool> listed(net.layers.size(), false);
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer &L = net.layers[l];
    listed[l] = L.kind == Kind::Lif && L.reset != Reset::SubtractDelayed &&
                opt.mode != Mode::Dense && static_cast<int>(l) != net.output;
  }
  for (const Layer &C : net.layers)
    if (!readsEventList(net, C, opt.mode))
      for (int i : C.inputs)
        listed[i] = false;
  return listed;
}

std::vector<int> poolsWithLif(const Network &net, const RunOptions &opt) {
  const std::vector<bool> listed = spikesOnlyListed(net, opt);
  const size_t n = net.layers.size();
  std::vector<int> consumers(n, 0), pool(n, -1);
  for (const Layer &C : net.layers)
    for (int i : C.inputs)
      ++consumers[i];
  for (size_t p = 0; p < n; ++p) {
    const Layer &P = net.layers[p];
    if (P.kind != Kind::AvgPool || P.inputs.size() != 1)
      continue;
    const int l = P.inputs[0];
    const Layer &L = net.layers[l];
    const bool tiles = P.kh == P.sh && P.kw == P.sw && P.padT == 0 &&
                       P.padL == 0 && P.padB == 0 && P.padR == 0 && P.dh == 1 &&
                       P.dw == 1 && P.outH * P.kh == P.inH &&
                       P.outW * P.kw == P.inW && P.inC == L.channels;
    if (listed[l] && !hasSynapse(L) && consumers[l] == 1 && tiles &&
        l < static_cast<int>(p))
      pool[l] = static_cast<int>(p);
  }
  return pool;
}

OutputLayout planWorkerOutputs(const Network &net, const RunOptions &opt) {
  const size_t n = net.layers.size();
  const std::vector<bool> listed = spikesOnlyListed(net, opt);
  const std::vector<int> withLif = poolsWithLif(net, opt);
  std::vector<int64_t> floats(n), first(n), last(n);
  for (size_t l = 0; l < n; ++l) {
    const Layer &L = net.layers[l];
    floats[l] = listed[l] ? 0 : L.numel;
    const bool whole =
        (L.kind == Kind::Lif && L.reset == Reset::SubtractDelayed) ||
        static_cast<int>(l) == net.output;
    first[l] = whole ? 0 : static_cast<int64_t>(l);
    last[l] = whole ? static_cast<int64_t>(n) : static_cast<int64_t>(l);
  }
  for (size_t l = 0; l < n; ++l)
    if (withLif[l] >= 0)
      first[withLif[l]] = std::min(first[withLif[l]], static_cast<int64_t>(l));
  for (size_t c = 0; c < n; ++c)
    for (int i : net.layers[c].inputs)
      if (static_cast<size_t>(i) < c) {
        last[i] = std::max(last[i], static_cast<int64_t>(c));
      } else { // read before it is written: it carries a value
        first[i] = 0;
        last[i] = static_cast<int64_t>(n);
      }
  return planOutputs(floats, first, last);
}

} // namespace detail
} // namespace rt
} // namespace snnc

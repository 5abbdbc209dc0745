//===- Team.h - the threads that split one sample's layer steps -----------===//
//
// Internal to the executor (Executor.cpp): with fewer samples in flight than
// threads, a worker's Team runs the parts of each synaptic and LIF layer step
// of its sample on several threads. Parts are claimed dynamically, and each
// part computes whole output values, so which thread runs which part never
// changes a result.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_TEAM_H
#define SNNC_RUNTIME_TEAM_H

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace snnc {
namespace rt {
namespace detail {

/// Threads that run the parts of one layer step: run(n, f) calls f(part) once
/// for every part in [0, n) and returns when all are done. Parts are claimed
/// from a shared counter by whichever thread is running (the caller too), so
/// a helper the OS has descheduled on a busy machine delays at most the part
/// it holds; which thread runs a part does not matter, because a part computes
/// whole output values. Helpers spin briefly on a generation counter, then
/// yield (a layer step takes microseconds to milliseconds).
class Team {
public:
  explicit Team(int n) : n(n) {
    for (int i = 1; i < n; ++i)
      helpers.emplace_back([this] { loop(); });
  }
  ~Team() {
    stop.store(true);
    gen.fetch_add(1);
    for (auto &t : helpers)
      t.join();
  }
  int size() const { return n; }

  template <typename F> void run(int parts, F &&f) {
    if (n == 1 || parts == 1) {
      for (int p = 0; p < parts; ++p)
        f(p);
      return;
    }
    const uint64_t id = ++jobs;
    Slot &slot = ring[id & 3];
    slot.fn.store([](void *c, int part) { (*static_cast<F *>(c))(part); });
    slot.ctx.store(&f);
    slot.parts.store(parts);
    done.store(0);
    next.store(id << 32);
    gen.store(id);
    work(id);
    for (int spin = 0; done.load() != parts; ++spin)
      relax(spin);
  }

private:
  // A job's parameters live in a ring slot, its claim counter in `next` as
  // (job id << 32 | next part): a late helper that read a reused slot fails
  // its claim, because the id in `next` has moved on.
  struct Slot {
    std::atomic<void (*)(void *, int)> fn{nullptr};
    std::atomic<void *> ctx{nullptr};
    std::atomic<int> parts{0};
  };
  int n;
  uint64_t jobs = 0; // caller only
  Slot ring[4];
  std::atomic<uint64_t> next{0}, gen{0};
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> helpers;

  static void relax(int spin) {
#if defined(__SSE2__)
    if (spin < 2000) {
      _mm_pause();
      return;
    }
#endif
    std::this_thread::yield();
  }
  void work(uint64_t id) {
    Slot &slot = ring[id & 3];
    auto fn = slot.fn.load();
    void *ctx = slot.ctx.load();
    const uint64_t parts = static_cast<uint64_t>(slot.parts.load());
    for (uint64_t w = next.load();;) {
      if ((w >> 32) != id || (w & 0xffffffffu) >= parts)
        return;
      if (!next.compare_exchange_weak(w, w + 1))
        continue;
      fn(ctx, static_cast<int>(w & 0xffffffffu));
      done.fetch_add(1);
      w = next.load();
    }
  }
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      for (int spin = 0; gen.load() == seen; ++spin)
        relax(spin);
      seen = gen.load();
      if (stop.load())
        return;
      work(seen);
    }
  }
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_TEAM_H

//===- Executor.cpp - step loop, modes, adaptive exit and threads ---------===//
//
// runNetwork() gives each worker thread its own workspace (one buffer set per
// layer, allocated once) and lets the workers pull sample indices from an
// atomic counter. One sample runs its steps in blocks (kMaxPairs = 64 steps
// alone, 64 / 8 in a group of 8); in each block every layer runs once in
// topological order, for all steps of the block. With 16 or more samples in
// flight a worker takes groups of up to 8 samples and runs them together: a
// synaptic layer's kernel then gets every (sample, step) pair of the group and
// block in one call, which loads each weight once for all of them; every pair
// is computed exactly as alone, so the results do not change. A synaptic layer
// (and an average pool of spikes) runs event-driven unless Mode::Dense is asked
// for; every layer such a consumer reads keeps an event list. In Mode::Auto a
// nearly all non-zero input is read densely instead. With fewer samples than
// threads, a worker gets a Team: the threads split each convolution, dense and
// LIF step of its sample into parts (output channel blocks and positions; see
// Kernels.h), with a barrier after each. With RunOptions::stepPredictions a
// sample's prediction is recorded after every step (the readout divided by the
// steps so far, as at the end). Counts are accumulated per worker in int64 and
// summed at the end, so they do not depend on threads.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Executor.h"

#include "BatchRunner.h"
#include "EventLists.h"
#include "IntExecutor.h"
#include "Kernels.h"
#include "KernelsCuba.h"
#include "OutputPlan.h"
#include "PageArena.h"
#include "Team.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <new>
#include <thread>

namespace snnc {
namespace rt {

using detail::Buf;
using detail::indexByPosition;
using detail::joinParts;
using detail::Source;
using detail::Team;

namespace {

class Worker {
public:
  Worker(const Network &net, const RunOptions &opt, int steps, int teamSize,
         int group)
      : net(net), opt(opt), steps(steps), K(detail::kernels()), team(teamSize),
        lanes(group) {
    size_t n = net.layers.size();
    adaptive = opt.adaptive && adaptiveBounds(net, &lo, &hi, &mag);
    // Steps run in blocks, layer by layer within a block: a layer's weights
    // are loaded once per block. Per-step decisions (adaptive exit, per-step
    // predictions) need blocks of one step. A kernel call takes up to
    // kMaxPairs (lane, step) pairs, so a lone sample runs more steps per block.
    block = adaptive || opt.stepPredictions
                ? 1
                : std::min(steps, std::max(1, detail::kMaxPairs / lanes));
    slots.assign(lanes * block, std::vector<Buf>(n));
    home.assign(lanes * n, 0);
    sampleOut.assign(lanes, nullptr);
    srcs.resize(lanes * block);
    outs.resize(lanes * block);
    wantEvents.assign(n, false);
    poolWith = detail::poolsWithLif(net, opt);
    pooledByLif.assign(n, false);
    std::vector<bool> wantPos(n, false);
    for (size_t l = 0; l < n; ++l) {
      const Layer &L = net.layers[l];
      for (int g = 0; g < lanes; ++g) {
        Buf &b = at(l, g, 0);
        if (carriesState(L))
          b.state.assign(L.numel, 0.0f);
        if (detail::hasSynapse(L))
          b.syn.assign(L.numel, 0.0f);
        if (L.kind == Kind::Encode)
          b.aux.assign(L.numel * L.encSteps, 0.0f);
      }
      if (detail::readsEventList(net, L, opt.mode))
        wantEvents[L.inputs[0]] = true;
      // Gather convolutions read events by position.
      if (L.kind == Kind::Conv2d && L.groups == 1 && opt.mode != Mode::Dense)
        wantPos[L.inputs[0]] = true;
    }
    for (size_t l = 0; l < n; ++l)
      if (poolWith[l] >= 0) { // its pool, computed with it, reads no list
        wantEvents[l] = false;
        pooledByLif[poolWith[l]] = true;
      }
    layOutOutputs();
    for (std::vector<Buf> &slot : slots)
      for (size_t l = 0; l < n; ++l) {
        const Layer &L = net.layers[l];
        if (wantEvents[l] || L.kind == Kind::Encode ||
            (L.kind == Kind::Lif && poolWith[l] < 0)) {
          slot[l].idx.resize(L.numel);
          slot[l].val.resize(L.numel);
        }
        if (wantPos[l])
          slot[l].pos.assign(L.spatial + 1, 0);
      }
    stats.spikes.resize(n);
    for (size_t l = 0; l < n; ++l)
      if (net.layers[l].kind == Kind::Lif)
        stats.spikes[l].assign(steps, 0);
    stats.syn.assign(n, 0);
    if (opt.layerSeconds)
      stats.seconds.assign(n, 0.0);
    lifIndex.assign(n, -1);
    for (size_t l = 0, k = 0; l < n; ++l)
      if (net.layers[l].kind == Kind::Lif)
        lifIndex[l] = static_cast<int>(k++);
    if (adaptive)
      eps = adaptiveEpsilon(net, steps);
  }

  /// Runs the n <= lanes samples of `jobs` together, lane g = jobs[g]: each
  /// block of steps runs layer by layer for all lanes, so that a synaptic
  /// layer's kernel gets the (sample, step) pairs of the whole group in one
  /// call and loads its weights once for all of them. Writes each sample's
  /// readout values (and, when stepPred is set, its prediction after every
  /// step) and steps executed.
  void runGroup(detail::SampleJob *jobs, int n) {
    for (int g = 0; g < n; ++g) {
      sampleOut[g] = jobs[g].spikes;
      for (size_t l = 0; l < net.layers.size(); ++l) {
        const Layer &L = net.layers[l];
        Buf &b = at(l, g);
        std::fill(b.state.begin(), b.state.end(), 0.0f);
        std::fill(b.syn.begin(), b.syn.end(), 0.0f);
        // s_{-1} = 0 for the delayed reset, which step 0 reads from slot 0
        // (the other resets do not read a layer's previous spikes).
        if (L.kind == Kind::Lif && L.reset == Reset::SubtractDelayed)
          std::fill(at(l, g, 0).out.begin(), at(l, g, 0).out.end(), 0.0f);
        if (L.kind == Kind::Encode)
          K.encodeSetup(L, jobs[g].x, b);
      }
    }
    int done = 0;
    for (int t0 = 0; t0 < steps; t0 += block) {
      const int nb = std::min(block, steps - t0);
      for (size_t l = 0; l < net.layers.size(); ++l)
        runTimed(static_cast<int>(l), t0, nb, jobs, n);
      done = t0 + nb;
      for (int g = 0; g < n; ++g)
        if (jobs[g].stepPred) // block == 1
          jobs[g].stepPred[t0] = predictAfter(g, done);
      if (adaptive && done < steps && settled(steps - done)) // lanes == 1
        break;
    }
    for (int g = 0; g < n; ++g) {
      readoutValues(g, done, jobs[g].outputs);
      jobs[g].steps = done;
    }
  }

  detail::LayerStats stats;

private:
  const Network &net;
  const RunOptions &opt;
  int steps;
  const detail::KernelTable &K;
  Team team;
  // Per part (and step): the events a LIF part listed (with its pool: the
  // pool's), and the spikes of a LIF run with its pool.
  std::vector<int64_t> partEvents;
  std::vector<int64_t> partSpikes;
  std::vector<int64_t> pairSyn; // synaptic events of each pair
  /// Samples run together (lanes) and steps per block (kMaxPairs / lanes,
  /// or 1); one buffer set per lane and step of a block: slot
  /// g * block + k, layer l, holds layer l's output for lane g at step
  /// t0 + k. A layer's running
  /// state (membrane, readout sum, encoder input) lives in lane g's slot
  /// home[g * layers + l] and moves with the step that uses it.
  int lanes = 1;
  int block = 1;
  // Every slot's layer outputs (declared before `slots`, which it outlives).
  std::unique_ptr<detail::PageArena> arena;
  std::vector<std::vector<Buf>> slots;
  std::vector<int> home;
  std::vector<Source> srcs; // a synaptic kernel's (lane, step) pairs
  std::vector<float *> outs;
  std::vector<int> lifIndex; // per layer: index among LIF layers, or -1
  std::vector<bool> wantEvents;
  // Per LIF layer: the average pool run with it (lifPoolStep), or -1; per
  // layer: whether it is such a pool.
  std::vector<int> poolWith;
  std::vector<bool> pooledByLif;
  // Per lane: [LIF layers][steps] of its sample, or null.
  std::vector<int32_t *> sampleOut;
  bool adaptive = false;
  std::vector<double> lo, hi, mag;
  double eps = 0;
  std::vector<float> scratch; // readout values for predictAfter

  /// The prediction if the sample stopped after `done` steps, computed exactly
  /// as runGroup's final outputs and runNetwork's argmaxFirst.
  int32_t predictAfter(int g, int done) {
    const Layer &R = net.layers[net.output];
    scratch.resize(R.numel);
    readoutValues(g, done, scratch.data());
    return argmaxFirst(scratch.data(), R.numel);
  }

  /// The readout's value after `done` steps: the mean over steps, or the
  /// membrane of a leaky-integrator readout.
  void readoutValues(int g, int done, float *outputs) const {
    const Layer &R = net.layers[net.output];
    const float *acc = at(net.output, g).state.data();
    for (int64_t k = 0; k < R.numel; ++k)
      outputs[k] = R.membrane ? acc[k] : acc[k] / static_cast<float>(done);
  }

  /// Whether a non-synaptic layer keeps state from step to step (a membrane
  /// or an accumulator in Buf::state), so that its steps run in order and
  /// the state moves with them (take); the others are functions of one
  /// step's inputs.
  static bool carriesState(const Layer &L) {
    return L.kind == Kind::Lif || L.kind == Kind::Readout;
  }

  /// Gives every slot's layers their outputs in one arena, laid out by
  /// planWorkerOutputs (OutputPlan.h).
  void layOutOutputs() {
    const size_t n = net.layers.size();
    const detail::OutputLayout plan = detail::planWorkerOutputs(net, opt);
    const size_t bytes = sizeof(float) * plan.slotFloats * slots.size();
    arena = std::make_unique<detail::PageArena>(bytes);
    if (bytes && !arena->data())
      throw std::bad_alloc();
    if (bytes)
      std::memset(arena->data(), 0, bytes);
    for (size_t k = 0; k < slots.size(); ++k)
      for (size_t l = 0; l < n; ++l)
        if (plan.floats[l])
          slots[k][l].out = {arena->data() + k * plan.slotFloats +
                                 plan.offset[l],
                             plan.floats[l]};
  }

  /// Layer l's buffers of lane g at block slot k; at(l, g) is the slot
  /// holding its state.
  Buf &at(size_t l, int g, int k) { return slots[g * block + k][l]; }
  int &homeOf(size_t l, int g) { return home[g * net.layers.size() + l]; }
  Buf &at(size_t l, int g) { return at(l, g, homeOf(l, g)); }
  const Buf &at(size_t l, int g) const {
    return slots[g * block + home[g * net.layers.size() + l]][l];
  }

  /// Moves layer l's running state of lane g into slot k (O(1) swaps).
  Buf &take(size_t l, int g, int k) {
    int &h = homeOf(l, g);
    if (h != k) {
      Buf &from = at(l, g, h), &to = at(l, g, k);
      std::swap(from.state, to.state);
      std::swap(from.aux, to.aux);
      std::swap(from.syn, to.syn);
      h = k;
    }
    return at(l, g, k);
  }

  Source source(int l, int g, int k) {
    const Layer &L = net.layers[l];
    const Buf &b = at(l, g, k);
    Source s{b.out.empty() ? nullptr : b.out.data(),
             b.idx.data(),
             b.val.data(),
             b.pos.empty() ? nullptr : b.pos.data(),
             b.nev,
             L.numel,
             false,
             L.binary};
    s.positive = L.binary && L.bounded && L.lo >= 0;
    if (opt.mode == Mode::Dense)
      return s;
    s.events = true;
    // Auto: an almost fully active input is cheaper to read densely (same sums
    // either way).
    if (opt.mode == Mode::Auto && b.nev * 8 > L.numel * 7 && s.dense)
      s.events = false;
    return s;
  }

  /// Runs layer l for steps t0 .. t0 + nb - 1 (block slots 0 .. nb - 1) of
  /// the n lanes of `jobs`; a synaptic layer as one kernel call over all
  /// n * nb (lane, step) pairs.
  /// runLayer, its wall time added to stats.seconds[l] when that is kept.
  void runTimed(int l, int t0, int nb, const detail::SampleJob *jobs, int n) {
    if (stats.seconds.empty() || pooledByLif[l]) // its LIF's time has it
      return runLayer(l, t0, nb, jobs, n);
    const auto start = std::chrono::steady_clock::now();
    runLayer(l, t0, nb, jobs, n);
    stats.seconds[l] +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }

  void runLayer(int l, int t0, int nb, const detail::SampleJob *jobs, int n) {
    const Layer &L = net.layers[l];
    if (pooledByLif[l]) // ran with its LIF (runLifPoolBlock)
      return;
    if (L.kind == Kind::Conv2d || L.kind == Kind::Dense) {
      for (int g = 0; g < n; ++g)
        for (int k = 0; k < nb; ++k) {
          srcs[g * nb + k] = source(L.inputs[0], g, k);
          outs[g * nb + k] = at(l, g, k).out.data();
        }
      auto kernel = L.kind == Kind::Conv2d ? K.convStep : K.denseStep;
      const int parts = partsOf(L);
      int64_t syn = 0;
      team.run(parts, [&](int part) {
        int64_t e = kernel(L, srcs.data(), outs.data(), n * nb, part, parts);
        if (part == 0)
          syn = e;
      });
      stats.syn[l] += syn;
      for (int g = 0; g < n; ++g)
        for (int k = 0; k < nb; ++k)
          finish(l, at(l, g, k), false);
      return;
    }
    if (L.kind == Kind::Lif && poolWith[l] >= 0)
      return runLifPoolBlock(l, t0, nb, n);
    if (L.kind == Kind::Lif && !detail::hasSynapse(L))
      return runLifBlock(l, t0, nb, n);
    if (carriesState(L)) {
      for (int g = 0; g < n; ++g)
        for (int k = 0; k < nb; ++k)
          finish(l, at(l, g, k),
                 runOne(l, t0 + k, g, k, jobs[g].index, nullptr));
      return;
    }
    // The other layers are functions of one step's inputs: the pairs go to
    // the team (each writes only its own slot).
    pairSyn.assign(n * nb, 0);
    team.run(n * nb, [&](int p) {
      const int g = p / nb, k = p - g * nb;
      finish(l, at(l, g, k),
             runOne(l, t0 + k, g, k, jobs[g].index, &pairSyn[p]));
    });
    for (int64_t e : pairSyn)
      stats.syn[l] += e;
  }

  /// A LIF layer without a synaptic current for the nb steps of a block, lane
  /// by lane. A neuron's steps are sequential but neurons are independent:
  /// the team's parts split the positions and each runs all nb steps of its
  /// positions (one team call per block, not per step: VGG9 at 10 % firing,
  /// batch 1, 2 threads, AMD EPYC avx512f/bw/vl: 0.49 -> 0.46 CPU s for 8
  /// samples, with the pairs of the other non-synaptic layers split too); each
  /// step's spike lists are joined in part order. Parts of a few KiB of
  /// membranes per step were slower at batch 64 (lif1 0.08 -> 0.11 s): more
  /// streams, shorter runs.
  void runLifBlock(int l, int t0, int nb, int n) {
    const Layer &L = net.layers[l];
    const int64_t S = L.spatial, C = L.channels;
    const int parts = partsOf(L);
    partEvents.assign(static_cast<size_t>(parts) * nb, 0);
    for (int g = 0; g < n; ++g) {
      float *u = at(l, g).state.data();
      team.run(parts, [&](int part) {
        const int64_t s0 = S * part / parts, s1 = S * (part + 1) / parts;
        for (int k = 0; k < nb; ++k) {
          Buf &b = at(l, g, k);
          const int t = t0 + k, prev = k == 0 ? block - 1 : k - 1;
          // The delayed reset reads the previous step's spikes from b.out.
          if (L.reset == Reset::SubtractDelayed && prev != k && t > 0)
            std::memcpy(b.out.data() + s0 * C,
                        at(l, g, prev).out.data() + s0 * C,
                        sizeof(float) * (s1 - s0) * C);
          partEvents[k * parts + part] =
              K.lifStep(L, t, at(L.inputs[0], g, k).out.data(), u, b, s0, s1);
        }
      });
      for (int k = 0; k < nb; ++k) {
        Buf &b = at(l, g, k);
        b.nev = joinParts(b, partEvents.data() + k * parts, parts, S, C);
        countSpikes(l, g, t0 + k, b.nev);
        finish(l, b, true);
      }
    }
  }

  /// LIF layer l and the average pool that alone reads its spikes
  /// (poolWith[l]) for the nb steps of a block, as runLifBlock but in parts
  /// of the pool's output positions: lifPoolStep updates a window's neurons
  /// and pools their spikes at once, so the LIF's spikes are neither stored
  /// nor listed; the pool's lists are joined in part order.
  void runLifPoolBlock(int l, int t0, int nb, int n) {
    const Layer &L = net.layers[l];
    const int p = poolWith[l];
    const Layer &P = net.layers[p];
    const int64_t Q = P.outH * P.outW, C = L.channels;
    const int parts = static_cast<int>(std::min<int64_t>(partsOf(L), Q));
    partEvents.assign(static_cast<size_t>(parts) * nb, 0);
    partSpikes.assign(static_cast<size_t>(parts) * nb, 0);
    for (int g = 0; g < n; ++g) {
      float *u = at(l, g).state.data();
      team.run(parts, [&](int part) {
        const int64_t q0 = Q * part / parts, q1 = Q * (part + 1) / parts;
        for (int k = 0; k < nb; ++k) {
          const size_t i = static_cast<size_t>(k) * parts + part;
          partEvents[i] =
              K.lifPoolStep(L, P, t0 + k, at(L.inputs[0], g, k).out.data(), u,
                            at(p, g, k), q0, q1, &partSpikes[i]);
        }
      });
      for (int k = 0; k < nb; ++k) {
        Buf &b = at(p, g, k);
        int64_t fired = 0;
        for (int part = 0; part < parts; ++part)
          fired += partSpikes[static_cast<size_t>(k) * parts + part];
        countSpikes(l, g, t0 + k, fired);
        if (wantEvents[p])
          b.nev = joinParts(b, partEvents.data() + k * parts, parts, Q, C);
        finish(p, b, true);
      }
    }
  }

  /// Records the n spikes of LIF layer l, lane g, step t.
  void countSpikes(int l, int g, int t, int64_t n) {
    stats.spikes[l][t] += n;
    if (sampleOut[g])
      sampleOut[g][lifIndex[l] * steps + t] = static_cast<int32_t>(n);
    stats.neuronUpdates += net.layers[l].numel;
  }

  /// Builds the event list of a layer's output when a consumer reads one and
  /// the kernel did not (`scanned`), and its index by position.
  void finish(int l, Buf &b, bool scanned) {
    if (!scanned && wantEvents[l])
      K.scanEvents(b, net.layers[l].numel);
    if (!b.pos.empty())
      indexByPosition(b, net.layers[l]);
  }

  /// Runs a non-synaptic layer l of lane g at step t (slot k); true when the
  /// kernel listed its non-zero outputs itself. Only LIF and READOUT layers
  /// move their state (take); the others write slot k alone, so that pairs
  /// can run in parallel, and add their synaptic events to *syn.
  bool runOne(int l, int t, int g, int k, uint64_t sampleIndex, int64_t *syn) {
    const Layer &L = net.layers[l];
    Buf &b = carriesState(L) ? take(l, g, k) : at(l, g, k);
    auto input = [&](int i) { return at(L.inputs[i], g, k).out.data(); };
    switch (L.kind) {
    case Kind::Encode: // its sample stays in the home slot's aux
      K.encodeStep(L, opt.seed, sampleIndex, t, net.steps, at(l, g).aux.data(),
                   b);
      return true;
    case Kind::AvgPool:
      *syn += K.avgPoolStep(L, source(L.inputs[0], g, k), b.out.data());
      return false;
    case Kind::MaxPool:
      K.maxPoolStep(L, input(0), b.out.data());
      return false;
    case Kind::Flatten: {
      const float *in = input(0);
      for (int64_t j = 0; j < L.numel; ++j)
        b.out[j] = in[L.gather[j]];
      return false;
    }
    case Kind::Add: {
      const float *a = input(0), *c = input(1);
      for (int64_t p = 0; p < L.numel; ++p)
        b.out[p] = a[p] + c[p];
      return false;
    }
    case Kind::Affine: {
      const float *in = input(0);
      int64_t C = L.channels, r = L.rows == 1 ? 0 : t;
      const float *sc = L.scale.data() + r * C, *sh = L.shift.data() + r * C;
      for (int64_t s = 0; s < L.spatial; ++s)
        for (int64_t c = 0; c < C; ++c)
          b.out[s * C + c] = sc[c] * in[s * C + c] + sh[c];
      return false;
    }
    case Kind::Lif: {
      // The delayed reset reads the previous step's spikes from b.out.
      const int prev = k == 0 ? block - 1 : k - 1;
      if (L.reset == Reset::SubtractDelayed && prev != k && t > 0)
        std::copy(at(l, g, prev).out.begin(), at(l, g, prev).out.end(),
                  b.out.begin());
      const float *x = input(0);
      if (detail::hasSynapse(L))
        x = detail::cubaSynapse(L, x, b.syn);
      countSpikes(l, g, t, lifParts(L, t, x, b));
      return true;
    }
    case Kind::Readout: {
      const float *in = input(0);
      if (detail::hasSynapse(L))
        in = detail::cubaSynapse(L, in, b.syn);
      if (!L.membrane) {
        for (int64_t p = 0; p < L.numel; ++p)
          b.state[p] += in[p];
        return false;
      }
      for (int64_t s = 0, C = L.channels; s < L.spatial; ++s)
        for (int64_t c = 0; c < C; ++c) {
          float &acc = b.state[s * C + c];
          acc = L.roLeak[c] * acc + L.roGain[c] * in[s * C + c] + L.roBias[c];
        }
      return false;
    }
    case Kind::Conv2d:
    case Kind::Dense:
      break; // runLayer
    }
    return false;
  }

  /// Parts of a layer step for the team: a few per thread (a busy machine
  /// may stall one thread; the others take its share), at most one per
  /// position of a LIF layer. 1 without a team.
  int partsOf(const Layer &L) const {
    if (team.size() == 1)
      return 1;
    int64_t parts = 4 * team.size();
    if (L.kind == Kind::Lif)
      parts = std::min<int64_t>(parts, L.spatial);
    return static_cast<int>(std::max<int64_t>(1, parts));
  }

  /// The LIF step split over the team by positions; joins the parts' event
  /// lists (each part listed its spikes from its first element on) in order.
  int64_t lifParts(const Layer &L, int t, const float *x, Buf &b) {
    const int parts = partsOf(L);
    const int64_t S = L.spatial, C = L.channels;
    float *u = b.state.data();
    if (parts == 1)
      return b.nev = K.lifStep(L, t, x, u, b, 0, S);
    partEvents.assign(parts, 0);
    team.run(parts, [&](int part) {
      partEvents[part] =
          K.lifStep(L, t, x, u, b, S * part / parts, S * (part + 1) / parts);
    });
    return b.nev = joinParts(b, partEvents.data(), parts, S, C);
  }

  /// True when the top-1 class of the accumulator cannot change in `remaining`
  /// more steps.
  bool settled(int remaining) const {
    const float *acc = at(net.output, 0).state.data();
    int64_t K = net.layers[net.output].numel;
    int64_t lead = 0;
    for (int64_t k = 1; k < K; ++k)
      if (acc[k] > acc[lead])
        lead = k;
    double R = remaining, total = steps;
    double low = double(acc[lead]) + R * lo[lead];
    for (int64_t k = 0; k < K; ++k) {
      if (k == lead)
        continue;
      double high = double(acc[k]) + R * hi[k];
      double margin =
          eps * (std::fabs(double(acc[lead])) + std::fabs(double(acc[k])) +
                 total * (mag[lead] + mag[k])) +
          1e-30;
      if (!(low > high + margin))
        return false;
    }
    return true;
  }
};

} // namespace

/// The batch (--batch, or the samples given) from which workers run groups of
/// samples together, and the largest group. Memory grows with the pairs of a
/// block (one buffer set per lane and step). CPU seconds of 64 samples at
/// batch 64, T_exit (AMD EPYC, AVX-512, 2 threads): groups of 8 x 8 steps
/// 1.88 (VGG9) and 1.52 (VGG11), of 4 x 16 steps 1.99 and 1.62, and 4 x 8
/// with the per-pair gather (before KernelsPairs.inc) 2.28 and 2.50; peak RSS
/// (VGG9) 426 MiB against 247 MiB for 32 pairs.
constexpr int64_t kMinGroupBatch = 16, kMaxGroup = 8;

bool runNetwork(const Network &net, const Batch &batch, const RunOptions &opt,
                RunResult *out, std::string *error) {
  int steps = 0;
  if (!checkRunRequest(net, batch, opt, &steps, error))
    return false;
  if (net.integer) // docs/fixed-point.md
    return runIntegerNetwork(net, batch, opt, steps, out, error);
  detail::RunTimer timer;
  // Samples go to workers; with fewer samples than threads, each worker's
  // team splits its sample's layers instead. With a batch of 16 or more, a
  // worker runs up to kMaxGroup samples together (Worker::runGroup), except
  // where samples need step-major order of their own (adaptive exit, per-step
  // predictions).
  const detail::ThreadSplit split = detail::splitThreads(opt, batch.count);
  int64_t inFlight = std::max<int64_t>(1, batch.count);
  if (opt.batch > 0)
    inFlight = std::min(inFlight, opt.batch);
  // The batch asked for (--batch), or else the samples given, decides.
  int group = 1;
  if ((opt.batch > 0 ? opt.batch : batch.count) >= kMinGroupBatch &&
      !opt.adaptive && !opt.stepPredictions)
    group = static_cast<int>(std::clamp<int64_t>(
        (inFlight + split.workers - 1) / split.workers, 1, kMaxGroup));
  detail::runSamples(
      net, batch, opt, steps, split.workers,
      [&] { return Worker(net, opt, steps, split.team, group); }, timer, out,
      group);
  return true;
}

} // namespace rt
} // namespace snnc

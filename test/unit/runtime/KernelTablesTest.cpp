//===- KernelTablesTest.cpp - every kernel table gives the same bits ------===//
//
// The executor uses one kernel table per process (kernels(), chosen by CPU
// features or SNNC_KERNELS), so the ctest runs per ISA compare whole runs only
// across processes. This test compares the tables side by side in one
// process: every table this CPU can execute (baseline always; AVX2 and
// AVX-512 F/BW/VL where __builtin_cpu_supports says so) runs the same encoder,
// convolution (event and dense inputs, several (sample, step) pairs, several
// parts), dense, average pool and LIF steps of a prepared network on the same
// random inputs, and every output must have the bits of the baseline's. It
// also checks that kernels() picks the best table the CPU has unless
// SNNC_KERNELS caps it.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"
#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include "snnc/runtime/Network.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

using namespace snnc;
using namespace snnc::test;
namespace d = snnc::rt::detail;

namespace {

/// The tables this CPU executes, baseline first.
std::vector<const d::KernelTable *> runnableTables() {
  std::vector<const d::KernelTable *> t{&d::baseline::table()};
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2"))
    t.push_back(&d::avx2::table());
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    t.push_back(&d::avx512::table());
#endif
  return t;
}

/// ModelBuilder.h's wide network (conv 1->40 and 40->80 in channel blocks of
/// 32 + 8 and 64 + 16, dense 100), no exit before T, a biased first
/// convolution and an encoder of scale 2.
rt::Network tableNet() { return prepare(wideNet(5, 6, 2.0f, true)); }

/// The values of a test input: random reals, spikes of both signs, or
/// spikes of +1 only (LIF outputs: Source::positive).
enum class Values { Graded, Signed, Positive };
constexpr Values kAllValues[] = {Values::Graded, Values::Signed,
                                 Values::Positive};

/// A layer input of `numel` values at `channels` per position: ~15 % non-zero
/// (or `density`),
/// of the given kind; with its event list and index by position.
struct Input {
  std::vector<float> dense, val;
  std::vector<int32_t> idx, pos;
  bool binary, positive;
  Input(std::mt19937 &rng, int64_t numel, int64_t channels, Values kind,
        float density = 0.15f)
      : dense(numel, 0.0f), binary(kind != Values::Graded),
        positive(kind == Values::Positive) {
    std::uniform_real_distribution<float> u(0, 1);
    for (int64_t p = 0; p < numel; ++p)
      if (u(rng) < density) {
        const float r = u(rng);
        float v = !binary ? r * 2 - 0.7f : positive || r < 0.8f ? 1.0f : -1.0f;
        dense[p] = v;
        idx.push_back(static_cast<int32_t>(p));
        val.push_back(v);
      }
    const int64_t S = numel / channels;
    for (int64_t s = 0, e = 0; s <= S; ++s) {
      while (e < static_cast<int64_t>(idx.size()) && idx[e] < s * channels)
        ++e;
      pos.push_back(static_cast<int32_t>(e));
    }
  }
  /// Without `indexed` the event list has no index by position, so a
  /// convolution scatters it (the reference order of every gather).
  d::Source source(bool events, bool indexed = true) const {
    return {dense.data(),
            idx.data(),
            val.data(),
            indexed ? pos.data() : nullptr,
            static_cast<int64_t>(idx.size()),
            static_cast<int64_t>(dense.size()),
            events,
            binary,
            positive};
  }
};

void expectSameBits(const std::vector<float> &a, const std::vector<float> &b,
                    const std::string &what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(float) * a.size()), 0)
      << what;
}

/// Runs a synaptic layer with table K over `pairs` inputs in `parts` parts;
/// returns the outputs (concatenated) and the synaptic events.
std::vector<float> synaptic(const d::KernelTable &K, const rt::Layer &L,
                            const std::vector<Input> &in, bool events,
                            int parts, int64_t *syn, bool indexed = true) {
  const int n = static_cast<int>(in.size());
  std::vector<std::vector<float>> out(n, std::vector<float>(L.numel, -7.0f));
  std::vector<d::Source> src;
  std::vector<float *> o;
  for (int k = 0; k < n; ++k) {
    src.push_back(in[k].source(events, indexed));
    o.push_back(out[k].data());
  }
  auto kernel = L.kind == rt::Kind::Conv2d ? K.convStep : K.denseStep;
  *syn = 0;
  for (int part = 0; part < parts; ++part)
    *syn += kernel(L, src.data(), o.data(), n, part, parts);
  std::vector<float> all;
  for (auto &v : out)
    all.insert(all.end(), v.begin(), v.end());
  return all;
}

/// A LIF layer of `channels` x `spatial` neurons with random per-step
/// tables for `steps` steps: thresholds, leaks and gains in [0.2, 1.2), biases
/// in [-0.5, 0.5).
rt::Layer randomLif(int64_t channels, int64_t spatial, int steps,
                    uint32_t seed) {
  rt::Layer L;
  L.kind = rt::Kind::Lif;
  L.channels = channels;
  L.spatial = spatial;
  L.numel = channels * spatial;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.2f, 1.2f);
  for (auto *v : {&L.threshold, &L.leak, &L.gain, &L.lifBias}) {
    v->resize(steps * channels);
    for (float &x : *v)
      x = u(rng);
  }
  for (float &x : L.lifBias)
    x -= 0.7f;
  return L;
}

} // namespace

TEST(KernelTables, SynapticLayersGiveTheBaselineBits) {
  rt::Network net = tableNet();
  auto tables = runnableTables();
  std::mt19937 rng(3);
  int checked = 0;
  for (const rt::Layer &L : net.layers) {
    if (L.kind != rt::Kind::Conv2d && L.kind != rt::Kind::Dense)
      continue;
    const rt::Layer &X = net.layers[L.inputs[0]];
    for (Values kind : kAllValues) {
      std::vector<Input> in;
      for (int k = 0; k < 5; ++k)
        in.emplace_back(rng, X.numel, X.channels, kind);
      for (bool events : {true, false})
        for (int parts : {1, 3}) {
          int64_t syn0 = 0, syn = 0;
          std::vector<float> ref =
              synaptic(*tables[0], L, in, events, parts, &syn0);
          for (const d::KernelTable *K : tables) {
            SCOPED_TRACE(testing::Message()
                         << L.name << " " << K->isa << " values "
                         << static_cast<int>(kind) << " events " << events
                         << " parts " << parts);
            expectSameBits(ref, synaptic(*K, L, in, events, parts, &syn),
                           "outputs");
            EXPECT_EQ(syn0, syn);
            EXPECT_GT(syn, 0);
          }
          ++checked;
        }
    }
  }
  EXPECT_EQ(checked, 4 * 3 * 2 * 2); // 2 convs + 2 dense layers
  std::string isas;
  for (const d::KernelTable *K : tables)
    isas += std::string(" ") + K->isa;
  std::printf("kernel tables compared:%s\n", isas.c_str());
}

// A convolution call over events reads them tap-major when the layer has 32
// or more inputs (KernelsTaps.inc: conv2, 40 inputs, for any number of
// pairs), else by input for all pairs at once (KernelsPairs.inc: conv1, 2..64
// pairs); dense inputs, and conv1 with one pair or more pairs than the pair
// gather takes (64), use the per-pair gather; conv1 with inputs over half
// non-zero reads them densely, several positions at a time (convDenseRows).
// All must give the same bits as each other and as the scatter of the event
// lists, for spikes of both signs, spikes of +1 only (Source::positive: no
// value read) and graded values.
TEST(KernelTables, PairGatherEqualsOnePairAtATime) {
  rt::Network net = tableNet();
  std::mt19937 rng(11);
  int checked = 0;
  for (const rt::Layer &L : net.layers) {
    if (L.kind != rt::Kind::Conv2d)
      continue;
    const rt::Layer &X = net.layers[L.inputs[0]];
    for (Values kind : kAllValues)
      for (float density : {0.15f, 0.6f}) {
        std::vector<Input> in;
        for (int k = 0; k < 65; ++k)
          in.emplace_back(rng, X.numel, X.channels, kind, density);
        for (const d::KernelTable *K : runnableTables())
          for (int pairs : {5, 64, 65}) {
            SCOPED_TRACE(testing::Message()
                         << L.name << " " << K->isa << " values "
                         << static_cast<int>(kind) << " density " << density
                         << " pairs " << pairs);
            std::vector<Input> group(in.begin(), in.begin() + pairs);
            std::vector<float> single;
            int64_t syn = 0, sum = 0;
            for (const Input &one : group) {
              std::vector<float> o = synaptic(*K, L, {one}, true, 1, &syn);
              single.insert(single.end(), o.begin(), o.end());
              sum += syn;
            }
            for (int parts : {1, 3}) {
              expectSameBits(single, synaptic(*K, L, group, true, parts, &syn),
                             "pairs of events");
              EXPECT_EQ(syn, sum);
            }
            expectSameBits(single, synaptic(*K, L, group, false, 1, &syn),
                           "dense inputs");
            expectSameBits(single, synaptic(*K, L, group, true, 1, &syn, false),
                           "scattered events");
            ++checked;
          }
      }
  }
  EXPECT_GT(checked, 0);
}

TEST(KernelTables, EncoderLifAndPoolGiveTheBaselineBits) {
  rt::Network net = tableNet();
  auto tables = runnableTables();
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-1, 2);
  for (const rt::Layer &L : net.layers) {
    std::vector<std::vector<float>> ref;
    for (const d::KernelTable *K : tables) {
      SCOPED_TRACE(testing::Message() << L.name << " " << K->isa);
      std::vector<std::vector<float>> got;
      d::Buf b;
      std::vector<float> outFloats(L.numel, 0.0f);
      b.out = {outFloats.data(), L.numel};
      b.idx.assign(L.numel, 0);
      b.val.assign(L.numel, 0.0f);
      std::mt19937 r(9); // the same inputs for every table
      if (L.kind == rt::Kind::Encode) {
        std::vector<float> x(L.numel);
        for (float &v : x)
          v = u(r) < 0 ? 0.0f : u(r) / 2;
        b.aux.assign(L.numel * L.encSteps, 0.0f);
        K->encodeSetup(L, x.data(), b);
        for (int t = 0; t < 3; ++t) {
          int64_t n = K->encodeStep(L, 17, 4, t, 6, b.aux.data(), b);
          got.emplace_back(b.out.begin(), b.out.end());
          got.push_back(std::vector<float>(b.val.begin(), b.val.begin() + n));
        }
      } else if (L.kind == rt::Kind::Lif) {
        b.state.assign(L.numel, 0.0f);
        for (int t = 0; t < 4; ++t) {
          std::vector<float> x(L.numel);
          for (float &v : x)
            v = u(r);
          int64_t n =
              K->lifStep(L, t, x.data(), b.state.data(), b, 0, L.spatial);
          got.push_back(b.state);
          got.emplace_back(b.out.begin(), b.out.end());
          got.push_back(std::vector<float>(b.idx.begin(), b.idx.begin() + n));
        }
      } else if (L.kind == rt::Kind::AvgPool) {
        Input in(r, net.layers[L.inputs[0]].numel, L.inC, Values::Signed);
        for (bool events : {true, false}) {
          K->avgPoolStep(L, in.source(events), b.out.data());
          got.emplace_back(b.out.begin(), b.out.end());
        }
      } else {
        continue;
      }
      if (ref.empty())
        ref = got;
      ASSERT_EQ(ref.size(), got.size());
      for (size_t i = 0; i < ref.size(); ++i)
        expectSameBits(ref[i], got[i], "output " + std::to_string(i));
    }
  }
}

TEST(KernelTables, LifStepWithoutDenseSpikesListsTheSameSpikes) {
  // The executor leaves Buf::out empty for a LIF whose consumers all read
  // event lists; lifStep then updates positions in pieces of 512 channels
  // through a scratch. 1100 channels: two whole pieces and a partial one.
  const int steps = 4;
  rt::Layer L = randomLif(1100, 3, steps, 11);
  std::uniform_real_distribution<float> u(0.2f, 1.2f);
  for (rt::Reset reset : {rt::Reset::Soft, rt::Reset::Hard, rt::Reset::None}) {
    L.reset = reset;
    for (const d::KernelTable *K : runnableTables()) {
      SCOPED_TRACE(testing::Message() << int(reset) << " " << K->isa);
      d::Buf dense, listed;
      for (d::Buf *b : {&dense, &listed}) {
        b->idx.resize(L.numel);
        b->val.resize(L.numel);
        b->state.assign(L.numel, 0.0f);
      }
      std::vector<float> denseOut(L.numel, 0.0f);
      dense.out = {denseOut.data(), L.numel};
      std::mt19937 r(5);
      for (int t = 0; t < steps; ++t) {
        std::vector<float> x(L.numel);
        for (float &v : x)
          v = u(r);
        const int64_t nd =
            K->lifStep(L, t, x.data(), dense.state.data(), dense, 0, 3);
        // A second part's list starts at its first position's index.
        int64_t nl =
            K->lifStep(L, t, x.data(), listed.state.data(), listed, 0, 1);
        const int64_t n2 =
            K->lifStep(L, t, x.data(), listed.state.data(), listed, 1, 3);
        EXPECT_TRUE(listed.out.empty());
        expectSameBits(dense.state, listed.state, "membranes");
        std::vector<int32_t> want,
            got(listed.idx.begin(), listed.idx.begin() + nl);
        got.insert(got.end(), listed.idx.begin() + L.channels,
                   listed.idx.begin() + L.channels + n2);
        nl += n2;
        for (int64_t p = 0; p < L.numel; ++p)
          if (dense.out[p] != 0.0f)
            want.push_back(static_cast<int32_t>(p));
        EXPECT_EQ(nd, nl);
        EXPECT_EQ(want, got);
        EXPECT_EQ(want, std::vector<int32_t>(dense.idx.begin(),
                                             dense.idx.begin() + nd));
        EXPECT_GT(nl, 0);
        EXPECT_LT(nl, L.numel);
        for (int64_t e = 0; e < nl; ++e)
          ASSERT_EQ(listed.val[e < nl - n2 ? e : e - (nl - n2) + L.channels],
                    1.0f);
      }
    }
  }
}

TEST(KernelTables, LifPoolStepEqualsLifStepThenAveragePool) {
  // A LIF of 600 channels (a piece of 512 and one of 88) on 4 x 6 positions
  // and an average pool of 2 x 3 windows that tile it: lifPoolStep, in two
  // parts of the pool's positions, against lifStep with dense spikes, then
  // the dense average pool and the list of its non-zero values.
  const int steps = 4;
  rt::Layer L = randomLif(600, 24, steps, 12), P;
  P.kind = rt::Kind::AvgPool;
  P.inC = P.outC = P.channels = L.channels;
  P.inH = 4, P.inW = 6, P.kh = P.sh = 2, P.kw = P.sw = 3;
  P.outH = 2, P.outW = 2;
  P.spatial = 4;
  P.numel = P.channels * P.spatial;
  P.poolDiv.assign(4, 6.0f);
  std::uniform_real_distribution<float> u(0.2f, 1.2f);
  for (rt::Reset reset : {rt::Reset::Soft, rt::Reset::Hard, rt::Reset::None}) {
    L.reset = reset;
    L.resetValue = reset == rt::Reset::Hard ? 0.1f : 0.0f;
    for (const d::KernelTable *K : runnableTables()) {
      SCOPED_TRACE(testing::Message() << int(reset) << " " << K->isa);
      d::Buf lif, fused;
      std::vector<float> spikes(L.numel), pooled(P.numel), fusedOut(P.numel);
      lif.out = {spikes.data(), L.numel};
      fused.out = {fusedOut.data(), P.numel};
      for (d::Buf *b : {&lif, &fused}) {
        b->idx.resize(L.numel);
        b->val.resize(L.numel);
        b->state.assign(L.numel, 0.0f);
      }
      std::mt19937 r(5);
      for (int t = 0; t < steps; ++t) {
        std::vector<float> x(L.numel);
        for (float &v : x)
          v = u(r);
        const int64_t fired =
            K->lifStep(L, t, x.data(), lif.state.data(), lif, 0, L.spatial);
        d::Source dense{spikes.data(), nullptr, nullptr, nullptr, 0,
                        L.numel,       false,   true,    true};
        K->avgPoolStep(P, dense, pooled.data());
        int64_t s1 = 0, s2 = 0;
        const int64_t n1 = K->lifPoolStep(L, P, t, x.data(), fused.state.data(),
                                          fused, 0, 1, &s1);
        const int64_t n2 = K->lifPoolStep(L, P, t, x.data(), fused.state.data(),
                                          fused, 1, 4, &s2);
        expectSameBits(lif.state, fused.state, "membranes");
        expectSameBits(pooled, fusedOut, "pooled values");
        EXPECT_EQ(fired, s1 + s2);
        // A second part's list starts at its first position's index.
        std::vector<int32_t> want,
            got(fused.idx.begin(), fused.idx.begin() + n1);
        std::vector<float> wantVal,
            gotVal(fused.val.begin(), fused.val.begin() + n1);
        got.insert(got.end(), fused.idx.begin() + P.channels,
                   fused.idx.begin() + P.channels + n2);
        gotVal.insert(gotVal.end(), fused.val.begin() + P.channels,
                      fused.val.begin() + P.channels + n2);
        for (int64_t p = 0; p < P.numel; ++p)
          if (pooled[p] != 0.0f) {
            want.push_back(static_cast<int32_t>(p));
            wantVal.push_back(pooled[p]);
          }
        EXPECT_EQ(want, got);
        expectSameBits(wantVal, gotVal, "listed values");
        EXPECT_GT(fired, 0);
        EXPECT_LT(fired, L.numel);
      }
    }
  }
}

TEST(KernelTables, KernelsPicksTheBestTableOrTheForcedOne) {
  // kernels() is chosen once per process; the ctest runs this binary with
  // SNNC_KERNELS unset, =avx2 and =baseline (test/unit/runtime/CMakeLists).
  auto tables = runnableTables();
  const char *force = std::getenv("SNNC_KERNELS");
  std::string want = tables.back()->isa;
  if (force && std::string(force) == "baseline")
    want = "baseline";
  else if (force && std::string(force) == "avx2" && tables.size() > 1)
    want = tables[1]->isa;
  EXPECT_EQ(std::string(d::kernels().isa), want)
      << "SNNC_KERNELS=" << (force ? force : "(unset)");
}

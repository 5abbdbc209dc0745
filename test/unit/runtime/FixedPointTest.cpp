//===- FixedPointTest.cpp - integer (Loihi) semantics, hand-computed ------===//
//
// docs/fixed-point.md section 2 checked on values worked out by hand: the
// 24-bit helpers (decay rounding toward zero, wrap, saturation, the
// weight_exp shift), the LIF kernel (per-step tables, soft/hard/none resets,
// wrap of u, saturation of v), the dense kernel's shift and bias, an integer
// model end to end through validation, preparation and the executor (equal
// across thread counts), and the validator's integer rules on hostile files.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"
#include "PrepareForTest.h"

#include "IntKernels.h"

#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/ModelFile.h"

#include <gtest/gtest.h>

using namespace snnc;
using namespace snnc::test;
using namespace snnc::rt::fixed;

namespace {

void setInts(mb::Tensor *t, const Dims &shape, const std::vector<int64_t> &v,
             mb::Tensor::DType d) {
  t->Clear();
  for (int64_t x : shape)
    t->add_shape(x);
  t->set_dtype(d);
  int w = d == mb::Tensor::I8 ? 1 : d == mb::Tensor::I16 ? 2 : 4;
  std::string bytes;
  for (int64_t x : v)
    for (int b = 0; b < w; ++b)
      bytes.push_back(static_cast<char>((uint64_t(x) >> (8 * b)) & 0xff));
  t->set_data(bytes);
}

/// Turns layer `i` (built as a float dense) into an integer dense.
void intDense(mb::Model &m, int i, const std::vector<int64_t> &w, int exp,
              const std::vector<int64_t> &bias = {}) {
  mb::Dense *d = m.mutable_layers(i)->mutable_dense();
  Dims ws(d->weight().shape().begin(), d->weight().shape().end());
  setInts(d->mutable_weight(), ws, w, mb::Tensor::I8);
  d->mutable_weight()->set_bits(m.weight_bits());
  d->clear_bias();
  if (!bias.empty())
    setInts(d->mutable_bias(), {ws[0]}, bias, mb::Tensor::I32);
  d->set_weight_exp(exp);
}

struct IntTables {
  std::vector<int64_t> dv, vth, mant, bexp, sign, inExp;
};

void intLif(mb::Model &m, int i, const IntTables &t, int du = 4096) {
  mb::LIF *f = m.mutable_layers(i)->mutable_lif();
  const mb::Tensor &shaped = f->has_threshold() ? f->threshold() : f->dv();
  Dims s(shaped.shape().begin(), shaped.shape().end());
  f->clear_threshold();
  f->clear_leak();
  f->clear_bias();
  f->clear_gain();
  f->set_du(du);
  setInts(f->mutable_dv(), s, t.dv, mb::Tensor::I16);
  setInts(f->mutable_vth(), s, t.vth, mb::Tensor::I32);
  setInts(f->mutable_bias_mant(), s, t.mant, mb::Tensor::I16);
  setInts(f->mutable_bias_exp(), s, t.bexp, mb::Tensor::I16);
  setInts(f->mutable_sign(), s, t.sign, mb::Tensor::I16);
  setInts(f->mutable_in_exp(), s,
          t.inExp.empty() ? std::vector<int64_t>(t.sign.size(), 0) : t.inExp,
          mb::Tensor::I16);
}

/// 2 Poisson inputs -> dense(2->2) -> LIF -> dense(2->2) -> readout, T = 4,
/// weights given; an input of 1 spikes every step, 0 never.
mb::Model tinyIntNet(const std::vector<int64_t> &w1, int e1, const IntTables &t,
                     mb::LIF::Reset reset) {
  ModelBuilder b({2}, 4, 4);
  int x = b.encode(true);
  int d1 = b.dense(x, 2, std::vector<float>(4, 0));
  int l = b.lif(d1);
  int d2 = b.dense(l, 2, std::vector<float>(4, 0));
  b.readout(d2);
  b.m.set_quantization("loihi");
  b.m.set_weight_bits(8);
  b.m.set_output_scale(0.5f);
  intDense(b.m, d1, w1, e1);
  intLif(b.m, l, t);
  b.m.mutable_layers(l)->mutable_lif()->set_reset(reset);
  intDense(b.m, d2, {1, 0, 0, 1}, 0, {3, -1});
  return b.m;
}

IntTables constTables(int64_t dv, int64_t vth, int64_t mant = 0) {
  size_t n = 8; // T = 4, C = 2
  return {std::vector<int64_t>(n, dv), std::vector<int64_t>(n, vth),
          std::vector<int64_t>(n, mant), std::vector<int64_t>(n, 0),
          std::vector<int64_t>(n, 1)};
}

rt::RunResult runInt(const rt::Network &net, const std::vector<float> &x,
                     int64_t count, int threads = 1, int64_t warmup = 0) {
  rt::RunOptions o;
  o.threads = threads;
  o.warmup = warmup;
  rt::Batch batch{x.data(), count, net.inputNumel, 0};
  rt::RunResult r;
  std::string err;
  EXPECT_TRUE(rt::runNetwork(net, batch, o, &r, &err)) << err;
  return r;
}

/// One LIF neuron (C = 1) for kernel-level tests.
rt::Layer oneNeuron(int T, rt::Reset reset, std::vector<int32_t> dv,
                    std::vector<int32_t> vth64, std::vector<int32_t> bias,
                    int du = 4096) {
  rt::Layer L;
  L.kind = rt::Kind::Lif;
  L.numel = L.channels = L.spatial = 1;
  L.reset = reset;
  L.fx.du = du;
  L.fx.dv = dv;
  L.fx.vth64 = vth64;
  L.fx.lifBias = bias;
  L.fx.sign.assign(T, 1);
  L.fx.inShift.assign(T, 6); // in_exp = 0
  return L;
}

IntBuf buf(int32_t y = 0) {
  IntBuf b;
  b.out = {y};
  b.u = b.v = {0};
  b.idx = b.val = {0};
  return b;
}

} // namespace

TEST(FixedPoint, HelpersHandComputed) {
  // -3 * 2048 = -6144; |.| >> 12 = 1: toward zero gives -1 (floor: -2).
  EXPECT_EQ(decay(-3, 2048), -1);
  EXPECT_EQ(decay(3, 2048), 1);
  EXPECT_EQ(decay(-4095, 1), -4094); // -4095*4095/4096 = -4094.0002
  EXPECT_EQ(decay(100, -4096), 200); // the growth generalisation
  EXPECT_EQ(decay(77, 4096), 0);
  EXPECT_EQ(wrap24((int64_t(1) << 23)), -(int64_t(1) << 23));
  EXPECT_EQ(wrap24(-(int64_t(1) << 23) - 1), (int64_t(1) << 23) - 1);
  EXPECT_EQ(wrap24(5 + (int64_t(3) << 24)), 5);
  EXPECT_EQ(sat24(int64_t(1) << 30), (int64_t(1) << 23) - 1);
  EXPECT_EQ(sat24(-(int64_t(1) << 30)), 1 - (int64_t(1) << 23));
  EXPECT_EQ(shiftExp(-3, -1), -2); // arithmetic shift: floor
  EXPECT_EQ(shiftExp(3, -1), 1);
  EXPECT_EQ(shiftExp(-5, 2), -20);
}

TEST(FixedPoint, LifDecayInputShiftAndPerStepThreshold) {
  // y = 1 each step: u = 1 << 6 = 64. dv = 2048 halves v (toward zero).
  // v: 64, 32+64 = 96, 48+64 = 112 (> 100: spike, soft reset -> 12),
  // 6+64 = 70 with threshold 60 at step 3 (spike -> 10).
  rt::Layer L = oneNeuron(4, rt::Reset::Soft, {2048, 2048, 2048, 2048},
                          {1000, 1000, 100, 60}, {0, 0, 0, 0});
  IntBuf in = buf(1), b = buf();
  std::vector<int32_t> v, s;
  for (int t = 0; t < 4; ++t) {
    s.push_back(int32_t(lifStep(L, t, in, b)));
    v.push_back(b.v[0]);
  }
  EXPECT_EQ(v, (std::vector<int32_t>{64, 96, 12, 10}));
  EXPECT_EQ(s, (std::vector<int32_t>{0, 0, 1, 1}));
  // Negative input (sign -1) and bias -3: -67, then decay(-67) = -33 (toward
  // zero; floor would give -34) - 67 = -100, then -50 - 67 = -117.
  rt::Layer N = oneNeuron(3, rt::Reset::Soft, {2048, 2048, 2048},
                          {1000, 1000, 1000}, {-3, -3, -3});
  N.fx.sign.assign(3, -1);
  IntBuf bn = buf();
  std::vector<int32_t> vn;
  for (int t = 0; t < 3; ++t) {
    lifStep(N, t, in, bn);
    vn.push_back(bn.v[0]);
  }
  EXPECT_EQ(vn, (std::vector<int32_t>{-67, -100, -117}));
}

TEST(FixedPoint, CurrentWrapsVoltageSaturates) {
  // du = 0: u keeps all of itself. y = 2^16: y << 6 = 2^22 per step; u after
  // 2 steps is 2^23, which wraps to -2^23.
  rt::Layer L = oneNeuron(3, rt::Reset::None, {4096, 4096, 4096},
                          {8388544, 8388544, 8388544}, {0, 0, 0}, 0);
  IntBuf in = buf(1 << 16), b = buf();
  lifStep(L, 0, in, b);
  EXPECT_EQ(b.u[0], 1 << 22);
  lifStep(L, 1, in, b);
  EXPECT_EQ(b.u[0], -(1 << 23));
  // Voltage: bias 4095 << 7 = 524160 per step, no decay (dv = 0), no reset:
  // after 17 steps 8910720 > 2^23 - 1, so v saturates at 8388607.
  rt::Layer S = oneNeuron(17, rt::Reset::None, std::vector<int32_t>(17, 0),
                          std::vector<int32_t>(17, 131071 << 6),
                          std::vector<int32_t>(17, 4095 << 7));
  IntBuf z = buf(0), bs = buf();
  int64_t spikes = 0;
  for (int t = 0; t < 17; ++t)
    spikes += lifStep(S, t, z, bs);
  EXPECT_EQ(bs.v[0], (1 << 23) - 1);
  EXPECT_EQ(spikes, 1); // 8388607 > 8388544 only at the last step
}

TEST(FixedPoint, PerStepInputExponent) {
  // in_exp = -8 at step 0, +1 at step 1: y = -5 -> shift(-5, -2) = floor(-1.25)
  // = -2, then shift(-5, 7) = -640; dv = 4096 drops the old voltage.
  rt::Layer L = oneNeuron(2, rt::Reset::None, {4096, 4096}, {0, 0}, {0, 0});
  L.fx.inShift = {-2, 7};
  IntBuf in = buf(-5), b = buf();
  lifStep(L, 0, in, b);
  EXPECT_EQ(b.u[0], -2);
  EXPECT_EQ(b.v[0], -2);
  lifStep(L, 1, in, b);
  EXPECT_EQ(b.v[0], -640);
}

TEST(FixedPoint, HardResetAndDenseShiftBias) {
  rt::Layer L = oneNeuron(2, rt::Reset::Hard, {0, 0}, {100, 100}, {0, 0});
  IntBuf in = buf(2), b = buf(); // u = 128 > 100: spike, v = 0
  EXPECT_EQ(lifStep(L, 0, in, b), 1);
  EXPECT_EQ(b.v[0], 0);
  // Dense 2 -> 1 with weights [5, -7], exponent -1, bias 3, input events
  // (0: 1) (1: 1): acc = -2, floor(-2 / 2) = -1, + 3 = 2.
  rt::Layer D;
  D.kind = rt::Kind::Dense;
  D.numel = D.channels = D.spatial = 1;
  D.fx.weight = {5, -7};
  D.fx.weightExp = -1;
  D.fx.bias = {3};
  IntBuf x;
  x.out = {1, 1};
  x.idx = {0, 1};
  x.val = {1, 1};
  x.nev = 2;
  IntBuf o;
  o.out = {0};
  o.sum = {0};
  EXPECT_EQ(denseStep(D, x, o), 2);
  EXPECT_EQ(o.out[0], 2);
}

TEST(FixedPoint, IntegerModelEndToEnd) {
  // Input 1 spikes every step, input 0 never. Weights [[3, 0], [0, 0]] << 1:
  // y0 = 6, u0 = 384; vth 500 (<< 6 = 32000) is never reached... use vth 5:
  // threshold 320, dv 0: v0 = 384 (spike, soft -> 64), 448 (spike -> 128),
  // 512 (-> 192), 576 (-> 256): 4 spikes. Neuron 1 never.
  mb::Model m = tinyIntNet({3, 0, 0, 0}, 1, constTables(0, 5), mb::LIF::SOFT);
  rt::Network net = prepare(m);
  ASSERT_TRUE(net.integer);
  rt::RunResult r = runInt(net, {1.0f, 0.0f}, 1);
  ASSERT_EQ(r.spikes.size(), 1u);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{1, 1, 1, 1}));
  // Readout: acc = 4 * (1 + 3) = 16 and 4 * (0 - 1) = -4; * 0.5 / 4.
  EXPECT_EQ(r.outputs, (std::vector<float>{2.0f, -0.5f}));
  // Hard reset: 384 (spike, 0), 384, ... also 4 spikes; vth 7 (448):
  // 384, 768 (spike, 0), 384, 768 (spike): 2 spikes.
  m = tinyIntNet({3, 0, 0, 0}, 1, constTables(0, 7), mb::LIF::HARD);
  r = runInt(prepare(m), {1.0f, 0.0f}, 1);
  EXPECT_EQ(r.spikes[0].second, (std::vector<int64_t>{0, 1, 0, 1}));
  // Thread counts cannot matter (integer arithmetic): 40 random samples.
  std::mt19937 rng(7);
  std::vector<float> xs = randomValues(rng, 80, 0.0f, 1.0f);
  rt::Network n2 = prepare(tinyIntNet({90, -40, 25, 60}, 0,
                                      constTables(300, 40, -7), mb::LIF::SOFT));
  rt::RunResult a = runInt(n2, xs, 40, 1), c = runInt(n2, xs, 40, 3);
  EXPECT_EQ(a.outputs, c.outputs);
  EXPECT_EQ(a.spikes, c.spikes);
  EXPECT_EQ(a.predictions, c.predictions);
  // A warm-up (the first samples once, untimed, on the same workers) changes
  // no result and no count: the workers' counts start again from 0.
  for (int64_t warm : {int64_t(1), int64_t(7), int64_t(40), int64_t(99)}) {
    rt::RunResult w = runInt(n2, xs, 40, 3, warm);
    EXPECT_EQ(w.outputs, a.outputs) << warm;
    EXPECT_EQ(w.spikes, a.spikes) << warm;
    EXPECT_EQ(w.synapticEvents, a.synapticEvents) << warm;
    EXPECT_EQ(w.neuronUpdates, a.neuronUpdates) << warm;
  }
}

TEST(FixedPoint, ValidatorRejectsHostileIntegerFields) {
  auto expectError = [](mb::Model m, const std::string &what) {
    std::string err;
    EXPECT_FALSE(mb::validate(m, &err)) << what;
    EXPECT_NE(err.find(what), std::string::npos) << err;
  };
  IntTables t = constTables(0, 5);
  mb::Model good = tinyIntNet({3, 0, 0, 0}, 1, t, mb::LIF::SOFT);
  std::string err;
  ASSERT_TRUE(mb::validate(good, &err)) << err;
  mb::Model m = good;
  m.set_weight_bits(4); // weights 3 fit, but bits field says 8
  expectError(m, "bits: 8, expected model.weight_bits = 4");
  m = good;
  intDense(m, 1, {3, 0, 0, -128}, 1);
  expectError(m, "element 3 is -128, expected -127..127"); // sign-magnitude
  m = good;
  m.set_weight_bits(2);
  m.mutable_layers(1)->mutable_dense()->mutable_weight()->set_bits(2);
  m.mutable_layers(3)->mutable_dense()->mutable_weight()->set_bits(2);
  expectError(m, "element 0 is 3, expected -1..1");
  m = good;
  m.mutable_layers(1)->mutable_dense()->set_weight_exp(8);
  expectError(m, "weight_exp: 8, expected -8..7");
  m = good;
  m.mutable_layers(1)->mutable_dense()->mutable_weight()->set_dtype(
      mb::Tensor::I16);
  expectError(m, "dtype 2, expected I8 (1)");
  m = good;
  IntTables bad = t;
  bad.dv[3] = 5000;
  intLif(m, 2, bad);
  expectError(m, "lif.dv: element 3 is 5000, expected -4096..4096");
  m = good;
  bad = t;
  bad.vth[0] = -1;
  intLif(m, 2, bad);
  expectError(m, "lif.vth: element 0 is -1");
  m = good;
  bad = t;
  bad.inExp.assign(8, 0);
  bad.inExp[5] = 9;
  intLif(m, 2, bad);
  expectError(m, "lif.in_exp: element 5 is 9, expected -24..8");
  m = good;
  m.mutable_layers(2)->mutable_lif()->set_du(4097);
  expectError(m, "lif.du: 4097");
  m = good;
  m.mutable_layers(2)->mutable_lif()->set_reset(mb::LIF::SUBTRACT_DELAYED);
  expectError(m, "lif.reset: 2");
  m = good;
  m.set_output_scale(0);
  expectError(m, "model.output_scale");
  m = good;
  m.set_quantization("truenorth");
  expectError(m, "model.quantization: \"truenorth\"");
  // An accumulator that int32 cannot hold: 2 inputs x 127 x 2^7 + bias.
  m = good;
  intDense(m, 3, {127, 0, 0, 1}, 7, {2147480000, 0});
  expectError(m, "exceeds 2^31 - 1");
  // Integer fields in a float model are rejected, not ignored.
  ModelBuilder b({2}, 4, 4);
  int x = b.encode(true);
  x = b.dense(x, 2, {1, 0, 0, 1});
  x = b.lif(x);
  b.m.mutable_layers(x)->mutable_lif()->set_du(4096);
  x = b.dense(x, 2, {1, 0, 0, 1});
  b.readout(x);
  expectError(b.m, "integer fields");
}

TEST(FixedPoint, FormatVersionFive) {
  mb::Model m = tinyIntNet({3, 0, 0, 0}, 1, constTables(0, 5), mb::LIF::SOFT);
  EXPECT_EQ(mb::requiredFormatVersion(m), 5u);
  std::string bytes, err;
  ASSERT_TRUE(mb::serializeModel(m, &bytes, &err)) << err;
  EXPECT_EQ(static_cast<unsigned char>(bytes[8]), 5);
  mb::Model back;
  ASSERT_TRUE(mb::parseModel(bytes.data(), bytes.size(), &back, &err)) << err;
  // The same payload under version 3 is refused (no CRC change needed: the
  // CRC covers the payload only).
  bytes[8] = 3;
  EXPECT_FALSE(mb::parseModel(bytes.data(), bytes.size(), &back, &err));
  EXPECT_NE(err.find("needs version 5"), std::string::npos) << err;
}

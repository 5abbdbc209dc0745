//===- QuantizeLoihi.cpp - integer (Loihi) parameters of a folded network -===//
//
// snn-quantize-loihi turns a folded float network into the integer model of
// docs/fixed-point.md: per conv/dense layer N-bit sign-magnitude weights with
// the scale that minimises their squared error, a weight_exp chosen as large
// as the 24-bit state, the 13+3-bit bias and the int32 accumulator allow, and
// integer per-step LIF tables (12-bit decays, 17-bit thresholds, mantissa/
// exponent biases) rounded from the exact BNTT fold. The results are
// discardable `snn.q.*` attributes that the model.bin emitter writes
// (lib/Emit/IntegerFields.cpp); the float attributes stay, so the IR still
// describes the float model. Anything the integer model cannot express is an
// error naming the layer.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>

namespace snnc {
#define GEN_PASS_DEF_SNNQUANTIZELOIHI
#include "snnc/Transforms/Passes.h.inc"
} // namespace snnc

using namespace mlir;
using namespace snnc;
using namespace snnc::snn;

namespace {

constexpr double kMaxAcc = 2147483647.0;    // int32 accumulators
constexpr double kThresholdRoom = 1 << 20;  // sigma * max Th: 8x below 2^23
constexpr double kMaxBias = 4095.0 * 128.0; // 13-bit mantissa << 7
constexpr int kMinExp = -8, kMaxExp = 7;    // Loihi 1's weight_exp

/// N-bit sign-magnitude weights m and their scale alpha (W ~ alpha * m).
struct WeightQuant {
  SmallVector<int8_t> m;
  double alpha = 1, maxError = 0, maxWeight = 0;
  int64_t maxMagnitude = 0;
};

WeightQuant quantizeWeights(ArrayRef<float> w, double divisor, int bits) {
  WeightQuant q;
  size_t n = w.size();
  double sumAbs = 0;
  for (float v : w) {
    q.maxWeight = std::max(q.maxWeight, std::fabs(v / divisor));
    sumAbs += std::fabs(v / divisor);
  }
  q.m.assign(n, 0);
  if (q.maxWeight == 0)
    return q;
  const double Q = bits == 1 ? 1 : double((1 << (bits - 1)) - 1);
  auto code = [&](double v, double alpha) {
    if (bits == 1)
      return v < 0 ? -1.0 : 1.0;
    return std::min(Q, std::max(-Q, std::round(v / alpha)));
  };
  if (bits == 1) {
    q.alpha = sumAbs / double(n); // L2-optimal scale of sign(W)
  } else {
    // The squared-error-optimal scale over 128 clipping factors below 6 bits;
    // from 6 bits on the steps are fine enough that clipping the largest
    // weights (which decide many spikes) costs more than it saves, so
    // alpha = max|W| / Q as Lava's optimize_weight_bits (measured in
    // docs/fixed-point.md section 5).
    double best = INFINITY;
    for (int k = 0, n = bits >= 6 ? 1 : 128; k < n; ++k) {
      double alpha = (1.0 - 0.005 * k) * q.maxWeight / Q, err = 0;
      for (float v : w) {
        double x = v / divisor, d = x - alpha * code(x, alpha);
        err += d * d;
      }
      if (err < best) {
        best = err;
        q.alpha = alpha;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    double x = w[i] / divisor, c = code(x, q.alpha);
    q.m[i] = static_cast<int8_t>(c);
    q.maxMagnitude = std::max<int64_t>(q.maxMagnitude, std::llabs(int64_t(c)));
    q.maxError = std::max(q.maxError, std::fabs(x - q.alpha * c));
  }
  return q;
}

/// Folded LIF tables [T, C] as doubles (the scalars when unfolded).
struct LifTables {
  SmallVector<double> th, leak, bias, gain;
};

/// Per-step input exponents (docs/fixed-point.md section 3): measures the
/// state of (t, c) in units 2^-gs[t,c] of the folded one, with gs the power
/// of two that brings its threshold nearest the layer's median threshold, so
/// that every threshold is within a factor sqrt(2) of it and one integer
/// scale resolves all steps. The tables become Th * 2^gs, bias * 2^gs (by the
/// caller) and leak * 2^(gs_t - gs_{t-1}); the input is shifted by gs.
SmallVector<int64_t> rescale(LifTables &f, int64_t T, int64_t C) {
  SmallVector<double> sorted(f.th.begin(), f.th.end());
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2,
                   sorted.end());
  double ref = sorted[sorted.size() / 2];
  SmallVector<int64_t> gs(f.th.size());
  for (size_t i = 0; i < gs.size(); ++i)
    gs[i] = std::min<int64_t>(
        8, std::max<int64_t>(-24, std::llround(std::log2(ref / f.th[i]))));
  for (int64_t t = T - 1; t >= 0; --t)
    for (int64_t c = 0; c < C; ++c) {
      size_t i = size_t(t * C + c), prev = t ? size_t((t - 1) * C + c) : i;
      f.th[i] *= std::ldexp(1.0, gs[i]);
      f.leak[i] *= std::ldexp(1.0, gs[i] - gs[prev]);
    }
  return gs;
}

SmallVector<double> table(std::optional<ElementsAttr> attr, size_t n,
                          double fill) {
  SmallVector<double> out(n, fill);
  if (attr) {
    F32Values v = *F32Values::get(*attr);
    for (size_t i = 0; i < n; ++i)
      out[i] = v[i];
  }
  return out;
}

ElementsAttr intAttr(MLIRContext *ctx, ArrayRef<int64_t> shape, int width,
                     ArrayRef<int64_t> values) {
  auto type =
      RankedTensorType::get(shape, IntegerType::get(ctx, unsigned(width)));
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(unsigned(width), uint64_t(v), /*isSigned=*/true));
  return DenseElementsAttr::get(type, ints);
}

class Quantizer {
public:
  Quantizer(NetworkOp network, int bits) : network(network), bits(bits) {}
  LogicalResult run();

private:
  NetworkOp network;
  int bits;
  double outputScale = 1;

  LogicalResult checkOp(Operation *op);
  /// Divisor and value bound of a synaptic layer's input (through flatten,
  /// max pool and average pools).
  LogicalResult inputOf(Operation *syn, Value in, double *divisor,
                        double *bound);
  LogicalResult quantize(Operation *syn, ElementsAttr weight,
                         std::optional<ElementsAttr> bias, int64_t fanIn);
  LogicalResult hidden(Operation *syn, LIFOp lif, const WeightQuant &q,
                       ArrayRef<double> dBias, double accPerExp);
  void output(Operation *syn, const WeightQuant &q, ArrayRef<double> dBias,
              double accPerExp);
  void report(Operation *syn, const WeightQuant &q, int exp, double th,
              double leak, int64_t clamped);
};

LogicalResult Quantizer::checkOp(Operation *op) {
  std::string name = getLayerName(op);
  if (isa<DirectEncodeOp>(op))
    return op->emitError("--quantize=loihi: layer '")
           << name << "' is a direct (graded) encoder; an integer model needs "
           << "a Poisson (spike) encoder";
  if (isa<AddOp, BNTTOp, BatchNormOp>(op))
    return op->emitError("--quantize=loihi: layer '")
           << name << "' (" << op->getName().getStringRef()
           << ") has no integer form (docs/fixed-point.md)";
  if (auto r = dyn_cast<ReadoutOp>(op); r && r.getMembrane())
    return op->emitError("--quantize=loihi: layer '")
           << name << "' is a membrane readout, which has no integer form";
  if (auto lif = dyn_cast<LIFOp>(op)) {
    ResetMode reset = lif.getReset();
    if (reset == ResetMode::SubtractDelayed || lif.getResetValueAttr())
      return op->emitError("--quantize=loihi: layer '")
             << name << "' uses a subtract-delayed reset or a reset value; "
             << "integer LIFs reset by subtraction or to 0";
    Operation *src = lif.getInput().getDefiningOp();
    if (!src || !isa<Conv2DOp, DenseOp>(src) || !src->hasOneUse())
      return op->emitError("--quantize=loihi: layer '")
             << name << "' must read a conv/dense layer used only by it";
    size_t n = network.getNumSteps() * lif.getType().getDimSize(0);
    for (double g : table(lif.getGainTable(), n, 1.0))
      if (g != 0 && g != 1 && g != -1)
        return op->emitError("--quantize=loihi: layer '")
               << name << "' has an input gain " << formatNumber(g)
               << ", expected -1, 0 or 1";
  }
  return success();
}

LogicalResult Quantizer::inputOf(Operation *syn, Value in, double *divisor,
                                 double *bound) {
  *divisor = 1;
  *bound = 1;
  SmallVector<Operation *> chain;
  for (Operation *p = in.getDefiningOp();
       p && isa<FlattenOp, MaxPool2DOp, AvgPool2DOp>(p);
       p = p->getOperand(0).getDefiningOp())
    chain.push_back(p);
  Value root = chain.empty() ? in : chain.back()->getOperand(0);
  if (!isSpikeTensor(cast<ShapedType>(root.getType())))
    return syn->emitError("--quantize=loihi: layer '")
           << getLayerName(syn) << "' reads graded values that are not pooled "
           << "spikes; the integer model has no such input";
  for (Operation *p : chain)
    if (auto pool = dyn_cast<AvgPool2DOp>(p)) {
      ArrayRef<int64_t> k = pool.getKernelShape(), pads = pool.getPads();
      bool padded = llvm::any_of(pads, [](int64_t v) { return v != 0; });
      if (padded && !pool.getCountIncludePad())
        return p->emitError("--quantize=loihi: average pool '")
               << getLayerName(p) << "' has unequal divisors (pads without "
               << "count_include_pad); its sum cannot fold into one scale";
      *divisor *= double(k[0] * k[1]);
      *bound *= double(k[0] * k[1]);
    }
  return success();
}

void Quantizer::report(Operation *syn, const WeightQuant &q, int exp, double th,
                       double leak, int64_t clamped) {
  Builder b(syn->getContext());
  NamedAttrList r;
  r.set("bits", b.getI32IntegerAttr(bits));
  r.set("weight_exp", b.getI32IntegerAttr(exp));
  r.set("alpha", b.getF32FloatAttr(q.alpha));
  r.set("max_weight_error", b.getF32FloatAttr(q.maxError));
  r.set("max_weight", b.getF32FloatAttr(q.maxWeight));
  r.set("max_threshold_rounding", b.getF32FloatAttr(th));
  r.set("max_leak_rounding", b.getF32FloatAttr(leak));
  r.set("clamped", b.getI32IntegerAttr(int32_t(clamped)));
  syn->setAttr("snn.q.report", r.getDictionary(syn->getContext()));
  syn->setAttr("snn.q.weight_exp", b.getI32IntegerAttr(exp));
}

LogicalResult Quantizer::quantize(Operation *syn, ElementsAttr weight,
                                  std::optional<ElementsAttr> bias,
                                  int64_t fanIn) {
  double divisor, bound;
  if (failed(inputOf(syn, syn->getOperand(0), &divisor, &bound)))
    return failure();
  WeightQuant q =
      quantizeWeights(F32Values::get(weight)->values(), divisor, bits);
  auto shape = cast<ShapedType>(weight.getType()).getShape();
  SmallVector<int64_t> m(q.m.begin(), q.m.end());
  syn->setAttr("snn.q.weight", intAttr(syn->getContext(), shape, 8, m));
  SmallVector<double> dBias = table(bias, size_t(shape[0]), 0.0);
  double accPerExp = double(fanIn) * double(q.maxMagnitude) * bound;
  Operation *user = *syn->getUsers().begin();
  if (auto lif = dyn_cast<LIFOp>(user))
    return hidden(syn, lif, q, dBias, accPerExp);
  output(syn, q, dBias, accPerExp);
  return success();
}

LogicalResult Quantizer::hidden(Operation *syn, LIFOp lif, const WeightQuant &q,
                                ArrayRef<double> dBias, double accPerExp) {
  int64_t T = network.getNumSteps(), C = lif.getType().getDimSize(0);
  size_t n = size_t(T * C);
  LifTables f{
      table(lif.getThresholdTable(), n,
            lif.getThresholdAttr().getValueAsDouble()),
      table(lif.getLeakTable(), n, lif.getLeakAttr().getValueAsDouble()),
      table(lif.getBiasTable(), n, 0.0), table(lif.getGainTable(), n, 1.0)};
  SmallVector<int64_t> inExp = rescale(f, T, C);
  double maxTh = 0, maxB = 0;
  SmallVector<double> B(n);
  for (size_t i = 0; i < n; ++i) {
    B[i] = (f.bias[i] + f.gain[i] * dBias[i % C]) * std::ldexp(1.0, inExp[i]);
    // A threshold that no exponent normalises (paper mode's never-firing
    // FLT_MAX) saturates vth instead of shrinking the scale of every entry.
    if (inExp[i] > -24)
      maxTh = std::max(maxTh, f.th[i]);
    maxB = std::max(maxB, std::fabs(B[i]));
  }
  // The largest exponent the state, bias and accumulator ranges allow.
  int e = kMinExp;
  for (int k = kMaxExp; k > kMinExp; --k) {
    double sigma = 64.0 * std::ldexp(1.0, k) / q.alpha;
    if (sigma * maxTh <= kThresholdRoom && sigma * maxB <= kMaxBias &&
        accPerExp * std::ldexp(1.0, std::max(k, 0)) <= kMaxAcc) {
      e = k;
      break;
    }
  }
  double sigma = 64.0 * std::ldexp(1.0, e) / q.alpha;
  SmallVector<int64_t> dv(n), vth(n), mant(n), bexp(n), sign(n);
  double thRound = 0, leakRound = 0;
  int64_t clamped = 0;
  auto clampTo = [&](double v, double lo, double hi) {
    clamped += v < lo || v > hi;
    return int64_t(std::min(hi, std::max(lo, v)));
  };
  for (size_t i = 0; i < n; ++i) {
    vth[i] = clampTo(std::round(sigma * f.th[i] / 64.0), 0, 131071);
    thRound =
        std::max(thRound, std::fabs(64.0 * vth[i] / sigma - f.th[i]) / f.th[i]);
    dv[i] = clampTo(4096 - std::round(4096.0 * f.leak[i]), -4096, 4096);
    leakRound =
        std::max(leakRound, std::fabs((4096 - dv[i]) / 4096.0 - f.leak[i]));
    double b = sigma * B[i];
    int x = 0;
    while (x < 7 && std::fabs(std::round(b / std::ldexp(1.0, x))) > 4095)
      ++x;
    bexp[i] = x;
    mant[i] = clampTo(std::round(b / std::ldexp(1.0, x)), -4096, 4095);
    sign[i] = int64_t(f.gain[i]);
  }
  MLIRContext *ctx = lif.getContext();
  Builder b(ctx);
  lif->setAttr("snn.q.du", b.getI32IntegerAttr(4096));
  lif->setAttr("snn.q.dv", intAttr(ctx, {T, C}, 16, dv));
  lif->setAttr("snn.q.vth", intAttr(ctx, {T, C}, 32, vth));
  lif->setAttr("snn.q.bias_mant", intAttr(ctx, {T, C}, 16, mant));
  lif->setAttr("snn.q.bias_exp", intAttr(ctx, {T, C}, 16, bexp));
  lif->setAttr("snn.q.sign", intAttr(ctx, {T, C}, 16, sign));
  lif->setAttr("snn.q.in_exp", intAttr(ctx, {T, C}, 16, inExp));
  lif->setAttr("snn.q.unit", b.getF32FloatAttr(1.0 / sigma));
  report(syn, q, e, thRound, leakRound, clamped);
  return success();
}

void Quantizer::output(Operation *syn, const WeightQuant &q,
                       ArrayRef<double> dBias, double accPerExp) {
  double maxB = 0;
  for (double v : dBias)
    maxB = std::max(maxB, std::fabs(v) / q.alpha);
  int e = 0;
  for (int k = kMaxExp; k > 0; --k)
    if ((accPerExp + maxB) * std::ldexp(1.0, k) <= kMaxAcc) {
      e = k;
      break;
    }
  SmallVector<int64_t> bias;
  int64_t clamped = 0;
  for (double v : dBias) {
    double x = std::round(v * std::ldexp(1.0, e) / q.alpha);
    clamped += std::fabs(x) > kMaxAcc;
    bias.push_back(int64_t(std::min(kMaxAcc, std::max(-kMaxAcc, x))));
  }
  syn->setAttr("snn.q.bias",
               intAttr(syn->getContext(), {int64_t(bias.size())}, 32, bias));
  outputScale = q.alpha / std::ldexp(1.0, e);
  report(syn, q, e, 0, 0, clamped);
}

LogicalResult Quantizer::run() {
  Block &body = network.getBody().front();
  for (Operation &op : body.without_terminator())
    if (failed(checkOp(&op)))
      return failure();
  for (Operation &op : body.without_terminator()) {
    if (!isa<Conv2DOp, DenseOp>(op))
      continue;
    Operation *user = op.hasOneUse() ? *op.getUsers().begin() : nullptr;
    if (!user || !isa<LIFOp, ReadoutOp>(user))
      return op.emitError("--quantize=loihi: layer '")
             << getLayerName(&op) << "' must feed exactly one LIF or the "
             << "readout";
    LogicalResult r = success();
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      auto ws = cast<ShapedType>(conv.getWeight().getType()).getShape();
      r = quantize(&op, conv.getWeight(), conv.getBias(),
                   ws[1] * ws[2] * ws[3]);
    } else if (auto dense = dyn_cast<DenseOp>(op)) {
      auto ws = cast<ShapedType>(dense.getWeight().getType()).getShape();
      r = quantize(&op, dense.getWeight(), dense.getBias(), ws[1]);
    }
    if (failed(r))
      return failure();
  }
  Builder b(network.getContext());
  network->setAttr("snn.q.quantization", b.getStringAttr("loihi"));
  network->setAttr("snn.q.weight_bits", b.getI32IntegerAttr(bits));
  network->setAttr("snn.q.output_scale", b.getF32FloatAttr(outputScale));
  return success();
}

struct SNNQuantizeLoihiPass
    : public snnc::impl::SNNQuantizeLoihiBase<SNNQuantizeLoihiPass> {
  using SNNQuantizeLoihiBase::SNNQuantizeLoihiBase;
  void runOnOperation() override {
    if (weightBits < 1 || weightBits > 8) {
      getOperation().emitError("--weight-bits: ")
          << weightBits.getValue() << " out of range, expected 1..8";
      return signalPassFailure();
    }
    if (failed(Quantizer(getOperation(), weightBits).run()))
      signalPassFailure();
  }
};

} // namespace

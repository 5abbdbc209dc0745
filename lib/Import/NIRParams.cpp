//===- NIRParams.cpp - NIR fields, per-channel parameters, discretisation -===//
//
// Field access with node-naming errors, the reduction of scalar, per-channel
// and per-neuron parameters to one value per channel, and the discretisation
// of docs/nir.md: LIF and LI with beta = 1 - dt/tau, input gain r*dt/tau and
// bias v_leak*dt/tau; IF and I with leak 1 and gain r; Threshold with leak 0
// and no reset.
//
//===----------------------------------------------------------------------===//

#include "NIRParams.h"

#include "snnc/Import/NIRImporter.h"
#include "snnc/Support/Limits.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

#include <cmath>

using namespace mlir;

namespace snnc {

/// beta = 1 - dt/tau. Exporters compute tau = dt/(1 - beta) from a float32
/// beta (snnTorch), so the float32 beta nearest 1 - dt/tau (within 2 ulps)
/// whose tau reproduces the stored one exactly is taken when there is one:
/// snnTorch's beta round-trips exactly for a float64 tau, and for a float32
/// tau whenever beta >= 0.5 (below, several betas share one float32 tau).
static float discreteBeta(double tau, double dt, bool tauIsFloat32) {
  float estimate = static_cast<float>(1.0 - dt / tau);
  auto forward = [&](float beta) {
    float oneMinus = 1.0f - beta;
    return tauIsFloat32 ? static_cast<double>(static_cast<float>(dt) / oneMinus)
                        : dt / static_cast<double>(oneMinus);
  };
  // The estimate first, then 1 and 2 ulps below and above it.
  float down = estimate, up = estimate;
  for (int i = 0; i < 3; ++i) {
    if (forward(down) == tau)
      return down;
    if (forward(up) == tau)
      return up;
    down = std::nextafter(down, -1.0f);
    up = std::nextafter(up, 2.0f);
  }
  return estimate;
}

Discrete discretiseLIF(double tau, double r, double vLeak, double dt,
                       bool tauIsFloat32) {
  double k = dt / tau;
  double gain = r * k;
  // r = tau/dt written in float32 gives r*dt/tau within a few ulps of 1:
  // that is a unit gain (as snnTorch's importer reads it).
  if (std::fabs(gain - 1.0) <= 4.0 * std::ldexp(1.0, -24))
    gain = 1.0;
  return {discreteBeta(tau, dt, tauIsFloat32), static_cast<float>(gain),
          static_cast<float>(vLeak * k)};
}

Continuous continuousLIF(float beta, float gain, float bias, double dt) {
  double tau = dt / (1.0 - static_cast<double>(beta));
  return {tau, gain * tau / dt, bias * tau / dt};
}

namespace nir {

NodeParams::NodeParams(const FlatNode &node, const std::string &file,
                       Location fileLoc)
    : node(node), name(node.name), file(file),
      loc(NameLoc::get(StringAttr::get(fileLoc.getContext(), node.name),
                       fileLoc)) {}

InFlightDiagnostic NodeParams::error() const {
  return emitError(loc) << "node '" << name << "' (" << node.node->type
                        << " at " << node.node->path << "): ";
}

InFlightDiagnostic NodeParams::fieldError(StringRef field) const {
  return error() << "field '" << field << "': ";
}

FailureOr<std::optional<Array>> NodeParams::values(StringRef field) const {
  const Field *f = node.node->field(field.str());
  if (!f)
    return std::optional<Array>();
  if (f->isString)
    return fieldError(field) << "expected numbers, found strings";
  Array a;
  a.shape.assign(f->shape.begin(), f->shape.end());
  a.values.reserve(f->values.size());
  a.exact.assign(f->values.begin(), f->values.end());
  for (size_t i = 0; i < f->values.size(); ++i) {
    double v = f->values[i];
    if (!std::isfinite(v) || std::fabs(v) > 3.4e38)
      return fieldError(field)
             << "element " << i << " is " << snn::formatNumber(v)
             << " (expected finite float32 values)";
    a.values.push_back(static_cast<float>(v));
  }
  return std::optional<Array>(std::move(a));
}

FailureOr<Array> NodeParams::array(StringRef field, int rank,
                                   ArrayRef<int64_t> shape,
                                   bool optional) const {
  FailureOr<std::optional<Array>> a = values(field);
  if (failed(a))
    return failure();
  if (!*a) {
    if (optional)
      return Array();
    return fieldError(field) << "missing (required)";
  }
  if (static_cast<int>((*a)->shape.size()) != rank ||
      (!shape.empty() && ArrayRef<int64_t>((*a)->shape) != shape))
    return fieldError(field)
           << "shape " << snn::formatShape((*a)->shape) << ", expected "
           << (shape.empty() ? "rank " + std::to_string(rank)
                             : snn::formatShape(shape));
  return std::move(**a);
}

FailureOr<int64_t> NodeParams::integer(StringRef field,
                                       std::optional<int64_t> fallback) const {
  FailureOr<std::optional<Array>> a = values(field);
  if (failed(a))
    return failure();
  if (!*a) {
    if (fallback)
      return *fallback;
    return fieldError(field) << "missing (required)";
  }
  const Field *f = node.node->field(field.str());
  if (f->values.size() != 1 || f->values[0] != std::trunc(f->values[0]) ||
      std::fabs(f->values[0]) > 1e9)
    return fieldError(field) << "expected one integer";
  return static_cast<int64_t>(f->values[0]);
}

FailureOr<Pair> NodeParams::pair(StringRef field,
                                 std::optional<int64_t> fallback) const {
  const Field *f = node.node->field(field.str());
  if (!f) {
    if (fallback)
      return Pair(*fallback, *fallback);
    return fieldError(field) << "missing (required)";
  }
  if (f->isString || (f->values.size() != 1 && f->values.size() != 2))
    return fieldError(field) << "expected one or two integers";
  for (double v : f->values)
    if (v != std::trunc(v) || v < 1 || v > limits::kMaxKernel)
      return fieldError(field)
             << "value " << snn::formatNumber(v) << ", expected integers in 1.."
             << limits::kMaxKernel;
  auto first = static_cast<int64_t>(f->values[0]);
  return Pair(first, static_cast<int64_t>(f->values.back()));
}

FailureOr<Pads> NodeParams::pads(StringRef field, Pair kernel, Pair dilation,
                                 Pair stride) const {
  const Field *f = node.node->field(field.str());
  if (!f)
    return Pads();
  if (f->isString) {
    std::string mode = f->strings.empty() ? "" : f->strings[0];
    if (mode == "valid")
      return Pads();
    if (mode != "same")
      return fieldError(field)
             << "'" << mode << "', expected 'same', 'valid' or integers";
    if (stride != Pair(1, 1))
      return fieldError(field) << "'same' needs stride 1 (as in PyTorch)";
    // PyTorch: the smaller half before, the rest after.
    int64_t h = dilation.first * (kernel.first - 1);
    int64_t w = dilation.second * (kernel.second - 1);
    return Pads{h / 2, w / 2, h - h / 2, w - w / 2};
  }
  if (f->values.size() != 1 && f->values.size() != 2)
    return fieldError(field) << "expected one or two integers";
  for (double v : f->values)
    if (v != std::trunc(v) || v < 0 || v > limits::kMaxKernel)
      return fieldError(field)
             << "value " << snn::formatNumber(v) << ", expected integers in 0.."
             << limits::kMaxKernel;
  auto h = static_cast<int64_t>(f->values[0]);
  auto w = static_cast<int64_t>(f->values.back());
  return Pads{h, w, h, w};
}

FailureOr<SmallVector<int64_t>> inputShape(const NodeParams &p) {
  const Field *f = p.node.node->field("shape");
  if (!f)
    return p.fieldError("shape") << "missing (the Input node's shape)";
  if (f->isString || f->shape.size() > 1 || f->values.empty() ||
      f->values.size() > 4)
    return p.fieldError("shape") << "expected 1 to 4 integers";
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (double v : f->values) {
    if (v != std::trunc(v) || v < 1 || v > limits::kMaxDim)
      return p.fieldError("shape")
             << "dim " << snn::formatNumber(v) << ", expected integers in 1.."
             << limits::kMaxDim;
    shape.push_back(static_cast<int64_t>(v));
    count *= shape.back();
    if (count > limits::kMaxNumel)
      return p.fieldError("shape") << "more than 2^26 elements per sample";
  }
  if ((shape.size() == 2 || shape.size() == 4) && shape[0] == 1)
    shape.erase(shape.begin()); // the batch dim of nirtorch's sample data
  return shape;
}

namespace {

/// One value per channel (dim 0 of `layer`) of a neuron parameter given as a
/// scalar, per channel [C] or per neuron (the layer's shape, uniform within
/// each channel), as stored (float64 stays float64: the discretisation
/// rounds once, to float32, at the end).
FailureOr<SmallVector<double>> perChannel(const NodeParams &p, StringRef field,
                                          ArrayRef<int64_t> layer,
                                          std::optional<double> fallback) {
  FailureOr<std::optional<Array>> a = p.values(field);
  if (failed(a))
    return failure();
  int64_t C = layer.empty() ? 1 : layer[0];
  if (!*a) {
    if (!fallback)
      return p.fieldError(field) << "missing (required)";
    return SmallVector<double>(C, *fallback);
  }
  SmallVector<double> out;
  if (std::optional<std::string> broken =
          import::perChannelValues((*a)->exact, (*a)->shape, layer, out))
    return p.fieldError(field) << *broken;
  return out;
}

/// The float32 values of a per-channel parameter (thresholds, v_reset).
SmallVector<float> toFloat(ArrayRef<double> v) {
  return SmallVector<float>(v.begin(), v.end());
}

bool isFloat32(const NodeParams &p, StringRef field) {
  const Field *f = p.node.node->field(field.str());
  return f && f->isFloat && f->bytes == 4;
}

/// The synapse of CubaLIF/CubaLI: tau_syn di/dt = -i + w_in x discretised as
/// the membrane is (alpha = 1 - dt/tau_syn, gain w_in dt/tau_syn); without
/// w_in an unscaled input (gain 1), as without r.
LogicalResult synapse(const NodeParams &p, ArrayRef<int64_t> layer, double dt,
                      Neuron *n) {
  FailureOr<SmallVector<double>> tau =
      perChannel(p, "tau_syn", layer, std::nullopt);
  if (failed(tau))
    return failure();
  bool defaultW = !p.node.node->field("w_in");
  FailureOr<SmallVector<double>> w = SmallVector<double>();
  if (!defaultW && failed(w = perChannel(p, "w_in", layer, 1.0)))
    return failure();
  for (size_t c = 0; c < tau->size(); ++c) {
    double t = (*tau)[c];
    if (!(t >= dt))
      return p.fieldError("tau_syn")
             << "channel " << c << ": " << snn::formatNumber(t)
             << ", expected >= --nir-dt = " << snn::formatNumber(dt)
             << " (alpha = 1 - dt/tau_syn must not be negative)";
    Discrete d = discretiseLIF(t, defaultW ? t / dt : (*w)[c], 0.0, dt,
                               isFloat32(p, "tau_syn"));
    n->synLeak.push_back(d.beta);
    n->synGain.push_back(d.gain);
  }
  return success();
}

} // namespace

FailureOr<Neuron> discreteNeuron(const NodeParams &p, ArrayRef<int64_t> layer,
                                 double dt) {
  const std::string &type = p.node.node->type;
  int64_t C = layer.empty() ? 1 : layer[0];
  Neuron n;
  n.leak.assign(C, 1.0f);
  n.gain.assign(C, 1.0f);
  n.bias.assign(C, 0.0f);
  bool cuba = type == "CubaLIF" || type == "CubaLI";
  bool leaky = type == "LIF" || type == "LI" || cuba;
  bool spiking = type == "LIF" || type == "IF" || type == "CubaLIF";
  const char *tauField = cuba ? "tau_mem" : "tau";
  FailureOr<SmallVector<double>> tau, r, vLeak, thr, vReset;
  if (cuba && failed(synapse(p, layer, dt, &n)))
    return failure();
  if (leaky) {
    tau = perChannel(p, tauField, layer, std::nullopt);
    vLeak = perChannel(p, "v_leak", layer, 0.0);
    if (failed(tau) || failed(vLeak))
      return failure();
  }
  // A missing r (old files) means an unscaled input: r = tau/dt, or 1.
  bool defaultR = leaky && !p.node.node->field("r");
  if (!defaultR) {
    r = perChannel(p, "r", layer, 1.0);
    if (failed(r))
      return failure();
  }
  if (type == "Threshold") {
    thr = perChannel(p, "threshold", layer, std::nullopt);
    if (failed(thr))
      return failure();
    n.threshold = toFloat(*thr);
    n.leak.assign(C, 0.0f);
    n.reset = snn::ResetMode::None;
    return n;
  }
  if (spiking) {
    thr = perChannel(p, "v_threshold", layer, std::nullopt);
    vReset = perChannel(p, "v_reset", layer, 0.0);
    if (failed(thr) || failed(vReset))
      return failure();
    n.threshold = toFloat(*thr);
    if (!llvm::all_equal(*vReset))
      return p.fieldError("v_reset")
             << "differs between channels; snnc resets a layer to one value";
    n.resetValue = static_cast<float>((*vReset)[0]);
  }
  for (int64_t c = 0; c < C; ++c) {
    if (!leaky) {
      n.gain[c] = static_cast<float>((*r)[c]);
      continue;
    }
    double t = (*tau)[c];
    if (!(t > 0))
      return p.fieldError(tauField) << "channel " << c << ": "
                                    << snn::formatNumber(t) << ", expected > 0";
    if (dt > t)
      return p.fieldError(tauField)
             << "channel " << c << ": tau = " << snn::formatNumber(t)
             << " is shorter than --nir-dt = " << snn::formatNumber(dt)
             << " (beta = 1 - dt/tau would be negative); give the step the "
                "exporter used (docs/nir.md)";
    double rc = defaultR ? t / dt : (*r)[c];
    Discrete d = discretiseLIF(t, rc, (*vLeak)[c], dt, isFloat32(p, tauField));
    n.leak[c] = d.beta;
    n.gain[c] = d.gain;
    n.bias[c] = d.bias;
  }
  return n;
}

} // namespace nir
} // namespace snnc

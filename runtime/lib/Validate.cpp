//===- Validate.cpp - model-level and per-layer rules of model.bin --------===//
//
// The rules of docs/model-bin.md that are not about parameter geometry:
// model fields (steps, early exit, input shape, layer count, output layer),
// names, kinds, input indices, declared shapes against the computed ones,
// spike flags, the encoder, CHANNEL_AFFINE and LIF tables against T and the
// channel count, LIF resets, READOUT parameters, the activation budget and the
// gamma tables. All size arithmetic is done in int64 after range checks.
//
//===----------------------------------------------------------------------===//
#include "Validator.h"

#include "snnc/Support/Limits.h"
#include "snnc/runtime/GammaTables.h"

#include <cmath>
#include <set>

namespace snnc {
namespace modelbin {

const std::string &kindName(Layer::Kind kind) { return Layer::Kind_Name(kind); }

namespace detail {

bool Validator::encoder(const Layer &pl, Dims *shape) {
  if (pl.params_case() != Layer::kEncoder)
    return fail("params: expected encoder parameters");
  const Encoder &e = pl.encoder();
  if (!Encoder::Kind_IsValid(e.kind()))
    return fail(fmt::format(
        "encoder.kind: {} is not an encoder kind, expected 0, 1 or 2",
        static_cast<int>(e.kind())));
  if (e.kind() == Encoder::STEPS && (e.mean_size() || e.std_size()))
    return fail("encoder.mean/std: a STEPS encoder has no normalisation");
  if (e.kind() == Encoder::POISSON &&
      !(std::isfinite(e.scale()) && e.scale() > 0))
    return fail(fmt::format("encoder.scale: {}, expected a finite value > 0",
                            e.scale()));
  *shape = inputShape;
  int64_t channels = inputShape.empty() ? 1 : inputShape[0];
  if (e.mean_size() == 0 && e.std_size() == 0)
    return true;
  if (e.mean_size() != channels || e.std_size() != channels)
    return fail(fmt::format("encoder.mean/std: {} and {} values, expected both "
                            "empty or {} (one per input channel)",
                            e.mean_size(), e.std_size(), channels));
  for (int c = 0; c < e.mean_size(); ++c) {
    float mean = e.mean(c), sd = e.std(c);
    if (!std::isfinite(mean) || !std::isfinite(sd) || !(sd > 0))
      return fail(fmt::format("encoder.mean/std: channel {} has mean {}, std "
                              "{}; expected finite values and std > 0",
                              c, mean, sd));
  }
  return true;
}

bool Validator::affine(const Layer &pl, const LayerInfo &in) {
  if (pl.params_case() != Layer::kAffine)
    return fail("params: expected affine parameters");
  const ChannelAffine &a = pl.affine();
  int64_t rows = a.scale().shape_size() >= 1 ? a.scale().shape(0) : 0;
  if (rows != 1 && rows != m.num_steps())
    return fail(fmt::format("affine.scale: {} rows, expected 1 or T = {}", rows,
                            m.num_steps()));
  return tensor(a.scale(), "affine.scale", Dims{rows, in.shape[0]}) &&
         tensor(a.shift(), "affine.shift", Dims{rows, in.shape[0]});
}

bool Validator::lif(const Layer &pl, const LayerInfo &in) {
  if (pl.params_case() != Layer::kLif)
    return fail("params: expected lif parameters");
  const LIF &f = pl.lif();
  if (integer)
    return intLif(pl, in);
  if (floatLifHasIntegerFields(f))
    return false;
  if (!LIF::Reset_IsValid(f.reset()))
    return fail(fmt::format("lif.reset: {}, expected 0 (SOFT), 1 (HARD), 2 "
                            "(SUBTRACT_DELAYED) or 3 (NONE)",
                            static_cast<int>(f.reset())));
  float resetValue = f.reset_value();
  if (!std::isfinite(resetValue) || (f.reset() != LIF::HARD && resetValue != 0))
    return fail(fmt::format("lif.reset_value: {}, expected a finite value, "
                            "and 0 unless the reset is HARD",
                            resetValue));
  Dims table{m.num_steps(), in.shape[0]};
  if (!tensor(f.threshold(), "lif.threshold", table) ||
      !tensor(f.leak(), "lif.leak", table) ||
      !tensor(f.bias(), "lif.bias", table) ||
      !tensor(f.gain(), "lif.gain", table))
    return false;
  if (!synapse(f.syn_leak(), f.syn_gain(), "lif", in.shape[0]))
    return false;
  std::vector<float> th = readFloats(f.threshold()),
                     leak = readFloats(f.leak());
  for (size_t k = 0; k < th.size(); ++k) {
    if (!(th[k] > 0))
      return fail(fmt::format("lif.threshold: element {} is {}, expected > 0",
                              k, th[k]));
    if (!(leak[k] >= 0))
      return fail(
          fmt::format("lif.leak: element {} is {}, expected >= 0", k, leak[k]));
  }
  return true;
}

bool Validator::synapse(const google::protobuf::RepeatedField<float> &leak,
                        const google::protobuf::RepeatedField<float> &gain,
                        const char *message, int64_t C) {
  if (leak.size() != gain.size() || (leak.size() != 0 && leak.size() != C))
    return fail(fmt::format("{0}.syn_leak, {0}.syn_gain: {1} and {2} values, "
                            "expected both 0 (no synapse) or both {3} (one "
                            "per channel)",
                            message, leak.size(), gain.size(), C));
  for (int k = 0; k < leak.size(); ++k) {
    if (!(leak[k] >= 0 && leak[k] <= 1))
      return fail(fmt::format("{}.syn_leak: element {} is {}, expected in "
                              "[0, 1]",
                              message, k, leak[k]));
    if (!std::isfinite(gain[k]))
      return fail(fmt::format("{}.syn_gain: element {} is {}, expected "
                              "finite",
                              message, k, gain[k]));
  }
  return true;
}

bool Validator::readout(const Layer &pl, const LayerInfo &in) {
  if (pl.params_case() == Layer::PARAMS_NOT_SET)
    return true;
  if (pl.params_case() != Layer::kReadout)
    return fail("params: expected readout parameters or none");
  const Readout &r = pl.readout();
  int64_t C = in.shape[0];
  struct Column {
    const google::protobuf::RepeatedField<float> &values;
    const char *field;
    float lo, hi;
  } columns[] = {{r.leak(), "readout.leak", 0.0f, 1.0f},
                 {r.gain(), "readout.gain", -INFINITY, INFINITY},
                 {r.bias(), "readout.bias", -INFINITY, INFINITY}};
  if (r.syn_leak_size() && !r.membrane())
    return fail("readout.syn_leak: set without readout.membrane");
  if (!synapse(r.syn_leak(), r.syn_gain(), "readout", C))
    return false;
  for (const Column &col : columns) {
    if (col.values.size() != 0 && !r.membrane())
      return fail(fmt::format("{}: set without readout.membrane", col.field));
    if (col.values.size() != 0 && col.values.size() != C)
      return fail(fmt::format("{}: {} values, expected 0 or {} (one per "
                              "channel)",
                              col.field, col.values.size(), C));
    for (int k = 0; k < col.values.size(); ++k)
      if (!std::isfinite(col.values[k]) || col.values[k] < col.lo ||
          col.values[k] > col.hi)
        return fail(fmt::format("{}: element {} is {}, expected finite and in "
                                "[{}, {}]",
                                col.field, k, col.values[k], col.lo, col.hi));
  }
  return true;
}

bool Validator::inputs(int i, const Layer &pl, size_t want) {
  if (static_cast<size_t>(pl.inputs_size()) != want)
    return fail(
        fmt::format("inputs: {} given, expected {}", pl.inputs_size(), want));
  for (int v : pl.inputs()) {
    if (v < 0 || v >= i)
      return fail(fmt::format(
          "inputs: index {} out of range, expected an earlier layer 0..{}", v,
          i - 1));
    if (layers[v].kind == Layer::READOUT)
      return fail(fmt::format(
          "inputs: layer {} is the READOUT, which feeds no layer", v));
  }
  return true;
}

/// The output shape of layer i computed from its inputs and parameters, with
/// every rule on the parameters checked on the way.
bool Validator::outputShape(int i, const Layer &pl, Dims *shape) {
  const LayerInfo *in = pl.inputs_size() ? &layers[pl.inputs(0)] : nullptr;
  switch (pl.kind()) {
  case Layer::ENCODE:
    return encoder(pl, shape);
  case Layer::CONV2D:
    return conv(pl, *in, shape);
  case Layer::DENSE:
    return dense(pl, *in, shape);
  case Layer::AVG_POOL2D:
  case Layer::MAX_POOL2D:
    return pool(pl, *in, shape);
  case Layer::FLATTEN:
    *shape = {in->numel};
    return true;
  case Layer::ADD:
    if (layers[pl.inputs(1)].shape != in->shape)
      return fail(
          fmt::format("inputs: shapes {} and {} differ, expected equal shapes",
                      dimsStr(in->shape), dimsStr(layers[pl.inputs(1)].shape)));
    *shape = in->shape;
    return true;
  case Layer::CHANNEL_AFFINE:
    *shape = in->shape;
    return affine(pl, *in);
  case Layer::LIF:
    *shape = in->shape;
    return lif(pl, *in);
  case Layer::READOUT:
    if (i != m.output_layer())
      return fail(fmt::format(
          "kind: READOUT must be the output layer (output_layer = {})",
          m.output_layer()));
    *shape = in->shape;
    return readout(pl, *in);
  default:
    return fail("kind: unknown");
  }
}

bool Validator::expectedBinary(const Layer &pl, bool *out) {
  switch (pl.kind()) {
  case Layer::ENCODE:
    *out = pl.encoder().kind() == Encoder::POISSON;
    return true;
  case Layer::LIF:
    *out = true;
    return true;
  case Layer::MAX_POOL2D:
  case Layer::FLATTEN:
    *out = layers[pl.inputs(0)].binary;
    return true;
  default:
    *out = false;
    return true;
  }
}

bool Validator::layer(int i, const Layer &pl) {
  LayerInfo L;
  L.name = pl.name();
  // A hostile name must not flood the message: quote at most 64 bytes.
  where = fmt::format("layer {} '{}{}'", i, L.name.substr(0, 64),
                      L.name.size() > 64 ? "..." : "");
  if (L.name.size() > size_t(limits::kMaxNameLength))
    return fail(fmt::format("name: {} bytes, expected at most {}",
                            L.name.size(), limits::kMaxNameLength));
  if (!Layer::Kind_IsValid(pl.kind()))
    return fail(fmt::format("kind: {} is not a layer kind, expected 0..{}",
                            static_cast<int>(pl.kind()), Layer::Kind_MAX));
  L.kind = pl.kind();
  where += fmt::format(" ({})", kindName(L.kind));
  if (L.name.empty())
    return fail("name: empty, expected the ONNX node name");
  size_t want = L.kind == Layer::ENCODE ? 0 : L.kind == Layer::ADD ? 2 : 1;
  Dims declared = toDims(pl.shape());
  if (!inputs(i, pl, want) || !numelOf(declared, "shape", &L.numel) ||
      !outputShape(i, pl, &L.shape))
    return false;
  bool hasParams = L.kind == Layer::ENCODE || L.kind == Layer::CHANNEL_AFFINE ||
                   L.kind == Layer::LIF || L.kind == Layer::CONV2D ||
                   L.kind == Layer::DENSE || L.kind == Layer::AVG_POOL2D ||
                   L.kind == Layer::MAX_POOL2D || L.kind == Layer::READOUT;
  if (!hasParams && pl.params_case() != Layer::PARAMS_NOT_SET)
    return fail("params: set, expected none for this kind");
  if (L.shape != declared)
    return fail(fmt::format(
        "shape: {} declared, expected {} (computed from the inputs)",
        dimsStr(declared), dimsStr(L.shape)));
  if (!expectedBinary(pl, &L.binary))
    return false;
  if (pl.binary() != L.binary)
    return fail(fmt::format("binary: {}, expected {} for this layer",
                            pl.binary(), L.binary));
  if (integer && !integerLayer(pl, L))
    return false;
  layers.push_back(std::move(L));
  return true;
}

bool Validator::model() {
  if (m.num_steps() < 1 || m.num_steps() > limits::kMaxSteps)
    return fail(fmt::format("model.num_steps: {}, expected 1..{}",
                            m.num_steps(), limits::kMaxSteps));
  if (m.early_exit_step() < 1 || m.early_exit_step() > m.num_steps())
    return fail(
        fmt::format("model.early_exit_step: {}, expected 1..num_steps = {}",
                    m.early_exit_step(), m.num_steps()));
  if (!std::isfinite(m.early_exit_threshold()))
    return fail("model.early_exit_threshold: not finite");
  inputShape = toDims(m.input_shape());
  int64_t inputNumel;
  if (!numelOf(inputShape, "model.input_shape", &inputNumel))
    return false;
  if (m.layers_size() < 2 || m.layers_size() > limits::kMaxLayers)
    return fail(fmt::format("model.layers: {} layers, expected 2..{}",
                            m.layers_size(), limits::kMaxLayers));
  if (m.output_layer() < 0 || m.output_layer() >= m.layers_size() ||
      m.layers(m.output_layer()).kind() != Layer::READOUT)
    return fail(fmt::format(
        "model.output_layer: {}, expected the index of the READOUT layer",
        m.output_layer()));
  return integerModel();
}

bool Validator::run() {
  if (!model())
    return false;
  std::set<std::string> names;
  int64_t total = 0;
  for (int i = 0; i < m.layers_size(); ++i) {
    if (!layer(i, m.layers(i)))
      return false;
    if (!names.insert(layers.back().name).second)
      return fail(
          "name: duplicate layer name, expected unique ONNX node names");
    total += layers.back().numel;
    if (total > limits::kMaxTotalNumel)
      return fail(
          fmt::format("shape: activations of one sample exceed {} elements",
                      limits::kMaxTotalNumel));
  }
  where.clear();
  const Dims &out = layers[m.output_layer()].shape;
  if (out.size() != 1)
    return fail(fmt::format("model.output_layer: READOUT shape has rank {}, "
                            "expected rank 1 [classes]",
                            out.size()));
  std::string tableError;
  if (!checkGammaTables(m, &tableError))
    return fail(tableError);
  return true;
}

} // namespace detail

bool validate(const Model &m, std::string *error) {
  detail::Validator v(m, error);
  return v.run();
}

} // namespace modelbin
} // namespace snnc

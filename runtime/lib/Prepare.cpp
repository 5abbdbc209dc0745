//===- Prepare.cpp - validate a parsed model and build the Network --------===//
//
// Every rule of docs/model-bin.md "Validation" lives here: model-level fields,
// per-layer input indices, shapes recomputed from the inputs and compared with
// the declared ones, parameter tensors (dtype, shape, byte size, finiteness,
// value ranges), table sizes against T and channel counts, and allocation
// limits. The checks run before any parameter is used, so the executor can
// index without bounds checks. All size arithmetic is done in int64 after range
// checks.
//
//===----------------------------------------------------------------------===//
#include "Preparer.h"

#include "snnc/runtime/GammaTables.h"
#include "snnc/runtime/ModelFile.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace snnc {
namespace rt {

using detail::dimsStr;
using detail::Preparer;
using detail::toDims;
namespace mb = snnc::modelbin;

const char *kindName(Kind k) {
  static const char *names[] = {
      "ENCODE",  "CONV2D", "DENSE",          "AVG_POOL2D", "MAX_POOL2D",
      "FLATTEN", "ADD",    "CHANNEL_AFFINE", "LIF",        "READOUT"};
  return names[static_cast<int>(k)];
}

namespace {

/// The encoder's optional input normalisation (encoder.mean, encoder.std):
/// both empty, or `channels` values each, finite, std > 0. Returns "" or the
/// problem.
std::string readNormalisation(const mb::Encoder &e, int64_t channels,
                              Layer *L) {
  if (e.mean_size() == 0 && e.std_size() == 0)
    return "";
  if (e.mean_size() != channels || e.std_size() != channels)
    return fmt::format("encoder.mean/std: {} and {} values, expected both "
                       "empty or {} (one per input channel)",
                       e.mean_size(), e.std_size(), channels);
  for (int64_t c = 0; c < channels; ++c) {
    float m = e.mean(static_cast<int>(c)), s = e.std(static_cast<int>(c));
    if (!std::isfinite(m) || !std::isfinite(s) || !(s > 0))
      return fmt::format("encoder.mean/std: channel {} has mean {}, std {}; "
                         "expected finite values and std > 0",
                         c, m, s);
  }
  L->normMean.assign(e.mean().begin(), e.mean().end());
  L->normStd.assign(e.std().begin(), e.std().end());
  return "";
}

bool expectedBinary(const Layer &L, const std::vector<Layer> &layers) {
  switch (L.kind) {
  case Kind::Encode:
    return L.poisson;
  case Kind::Lif:
    return true;
  case Kind::MaxPool:
  case Kind::Flatten:
    return layers[L.inputs[0]].binary;
  default:
    return false;
  }
}

} // namespace

namespace detail {

bool Preparer::layer(int i, const mb::Layer &pl) {
  Layer L;
  L.name = pl.name();
  // A hostile name must not flood the message: quote at most 64 bytes.
  bool longName = L.name.size() > size_t(limits::kMaxNameLength);
  where = fmt::format("layer {} '{}{}'", i, L.name.substr(0, 64),
                      L.name.size() > 64 ? "..." : "");
  if (longName)
    return fail(fmt::format("name: {} bytes, expected at most {}",
                            L.name.size(), limits::kMaxNameLength));
  if (!mb::Layer::Kind_IsValid(pl.kind()))
    return fail(fmt::format("kind: {} is not a layer kind, expected 0..9",
                            static_cast<int>(pl.kind())));
  L.kind = static_cast<Kind>(pl.kind());
  where += fmt::format(" ({})", kindName(L.kind));
  if (L.name.empty())
    return fail("name: empty, expected the ONNX node name");
  size_t want = L.kind == Kind::Encode ? 0 : L.kind == Kind::Add ? 2 : 1;
  if (static_cast<size_t>(pl.inputs_size()) != want)
    return fail(
        fmt::format("inputs: {} given, expected {}", pl.inputs_size(), want));
  for (int v : pl.inputs()) {
    if (v < 0 || v >= i)
      return fail(fmt::format(
          "inputs: index {} out of range, expected an earlier layer 0..{}", v,
          i - 1));
    if (net.layers[v].kind == Kind::Readout)
      return fail(fmt::format(
          "inputs: layer {} is the READOUT, which feeds no layer", v));
    L.inputs.push_back(v);
  }
  Dims declared = toDims(pl.shape());
  if (!numelOf(declared, "shape", &L.numel))
    return false;
  const Layer *in = want ? &net.layers[L.inputs[0]] : nullptr;
  Dims shape;
  switch (L.kind) {
  case Kind::Encode: {
    if (pl.params_case() != mb::Layer::kEncoder)
      return fail("params: expected encoder parameters");
    const mb::Encoder &e = pl.encoder();
    if (!mb::Encoder::Kind_IsValid(e.kind()))
      return fail(fmt::format(
          "encoder.kind: {} is not an encoder kind, expected 0, 1 or 2",
          static_cast<int>(e.kind())));
    L.poisson = e.kind() == mb::Encoder::POISSON;
    L.perStep = e.kind() == mb::Encoder::STEPS;
    if (L.perStep && (e.mean_size() || e.std_size()))
      return fail("encoder.mean/std: a STEPS encoder has no normalisation");
    net.perStep = net.perStep || L.perStep;
    L.encSteps = L.perStep ? net.steps : 1;
    L.encScale = e.scale();
    L.encSigned = e.signed_();
    if (L.poisson && !(std::isfinite(L.encScale) && L.encScale > 0))
      return fail(fmt::format("encoder.scale: {}, expected a finite value > 0",
                              L.encScale));
    shape = net.inputShape;
    if (std::string bad =
            readNormalisation(e, shape.empty() ? 1 : shape[0], &L);
        !bad.empty())
      return fail(bad);
    L.bounded = L.poisson;
    L.lo = L.encSigned ? -1.0f : 0.0f;
    L.hi = 1.0f;
    break;
  }
  case Kind::Conv2d:
    if (!conv(pl, *in, L, &shape))
      return false;
    break;
  case Kind::Dense:
    if (!dense(pl, *in, L, &shape))
      return false;
    break;
  case Kind::AvgPool:
  case Kind::MaxPool:
    if (!pool(pl, *in, L, &shape))
      return false;
    L.bounded = in->bounded;
    L.lo = in->lo;
    L.hi = in->hi;
    if (L.kind == Kind::AvgPool && L.countIncludePad) {
      L.lo = std::min(L.lo, 0.0f);
      L.hi = std::max(L.hi, 0.0f);
    }
    break;
  case Kind::Flatten:
    shape = {in->numel};
    L.gather.resize(static_cast<size_t>(in->numel));
    for (int64_t j = 0; j < in->numel; ++j)
      L.gather[j] =
          static_cast<int32_t>(Network::physical(j, in->channels, in->spatial));
    L.bounded = in->bounded;
    L.lo = in->lo;
    L.hi = in->hi;
    break;
  case Kind::Add:
    if (net.layers[L.inputs[1]].shape != in->shape)
      return fail(fmt::format(
          "inputs: shapes {} and {} differ, expected equal shapes",
          dimsStr(in->shape), dimsStr(net.layers[L.inputs[1]].shape)));
    shape = in->shape;
    break;
  case Kind::Affine: {
    if (pl.params_case() != mb::Layer::kAffine)
      return fail("params: expected affine parameters");
    const mb::ChannelAffine &a = pl.affine();
    int64_t rows = a.scale().shape_size() >= 1 ? a.scale().shape(0) : 0;
    if (rows != 1 && rows != net.steps)
      return fail(fmt::format("affine.scale: {} rows, expected 1 or T = {}",
                              rows, net.steps));
    L.rows = rows;
    if (!table(a.scale(), "affine.scale", rows, in->channels, &L.scale) ||
        !table(a.shift(), "affine.shift", rows, in->channels, &L.shift))
      return false;
    L.paramCount = 2 * rows * in->channels;
    shape = in->shape;
    break;
  }
  case Kind::Lif: {
    if (pl.params_case() != mb::Layer::kLif)
      return fail("params: expected lif parameters");
    const mb::LIF &f = pl.lif();
    if (!mb::LIF::Reset_IsValid(f.reset()))
      return fail(fmt::format("lif.reset: {}, expected 0 (SOFT), 1 (HARD), 2 "
                              "(SUBTRACT_DELAYED) or 3 (NONE)",
                              static_cast<int>(f.reset())));
    L.reset = static_cast<Reset>(f.reset());
    L.hardReset = f.reset() == mb::LIF::HARD;
    L.resetValue = f.reset_value();
    if (!std::isfinite(L.resetValue) || (!L.hardReset && L.resetValue != 0))
      return fail(fmt::format("lif.reset_value: {}, expected a finite value, "
                              "and 0 unless the reset is HARD",
                              L.resetValue));
    int64_t T = net.steps, C = in->channels;
    if (!table(f.threshold(), "lif.threshold", T, C, &L.threshold) ||
        !table(f.leak(), "lif.leak", T, C, &L.leak) ||
        !table(f.bias(), "lif.bias", T, C, &L.lifBias) ||
        !table(f.gain(), "lif.gain", T, C, &L.gain))
      return false;
    for (size_t k = 0; k < L.threshold.size(); ++k) {
      if (!(L.threshold[k] > 0))
        return fail(fmt::format("lif.threshold: element {} is {}, expected > 0",
                                k, L.threshold[k]));
      if (!(L.leak[k] >= 0))
        return fail(fmt::format("lif.leak: element {} is {}, expected >= 0", k,
                                L.leak[k]));
    }
    L.paramCount = 4 * T * C;
    shape = in->shape;
    L.bounded = true;
    L.lo = 0;
    L.hi = 1;
    break;
  }
  case Kind::Readout:
    if (i != m.output_layer())
      return fail(fmt::format(
          "kind: READOUT must be the output layer (output_layer = {})",
          m.output_layer()));
    shape = in->shape;
    if (!readout(pl, in->channels, L))
      return false;
    break;
  }
  if (L.kind != Kind::Encode && L.kind != Kind::Affine && L.kind != Kind::Lif &&
      L.kind != Kind::Readout && L.kind != Kind::Conv2d &&
      L.kind != Kind::Dense && L.kind != Kind::AvgPool &&
      L.kind != Kind::MaxPool && pl.params_case() != mb::Layer::PARAMS_NOT_SET)
    return fail("params: set, expected none for this kind");
  if (shape != declared)
    return fail(fmt::format(
        "shape: {} declared, expected {} (computed from the inputs)",
        dimsStr(declared), dimsStr(shape)));
  L.shape = shape;
  L.channels = shape[0];
  L.spatial = L.numel / L.channels;
  net.layers.push_back(std::move(L));
  Layer &B = net.layers.back();
  bool bin = expectedBinary(B, net.layers);
  if (pl.binary() != bin)
    return fail(fmt::format("binary: {}, expected {} for this layer",
                            pl.binary(), bin));
  B.binary = bin;
  return true;
}

bool Preparer::run() {
  net = Network();
  if (m.num_steps() < 1 || m.num_steps() > kMaxSteps)
    return fail(fmt::format("model.num_steps: {}, expected 1..{}",
                            m.num_steps(), kMaxSteps));
  net.steps = m.num_steps();
  if (m.early_exit_step() < 1 || m.early_exit_step() > m.num_steps())
    return fail(
        fmt::format("model.early_exit_step: {}, expected 1..num_steps = {}",
                    m.early_exit_step(), m.num_steps()));
  net.exitStep = m.early_exit_step();
  if (!std::isfinite(m.early_exit_threshold()))
    return fail("model.early_exit_threshold: not finite");
  net.exitThreshold = m.early_exit_threshold();
  net.producer = m.producer();
  net.sourceName = m.source_name();
  net.sourceSha256 = m.source_sha256();
  net.foldMode = m.fold_mode();
  net.inputShape = toDims(m.input_shape());
  if (!numelOf(net.inputShape, "model.input_shape", &net.inputNumel))
    return false;
  if (m.layers_size() < 2 || m.layers_size() > kMaxLayers)
    return fail(fmt::format("model.layers: {} layers, expected 2..{}",
                            m.layers_size(), kMaxLayers));
  if (m.output_layer() < 0 || m.output_layer() >= m.layers_size() ||
      m.layers(m.output_layer()).kind() != mb::Layer::READOUT)
    return fail(fmt::format(
        "model.output_layer: {}, expected the index of the READOUT layer",
        m.output_layer()));
  net.output = m.output_layer();
  std::set<std::string> names;
  int64_t total = 0;
  for (int i = 0; i < m.layers_size(); ++i) {
    if (!layer(i, m.layers(i)))
      return false;
    if (!names.insert(net.layers.back().name).second)
      return fail(
          "name: duplicate layer name, expected unique ONNX node names");
    total += net.layers.back().numel;
    if (total > kMaxTotalNumel)
      return fail(
          fmt::format("shape: activations of one sample exceed {} elements",
                      kMaxTotalNumel));
  }
  where.clear();
  if (net.layers[net.output].shape.size() != 1)
    return fail(fmt::format(
        "model.output_layer: READOUT shape has rank {}, expected rank 1 "
        "[classes]",
        net.layers[net.output].shape.size()));
  std::string tableError;
  if (!mb::checkGammaTables(m, &tableError))
    return fail(tableError);
  for (const mb::GammaMean &g : m.gamma_mean())
    net.gammaMean.emplace_back(
        g.layer(), std::vector<float>(g.mean().begin(), g.mean().end()));
  return true;
}

bool Preparer::readout(const mb::Layer &pl, int64_t C, Layer &L) {
  if (pl.params_case() == mb::Layer::PARAMS_NOT_SET)
    return true;
  if (pl.params_case() != mb::Layer::kReadout)
    return fail("params: expected readout parameters or none");
  const mb::Readout &r = pl.readout();
  L.membrane = r.membrane();
  struct Column {
    const google::protobuf::RepeatedField<float> &values;
    const char *field;
    float fill, lo, hi;
    std::vector<float> *out;
  } columns[] = {
      {r.leak(), "readout.leak", 1.0f, 0.0f, 1.0f, &L.roLeak},
      {r.gain(), "readout.gain", 1.0f, -INFINITY, INFINITY, &L.roGain},
      {r.bias(), "readout.bias", 0.0f, -INFINITY, INFINITY, &L.roBias}};
  for (const Column &col : columns) {
    if (col.values.size() != 0 && !L.membrane)
      return fail(fmt::format("{}: set without readout.membrane", col.field));
    if (col.values.size() != 0 && col.values.size() != C)
      return fail(fmt::format("{}: {} values, expected 0 or {} (one per "
                              "channel)",
                              col.field, col.values.size(), C));
    col.out->assign(col.values.begin(), col.values.end());
    if (col.out->empty())
      col.out->assign(C, col.fill);
    for (size_t k = 0; k < col.out->size(); ++k)
      if (!std::isfinite((*col.out)[k]) || (*col.out)[k] < col.lo ||
          (*col.out)[k] > col.hi)
        return fail(fmt::format("{}: element {} is {}, expected finite and in "
                                "[{}, {}]",
                                col.field, k, (*col.out)[k], col.lo, col.hi));
  }
  return true;
}

} // namespace detail

bool prepareNetwork(const mb::Model &m, Network *net, std::string *error) {
  Preparer p(m, net, error);
  return p.run();
}

bool loadNetwork(const std::string &path, Network *net, std::string *error) {
  mb::Model m;
  if (!mb::readModelFile(path, &m, error))
    return false;
  if (!prepareNetwork(m, net, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

} // namespace rt
} // namespace snnc

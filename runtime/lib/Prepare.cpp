//===- Prepare.cpp - build the Network of a validated model ---------------===//
//
// prepareNetwork() first runs modelbin::validate (every rule of
// docs/model-bin.md lives there, in snnc_modelbin), then converts the model
// into the Network of Network.h: flat float tables, value bounds for the
// adaptive exit, the flatten gather map and, in PrepareLayers.cpp, weight
// layouts and kernel footprints. Nothing here rejects a model: after
// validation the conversion cannot fail.
//
//===----------------------------------------------------------------------===//
#include "Preparer.h"

#include "snnc/runtime/ModelFile.h"

#include <algorithm>

namespace snnc {
namespace rt {

namespace mb = snnc::modelbin;

const std::string &kindName(Kind k) {
  return mb::kindName(static_cast<mb::Layer::Kind>(k));
}

namespace detail {
namespace {

std::vector<float> floats(const google::protobuf::RepeatedField<float> &f) {
  return std::vector<float>(f.begin(), f.end());
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

/// Copies the value bounds of the input (pools, flatten keep them).
void boundsOf(const Layer &in, Layer &L) {
  L.bounded = in.bounded;
  L.lo = in.lo;
  L.hi = in.hi;
}

} // namespace

void Preparer::encoder(const mb::Encoder &e, Layer &L) {
  L.poisson = e.kind() == mb::Encoder::POISSON;
  L.perStep = e.kind() == mb::Encoder::STEPS;
  net.perStep = net.perStep || L.perStep;
  L.encSteps = L.perStep ? net.steps : 1;
  L.encScale = e.scale();
  L.encSigned = e.signed_();
  L.normMean = floats(e.mean());
  L.normStd = floats(e.std());
  L.bounded = L.poisson;
  L.lo = L.encSigned ? -1.0f : 0.0f;
  L.hi = 1.0f;
}

void Preparer::layer(const mb::Layer &pl) {
  Layer L;
  L.name = pl.name();
  L.kind = toKind(pl.kind());
  L.inputs.assign(pl.inputs().begin(), pl.inputs().end());
  L.shape.assign(pl.shape().begin(), pl.shape().end());
  L.numel = 1;
  for (int64_t d : L.shape)
    L.numel *= d;
  L.channels = L.shape[0];
  L.spatial = L.numel / L.channels;
  const Layer *in = L.inputs.empty() ? nullptr : &net.layers[L.inputs[0]];
  switch (L.kind) {
  case Kind::Encode:
    encoder(pl.encoder(), L);
    break;
  case Kind::Conv2d:
    conv(pl, *in, L);
    break;
  case Kind::Dense:
    dense(pl, *in, L);
    break;
  case Kind::AvgPool:
  case Kind::MaxPool:
    pool(pl, *in, L);
    boundsOf(*in, L);
    if (L.kind == Kind::AvgPool && L.countIncludePad) {
      L.lo = std::min(L.lo, 0.0f);
      L.hi = std::max(L.hi, 0.0f);
    }
    break;
  case Kind::Flatten:
    L.gather.resize(static_cast<size_t>(in->numel));
    for (int64_t j = 0; j < in->numel; ++j)
      L.gather[j] =
          static_cast<int32_t>(Network::physical(j, in->channels, in->spatial));
    boundsOf(*in, L);
    break;
  case Kind::Affine: {
    const mb::ChannelAffine &a = pl.affine();
    L.rows = a.scale().shape(0);
    L.scale = mb::readFloats(a.scale());
    L.shift = mb::readFloats(a.shift());
    L.paramCount = 2 * L.rows * in->channels;
    break;
  }
  case Kind::Lif: {
    const mb::LIF &f = pl.lif();
    L.reset = static_cast<Reset>(f.reset());
    L.hardReset = f.reset() == mb::LIF::HARD;
    L.resetValue = f.reset_value();
    L.synLeak = floats(f.syn_leak());
    L.synGain = floats(f.syn_gain());
    L.threshold = mb::readFloats(f.threshold());
    L.leak = mb::readFloats(f.leak());
    L.lifBias = mb::readFloats(f.bias());
    L.gain = mb::readFloats(f.gain());
    L.paramCount = 4 * int64_t(net.steps) * in->channels;
    L.bounded = true;
    L.lo = 0;
    L.hi = 1;
    break;
  }
  case Kind::Readout:
    readout(pl, in->channels, L);
    break;
  case Kind::Add:
    break;
  }
  L.binary = expectedBinary(L, net.layers);
  net.layers.push_back(std::move(L));
}

void Preparer::run() {
  net = Network();
  net.steps = m.num_steps();
  net.exitStep = m.early_exit_step();
  net.exitThreshold = m.early_exit_threshold();
  net.producer = m.producer();
  net.sourceName = m.source_name();
  net.sourceSha256 = m.source_sha256();
  net.foldMode = m.fold_mode();
  net.inputShape.assign(m.input_shape().begin(), m.input_shape().end());
  net.inputNumel = 1;
  for (int64_t d : net.inputShape)
    net.inputNumel *= d;
  net.output = m.output_layer();
  for (int i = 0; i < m.layers_size(); ++i)
    layer(m.layers(i));
  for (const mb::GammaMean &g : m.gamma_mean())
    net.gammaMean.emplace_back(g.layer(), floats(g.mean()));
}

void Preparer::readout(const mb::Layer &pl, int64_t C, Layer &L) {
  const mb::Readout &r = pl.readout(); // the defaults when not set
  L.membrane = r.membrane();
  L.roLeak = r.leak_size() ? floats(r.leak()) : std::vector<float>(C, 1.0f);
  L.roGain = r.gain_size() ? floats(r.gain()) : std::vector<float>(C, 1.0f);
  L.roBias = r.bias_size() ? floats(r.bias()) : std::vector<float>(C, 0.0f);
  L.synLeak = floats(r.syn_leak());
  L.synGain = floats(r.syn_gain());
}

} // namespace detail

bool prepareNetwork(const mb::Model &m, Network *net, std::string *error) {
  if (!mb::validate(m, error))
    return false;
  detail::Preparer(m, net).run();
  if (!m.quantization().empty())
    detail::prepareInteger(m, *net);
  return true;
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

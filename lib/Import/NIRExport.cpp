//===- NIRExport.cpp - model.bin layers to NIR nodes ----------------------===//
//
// Walks the compiled model.bin (topological order) and builds the NIR node
// tree of NIRReader.h, which NIRWriter.cpp writes: ENCODE -> Input (the
// per-step tensors; the encoder's kind goes to metadata/), CONV2D -> Conv2d,
// DENSE -> Affine/Linear, AVG_POOL2D -> AvgPool2d, FLATTEN -> Flatten, ADD ->
// several edges into the consumer (NIR sums them), a one-row CHANNEL_AFFINE ->
// a depthwise 1x1 Conv2d or a diagonal Affine, LIF -> LIF/IF/Threshold with
// per-neuron arrays (continuousLIF, the inverse of the importer's
// discretisation), READOUT -> Output (a membrane readout: LI or I first).
// Everything else is refused with the layer's name and the rule, unless
// --nir-metadata asks to keep per-step tables and subtract resets under
// metadata/.
//
//===----------------------------------------------------------------------===//

#include "snnc/Import/NIRExport.h"

#include "NIRReader.h"

#include "snnc/Import/NIRImporter.h"
#include "snnc/modelbin/Validate.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace snnc {
namespace {

using modelbin::Layer;
using modelbin::Model;
using modelbin::Tensor;
using nir::Field;
using nir::Node;

class Exporter {
public:
  Exporter(const Model &m, const NIRExportOptions &o) : m(m), o(o) {}
  NIRExportStatus run(nir::File *file, std::string *error);

private:
  bool layer(int i);
  bool conv(int i, const Layer &l);
  bool dense(int i, const Layer &l);
  bool pool(int i, const Layer &l);
  bool affine(int i, const Layer &l);
  bool lif(int i, const Layer &l);
  bool readout(int i, const Layer &l);
  bool synapse(int i, const google::protobuf::RepeatedField<float> &leak,
               const google::protobuf::RepeatedField<float> &gain,
               std::vector<double> *tau, std::vector<double> *w);
  /// A new node fed by layer `input`'s sources; becomes layer i's source.
  Node &add(int i, const std::string &type, int input,
            const std::string &suffix = "");
  bool refuse(int i, const std::string &why);
  /// --nir-metadata: the marker that snnc's importer reads the metadata by
  /// (NIRMetadata.h), and the BNTT gamma means of the early-exit rule.
  void ownMetadata(Node &input);
  std::string unique(std::string name);
  const Layer &in(const Layer &l, int k = 0) const {
    return m.layers(l.inputs(k));
  }

  const Model &m;
  NIRExportOptions o;
  nir::Graph *g = nullptr;
  std::vector<std::vector<std::string>> sources; // NIR nodes summed per layer
  std::set<std::string> used;
  std::string message;
};

std::vector<int64_t> shapeOf(const Layer &l) {
  return {l.shape().begin(), l.shape().end()};
}

int64_t numel(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// One value per channel (dim 0) expanded to every neuron of `shape`.
std::vector<double> perNeuron(const std::vector<double> &perChannel,
                              const std::vector<int64_t> &shape) {
  int64_t n = numel(shape), c = static_cast<int64_t>(perChannel.size());
  std::vector<double> out(n);
  for (int64_t k = 0; k < n; ++k)
    out[k] = perChannel[k / (n / c)];
  return out;
}

/// Row 0 of a [T, C] table, and whether every row equals it.
bool firstRow(const Tensor &t, std::vector<float> *row) {
  std::vector<float> v = modelbin::readFloats(t);
  int64_t C = t.shape(1);
  row->assign(v.begin(), v.begin() + C);
  for (size_t k = C; k < v.size(); ++k)
    if (v[k] != (*row)[k % C])
      return false;
  return true;
}

bool allEqualTo(const std::vector<float> &v, float x) {
  return std::all_of(v.begin(), v.end(), [x](float e) { return e == x; });
}

Field tableField(const Tensor &t) {
  std::vector<float> v = modelbin::readFloats(t);
  return nir::floatField({v.begin(), v.end()}, {t.shape(0), t.shape(1)});
}

std::string Exporter::unique(std::string name) {
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      c = '_';
  size_t start = name.find_first_not_of('_');
  name = start == std::string::npos ? "layer" : name.substr(start);
  if (name == "input" || name == "output")
    name += "_";
  std::string candidate = name;
  for (int k = 2; used.count(candidate); ++k)
    candidate = name + "_" + std::to_string(k);
  used.insert(candidate);
  return candidate;
}

Node &Exporter::add(int i, const std::string &type, int input,
                    const std::string &suffix) {
  g->nodes.emplace_back();
  Node &n = g->nodes.back();
  n.type = type;
  n.name = unique(m.layers(i).name() + suffix);
  for (const std::string &s : sources[input])
    g->edges.emplace_back(s, n.name);
  sources[i] = {n.name};
  return n;
}

bool Exporter::refuse(int i, const std::string &why) {
  const Layer &l = m.layers(i);
  message = "layer " + std::to_string(i) + " '" + l.name() + "' (" +
            modelbin::kindName(l.kind()) + "): " + why;
  return false;
}

void Exporter::ownMetadata(Node &input) {
  input.metadata["snnc_nir_metadata"] = nir::intField({1}, {});
  if (m.gamma_mean_size() == 0)
    return;
  Field layers;
  layers.isString = true;
  layers.shape = {m.gamma_mean_size()};
  std::vector<double> mean;
  for (const modelbin::GammaMean &g : m.gamma_mean()) {
    layers.strings.push_back(g.layer());
    mean.insert(mean.end(), g.mean().begin(), g.mean().end());
  }
  input.metadata["snnc_gamma_layers"] = std::move(layers);
  input.metadata["snnc_gamma_mean"] =
      nir::floatField(mean, {m.gamma_mean_size(), m.num_steps()});
}

bool Exporter::conv(int i, const Layer &l) {
  const modelbin::Conv2d &c = l.conv2d();
  modelbin::Window2d w = modelbin::convWindow(c);
  if (w.padT != w.padB || w.padL != w.padR)
    return refuse(i, "asymmetric padding; NIR's Conv2d pads both sides "
                     "alike");
  std::vector<float> weight = modelbin::readFloats(c.weight());
  std::vector<int64_t> ws(c.weight().shape().begin(), c.weight().shape().end());
  std::vector<double> bias(ws[0], 0.0);
  if (c.bias().shape_size()) {
    std::vector<float> b = modelbin::readFloats(c.bias());
    bias.assign(b.begin(), b.end());
  }
  std::vector<int64_t> x = shapeOf(in(l));
  Node &n = add(i, "Conv2d", l.inputs(0));
  n.fields["weight"] = nir::floatField({weight.begin(), weight.end()}, ws);
  n.fields["bias"] = nir::floatField(bias, {ws[0]});
  n.fields["stride"] = nir::intField({w.sh, w.sw}, {2});
  n.fields["padding"] = nir::intField({w.padT, w.padL}, {2});
  n.fields["dilation"] = nir::intField({w.dh, w.dw}, {2});
  n.fields["groups"] = nir::intField({modelbin::convGroups(c)}, {});
  n.fields["input_shape"] = nir::intField({x[1], x[2]}, {2});
  return true;
}

bool Exporter::dense(int i, const Layer &l) {
  const modelbin::Dense &d = l.dense();
  std::vector<float> weight = modelbin::readFloats(d.weight());
  bool hasBias = d.bias().shape_size() > 0;
  Node &n = add(i, hasBias ? "Affine" : "Linear", l.inputs(0));
  n.fields["weight"] =
      nir::floatField({weight.begin(), weight.end()},
                      {d.weight().shape(0), d.weight().shape(1)});
  if (hasBias) {
    std::vector<float> b = modelbin::readFloats(d.bias());
    n.fields["bias"] =
        nir::floatField({b.begin(), b.end()}, {d.bias().shape(0)});
  }
  return true;
}

bool Exporter::pool(int i, const Layer &l) {
  if (l.kind() == Layer::MAX_POOL2D)
    return refuse(i, "max pooling has no NIR node (NIR pools by sum or "
                     "average)");
  modelbin::Window2d w = modelbin::poolWindow(l.pool());
  bool padded = w.padT || w.padL || w.padB || w.padR;
  if (w.padT != w.padB || w.padL != w.padR)
    return refuse(i, "asymmetric padding; NIR's AvgPool2d pads both sides "
                     "alike");
  if (padded && !l.pool().count_include_pad())
    return refuse(i, "padded average pooling that excludes the padding "
                     "(NIR readers count it, as torch.nn.AvgPool2d does)");
  Node &n = add(i, "AvgPool2d", l.inputs(0));
  n.fields["kernel_size"] = nir::intField({w.kh, w.kw}, {2});
  n.fields["stride"] = nir::intField({w.sh, w.sw}, {2});
  n.fields["padding"] = nir::intField({w.padT, w.padL}, {2});
  return true;
}

/// A per-channel scale and shift that is the same at every step: a depthwise
/// 1x1 convolution (rank 3) or a diagonal Affine (rank 1).
bool Exporter::affine(int i, const Layer &l) {
  std::vector<float> scale, shift;
  bool staticRows = firstRow(l.affine().scale(), &scale) &&
                    firstRow(l.affine().shift(), &shift);
  if (!staticRows)
    return refuse(i, "a per-step channel affine (an unfolded BNTT) has no "
                     "NIR form");
  std::vector<int64_t> shape = shapeOf(l);
  int64_t C = static_cast<int64_t>(scale.size());
  std::vector<double> bias(shift.begin(), shift.end());
  if (shape.size() == 3) {
    Node &n = add(i, "Conv2d", l.inputs(0));
    n.fields["weight"] =
        nir::floatField({scale.begin(), scale.end()}, {C, 1, 1, 1});
    n.fields["bias"] = nir::floatField(bias, {C});
    n.fields["stride"] = nir::intField({1, 1}, {2});
    n.fields["padding"] = nir::intField({0, 0}, {2});
    n.fields["dilation"] = nir::intField({1, 1}, {2});
    n.fields["groups"] = nir::intField({C}, {});
    n.fields["input_shape"] = nir::intField({shape[1], shape[2]}, {2});
    return true;
  }
  if (shape.size() != 1)
    return refuse(i, "a channel affine of rank " +
                         std::to_string(shape.size()) + " (expected 1 or 3)");
  std::vector<double> diag(C * C, 0.0);
  for (int64_t c = 0; c < C; ++c)
    diag[c * C + c] = scale[c];
  Node &n = add(i, "Affine", l.inputs(0));
  n.fields["weight"] = nir::floatField(diag, {C, C});
  n.fields["bias"] = nir::floatField(bias, {C});
  return true;
}

const char *resetName(modelbin::LIF::Reset r) {
  switch (r) {
  case modelbin::LIF::SOFT:
    return "subtract";
  case modelbin::LIF::SUBTRACT_DELAYED:
    return "subtract_delayed";
  case modelbin::LIF::NONE:
    return "none";
  default:
    return "zero";
  }
}

/// LIF (leak < 1), IF (leak 1, no bias) or Threshold (leak 0, no reset, unit
/// gain, no bias), with parameters per neuron. Step-varying tables and
/// subtract resets: refused, or with --nir-metadata written under metadata/
/// while the fields hold step 0's values and a zero reset.
bool Exporter::lif(int i, const Layer &l) {
  const modelbin::LIF &p = l.lif();
  std::vector<float> thr, leak, bias, gain;
  bool uniform[4] = {firstRow(p.threshold(), &thr), firstRow(p.leak(), &leak),
                     firstRow(p.bias(), &bias), firstRow(p.gain(), &gain)};
  const char *tables[4] = {"threshold", "leak", "bias", "gain"};
  std::map<std::string, Field> metadata;
  for (int k = 0; k < 4; ++k) {
    if (uniform[k])
      continue;
    if (!o.metadata)
      return refuse(i, std::string("its ") + tables[k] +
                           " changes from step to step (a BNTT fold); NIR "
                           "neurons have one value per neuron (pass "
                           "--nir-metadata to keep the per-step tables under "
                           "metadata/; NIR readers then use step 0's)");
    const Tensor *t[4] = {&p.threshold(), &p.leak(), &p.bias(), &p.gain()};
    metadata[std::string(tables[k]) + "_per_step"] = tableField(*t[k]);
  }
  bool allZero = allEqualTo(leak, 0.0f), allOne = allEqualTo(leak, 1.0f);
  bool noBias = allEqualTo(bias, 0.0f), unitGain = allEqualTo(gain, 1.0f);
  modelbin::LIF::Reset reset = p.reset();
  std::vector<int64_t> shape = shapeOf(l);
  auto field = [&](const std::vector<double> &perChannel, int bytes = 4) {
    return nir::floatField(perNeuron(perChannel, shape), shape, bytes);
  };
  auto dbl = [](const std::vector<float> &v) {
    return std::vector<double>(v.begin(), v.end());
  };
  if (reset == modelbin::LIF::NONE) {
    if (!allZero || !noBias || !unitGain)
      return refuse(i, "a neuron without reset that keeps its membrane (leak "
                       "> 0), or scales or biases its input: NIR's only "
                       "non-resetting spiking node is Threshold (leak 0)");
    Node &n = add(i, "Threshold", l.inputs(0));
    n.fields["threshold"] = field(dbl(thr));
    n.metadata = std::move(metadata);
    return true;
  }
  if (reset != modelbin::LIF::HARD) {
    if (!o.metadata)
      return refuse(i, std::string("reset '") + resetName(reset) +
                           "': NIR's neurons reset to v_reset in the step "
                           "they fire (pass --nir-metadata to record the "
                           "reset under metadata/; NIR readers then reset "
                           "to 0)");
    metadata["reset"] = nir::stringField(resetName(reset));
  }
  std::vector<double> vReset(thr.size(), p.reset_value());
  bool cuba = p.syn_leak_size() > 0;
  if (allOne && noBias && !cuba) {
    Node &n = add(i, "IF", l.inputs(0));
    n.fields["r"] = field(dbl(gain));
    n.fields["v_threshold"] = field(dbl(thr));
    n.fields["v_reset"] = field(vReset);
    n.metadata = std::move(metadata);
    return true;
  }
  std::vector<double> tau, r, vLeak;
  for (size_t c = 0; c < leak.size(); ++c) {
    if (!(leak[c] < 1.0f))
      return refuse(i, "channel " + std::to_string(c) +
                           " has leak 1 and others leak < 1 (or a bias "
                           "without leak): NIR's IF and LIF cover either");
    Continuous k = continuousLIF(leak[c], gain[c], bias[c], o.dt);
    tau.push_back(k.tau);
    r.push_back(k.r);
    vLeak.push_back(k.vLeak);
  }
  // float64: the importer's discretisation then gives back beta exactly.
  Node &n = add(i, cuba ? "CubaLIF" : "LIF", l.inputs(0));
  if (cuba) {
    std::vector<double> tauSyn, wIn;
    if (!synapse(i, p.syn_leak(), p.syn_gain(), &tauSyn, &wIn))
      return false;
    n.fields["tau_syn"] = field(tauSyn, 8);
    n.fields["w_in"] = field(wIn, 8);
  }
  n.fields[cuba ? "tau_mem" : "tau"] = field(tau, 8);
  n.fields["r"] = field(r, 8);
  n.fields["v_leak"] = field(vLeak, 8);
  n.fields["v_threshold"] = field(dbl(thr));
  n.fields["v_reset"] = field(vReset);
  n.metadata = std::move(metadata);
  return true;
}

/// CubaLIF/CubaLI's synapse: tau_syn = dt/(1 - alpha), w_in = gain tau_syn/dt.
bool Exporter::synapse(int i,
                       const google::protobuf::RepeatedField<float> &leak,
                       const google::protobuf::RepeatedField<float> &gain,
                       std::vector<double> *tau, std::vector<double> *w) {
  for (int c = 0; c < leak.size(); ++c) {
    if (!(leak[c] < 1.0f))
      return refuse(i, "a synapse with leak 1 (channel " + std::to_string(c) +
                           "): NIR's CubaLIF/CubaLI synapse always decays");
    Continuous k = continuousLIF(leak[c], gain[c], 0.0f, o.dt);
    tau->push_back(k.tau);
    w->push_back(k.r);
  }
  return true;
}

bool Exporter::readout(int i, const Layer &l) {
  const modelbin::Readout &p = l.readout();
  int input = l.inputs(0);
  std::vector<int64_t> shape = shapeOf(l);
  int64_t C = shape[0];
  if (p.membrane()) {
    auto values = [&](const auto &v, double fallback) {
      std::vector<double> out(C, fallback);
      for (int64_t c = 0; c < v.size() && c < C; ++c)
        out[c] = v[c];
      return out;
    };
    std::vector<double> leak = values(p.leak(), 1.0),
                        gain = values(p.gain(), 1.0),
                        bias = values(p.bias(), 0.0);
    bool integrator = true, noBias = true;
    for (int64_t c = 0; c < C; ++c) {
      integrator &= leak[c] == 1.0;
      noBias &= bias[c] == 0.0;
    }
    bool cuba = p.syn_leak_size() > 0;
    if (integrator && (!noBias || cuba))
      return refuse(i, "a membrane readout with leak 1 and a bias or a "
                       "synapse: NIR's I has neither");
    Node &n = add(i,
                  integrator ? "I"
                  : cuba     ? "CubaLI"
                             : "LI",
                  input, "_membrane");
    if (cuba) {
      std::vector<double> tauSyn, wIn;
      if (!synapse(i, p.syn_leak(), p.syn_gain(), &tauSyn, &wIn))
        return false;
      n.fields["tau_syn"] = nir::floatField(tauSyn, {C}, 8);
      n.fields["w_in"] = nir::floatField(wIn, {C}, 8);
    }
    if (integrator) {
      n.fields["r"] = nir::floatField(gain, {C});
    } else {
      std::vector<double> tau, r, vLeak;
      for (int64_t c = 0; c < C; ++c) {
        if (!(leak[c] < 1.0))
          return refuse(i, "a membrane readout mixing leak 1 and leak < 1");
        Continuous k = continuousLIF(leak[c], gain[c], bias[c], o.dt);
        tau.push_back(k.tau);
        r.push_back(k.r);
        vLeak.push_back(k.vLeak);
      }
      n.fields[cuba ? "tau_mem" : "tau"] = nir::floatField(tau, {C}, 8);
      n.fields["r"] = nir::floatField(r, {C}, 8);
      n.fields["v_leak"] = nir::floatField(vLeak, {C}, 8);
    }
    input = i;
  }
  g->nodes.emplace_back();
  Node &out = g->nodes.back();
  out.type = "Output";
  out.name = "output";
  out.fields["shape"] =
      nir::intField(shape, {static_cast<int64_t>(shape.size())});
  for (const std::string &s : sources[input])
    g->edges.emplace_back(s, out.name);
  return true;
}

bool Exporter::layer(int i) {
  const Layer &l = m.layers(i);
  switch (l.kind()) {
  case Layer::ENCODE: {
    const modelbin::Encoder &e = l.encoder();
    Node &n = g->nodes.emplace_back();
    n.type = "Input";
    n.name = "input";
    n.fields["shape"] =
        nir::intField({m.input_shape().begin(), m.input_shape().end()},
                      {static_cast<int64_t>(m.input_shape_size())});
    // The consumer feeds what the encoder would produce at each step.
    n.metadata["snnc_encoder"] =
        nir::stringField(modelbin::Encoder::Kind_Name(e.kind()));
    if (e.kind() == modelbin::Encoder::POISSON) {
      n.metadata["snnc_encoder_scale"] = nir::floatField({e.scale()}, {});
      n.metadata["snnc_encoder_signed"] = nir::intField({e.signed_()}, {});
    }
    if (e.mean_size())
      n.metadata["snnc_encoder_mean"] =
          nir::floatField({e.mean().begin(), e.mean().end()}, {e.mean_size()});
    if (e.std_size())
      n.metadata["snnc_encoder_std"] =
          nir::floatField({e.std().begin(), e.std().end()}, {e.std_size()});
    if (o.metadata)
      ownMetadata(n);
    sources[i] = {"input"};
    return true;
  }
  case Layer::CONV2D:
    return conv(i, l);
  case Layer::DENSE:
    return dense(i, l);
  case Layer::AVG_POOL2D:
  case Layer::MAX_POOL2D:
    return pool(i, l);
  case Layer::FLATTEN: {
    std::vector<int64_t> x = shapeOf(in(l));
    Node &n = add(i, "Flatten", l.inputs(0));
    n.fields["start_dim"] = nir::intField({0}, {});
    n.fields["end_dim"] = nir::intField({-1}, {});
    n.fields["input_type"] = nir::intField(x, {static_cast<int64_t>(x.size())});
    return true;
  }
  case Layer::ADD:
    // NIR sums the edges into a node: the consumers get both inputs' edges.
    for (int k = 0; k < l.inputs_size(); ++k)
      sources[i].insert(sources[i].end(), sources[l.inputs(k)].begin(),
                        sources[l.inputs(k)].end());
    return true;
  case Layer::CHANNEL_AFFINE:
    return affine(i, l);
  case Layer::LIF:
    return lif(i, l);
  case Layer::READOUT:
    return readout(i, l);
  default:
    return refuse(i, "a layer kind NIR export does not know");
  }
}

NIRExportStatus Exporter::run(nir::File *file, std::string *error) {
  file->version = "1.0.0";
  file->root.type = "NIRGraph";
  file->root.name = "node";
  file->root.graph = std::make_unique<nir::Graph>();
  g = file->root.graph.get();
  sources.assign(m.layers_size(), {});
  used = {"input", "output"};
  for (int i = 0; i < m.layers_size(); ++i)
    if (!layer(i)) {
      *error = message;
      return NIRExportStatus::Unsupported;
    }
  return NIRExportStatus::Ok;
}

} // namespace

NIRExportStatus exportNIR(const modelbin::Model &model,
                          const NIRExportOptions &options,
                          const std::string &path, std::string *error) {
  nir::File file;
  NIRExportStatus status = Exporter(model, options).run(&file, error);
  if (status != NIRExportStatus::Ok)
    return status;
  return nir::writeFile(path, file, error) ? NIRExportStatus::Ok
                                           : NIRExportStatus::WriteFailed;
}

} // namespace snnc

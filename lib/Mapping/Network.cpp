//===- Network.cpp - fold a model.bin's layers into populations -----------===//
//
// Walks the layers once. Every LIF and the READOUT start a population; from
// each one the walk goes backwards through its input to the weight layer(s)
// (across CHANNEL_AFFINE and ADD) and from there further back to the spiking
// source (across AVG_POOL2D and FLATTEN), composing the per-dimension
// connectivity on the way. MAX_POOL2D layers of binary spikes, and with
// relay pooling AVG_POOL2D layers after spikes, are relay populations where
// a walk stops as at a neuron layer. buildNetwork first runs model.bin's
// validator (modelbin::validate, the runtime's rules), so the walk reads
// shapes, tables and windows without re-checking them; what remains here are
// the mapper's own limits (ranks above 3, topologies without synapses).
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Network.h"

#include "snnc/modelbin/Validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace snnc {
namespace mapping {
namespace {

using modelbin::Layer;

using modelbin::kindName;

std::string describe(const Layer &layer, int index) {
  return fmt::format("layer {} '{}' ({})", index, layer.name(),
                     kindName(layer.kind()));
}

/// Target coordinate -> source coordinates of a sliding window.
DimensionMap windowMap(int64_t targetExtent, int64_t sourceExtent,
                       int64_t kernel, int64_t stride, int64_t pad,
                       int64_t dilation) {
  DimensionMap m;
  m.sourceExtent = sourceExtent;
  m.sources.resize(targetExtent);
  for (int64_t o = 0; o < targetExtent; ++o)
    for (int64_t a = 0; a < kernel; ++a) {
      int64_t i = o * stride - pad + a * dilation;
      if (i >= 0 && i < sourceExtent)
        m.sources[o].push_back(int32_t(i));
    }
  return m;
}

/// (outer ∘ inner): target -> inner's sources of each of outer's sources.
DimensionMap compose(const DimensionMap &outer, const DimensionMap &inner) {
  DimensionMap m;
  m.sourceExtent = inner.sourceExtent;
  m.sources.resize(outer.sources.size());
  for (size_t o = 0; o < outer.sources.size(); ++o) {
    std::vector<int32_t> &out = m.sources[o];
    for (int32_t mid : outer.sources[o])
      out.insert(out.end(), inner.sources[mid].begin(),
                 inner.sources[mid].end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return m;
}

/// Rank-1 shapes are [F] = [F, 1, 1]; rank 2 is [C, H] = [C, H, 1].
bool shape3(const Layer &layer, int index, int64_t dims[3],
            std::string *error) {
  int rank = layer.shape_size();
  if (rank < 1 || rank > 3) {
    *error = fmt::format("{}: shape must have rank 1 to 3, not {}",
                         describe(layer, index), rank);
    return false;
  }
  for (int i = 0; i < 3; ++i)
    dims[i] = i < rank ? layer.shape(i) : 1;
  return true;
}

class Builder {
public:
  Builder(const modelbin::Model &model, Network *net, std::string *error)
      : model(model), net(*net), error(*error) {}
  bool addRelay(int index, bool graded);
  /// Why max pooling can read layer `index` only when it sends binary
  /// spikes ({0, 1}), or "" when it does.
  std::string notBinary(int index) const;
  bool readsSpikes(int index) const {
    Layer::Kind k = model.layers(index).kind();
    return k == Layer::LIF || k == Layer::ENCODE ||
           populationOfLayer.count(index);
  }

  bool run();

private:
  bool addPopulation(int index, PopulationKind kind);
  bool traceSynapses(int index, Population &target, int depth);
  bool traceSource(int index, Projection &proj, DimensionMap *rows,
                   DimensionMap *cols, int depth);
  bool fail(int index, const std::string &what) {
    error = fmt::format("{}: {}", describe(model.layers(index), index), what);
    return false;
  }
  /// A valid topology the mapper cannot turn into synapses.
  bool unsupported(int index, const std::string &what) {
    isUnsupported = true;
    return fail(index, what);
  }

public:
  bool isUnsupported = false;

private:
  const modelbin::Model &model;
  Network &net;
  std::string &error;
  std::map<int, int> populationOfLayer;
  int64_t tableEntries = 0; // accumulated for the population being traced
};

bool Builder::run() {
  net.modelName = model.source_name();
  net.numSteps = model.num_steps();
  net.earlyExitStep = model.early_exit_step();
  net.earlyExitThreshold = model.early_exit_threshold();
  for (int i = 0; i < model.layers_size(); ++i) {
    const Layer &layer = model.layers(i);
    if (layer.kind() == Layer::ENCODE) {
      if (!addPopulation(i, PopulationKind::Input))
        return false;
    } else if (layer.kind() == Layer::AVG_POOL2D && net.relayPooling &&
               readsSpikes(layer.inputs(0))) {
      if (!addRelay(i, true))
        return false;
    } else if (layer.kind() == Layer::MAX_POOL2D) {
      if (std::string why = notBinary(layer.inputs(0)); !why.empty())
        return unsupported(
            i, fmt::format("max pooling maps onto a relay population only "
                           "for binary spikes (the OR of its window), but "
                           "it reads {}",
                           why));
      if (!addRelay(i, false))
        return false;
    } else if (layer.kind() == Layer::LIF || layer.kind() == Layer::READOUT) {
      if (!addPopulation(i, layer.kind() == Layer::LIF
                                ? PopulationKind::Spiking
                                : PopulationKind::Readout))
        return false;
    }
  }
  for (const modelbin::GammaMean &g : model.gamma_mean())
    net.gammaMean.push_back({g.layer(), {g.mean().begin(), g.mean().end()}});
  for (const modelbin::GammaHistogram &h : model.gamma_histogram())
    net.gammaHistograms.push_back({h.layer(),
                                   h.lo(),
                                   h.hi(),
                                   h.bins(),
                                   {h.counts().begin(), h.counts().end()}});
  if (net.populations.size() < 2) {
    error = "the model has no mapped neuron layer";
    return false;
  }
  return true;
}

bool Builder::addPopulation(int index, PopulationKind kind) {
  const Layer &layer = model.layers(index);
  int64_t dims[3];
  if (!shape3(layer, index, dims, &error))
    return false;
  Population pop;
  pop.name = layer.name();
  pop.kind = kind;
  pop.channels = dims[0];
  pop.height = dims[1];
  pop.width = dims[2];
  int self = int(net.populations.size());
  populationOfLayer[index] = self;
  if (kind == PopulationKind::Input) {
    net.populations.push_back(pop);
    return true;
  }
  tableEntries = 0;
  if (kind == PopulationKind::Spiking) {
    const modelbin::LIF &lif = layer.lif();
    // An integer model (docs/fixed-point.md) has vth/dv/bias_mant/sign
    // instead of the float tables.
    bool integer = !model.quantization().empty();
    for (const modelbin::Tensor *table :
         integer
             ? std::initializer_list<const modelbin::Tensor *>{&lif.vth(),
                                                               &lif.dv(),
                                                               &lif.bias_mant(),
                                                               &lif.sign()}
             : std::initializer_list<const modelbin::Tensor *>{
                   &lif.threshold(), &lif.leak(), &lif.bias(), &lif.gain()}) {
      std::vector<float> v = modelbin::readFloats(*table);
      int64_t steps = table->shape(0), c = table->shape(1);
      bool varies = false;
      for (int64_t t = 1; t < steps && !varies; ++t)
        varies =
            !std::equal(v.begin() + t * c, v.begin() + (t + 1) * c, v.begin());
      tableEntries += varies ? steps : 1;
    }
  }
  if (!traceSynapses(layer.inputs(0), pop, 0))
    return false;
  pop.tableEntriesPerChannel = tableEntries;
  net.populations.push_back(pop);
  for (const Projection &p : net.populations.back().inputs) {
    std::vector<int> &consumers = net.populations[p.source].consumers;
    if (std::find(consumers.begin(), consumers.end(), self) == consumers.end())
      consumers.push_back(self);
  }
  return true;
}

bool Builder::traceSynapses(int index, Population &target, int depth) {
  const Layer &layer = model.layers(index);
  if (depth > 64)
    return unsupported(index, "too many layers between two neuron layers");
  switch (layer.kind()) {
  case Layer::CHANNEL_AFFINE: {
    // A non-folded batch norm: its per-step scale/shift are table state.
    tableEntries += 2 * layer.affine().scale().shape(0);
    return traceSynapses(layer.inputs(0), target, depth + 1);
  }
  case Layer::ADD:
    return traceSynapses(layer.inputs(0), target, depth + 1) &&
           traceSynapses(layer.inputs(1), target, depth + 1);
  case Layer::CONV2D:
  case Layer::DENSE:
    break;
  default:
    return unsupported(index,
                       fmt::format("feeds neuron layer '{}' without synapses "
                                   "(expected CONV2D or DENSE)",
                                   target.name));
  }
  Projection proj;
  proj.synapseLayer = layer.name();
  int input = layer.inputs(0);
  const Layer &inLayer = model.layers(input);
  int64_t in[3], out[3];
  if (!shape3(inLayer, input, in, &error) || !shape3(layer, index, out, &error))
    return false;
  DimensionMap rows, cols;
  if (layer.kind() == Layer::CONV2D) {
    const modelbin::Conv2d &c = layer.conv2d();
    modelbin::Window2d w = modelbin::convWindow(c);
    proj.groups = modelbin::convGroups(c);
    proj.inChannelsPerGroup = c.weight().shape(1);
    proj.outChannelsPerGroup = out[0] / proj.groups;
    rows = windowMap(out[1], in[1], w.kh, w.sh, w.padT, w.dh);
    cols = windowMap(out[2], in[2], w.kw, w.sw, w.padL, w.dw);
    proj.macs =
        out[0] * out[1] * out[2] * proj.inChannelsPerGroup * w.kh * w.kw;
  } else {
    proj.allToAll = true;
    const modelbin::Dense &d = layer.dense();
    proj.macs = d.weight().shape(0) * d.weight().shape(1);
    rows.sourceExtent = in[1];
    cols.sourceExtent = in[2];
    rows.sources.assign(1, {});
    cols.sources.assign(1, {});
    for (int32_t r = 0; r < in[1]; ++r)
      rows.sources[0].push_back(r);
    for (int32_t c = 0; c < in[2]; ++c)
      cols.sources[0].push_back(c);
  }
  if (!traceSource(input, proj, &rows, &cols, depth + 1))
    return false;
  const Population &source = net.populations[proj.source];
  if (proj.allToAll) {
    proj.inChannelsPerGroup = source.channels;
    proj.outChannelsPerGroup = target.channels;
  }
  proj.rows = std::move(rows);
  proj.cols = std::move(cols);
  // Synapses of the folded network: per target, its distinct sources.
  int64_t sumRows = 0, sumCols = 0, maxRows = 0, maxCols = 0;
  for (const auto &s : proj.rows.sources) {
    sumRows += int64_t(s.size());
    maxRows = std::max<int64_t>(maxRows, int64_t(s.size()));
  }
  for (const auto &s : proj.cols.sources) {
    sumCols += int64_t(s.size());
    maxCols = std::max<int64_t>(maxCols, int64_t(s.size()));
  }
  if (proj.allToAll) {
    proj.synapses = target.size() * sumRows * sumCols * source.channels;
    proj.distinctWeights = proj.synapses;
    proj.sharedWeightsPerChannel = sumRows * sumCols * source.channels;
  } else {
    if (proj.rows.sources.size() != size_t(target.height) ||
        proj.cols.sources.size() != size_t(target.width))
      return fail(index, fmt::format("output shape differs from neuron "
                                     "layer '{}'",
                                     target.name));
    proj.synapses =
        target.channels * sumRows * sumCols * proj.inChannelsPerGroup;
    proj.sharedWeightsPerChannel = proj.inChannelsPerGroup * maxRows * maxCols;
    proj.distinctWeights = target.channels * proj.sharedWeightsPerChannel;
  }
  proj.meanFanout = double(proj.synapses) / double(source.size());
  proj.runtimeFanout =
      double(proj.macs) / double(std::max<int64_t>(1, in[0] * in[1] * in[2]));
  target.inputs.push_back(std::move(proj));
  return true;
}

bool Builder::traceSource(int index, Projection &proj, DimensionMap *rows,
                          DimensionMap *cols, int depth) {
  const Layer &layer = model.layers(index);
  if (depth > 64)
    return unsupported(index, "too many layers between two neuron layers");
  switch (layer.kind()) {
  case Layer::LIF:
  case Layer::ENCODE: {
    auto it = populationOfLayer.find(index);
    if (it == populationOfLayer.end())
      return fail(index, "source population not found");
    proj.source = it->second;
    std::reverse(proj.via.begin(), proj.via.end());
    return true;
  }
  case Layer::FLATTEN: {
    if (!proj.allToAll)
      return unsupported(index,
                         "a flatten feeding a convolution is not supported");
    int64_t in[3];
    const Layer &inLayer = model.layers(layer.inputs(0));
    if (!shape3(inLayer, layer.inputs(0), in, &error))
      return false;
    // Dense over a flattened [C, H, W] map: every position is a source.
    rows->sourceExtent = in[1];
    cols->sourceExtent = in[2];
    rows->sources.assign(1, {});
    cols->sources.assign(1, {});
    for (int32_t r = 0; r < in[1]; ++r)
      rows->sources[0].push_back(r);
    for (int32_t c = 0; c < in[2]; ++c)
      cols->sources[0].push_back(c);
    proj.via.push_back(layer.name());
    return traceSource(layer.inputs(0), proj, rows, cols, depth + 1);
  }
  case Layer::MAX_POOL2D:
  case Layer::AVG_POOL2D: {
    if (auto it = populationOfLayer.find(index);
        it != populationOfLayer.end()) { // a relay population
      proj.source = it->second;
      std::reverse(proj.via.begin(), proj.via.end());
      return true;
    }
    if (layer.kind() == Layer::MAX_POOL2D) // every max pool is a relay
      return fail(index, "max pooling relay not built");
    modelbin::Window2d w = modelbin::poolWindow(layer.pool());
    const Layer &inLayer = model.layers(layer.inputs(0));
    int64_t in[3], out[3];
    if (!shape3(inLayer, layer.inputs(0), in, &error) ||
        !shape3(layer, index, out, &error))
      return false;
    DimensionMap poolRows = windowMap(out[1], in[1], w.kh, w.sh, w.padT, 1);
    DimensionMap poolCols = windowMap(out[2], in[2], w.kw, w.sw, w.padL, 1);
    *rows = compose(*rows, poolRows);
    *cols = compose(*cols, poolCols);
    proj.folded = true;
    proj.via.push_back(layer.name());
    return traceSource(layer.inputs(0), proj, rows, cols, depth + 1);
  }
  default:
    return unsupported(index,
                       fmt::format("synapse layer '{}' reads a {} layer; the "
                                   "mapper needs a spiking source (LIF or "
                                   "ENCODE, optionally through average pooling "
                                   "and flatten)",
                                   proj.synapseLayer, kindName(layer.kind())));
  }
}

std::string Builder::notBinary(int index) const {
  const Layer &layer = model.layers(index);
  std::string what =
      fmt::format("'{}' ({})", layer.name(), kindName(layer.kind()));
  switch (layer.kind()) {
  case Layer::LIF:
    return "";
  case Layer::MAX_POOL2D: // a max relay of binary spikes sends binary ones
    return populationOfLayer.count(index) ? "" : "graded values from " + what;
  case Layer::ENCODE: {
    const modelbin::Encoder &e = layer.encoder();
    if (e.kind() != modelbin::Encoder::POISSON)
      return "graded values from the encoder " + what +
             " (direct or per-step input, not Poisson spikes)";
    return e.signed_() ? "signed spikes (-1, 0, 1) from the encoder " + what +
                             ", whose max is not an OR"
                       : "";
  }
  default:
    return "graded values from " + what;
  }
}

/// A relay population: one compartment per pooled output, reading its
/// window of the (spiking or relay) source like a depthwise convolution
/// with weights 1/window (average) or 1 (max).
bool Builder::addRelay(int index, bool graded) {
  const Layer &layer = model.layers(index);
  int64_t in[3], out[3];
  const Layer &inLayer = model.layers(layer.inputs(0));
  if (!shape3(layer, index, out, &error) ||
      !shape3(inLayer, layer.inputs(0), in, &error))
    return false;
  modelbin::Window2d w = modelbin::poolWindow(layer.pool());
  Projection proj;
  proj.synapseLayer = layer.name();
  proj.groups = out[0];
  proj.inChannelsPerGroup = proj.outChannelsPerGroup = 1;
  DimensionMap rows = windowMap(out[1], in[1], w.kh, w.sh, w.padT, 1);
  DimensionMap cols = windowMap(out[2], in[2], w.kw, w.sw, w.padL, 1);
  // The source is found like a weight layer's (through flatten is not
  // possible here: pooling reads rank-3 maps).
  Projection probe;
  if (!traceSource(layer.inputs(0), probe, &rows, &cols, 1))
    return false;
  proj.source = probe.source;
  proj.via = probe.via;
  Population pop;
  pop.name = layer.name();
  pop.kind = PopulationKind::Relay;
  pop.gradedRelay = graded;
  pop.channels = out[0];
  pop.height = out[1];
  pop.width = out[2];
  int64_t sumRows = 0, sumCols = 0;
  for (const auto &s : rows.sources)
    sumRows += int64_t(s.size());
  for (const auto &s : cols.sources)
    sumCols += int64_t(s.size());
  proj.synapses = out[0] * sumRows * sumCols;
  proj.sharedWeightsPerChannel = 1; // every weight is 1/window (max: 1)
  proj.distinctWeights = out[0];
  proj.rows = std::move(rows);
  proj.cols = std::move(cols);
  proj.macs = 0; // an ANN pools without multiply-accumulates
  proj.meanFanout =
      double(proj.synapses) / double(net.populations[proj.source].size());
  proj.runtimeFanout = 0; // snnc-run counts no events for pooling
  pop.inputs.push_back(std::move(proj));
  int self = int(net.populations.size());
  populationOfLayer[index] = self;
  net.populations.push_back(std::move(pop));
  std::vector<int> &consumers =
      net.populations[net.populations[self].inputs[0].source].consumers;
  consumers.push_back(self);
  return true;
}

} // namespace

int Network::find(const std::string &name) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == name)
      return int(i);
  return -1;
}

bool buildNetwork(const modelbin::Model &model, Network *net,
                  std::string *error, bool relayPooling, bool *unsupported) {
  *net = Network();
  net->relayPooling = relayPooling;
  if (unsupported)
    *unsupported = false;
  if (!modelbin::validate(model, error))
    return false;
  Builder builder(model, net, error);
  bool ok = builder.run();
  if (unsupported)
    *unsupported = !ok && builder.isUnsupported;
  return ok;
}

} // namespace mapping
} // namespace snnc

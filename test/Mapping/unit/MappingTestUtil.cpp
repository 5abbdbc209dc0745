//===- MappingTestUtil.cpp - synthetic networks and chips for tests -------===//
//
// Shapes follow docs/model-bin.md (per sample, channel first); each builder
// method computes its output shape with the validator's rule (Shapes.h) and
// sets the spike flags the validator expects, so every model passes
// modelbin::validate unless a test breaks it on purpose.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "snnc/modelbin/Shapes.h"

#include <fmt/format.h>

#include <algorithm>

namespace snnc {
namespace mapping {
namespace testing {

namespace {
void setZeros(modelbin::Tensor *t, std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    t->add_shape(d);
    n *= d;
  }
  t->set_data(std::string(size_t(n) * 4, '\0'));
}
} // namespace

ModelBuilder::ModelBuilder(std::vector<int64_t> inputShape, int steps,
                           int exitStep) {
  m.set_producer("mapping-test");
  m.set_source_name("synthetic");
  m.set_num_steps(steps);
  m.set_early_exit_step(exitStep);
  m.set_early_exit_threshold(0.1f);
  for (int64_t d : inputShape)
    m.add_input_shape(d);
}

std::vector<int64_t> ModelBuilder::shapeOf(int layer) const {
  const auto &s = m.layers(layer).shape();
  return {s.begin(), s.end()};
}

int ModelBuilder::add(modelbin::Layer layer, std::vector<int64_t> shape) {
  layer.set_name(
      fmt::format("{}{}", modelbin::Layer::Kind_Name(layer.kind()), counter++));
  for (int64_t d : shape)
    layer.add_shape(d);
  *m.add_layers() = layer;
  if (layer.kind() == modelbin::Layer::READOUT)
    m.set_output_layer(m.layers_size() - 1);
  return m.layers_size() - 1;
}

int ModelBuilder::encode() {
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::ENCODE);
  l.set_binary(true);
  l.mutable_encoder()->set_scale(1);
  return add(l, {m.input_shape().begin(), m.input_shape().end()});
}

int ModelBuilder::conv(int input, int64_t outChannels, int64_t kernel,
                       int64_t stride, int64_t pad, int64_t groups) {
  std::vector<int64_t> in = shapeOf(input);
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::CONV2D);
  l.add_inputs(input);
  auto *c = l.mutable_conv2d();
  setZeros(c->mutable_weight(), {outChannels, in[0] / groups, kernel, kernel});
  for (int i = 0; i < 2; ++i)
    c->add_strides(stride);
  for (int i = 0; i < 4; ++i)
    c->add_pads(pad);
  c->set_groups(groups);
  int64_t oh = modelbin::windowOutputSize(in[1], kernel, stride, pad, pad);
  int64_t ow = modelbin::windowOutputSize(in[2], kernel, stride, pad, pad);
  return add(l, {outChannels, oh, ow});
}

int ModelBuilder::dense(int input, int64_t outFeatures) {
  int64_t n = 1;
  for (int64_t d : shapeOf(input))
    n *= d;
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::DENSE);
  l.add_inputs(input);
  setZeros(l.mutable_dense()->mutable_weight(), {outFeatures, n});
  return add(l, {outFeatures});
}

int ModelBuilder::avgPool(int input, int64_t kernel, int64_t stride) {
  std::vector<int64_t> in = shapeOf(input);
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::AVG_POOL2D);
  l.add_inputs(input);
  auto *p = l.mutable_pool();
  p->add_kernel(kernel);
  p->add_kernel(kernel);
  p->add_strides(stride);
  p->add_strides(stride);
  return add(l, {in[0], modelbin::windowOutputSize(in[1], kernel, stride, 0, 0),
                 modelbin::windowOutputSize(in[2], kernel, stride, 0, 0)});
}

int ModelBuilder::maxPool(int input, int64_t kernel, int64_t stride) {
  int index = avgPool(input, kernel, stride);
  modelbin::Layer *l = m.mutable_layers(index);
  l->set_kind(modelbin::Layer::MAX_POOL2D);
  l->set_binary(m.layers(input).binary()); // max of spikes is a spike
  return index;
}

int ModelBuilder::flatten(int input) {
  int64_t n = 1;
  for (int64_t d : shapeOf(input))
    n *= d;
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::FLATTEN);
  l.set_binary(m.layers(input).binary());
  l.add_inputs(input);
  return add(l, {n});
}

int ModelBuilder::lif(int input, bool varying) {
  std::vector<int64_t> shape = shapeOf(input);
  int64_t T = m.num_steps(), C = shape[0];
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::LIF);
  l.set_binary(true);
  l.add_inputs(input);
  auto *lif = l.mutable_lif();
  std::vector<float> threshold(size_t(T * C), 1.0f), ones(size_t(T * C), 1.0f),
      zeros(size_t(T * C), 0.0f);
  if (varying)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t c = 0; c < C; ++c)
        threshold[size_t(t * C + c)] = 1.0f + 0.1f * float(t);
  auto set = [&](modelbin::Tensor *tensor, const std::vector<float> &v) {
    tensor->add_shape(T);
    tensor->add_shape(C);
    tensor->set_data(
        std::string(reinterpret_cast<const char *>(v.data()), v.size() * 4));
  };
  set(lif->mutable_threshold(), threshold);
  set(lif->mutable_leak(), ones);
  set(lif->mutable_bias(), zeros);
  set(lif->mutable_gain(), ones);
  return add(l, shape);
}

int ModelBuilder::readout(int input) {
  modelbin::Layer l;
  l.set_kind(modelbin::Layer::READOUT);
  l.add_inputs(input);
  return add(l, shapeOf(input));
}

int ModelBuilder::tinyReadout(int input) {
  std::vector<int64_t> s = shapeOf(input);
  int x = lif(conv(input, 1, 1, std::max(s[1], s[2]), 0));
  return readout(dense(flatten(x), 1));
}

HardwareModel smallChip() {
  HardwareModel hw;
  hw.name = "testchip";
  hw.file = "testchip.json";
  hw.baselineName = "cmos45";
  hw.tilesX = 4;
  hw.tilesY = 2;
  hw.coresPerTile = 2;
  hw.maxChips = 4;
  hw.compartments = 1024;
  hw.faninAxons = 4096;
  hw.fanoutAxons = 4096;
  hw.synapseMemoryBytes = 1 << 20;
  hw.maxWeightBits = 8;
  hw.weightBits = 8;
  hw.signBits = 1;
  hw.synapseOverheadBits = 0;
  hw.tableEntries = 4096;
  hw.energyPj = {10, 3, 1, 2, 4, 5, 100};
  hw.latencyNs = {1, 2, 1, 5, 7, 11, 50};
  hw.barrierMinNs = hw.barrierMaxNs = 100;
  hw.staticPowerMwPerChip = 1;
  return hw;
}

} // namespace testing
} // namespace mapping
} // namespace snnc

//===- ModelBuilder.h - build small snnc.modelbin.Model messages in tests -===//
//
// The one test helper that assembles synthetic models layer by layer through
// the protobuf API, computing each layer's output shape with the validator's
// rule (Shapes.h), so that tests (runtime, mapping, and the corpus generator of
// the fuzzer and CLI tests) can write valid models in a few lines and then
// break one field at a time. The mapping tests' adaptor (MappingTestUtil.h)
// adds zero-weight shortcuts on top of it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TEST_COMMON_MODELBUILDER_H
#define SNNC_TEST_COMMON_MODELBUILDER_H

#include "snnc/modelbin/Shapes.h"
#include "snnc/modelbin/model.pb.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace snnc {
namespace test {

namespace mb = snnc::modelbin;
using Dims = std::vector<int64_t>;

inline int64_t product(const Dims &d) {
  int64_t n = 1;
  for (int64_t v : d)
    n *= v;
  return n;
}

inline void setTensor(mb::Tensor *t, const Dims &shape,
                      const std::vector<float> &v) {
  t->Clear();
  for (int64_t d : shape)
    t->add_shape(d);
  t->set_data(std::string(reinterpret_cast<const char *>(v.data()),
                          v.size() * sizeof(float)));
}

inline std::vector<float> randomValues(std::mt19937 &rng, size_t n, float lo,
                                       float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

class ModelBuilder {
public:
  ModelBuilder(const Dims &inputShape, int T, int Texit) {
    m.set_producer("snnc-test");
    m.set_source_name("synthetic");
    m.set_num_steps(T);
    m.set_early_exit_step(Texit);
    m.set_fold_mode("exact");
    for (int64_t d : inputShape)
      m.add_input_shape(d);
  }

  mb::Model m;
  /// Layer names: "<base><index>" ("conv3"), or with this set the schema's
  /// kind name ("CONV2D3"), which the mapping tests' expectations use.
  bool nameByKind = false;

  const Dims &shapeOf(int i) const { return shapes[i]; }
  int T() const { return m.num_steps(); }

  int encode(bool poisson = true, float scale = 1.0f, bool isSigned = true) {
    mb::Layer *l = add("encode", mb::Layer::ENCODE, {},
                       Dims(m.input_shape().begin(), m.input_shape().end()));
    l->set_binary(poisson);
    l->mutable_encoder()->set_kind(poisson ? mb::Encoder::POISSON
                                           : mb::Encoder::DIRECT);
    l->mutable_encoder()->set_scale(scale);
    l->mutable_encoder()->set_signed_(isSigned);
    return last();
  }

  int conv(int in, const Dims &wshape, const std::vector<float> &w,
           Dims strides = {1, 1}, Dims pads = {0, 0, 0, 0}, Dims dil = {1, 1},
           int64_t groups = 1, const std::vector<float> &bias = {}) {
    const Dims &s = shapes[in];
    int64_t oh = mb::windowOutputSize(s[1], wshape[2], strides[0], pads[0],
                                      pads[2], dil[0]);
    int64_t ow = mb::windowOutputSize(s[2], wshape[3], strides[1], pads[1],
                                      pads[3], dil[1]);
    mb::Layer *l = add("conv", mb::Layer::CONV2D, {in}, {wshape[0], oh, ow});
    mb::Conv2d *c = l->mutable_conv2d();
    setTensor(c->mutable_weight(), wshape, w);
    if (!bias.empty())
      setTensor(c->mutable_bias(), {wshape[0]}, bias);
    for (int64_t v : strides)
      c->add_strides(v);
    for (int64_t v : pads)
      c->add_pads(v);
    for (int64_t v : dil)
      c->add_dilations(v);
    c->set_groups(groups);
    return last();
  }

  int dense(int in, int64_t out, const std::vector<float> &w,
            const std::vector<float> &bias = {}) {
    int64_t nin = product(shapes[in]);
    mb::Layer *l = add("fc", mb::Layer::DENSE, {in}, {out});
    setTensor(l->mutable_dense()->mutable_weight(), {out, nin}, w);
    if (!bias.empty())
      setTensor(l->mutable_dense()->mutable_bias(), {out}, bias);
    return last();
  }

  int pool(int in, bool avg, Dims kernel, Dims strides,
           Dims pads = {0, 0, 0, 0}, bool countIncludePad = false) {
    const Dims &s = shapes[in];
    int64_t oh =
        mb::windowOutputSize(s[1], kernel[0], strides[0], pads[0], pads[2]);
    int64_t ow =
        mb::windowOutputSize(s[2], kernel[1], strides[1], pads[1], pads[3]);
    mb::Layer *l = add(avg ? "avgpool" : "maxpool",
                       avg ? mb::Layer::AVG_POOL2D : mb::Layer::MAX_POOL2D,
                       {in}, {s[0], oh, ow});
    if (!avg)
      l->set_binary(m.layers(in).binary());
    mb::Pool2d *p = l->mutable_pool();
    for (int64_t v : kernel)
      p->add_kernel(v);
    for (int64_t v : strides)
      p->add_strides(v);
    for (int64_t v : pads)
      p->add_pads(v);
    p->set_count_include_pad(countIncludePad);
    return last();
  }

  int flatten(int in) {
    mb::Layer *l =
        add("flatten", mb::Layer::FLATTEN, {in}, {product(shapes[in])});
    l->set_binary(m.layers(in).binary());
    return last();
  }

  int addLayer(int a, int b) {
    add("add", mb::Layer::ADD, {a, b}, shapes[a]);
    return last();
  }

  int affine(int in, int rows, const std::vector<float> &scale,
             const std::vector<float> &shift) {
    mb::Layer *l = add("affine", mb::Layer::CHANNEL_AFFINE, {in}, shapes[in]);
    setTensor(l->mutable_affine()->mutable_scale(), {rows, shapes[in][0]},
              scale);
    setTensor(l->mutable_affine()->mutable_shift(), {rows, shapes[in][0]},
              shift);
    return last();
  }

  /// LIF with explicit [T, C] tables (empty = constant threshold 1 / leak /
  /// bias 0 / gain 1).
  int lif(int in, float leak = 1.0f, float threshold = 1.0f, bool hard = false,
          std::vector<float> thr = {}, std::vector<float> lk = {},
          std::vector<float> bias = {}, std::vector<float> gain = {}) {
    int64_t C = shapes[in][0], n = T() * C;
    if (thr.empty())
      thr.assign(n, threshold);
    if (lk.empty())
      lk.assign(n, leak);
    if (bias.empty())
      bias.assign(n, 0.0f);
    if (gain.empty())
      gain.assign(n, 1.0f);
    mb::Layer *l = add("lif", mb::Layer::LIF, {in}, shapes[in]);
    l->set_binary(true);
    mb::LIF *f = l->mutable_lif();
    f->set_reset(hard ? mb::LIF::HARD : mb::LIF::SOFT);
    setTensor(f->mutable_threshold(), {T(), C}, thr);
    setTensor(f->mutable_leak(), {T(), C}, lk);
    setTensor(f->mutable_bias(), {T(), C}, bias);
    setTensor(f->mutable_gain(), {T(), C}, gain);
    return last();
  }

  int readout(int in) {
    add("readout", mb::Layer::READOUT, {in}, shapes[in]);
    m.set_output_layer(last());
    return last();
  }

private:
  std::vector<Dims> shapes;

  int last() const { return m.layers_size() - 1; }

  mb::Layer *add(const std::string &base, mb::Layer::Kind kind,
                 std::vector<int> inputs, const Dims &shape) {
    mb::Layer *l = m.add_layers();
    l->set_name((nameByKind ? mb::Layer::Kind_Name(kind) : base) +
                std::to_string(m.layers_size() - 1));
    l->set_kind(kind);
    for (int i : inputs)
      l->add_inputs(i);
    for (int64_t d : shape)
      l->add_shape(d);
    shapes.push_back(shape);
    return l;
  }
};

/// Wide enough for several channel blocks per convolution (40 = 32 + 8, 80 =
/// 64 + 16) and several output ranges per dense layer (100 outputs): conv
/// 1->40, LIF, avgpool, conv 40->80, LIF, dense 100, LIF, dense 10, readout on
/// [1, 10, 10], T = 6. `conv1Bias` gives the first convolution a random bias
/// (drawn after its weights); `encoderScale` scales the Poisson encoder.
inline mb::Model wideNet(uint32_t seed, int Texit, float encoderScale = 1.0f,
                         bool conv1Bias = false) {
  std::mt19937 rng(seed);
  ModelBuilder b({1, 10, 10}, 6, Texit);
  int x = b.encode(true, encoderScale, true);
  std::vector<float> w1 = randomValues(rng, 360, -0.6f, 1.4f), bias1;
  if (conv1Bias)
    bias1 = randomValues(rng, 40, -0.2f, 0.2f);
  x = b.conv(x, {40, 1, 3, 3}, w1, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, bias1);
  x = b.lif(x, 0.9f, 1.0f);
  x = b.pool(x, true, {2, 2}, {2, 2});
  x = b.conv(x, {80, 40, 3, 3}, randomValues(rng, 80 * 360, -0.3f, 0.5f),
             {1, 1}, {1, 1, 1, 1});
  x = b.lif(x, 0.9f, 0.8f);
  x = b.flatten(x);
  int64_t n = product(b.shapeOf(x));
  x = b.dense(x, 100, randomValues(rng, 100 * n, -0.05f, 0.08f));
  x = b.lif(x, 0.95f, 1.0f);
  x = b.dense(x, 10, randomValues(rng, 1000, -1.0f, 1.0f));
  b.readout(x);
  return b.m;
}

/// A small conv network like the shipped one:
/// conv-LIF-avgpool-conv-LIF-avgpool-flatten- dense-LIF-dense-readout, on [1,
/// H, W] input, random weights from `seed`.
inline mb::Model smallConvNet(uint32_t seed, int64_t H = 12, int64_t W = 12,
                              int T = 6, int Texit = 4, bool poisson = true) {
  std::mt19937 rng(seed);
  ModelBuilder b({1, H, W}, T, Texit);
  int x = b.encode(poisson);
  x = b.conv(x, {6, 1, 3, 3}, randomValues(rng, 54, -0.8f, 1.2f), {1, 1},
             {1, 1, 1, 1});
  x = b.lif(x, 0.9f, 1.0f);
  x = b.pool(x, true, {2, 2}, {2, 2});
  x = b.conv(x, {8, 6, 3, 3}, randomValues(rng, 8 * 54, -0.5f, 0.8f), {1, 1},
             {1, 1, 1, 1});
  x = b.lif(x, 0.9f, 0.7f);
  x = b.pool(x, true, {2, 2}, {2, 2});
  x = b.flatten(x);
  int64_t n = product(b.shapeOf(x));
  x = b.dense(x, 16, randomValues(rng, 16 * n, -0.4f, 0.6f));
  x = b.lif(x, 0.95f, 1.0f);
  x = b.dense(x, 10, randomValues(rng, 160, -1.0f, 1.0f));
  b.readout(x);
  return b.m;
}

} // namespace test
} // namespace snnc

#endif // SNNC_TEST_COMMON_MODELBUILDER_H

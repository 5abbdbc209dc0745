//===- PrepareInteger.cpp - integer parameters of an integer model --------===//
//
// For a validated integer (Loihi) model (docs/fixed-point.md), fills each
// layer's Layer::fx after the float preparation has built the layouts: the
// transposed weights (which Preparer converted to exactly representable
// floats) become int8 again, and the I32 biases and LIF tables are read
// exactly from the file. Nothing here can fail: the validator checked every
// range.
//
//===----------------------------------------------------------------------===//
#include "Preparer.h"

namespace snnc {
namespace rt {
namespace detail {
namespace {

std::vector<int32_t> ints(const mb::Tensor &t) {
  std::vector<int64_t> v = mb::readInts(t);
  return std::vector<int32_t>(v.begin(), v.end());
}

void synaptic(const mb::Tensor &bias, int32_t exp, Layer &L) {
  L.fx.weight.resize(L.weight.size());
  for (size_t k = 0; k < L.weight.size(); ++k)
    L.fx.weight[k] = static_cast<int8_t>(L.weight[k]);
  L.fx.bias =
      bias.shape_size() ? ints(bias) : std::vector<int32_t>(L.bias.size(), 0);
  L.fx.weightExp = exp;
}

void lif(const mb::LIF &f, Layer &L) {
  L.fx.du = f.du();
  L.fx.dv = ints(f.dv());
  L.fx.vth64 = ints(f.vth());
  for (int32_t &v : L.fx.vth64)
    v <<= 6; // vth <= 131071, so vth << 6 < 2^23
  std::vector<int32_t> mant = ints(f.bias_mant()), exp = ints(f.bias_exp());
  L.fx.lifBias.resize(mant.size());
  for (size_t k = 0; k < mant.size(); ++k)
    L.fx.lifBias[k] = mant[k] * (int32_t(1) << exp[k]);
  L.fx.sign = ints(f.sign());
  L.fx.inShift = ints(f.in_exp());
  for (int32_t &s : L.fx.inShift)
    s += 6; // Loihi's synaptic input shift
}

} // namespace

void prepareInteger(const mb::Model &m, Network &net) {
  net.integer = true;
  net.outputScale = m.output_scale();
  for (int i = 0; i < m.layers_size(); ++i) {
    const mb::Layer &pl = m.layers(i);
    Layer &L = net.layers[i];
    if (pl.has_conv2d())
      synaptic(pl.conv2d().bias(), pl.conv2d().weight_exp(), L);
    else if (pl.has_dense())
      synaptic(pl.dense().bias(), pl.dense().weight_exp(), L);
    else if (pl.has_lif())
      lif(pl.lif(), L);
  }
}

} // namespace detail
} // namespace rt
} // namespace snnc

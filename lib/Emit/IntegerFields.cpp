//===- IntegerFields.cpp - integer (Loihi) fields of model.bin ------------===//
//
// The emitter half of `snnc --quantize=loihi`: copies the integers chosen by
// snn-quantize-loihi (lib/Transforms/QuantizeLoihi.cpp, which owns every
// rounding rule) into model.bin's integer fields: I8 weights with their bit
// width and weight_exp, an I32 output bias, the LIF's I16/I32 per-step
// tables, and the model's quantisation fields and report. Nothing is
// computed here.
//
//===----------------------------------------------------------------------===//

#include "IntegerFields.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace snnc {
namespace {

/// An integer tensor (I8, I16 or I32, little-endian) from an integer attr.
void setIntTensor(modelbin::Tensor *t, Attribute attr,
                  modelbin::Tensor::DType d, int width) {
  auto dense = cast<DenseIntElementsAttr>(attr);
  t->Clear();
  for (int64_t dim : dense.getType().getShape())
    t->add_shape(dim);
  t->set_dtype(d);
  std::string bytes;
  for (const APInt &v : dense.getValues<APInt>()) {
    uint64_t u = static_cast<uint64_t>(v.getSExtValue());
    for (int b = 0; b < width; ++b)
      bytes.push_back(static_cast<char>((u >> (8 * b)) & 0xff));
  }
  t->set_data(bytes);
}

int32_t intOf(Operation *op, StringRef name) {
  return static_cast<int32_t>(cast<IntegerAttr>(op->getAttr(name)).getInt());
}

template <typename P> void synaptic(Operation *op, P *params, int bits) {
  setIntTensor(params->mutable_weight(), op->getAttr("snn.q.weight"),
               modelbin::Tensor::I8, 1);
  params->mutable_weight()->set_bits(bits);
  params->clear_bias();
  if (Attribute bias = op->getAttr("snn.q.bias"))
    setIntTensor(params->mutable_bias(), bias, modelbin::Tensor::I32, 4);
  params->set_weight_exp(intOf(op, "snn.q.weight_exp"));
}

} // namespace

void emitIntegerLayer(Operation *op, modelbin::Layer *layer) {
  auto network = op->getParentOfType<snn::NetworkOp>();
  if (!network->hasAttr("snn.q.quantization"))
    return;
  int bits = intOf(network, "snn.q.weight_bits");
  if (layer->has_conv2d() && op->hasAttr("snn.q.weight"))
    synaptic(op, layer->mutable_conv2d(), bits);
  if (layer->has_dense() && op->hasAttr("snn.q.weight"))
    synaptic(op, layer->mutable_dense(), bits);
  if (!layer->has_lif() || !op->hasAttr("snn.q.vth"))
    return;
  modelbin::LIF *f = layer->mutable_lif();
  f->clear_threshold();
  f->clear_leak();
  f->clear_bias();
  f->clear_gain();
  f->set_du(intOf(op, "snn.q.du"));
  using T = modelbin::Tensor;
  setIntTensor(f->mutable_dv(), op->getAttr("snn.q.dv"), T::I16, 2);
  setIntTensor(f->mutable_vth(), op->getAttr("snn.q.vth"), T::I32, 4);
  setIntTensor(f->mutable_bias_mant(), op->getAttr("snn.q.bias_mant"), T::I16,
               2);
  setIntTensor(f->mutable_bias_exp(), op->getAttr("snn.q.bias_exp"), T::I16, 2);
  setIntTensor(f->mutable_sign(), op->getAttr("snn.q.sign"), T::I16, 2);
  setIntTensor(f->mutable_in_exp(), op->getAttr("snn.q.in_exp"), T::I16, 2);
  f->set_unit(cast<FloatAttr>(op->getAttr("snn.q.unit")).getValueAsDouble());
}

void emitIntegerModel(snn::NetworkOp network, modelbin::Model &model) {
  auto q = network->getAttrOfType<StringAttr>("snn.q.quantization");
  if (!q)
    return;
  model.set_quantization(q.str());
  model.set_weight_bits(intOf(network, "snn.q.weight_bits"));
  model.set_output_scale(cast<FloatAttr>(network->getAttr("snn.q.output_scale"))
                             .getValueAsDouble());
  network.getBody().front().walk([&](Operation *op) {
    auto r = op->getAttrOfType<DictionaryAttr>("snn.q.report");
    if (!r)
      return;
    auto f = [&](StringRef k) {
      return static_cast<float>(cast<FloatAttr>(r.get(k)).getValueAsDouble());
    };
    auto i = [&](StringRef k) {
      return static_cast<int32_t>(cast<IntegerAttr>(r.get(k)).getInt());
    };
    modelbin::QuantReport *row = model.add_quant_report();
    row->set_layer(snn::getLayerName(op));
    row->set_bits(i("bits"));
    row->set_weight_exp(i("weight_exp"));
    row->set_alpha(f("alpha"));
    row->set_max_weight_error(f("max_weight_error"));
    row->set_max_weight(f("max_weight"));
    row->set_max_threshold_rounding(f("max_threshold_rounding"));
    row->set_max_leak_rounding(f("max_leak_rounding"));
    row->set_clamped(i("clamped"));
  });
}

} // namespace snnc

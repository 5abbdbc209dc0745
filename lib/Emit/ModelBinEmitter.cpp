//===- ModelBinEmitter.cpp - snn.network to snnc.modelbin.Model -----------===//
//
// Walks the network's single block in order (it is already topological),
// giving each op a layer: weights and per-step tables are copied as fp32,
// LIFs always get full [T, C] tables (constant ones when unfolded), and a
// BNTT or batch norm that no pass could fold becomes a per-channel affine
// layer so that the runtime still computes the model exactly.
//
//===----------------------------------------------------------------------===//

#include "snnc/Emit/ModelBin.h"

#include "IntegerFields.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"

#include "llvm/ADT/DenseMap.h"

static_assert(static_cast<int>(snnc::snn::ResetMode::SubtractDelayed) ==
                      snnc::modelbin::LIF::SUBTRACT_DELAYED &&
                  static_cast<int>(snnc::snn::ResetMode::None) ==
                      snnc::modelbin::LIF::NONE &&
                  static_cast<int>(snnc::snn::ResetMode::Hard) ==
                      snnc::modelbin::LIF::HARD,
              "snn::ResetMode and modelbin::LIF::Reset must agree");
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace snnc::snn;

namespace snnc {
namespace {

void setTensor(modelbin::Tensor *tensor, ArrayRef<int64_t> shape,
               ArrayRef<float> values) {
  for (int64_t dim : shape)
    tensor->add_shape(dim);
  tensor->set_dtype(modelbin::Tensor::F32);
  tensor->set_data(reinterpret_cast<const char *>(values.data()),
                   values.size() * sizeof(float));
}

void setTensor(modelbin::Tensor *tensor, ElementsAttr attr) {
  F32Values values = *F32Values::get(attr);
  setTensor(tensor, cast<ShapedType>(attr.getType()).getShape(),
            values.values());
}

/// [T, C] table from an optional attribute, else filled with `fill`.
void setTable(modelbin::Tensor *tensor, std::optional<ElementsAttr> attr,
              int64_t steps, int64_t channels, float fill) {
  if (attr)
    return setTensor(tensor, *attr);
  SmallVector<float> values(steps * channels, fill);
  setTensor(tensor, {steps, channels}, values);
}

void setPool(modelbin::Pool2d *pool, ArrayRef<int64_t> kernel,
             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads) {
  for (int64_t v : kernel)
    pool->add_kernel(v);
  for (int64_t v : strides)
    pool->add_strides(v);
  for (int64_t v : pads)
    pool->add_pads(v);
}

/// scale = gamma / sqrt(var + eps), shift = bias - scale * mean, per row.
void setAffine(modelbin::ChannelAffine *affine, ArrayRef<int64_t> shape,
               ArrayRef<float> gamma, std::optional<ArrayRef<float>> beta,
               ArrayRef<float> mean, ArrayRef<float> var, double eps) {
  SmallVector<float> scale(gamma.size()), shift(gamma.size());
  for (size_t i = 0; i < gamma.size(); ++i) {
    double k = gamma[i] / std::sqrt(static_cast<double>(var[i]) + eps);
    scale[i] = static_cast<float>(k);
    shift[i] = static_cast<float>((beta ? (*beta)[i] : 0.0) - k * mean[i]);
  }
  setTensor(affine->mutable_scale(), shape, scale);
  setTensor(affine->mutable_shift(), shape, shift);
}

/// The encoder's per-channel input normalisation, when the model has one.
void setNormalisation(modelbin::Encoder *encoder,
                      std::optional<ArrayRef<float>> mean,
                      std::optional<ArrayRef<float>> std) {
  if (!mean || !std)
    return;
  for (float v : *mean)
    encoder->add_mean(v);
  for (float v : *std)
    encoder->add_std(v);
}

class Emitter {
public:
  Emitter(NetworkOp network, modelbin::Model &model)
      : network(network), model(model), steps(network.getNumSteps()) {}

  LogicalResult run();

private:
  LogicalResult emit(Operation *op, modelbin::Layer *layer);
  int64_t layerOf(Value value) { return layers.lookup(value); }

  NetworkOp network;
  modelbin::Model &model;
  int64_t steps;
  llvm::DenseMap<Value, int64_t> layers;
};

LogicalResult Emitter::emit(Operation *op, modelbin::Layer *layer) {
  using L = modelbin::Layer;
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](PoissonEncodeOp encode) {
        layer->set_kind(L::ENCODE);
        auto *encoder = layer->mutable_encoder();
        encoder->set_kind(modelbin::Encoder::POISSON);
        encoder->set_scale(encode.getScaleAttr().getValueAsDouble());
        encoder->set_signed_(encode.getIsSigned());
        setNormalisation(encoder, encode.getMean(), encode.getStd());
        return success();
      })
      .Case([&](DirectEncodeOp encode) {
        layer->set_kind(L::ENCODE);
        layer->mutable_encoder()->set_kind(encode.getPerStep()
                                               ? modelbin::Encoder::STEPS
                                               : modelbin::Encoder::DIRECT);
        layer->mutable_encoder()->set_scale(1.0f);
        setNormalisation(layer->mutable_encoder(), encode.getMean(),
                         encode.getStd());
        return success();
      })
      .Case([&](Conv2DOp conv) {
        layer->set_kind(L::CONV2D);
        auto *params = layer->mutable_conv2d();
        setTensor(params->mutable_weight(), conv.getWeight());
        if (conv.getBias())
          setTensor(params->mutable_bias(), *conv.getBias());
        for (int64_t v : conv.getStrides())
          params->add_strides(v);
        for (int64_t v : conv.getPads())
          params->add_pads(v);
        for (int64_t v : conv.getDilations())
          params->add_dilations(v);
        params->set_groups(conv.getGroups());
        return success();
      })
      .Case([&](DenseOp dense) {
        layer->set_kind(L::DENSE);
        setTensor(layer->mutable_dense()->mutable_weight(), dense.getWeight());
        if (dense.getBias())
          setTensor(layer->mutable_dense()->mutable_bias(), *dense.getBias());
        return success();
      })
      .Case([&](AvgPool2DOp pool) {
        layer->set_kind(L::AVG_POOL2D);
        setPool(layer->mutable_pool(), pool.getKernelShape(), pool.getStrides(),
                pool.getPads());
        layer->mutable_pool()->set_count_include_pad(pool.getCountIncludePad());
        return success();
      })
      .Case([&](MaxPool2DOp pool) {
        layer->set_kind(L::MAX_POOL2D);
        setPool(layer->mutable_pool(), pool.getKernelShape(), pool.getStrides(),
                pool.getPads());
        return success();
      })
      .Case([&](FlattenOp) {
        layer->set_kind(L::FLATTEN);
        return success();
      })
      .Case([&](AddOp) {
        layer->set_kind(L::ADD);
        return success();
      })
      .Case([&](BNTTOp bntt) {
        layer->set_kind(L::CHANNEL_AFFINE);
        setAffine(layer->mutable_affine(),
                  cast<ShapedType>(bntt.getGamma().getType()).getShape(),
                  F32Values::get(bntt.getGamma())->values(),
                  bntt.getBeta()
                      ? std::optional<ArrayRef<float>>(
                            F32Values::get(*bntt.getBeta())->values())
                      : std::nullopt,
                  F32Values::get(bntt.getMean())->values(),
                  F32Values::get(bntt.getVar())->values(),
                  bntt.getEpsilonAttr().getValueAsDouble());
        return success();
      })
      .Case([&](BatchNormOp bn) {
        layer->set_kind(L::CHANNEL_AFFINE);
        int64_t channels =
            cast<ShapedType>(bn.getScale().getType()).getDimSize(0);
        setAffine(layer->mutable_affine(), {1, channels},
                  F32Values::get(bn.getScale())->values(),
                  F32Values::get(bn.getBias())->values(),
                  F32Values::get(bn.getMean())->values(),
                  F32Values::get(bn.getVar())->values(),
                  bn.getEpsilonAttr().getValueAsDouble());
        return success();
      })
      .Case([&](LIFOp lif) {
        layer->set_kind(L::LIF);
        auto *params = layer->mutable_lif();
        // ResetMode and modelbin::LIF::Reset share their numbering.
        params->set_reset(static_cast<modelbin::LIF::Reset>(
            static_cast<int>(lif.getReset())));
        if (FloatAttr value = lif.getResetValueAttr())
          params->set_reset_value(value.getValueAsDouble());
        int64_t channels = lif.getType().getDimSize(0);
        setTable(params->mutable_threshold(), lif.getThresholdTable(), steps,
                 channels, lif.getThresholdAttr().getValueAsDouble());
        setTable(params->mutable_leak(), lif.getLeakTable(), steps, channels,
                 lif.getLeakAttr().getValueAsDouble());
        setTable(params->mutable_bias(), lif.getBiasTable(), steps, channels,
                 0.0f);
        setTable(params->mutable_gain(), lif.getGainTable(), steps, channels,
                 1.0f);
        for (float v : lif.getSynLeak().value_or(ArrayRef<float>()))
          params->add_syn_leak(v);
        for (float v : lif.getSynGain().value_or(ArrayRef<float>()))
          params->add_syn_gain(v);
        return success();
      })
      .Case([&](ReadoutOp readout) {
        layer->set_kind(L::READOUT);
        if (!readout.getMembrane())
          return success();
        auto *params = layer->mutable_readout();
        params->set_membrane(true);
        for (float v : readout.getLeak().value_or(ArrayRef<float>()))
          params->add_leak(v);
        for (float v : readout.getGain().value_or(ArrayRef<float>()))
          params->add_gain(v);
        for (float v : readout.getBias().value_or(ArrayRef<float>()))
          params->add_bias(v);
        for (float v : readout.getSynLeak().value_or(ArrayRef<float>()))
          params->add_syn_leak(v);
        for (float v : readout.getSynGain().value_or(ArrayRef<float>()))
          params->add_syn_gain(v);
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError("cannot be lowered to model.bin");
      });
}

LogicalResult Emitter::run() {
  Block &body = network.getBody().front();
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() != 1)
      return op.emitOpError("cannot be lowered to model.bin");
    modelbin::Layer *layer = model.add_layers();
    layer->set_name(getLayerName(&op));
    for (Value operand : op.getOperands())
      if (!isa<BlockArgument>(operand))
        layer->add_inputs(layerOf(operand));
    auto type = cast<ShapedType>(op.getResult(0).getType());
    for (int64_t dim : type.getShape())
      layer->add_shape(dim);
    layer->set_binary(isSpikeTensor(type));
    if (failed(emit(&op, layer)))
      return failure();
    emitIntegerLayer(&op, layer); // docs/fixed-point.md
    layers[op.getResult(0)] = model.layers_size() - 1;
  }
  // The network's result (a readout, as the verifier ensures).
  model.set_output_layer(layerOf(body.getTerminator()->getOperand(0)));
  return success();
}

} // namespace

LogicalResult buildModelBin(NetworkOp network, modelbin::Model &model) {
  if (network.getFunctionType().getNumResults() != 1)
    return network.emitOpError("model.bin needs exactly one network result");
  model.set_producer("snnc 0.1.0");
  if (auto module = network->getParentOfType<ModuleOp>()) {
    model.set_source_name(getSourceAttr(module, kSourceNameAttr).str());
    model.set_source_sha256(getSourceAttr(module, kSourceSha256Attr).str());
  }
  model.set_num_steps(network.getNumSteps());
  model.set_early_exit_step(network.getExecutedSteps());
  if (FloatAttr threshold = network.getEarlyExitThresholdAttr())
    model.set_early_exit_threshold(threshold.getValueAsDouble());
  // "none" when snn-fold-bntt did not run on this network.
  model.set_fold_mode(network.getFoldMode().value_or("none").str());
  for (int64_t dim : cast<ShapedType>(network.getArgumentTypes()[0]).getShape())
    model.add_input_shape(dim);
  if (ArrayAttr table = network.getGammaMeanAttr()) {
    for (LayerGammaAttr entry : table.getAsRange<LayerGammaAttr>()) {
      modelbin::GammaMean *row = model.add_gamma_mean();
      row->set_layer(entry.getLayer().str());
      for (float value : entry.getMean().asArrayRef())
        row->add_mean(value);
    }
  }
  if (ArrayAttr table = network.getGammaHistogramAttr()) {
    for (GammaHistogramAttr entry : table.getAsRange<GammaHistogramAttr>()) {
      modelbin::GammaHistogram *row = model.add_gamma_histogram();
      row->set_layer(entry.getLayer().str());
      row->set_lo(entry.getRange()[0]);
      row->set_hi(entry.getRange()[1]);
      ArrayRef<int64_t> counts = entry.getCounts().asArrayRef();
      row->set_bins(
          static_cast<int32_t>(counts.size() / network.getNumSteps()));
      for (int64_t count : counts)
        row->add_counts(static_cast<int32_t>(count));
    }
  }
  emitIntegerModel(network, model);
  return Emitter(network, model).run();
}

} // namespace snnc

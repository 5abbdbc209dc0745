//===- NIRImporter.cpp - NIR nodes to snn ops -----------------------------===//
//
// Builds one snn.network from a flattened NIR graph (NIRGraph.h): the Input
// node becomes the network argument read one tensor per step (a per-step
// snn.direct_encode), several edges into one node are summed (snn.add),
// Affine/Linear/Conv2d/pools/Flatten map to their snn ops, SumPool2d to a
// depthwise convolution of ones, LIF/IF/Threshold to snn.lif with tables,
// LI/I in front of the Output to a membrane readout, and the Output to the
// network result. Parameters are checked (shape, finiteness) and discretised
// by discretiseLIF, the one owner of docs/nir.md's formulas. In a file with
// snnc's own metadata (NIRMetadata.h) the encoder, the gamma means and the
// neurons' per-step tables and subtract resets come back.
//
//===----------------------------------------------------------------------===//

#include "snnc/Import/NIRImporter.h"

#include "NIRGraph.h"
#include "NIRMetadata.h"
#include "NIRParams.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"
#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir;
using namespace snnc::snn;

namespace snnc {
namespace {

using nir::FlatNode;
using nir::NodeParams;

const char *kSupported =
    "Input, Output, Affine, Linear, Conv2d, SumPool2d, AvgPool2d, Flatten, "
    "Threshold, IF, LIF, CubaLIF, LI, CubaLI and I (before the Output), "
    "NIRGraph";

class NIRBuilder {
public:
  NIRBuilder(MLIRContext *context, StringRef file,
             const NIRImportOptions &options)
      : b(context), file(file.str()), options(options),
        fileLoc(FileLineColLoc::get(context, file, 0, 0)) {}

  OwningOpRef<ModuleOp> run(const nir::FlatGraph &graph);

private:
  LogicalResult node(const FlatNode &n, Value input, Value *result);
  LogicalResult affine(const NodeParams &p, Value x, bool bias, Value *out);
  LogicalResult conv(const NodeParams &p, Value x, Value *out);
  LogicalResult pool(const NodeParams &p, Value x, bool sum, Value *out);
  LogicalResult flatten(const NodeParams &p, Value x, Value *out);
  LogicalResult neuron(const NodeParams &p, Value x, Value *out);
  LogicalResult integrator(const NodeParams &p, Value x, Value *out);
  /// The network's input: per-step tensors, or the encoder snnc's own
  /// metadata names.
  Value encoder(const FlatNode &input, Value arg);
  void recordGamma(NetworkOp network);
  FailureOr<Value> sum(const FlatNode &n, ArrayRef<Value> inputs);
  Location locOf(const std::string &name) {
    return NameLoc::get(b.getStringAttr(name), fileLoc);
  }
  /// Verifies `op`, reporting verifier errors as errors of the node.
  LogicalResult finish(const NodeParams &p, Operation *op, Value *out);

  OpBuilder b;
  std::string file;
  NIRImportOptions options;
  Location fileLoc;
  Value readout; // the value the Output node returns, once built
  nir::OwnMetadata own;
};

LogicalResult NIRBuilder::finish(const NodeParams &p, Operation *op,
                                 Value *out) {
  std::string message;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler capture(b.getContext(), [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && message.empty())
        message = diag.str();
      return success();
    });
    verified = verify(op);
  }
  if (failed(verified))
    return p.error() << (message.empty() ? "builds an invalid operation"
                                         : message);
  *out = op->getResult(0);
  return success();
}

LogicalResult NIRBuilder::affine(const NodeParams &p, Value x, bool bias,
                                 Value *out) {
  auto type = cast<ShapedType>(x.getType());
  FailureOr<nir::Array> weight = p.array("weight", 2);
  if (failed(weight))
    return failure();
  int64_t outF = weight->shape[0], inF = weight->shape[1];
  if (type.getRank() != 1 || type.getDimSize(0) != inF)
    return p.error() << "weight is [" << outF << ", " << inF
                     << "] but the input is " << formatShape(type.getShape())
                     << " (expected [" << inF << "]; put a Flatten before it)";
  ElementsAttr biasAttr;
  if (bias) {
    FailureOr<nir::Array> b0 = p.array("bias", 1, {outF});
    if (failed(b0))
      return failure();
    biasAttr = makeF32Attr(b.getContext(), {outF}, b0->values, p.name + "_b");
  }
  auto result = RankedTensorType::get({outF}, b.getF32Type());
  auto op = b.create<DenseOp>(
      locOf(p.name), result, x,
      makeF32Attr(b.getContext(), weight->shape, weight->values, p.name + "_w"),
      biasAttr);
  return finish(p, op, out);
}

LogicalResult NIRBuilder::conv(const NodeParams &p, Value x, Value *out) {
  auto type = cast<ShapedType>(x.getType());
  FailureOr<nir::Array> weight = p.array("weight", 4);
  if (failed(weight))
    return failure();
  if (type.getRank() != 3)
    return p.error() << "input " << formatShape(type.getShape())
                     << " is not [C, H, W]";
  ArrayRef<int64_t> k = weight->shape;
  FailureOr<int64_t> groups = p.integer("groups", 1);
  FailureOr<nir::Pair> stride = p.pair("stride", 1);
  FailureOr<nir::Pair> dilation = p.pair("dilation", 1);
  if (failed(groups) || failed(stride) || failed(dilation))
    return failure();
  FailureOr<nir::Pads> pads =
      p.pads("padding", {k[2], k[3]}, *dilation, *stride);
  FailureOr<nir::Array> bias = p.array("bias", 1, {k[0]}, /*optional=*/true);
  if (failed(pads) || failed(bias))
    return failure();
  std::optional<int64_t> oh =
      windowOutputSize(type.getDimSize(1), k[2], stride->first, pads->top,
                       pads->bottom, dilation->first);
  std::optional<int64_t> ow =
      windowOutputSize(type.getDimSize(2), k[3], stride->second, pads->left,
                       pads->right, dilation->second);
  if (!oh || !ow)
    return p.error() << "the kernel does not fit the input "
                     << formatShape(type.getShape());
  auto result = RankedTensorType::get({k[0], *oh, *ow}, b.getF32Type());
  ElementsAttr biasAttr;
  if (!bias->values.empty())
    biasAttr = makeF32Attr(b.getContext(), {k[0]}, bias->values, p.name + "_b");
  auto op = b.create<Conv2DOp>(
      locOf(p.name), result, x,
      makeF32Attr(b.getContext(), k, weight->values, p.name + "_w"), biasAttr,
      b.getDenseI64ArrayAttr({stride->first, stride->second}),
      b.getDenseI64ArrayAttr(
          {pads->top, pads->left, pads->bottom, pads->right}),
      b.getDenseI64ArrayAttr({dilation->first, dilation->second}),
      b.getI64IntegerAttr(*groups));
  return finish(p, op, out);
}

LogicalResult NIRBuilder::pool(const NodeParams &p, Value x, bool sum,
                               Value *out) {
  auto type = cast<ShapedType>(x.getType());
  if (type.getRank() != 3)
    return p.error() << "input " << formatShape(type.getShape())
                     << " is not [C, H, W]";
  FailureOr<nir::Pair> kernel = p.pair("kernel_size", std::nullopt);
  if (failed(kernel))
    return failure();
  FailureOr<nir::Pair> stride = p.pair("stride", kernel->first);
  FailureOr<nir::Pads> pads =
      p.pads("padding", {kernel->first, kernel->second}, {1, 1}, {1, 1});
  if (failed(stride) || failed(pads))
    return failure();
  int64_t C = type.getDimSize(0);
  std::optional<int64_t> oh =
      windowOutputSize(type.getDimSize(1), kernel->first, stride->first,
                       pads->top, pads->bottom);
  std::optional<int64_t> ow =
      windowOutputSize(type.getDimSize(2), kernel->second, stride->second,
                       pads->left, pads->right);
  if (!oh || !ow)
    return p.error() << "the window does not fit the input "
                     << formatShape(type.getShape());
  auto strides = b.getDenseI64ArrayAttr({stride->first, stride->second});
  auto padAttr = b.getDenseI64ArrayAttr(
      {pads->top, pads->left, pads->bottom, pads->right});
  auto result = RankedTensorType::get({C, *oh, *ow}, b.getF32Type());
  if (sum) {
    // A sum pool is a depthwise convolution with a kernel of ones: exact, and
    // event-driven like any convolution.
    SmallVector<int64_t> shape = {C, 1, kernel->first, kernel->second};
    SmallVector<float> ones(C * kernel->first * kernel->second, 1.0f);
    auto op = b.create<Conv2DOp>(
        locOf(p.name), result, x,
        makeF32Attr(b.getContext(), shape, ones, p.name + "_ones"),
        ElementsAttr(), strides, padAttr, b.getDenseI64ArrayAttr({1, 1}),
        b.getI64IntegerAttr(C));
    return finish(p, op, out);
  }
  // torch.nn.AvgPool2d (what the frameworks export) counts the padding.
  auto op = b.create<AvgPool2DOp>(
      locOf(p.name), result, x,
      b.getDenseI64ArrayAttr({kernel->first, kernel->second}), strides, padAttr,
      b.getBoolAttr(true));
  return finish(p, op, out);
}

LogicalResult NIRBuilder::flatten(const NodeParams &p, Value x, Value *out) {
  auto type = cast<ShapedType>(x.getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> start = p.integer("start_dim", 0);
  FailureOr<int64_t> end = p.integer("end_dim", -1);
  if (failed(start) || failed(end))
    return failure();
  int64_t s = *start < 0 ? *start + rank : *start;
  int64_t e = *end < 0 ? *end + rank : *end;
  if (s != 0 || e != rank - 1)
    return p.error() << "start_dim " << *start << ", end_dim " << *end
                     << " on the input " << formatShape(type.getShape())
                     << ": snnc flattens all per-sample dims (start_dim 0, "
                        "end_dim -1, without the batch dim)";
  auto result =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  return finish(p, b.create<FlattenOp>(locOf(p.name), result, x), out);
}

LogicalResult NIRBuilder::neuron(const NodeParams &p, Value x, Value *out) {
  auto type = cast<ShapedType>(x.getType());
  FailureOr<nir::Neuron> n =
      nir::discreteNeuron(p, type.getShape(), options.dt);
  if (failed(n) || (own.present &&
                    failed(nir::applyNeuronMetadata(p, options.numSteps, &*n))))
    return failure();
  return finish(
      p, import::buildLIF(b, locOf(p.name), x, *n, options.numSteps, p.name),
      out);
}

Value NIRBuilder::encoder(const FlatNode &input, Value arg) {
  auto type = cast<RankedTensorType>(arg.getType());
  auto floats = [&](ArrayRef<float> v) {
    return v.empty() ? DenseF32ArrayAttr() : b.getDenseF32ArrayAttr(v);
  };
  Location loc = locOf(input.name);
  if (own.encoder == "POISSON") {
    auto spikes = RankedTensorType::get(
        type.getShape(), SpikeType::get(b.getContext(), own.isSigned));
    return b.create<PoissonEncodeOp>(
        loc, spikes, arg, b.getF32FloatAttr(own.scale),
        own.isSigned ? b.getUnitAttr() : UnitAttr(), floats(own.mean),
        floats(own.std));
  }
  return b.create<DirectEncodeOp>(
      loc, type, arg, own.encoder == "STEPS" ? b.getUnitAttr() : UnitAttr(),
      floats(own.mean), floats(own.std));
}

void NIRBuilder::recordGamma(NetworkOp network) {
  if (own.gammaLayers.empty())
    return;
  int64_t T = options.numSteps;
  SmallVector<Attribute> table;
  for (size_t l = 0; l < own.gammaLayers.size(); ++l)
    table.push_back(LayerGammaAttr::get(
        b.getContext(), b.getStringAttr(own.gammaLayers[l]),
        b.getDenseF32ArrayAttr(
            ArrayRef<float>(own.gammaMean).slice(l * T, T))));
  network.setGammaMeanAttr(b.getArrayAttr(table));
}

LogicalResult NIRBuilder::integrator(const NodeParams &p, Value x, Value *out) {
  auto type = cast<ShapedType>(x.getType());
  FailureOr<nir::Neuron> n =
      nir::discreteNeuron(p, type.getShape(), options.dt);
  if (failed(n))
    return failure();
  if (failed(finish(p, import::buildMembraneReadout(b, locOf(p.name), x, *n),
                    out)))
    return failure();
  readout = *out;
  return success();
}

FailureOr<Value> NIRBuilder::sum(const FlatNode &n, ArrayRef<Value> inputs) {
  Value acc = inputs.front();
  for (Value next : inputs.drop_front()) {
    if (acc.getType() != next.getType() &&
        cast<ShapedType>(acc.getType()).getShape() !=
            cast<ShapedType>(next.getType()).getShape())
      return emitError(locOf(n.name))
             << "node '" << n.name << "' (" << n.node->type
             << "): its inputs have different shapes "
             << formatShape(cast<ShapedType>(acc.getType()).getShape())
             << " and "
             << formatShape(cast<ShapedType>(next.getType()).getShape())
             << " (NIR sums several inputs of one node)";
    auto type = RankedTensorType::get(
        cast<ShapedType>(acc.getType()).getShape(), b.getF32Type());
    acc = b.create<AddOp>(locOf(n.name + ".sum"), type, acc, next);
  }
  return acc;
}

LogicalResult NIRBuilder::node(const FlatNode &n, Value x, Value *result) {
  NodeParams p(n, file, fileLoc);
  const std::string &type = n.node->type;
  if (readout && type != "Output")
    return p.error() << "follows the leaky integrator '"
                     << getLayerName(readout.getDefiningOp())
                     << "': LI and I are supported only directly before the "
                        "Output node (their membrane is the network output)";
  if (type == "Affine" || type == "Linear")
    return affine(p, x, type == "Affine", result);
  if (type == "Conv2d")
    return conv(p, x, result);
  if (type == "SumPool2d" || type == "AvgPool2d")
    return pool(p, x, type == "SumPool2d", result);
  if (type == "Flatten")
    return flatten(p, x, result);
  if (type == "LIF" || type == "IF" || type == "Threshold" || type == "CubaLIF")
    return neuron(p, x, result);
  if (type == "LI" || type == "I" || type == "CubaLI")
    return integrator(p, x, result);
  return p.error() << "unsupported NIR node type '" << type
                   << "'; snnc supports " << kSupported;
}

OwningOpRef<ModuleOp> NIRBuilder::run(const nir::FlatGraph &graph) {
  int input = -1, output = -1;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const FlatNode &n = graph.nodes[i];
    if (n.passThrough)
      continue;
    int *slot = n.node->type == "Input"    ? &input
                : n.node->type == "Output" ? &output
                                           : nullptr;
    if (slot && *slot >= 0)
      return emitError(fileLoc)
                 << "the graph has several " << n.node->type << " nodes ('"
                 << graph.nodes[*slot].name << "', '" << n.name
                 << "'); snnc imports networks with one input and one output",
             nullptr;
    if (slot)
      *slot = static_cast<int>(i);
  }
  if (input < 0 || output < 0)
    return emitError(fileLoc)
               << "the graph has no " << (input < 0 ? "Input" : "Output")
               << " node (NIR networks start at an Input and end at an Output)",
           nullptr;
  NodeParams inputParams(graph.nodes[input], file, fileLoc);
  FailureOr<SmallVector<int64_t>> shape = nir::inputShape(inputParams);
  if (failed(shape))
    return nullptr;
  auto inputType = RankedTensorType::get(*shape, b.getF32Type());
  FailureOr<nir::OwnMetadata> metadata =
      nir::readOwnMetadata(inputParams, options.numSteps);
  if (failed(metadata))
    return nullptr;
  own = std::move(*metadata);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  auto network = b.create<NetworkOp>(
      fileLoc, "network", b.getFunctionType({inputType}, {}), options.numSteps,
      /*early_exit_step=*/nullptr, /*early_exit_threshold=*/nullptr,
      /*fold_mode=*/nullptr, /*gamma_mean=*/nullptr,
      /*gamma_histogram=*/nullptr, /*sym_visibility=*/nullptr,
      /*arg_attrs=*/nullptr, /*res_attrs=*/nullptr);
  Block *body = b.createBlock(&network.getBody(), {}, {inputType}, {fileLoc});
  b.setInsertionPointToEnd(body);

  std::vector<Value> values(graph.nodes.size());
  values[input] = encoder(graph.nodes[input], body->getArgument(0));
  recordGamma(network);
  for (int id : graph.order) {
    const FlatNode &n = graph.nodes[id];
    if (id == input)
      continue;
    if (n.inputs.empty())
      return emitError(locOf(n.name))
                 << "node '" << n.name << "' (" << n.node->type
                 << ") has no input edge (every node must be reachable from "
                    "the Input)",
             nullptr;
    SmallVector<Value> ins;
    for (int pred : n.inputs)
      ins.push_back(values[pred]);
    FailureOr<Value> x = sum(n, ins);
    if (failed(x))
      return nullptr;
    if (n.passThrough || id == output) {
      values[id] = *x;
      continue;
    }
    if (failed(node(n, *x, &values[id])))
      return nullptr;
  }
  Value result = values[output];
  if (!readout || result != readout) {
    auto type = cast<ShapedType>(result.getType());
    readout = b.create<ReadoutOp>(
        locOf(graph.nodes[output].name),
        RankedTensorType::get(type.getShape(), b.getF32Type()), result, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr);
  }
  if (cast<ShapedType>(readout.getType()).getRank() != 1)
    return emitError(fileLoc)
               << "the Output node '" << graph.nodes[output].name
               << "' receives "
               << formatShape(cast<ShapedType>(readout.getType()).getShape())
               << "; snnc's output is one value per class (rank 1)",
           nullptr;
  b.create<OutputOp>(fileLoc, ValueRange{readout});
  network.setFunctionTypeAttr(
      TypeAttr::get(b.getFunctionType({inputType}, {readout.getType()})));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

bool looksLikeNIR(StringRef bytes) {
  return nir::looksLikeHDF5(bytes.data(), bytes.size());
}

OwningOpRef<ModuleOp> importNIRFile(StringRef path, MLIRContext *context,
                                    const NIRImportOptions &options,
                                    ImportedModelInfo *info) {
  context->loadDialect<SNNDialect>();
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  nir::File file;
  std::string error;
  if (!nir::readFile(path.str(), &file, &error))
    return emitError(fileLoc) << "not a readable NIR file: " << error, nullptr;
  nir::FlatGraph graph;
  if (!nir::flattenGraph(file.root, &graph, &error))
    return emitError(fileLoc) << error, nullptr;
  auto buffer = llvm::MemoryBuffer::getFile(path, false, false);
  std::string sha256 = buffer ? sha256Hex((*buffer)->getBuffer()) : "";
  if (info) {
    info->fileName = llvm::sys::path::filename(path).str();
    info->sha256 = sha256;
    info->modelName = llvm::sys::path::stem(path).str();
  }
  OwningOpRef<ModuleOp> module = NIRBuilder(context, path, options).run(graph);
  if (module)
    snn::setSourceAttrs(*module, llvm::sys::path::filename(path), sha256);
  return module;
}

} // namespace snnc

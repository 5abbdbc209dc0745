//===- GraphImporter.cpp - walk an ONNX graph into one snn.network --------===//
//
// Owns the import: orders the nodes (rejecting cycles and dangling inputs),
// binds initializers, dispatches each node through the (domain, op_type,
// opset) table, checks every computed shape against the shapes the model
// declares, and reports errors with the node's name, op_type and domain.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <deque>

using namespace mlir;

namespace snnc::import {

GraphImporter::GraphImporter(MLIRContext *context,
                             const onnx::ModelProto &model,
                             const ModelFacts &facts, StringRef fileName)
    : opBuilder(context), model(model), facts(facts), fileName(fileName),
      fileLoc(FileLineColLoc::get(context, fileName, 0, 0)),
      currentLoc(fileLoc) {}

InFlightDiagnostic GraphImporter::error() {
  InFlightDiagnostic diag = emitError(currentLoc);
  diag << "node '" << currentName << "' (";
  if (!currentNode->domain().empty())
    diag << currentNode->domain() << "::";
  diag << currentNode->op_type() << "): ";
  return diag;
}

//===----------------------------------------------------------------------===//
// Inputs and attributes
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::expectArity(int minInputs, int maxInputs,
                                         int outputs) {
  int inputs = currentNode->input_size();
  while (inputs > 0 && currentNode->input(inputs - 1).empty())
    --inputs; // trailing optional inputs left empty
  if (inputs < minInputs || inputs > maxInputs) {
    InFlightDiagnostic diag = error() << "expects ";
    if (minInputs == maxInputs)
      diag << minInputs;
    else
      diag << minInputs << " to " << maxInputs;
    return diag << " inputs, got " << inputs;
  }
  if (currentNode->output_size() != outputs)
    return error() << "expects " << outputs << " output(s), got "
                   << currentNode->output_size();
  return success();
}

bool GraphImporter::hasInput(int index) const {
  return index < currentNode->input_size() &&
         !currentNode->input(index).empty();
}

bool GraphImporter::isConstant(int index) const {
  return hasInput(index) && constants.count(currentNode->input(index));
}

FailureOr<Value> GraphImporter::activation(int index) {
  const std::string &name = currentNode->input(index);
  if (constants.count(name))
    return error() << "input " << index << " ('" << name
                   << "') must be computed by the graph, not an initializer";
  if (name == inputName) {
    // The analog input used without an encoder is fed every step as is.
    if (!encodedInput) {
      OpBuilder::InsertionGuard guard(opBuilder);
      Block *body = opBuilder.getInsertionBlock();
      opBuilder.setInsertionPointToStart(body);
      Value arg = body->getArgument(0);
      encodedInput = opBuilder.create<snn::DirectEncodeOp>(
          NameLoc::get(opBuilder.getStringAttr("implicit_direct_encode"),
                       fileLoc),
          arg.getType(), arg);
    }
    return encodedInput;
  }
  auto it = values.find(name);
  if (it == values.end())
    return error() << "input " << index << " ('" << name << "') is not defined";
  return it->second;
}

FailureOr<const Constant *>
GraphImporter::constant(int index, std::optional<ArrayRef<int64_t>> shape) {
  const std::string &name = currentNode->input(index);
  auto it = constants.find(name);
  if (it == constants.end())
    return error() << "input " << index << " ('" << name
                   << "') must be an initializer";
  const Constant &value = it->second;
  if (!value.proto)
    return error() << "initializer '" << name << "' must be float";
  if (shape && ArrayRef<int64_t>(value.dims) != *shape) {
    InFlightDiagnostic diag = error() << "initializer '" << name
                                      << "' must have shape [";
    llvm::interleaveComma(*shape, diag);
    diag << "], got [";
    llvm::interleaveComma(value.dims, diag);
    return diag << "]";
  }
  return &value;
}

FailureOr<SmallVector<int64_t>> GraphImporter::int64Constant(int index) {
  const std::string &name = currentNode->input(index);
  auto it = constants.find(name);
  if (it == constants.end() || it->second.proto)
    return error() << "input " << index << " ('" << name
                   << "') must be an int64 initializer or Constant";
  return readInt64Tensor(*int64Tensors.lookup(name), currentLoc);
}

const onnx::AttributeProto *GraphImporter::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : currentNode->attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

namespace {
const char *attrTypeName(onnx::AttributeProto::AttributeType type) {
  switch (type) {
  case onnx::AttributeProto::FLOAT:
    return "a float";
  case onnx::AttributeProto::INT:
    return "an int";
  case onnx::AttributeProto::STRING:
    return "a string";
  case onnx::AttributeProto::INTS:
    return "a list of ints";
  case onnx::AttributeProto::FLOATS:
    return "a list of floats";
  case onnx::AttributeProto::TENSOR:
    return "a tensor";
  default:
    return "another kind";
  }
}
} // namespace

#define SNNC_ATTR_GETTER(Type, Method, Kind, Extract)                          \
  FailureOr<Type> GraphImporter::Method(StringRef name,                        \
                                        std::optional<Type> fallback) {        \
    const onnx::AttributeProto *attr = findAttr(name);                         \
    if (!attr) {                                                               \
      if (fallback)                                                            \
        return *fallback;                                                      \
      return error() << "required attribute '" << name << "' is missing";      \
    }                                                                          \
    if (attr->type() != onnx::AttributeProto::Kind)                            \
      return error() << "attribute '" << name << "' must be "                  \
                     << attrTypeName(onnx::AttributeProto::Kind) << ", got "   \
                     << attrTypeName(attr->type());                            \
    return Extract;                                                            \
  }

SNNC_ATTR_GETTER(float, floatAttr, FLOAT, attr->f())
SNNC_ATTR_GETTER(int64_t, intAttr, INT, static_cast<int64_t>(attr->i()))
SNNC_ATTR_GETTER(SmallVector<int64_t>, intsAttr, INTS,
                 SmallVector<int64_t>(attr->ints().begin(), attr->ints().end()))
SNNC_ATTR_GETTER(std::string, stringAttr, STRING, attr->s())
SNNC_ATTR_GETTER(SmallVector<float>, floatsAttr, FLOATS,
                 SmallVector<float>(attr->floats().begin(),
                                    attr->floats().end()))
#undef SNNC_ATTR_GETTER

FailureOr<std::optional<GraphImporter::Values>>
GraphImporter::valuesAttr(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::optional<Values>();
  Values v;
  switch (attr->type()) {
  case onnx::AttributeProto::FLOAT:
    v.values = {attr->f()};
    break;
  case onnx::AttributeProto::FLOATS:
    v.values.assign(attr->floats().begin(), attr->floats().end());
    v.shape = {static_cast<int64_t>(v.values.size())};
    break;
  case onnx::AttributeProto::TENSOR: {
    if (attr->t().data_type() != onnx::TensorProto::FLOAT)
      return error() << "attribute '" << name
                     << "' must be a float32 tensor (data_type 1), got "
                        "data_type "
                     << attr->t().data_type();
    FailureOr<Constant> c = readFloatTensor(attr->t(), currentLoc);
    if (failed(c))
      return error() << "attribute '" << name << "': invalid tensor data";
    v.values.assign(c->values.begin(), c->values.end());
    v.shape = c->dims;
    break;
  }
  default:
    return error() << "attribute '" << name
                   << "' must be float, floats or a float tensor, got "
                   << attrTypeName(attr->type());
  }
  if (v.values.empty())
    return error() << "attribute '" << name << "' has no values";
  for (size_t i = 0; i < v.values.size(); ++i)
    if (!std::isfinite(v.values[i]))
      return error() << "attribute '" << name << "': element " << i
                     << " is not finite";
  return std::optional<Values>(std::move(v));
}

ElementsAttr GraphImporter::weightAttr(ArrayRef<int64_t> shape,
                                       ArrayRef<float> values, StringRef what) {
  return snn::makeF32Attr(context(), shape, values,
                          (currentName + "_" + what).str());
}

ElementsAttr GraphImporter::initializerAttr(const Constant &constant,
                                            StringRef what) {
  if (ElementsAttr made = initializerAttrs.lookup(constant.name))
    return made;
  int64_t count = constant.values.size();
  if (count < snn::kInlineElementLimit || !constant.proto ||
      !constant.proto->has_raw_data())
    return weightAttr(constant.dims, constant.values, what);
  // The model proto is owned by this import and outlives nothing but the
  // blob, so the blob may take its raw_data buffer (moving a heap-allocated
  // std::string keeps the buffer where it is).
  auto *owned = new std::string(std::move(
      *const_cast<onnx::TensorProto *>(constant.proto)->mutable_raw_data()));
  Constant &entry = constants[constant.name];
  entry.values =
      ArrayRef<float>(reinterpret_cast<const float *>(owned->data()), count);
  auto type = RankedTensorType::get(constant.dims, opBuilder.getF32Type());
  AsmResourceBlob blob(
      ArrayRef<char>(owned->data(), owned->size()), alignof(float),
      [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/false);
  ElementsAttr attr = DenseResourceElementsAttr::get(
      type, (currentName + "_" + what).str(), std::move(blob));
  initializerAttrs[constant.name] = attr;
  return attr;
}

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

void GraphImporter::define(int index, Value value) {
  values[currentNode->output(index)] = value;
}

LogicalResult GraphImporter::finish(Operation *op, int outputIndex) {
  std::string message;
  LogicalResult verified = success();
  {
    ScopedDiagnosticHandler capture(context(), [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return failure();
      if (message.empty())
        message = diag.str();
      return success();
    });
    verified = verify(op);
  }
  if (failed(verified))
    return error() << (message.empty() ? "produces an invalid operation"
                                       : message);
  Value result = op->getResult(0);
  if (failed(checkDeclaredShape(currentNode->output(outputIndex), result)))
    return failure();
  define(outputIndex, result);
  return success();
}

LogicalResult GraphImporter::checkDeclaredShape(const std::string &name,
                                                Value value) {
  auto it = declared.find(name);
  if (it == declared.end() || !it->second->type().has_tensor_type())
    return success();
  const onnx::TypeProto::Tensor &type = it->second->type().tensor_type();
  if (type.elem_type() != 0 && type.elem_type() != onnx::TensorProto::FLOAT)
    return error() << "value '" << name
                   << "' is declared with a non-float element type";
  if (!type.has_shape())
    return success();
  ArrayRef<int64_t> computed = cast<ShapedType>(value.getType()).getShape();
  const onnx::TensorShapeProto &shape = type.shape();
  bool matches = shape.dim_size() == static_cast<int>(computed.size()) + 1;
  for (int d = 1; matches && d < shape.dim_size(); ++d)
    if (shape.dim(d).has_dim_value() &&
        shape.dim(d).dim_value() != computed[d - 1])
      matches = false;
  if (matches)
    return success();
  InFlightDiagnostic diag = error() << "value '" << name << "' is declared [";
  for (int d = 0; d < shape.dim_size(); ++d) {
    diag << (d ? ", " : "");
    if (shape.dim(d).has_dim_value())
      diag << shape.dim(d).dim_value();
    else
      diag << (shape.dim(d).dim_param().empty() ? "?"
                                                : shape.dim(d).dim_param());
  }
  diag << "] but the node computes [N";
  for (int64_t dim : computed)
    diag << ", " << dim;
  return diag << "]";
}

//===----------------------------------------------------------------------===//
// The walk
//===----------------------------------------------------------------------===//

const OpEntry *GraphImporter::lookup(const onnx::NodeProto &node) const {
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  int64_t opset = domain.empty() ? facts.defaultOpset : facts.profile;
  for (ArrayRef<OpEntry> table : {standardOpTable(), snncOpTable()})
    for (const OpEntry &entry : table)
      if (domain == entry.domain && node.op_type() == entry.opType &&
          opset >= entry.minOpset && opset <= entry.maxOpset)
        return &entry;
  return nullptr;
}

LogicalResult GraphImporter::bindTensor(const std::string &name,
                                        const onnx::TensorProto &tensor) {
  if (tensor.data_type() == onnx::TensorProto::INT64) {
    constants[name] = Constant{name, {}, {}, nullptr};
    int64Tensors[name] = &tensor;
    return success();
  }
  FailureOr<Constant> constant = readFloatTensor(tensor, fileLoc);
  if (failed(constant))
    return failure();
  constant->name = name;
  constants[name] = *constant;
  return success();
}

LogicalResult GraphImporter::bindInitializers() {
  for (const onnx::TensorProto &tensor : model.graph().initializer())
    if (failed(bindTensor(tensor.name(), tensor)))
      return failure();
  // Constant nodes (as torch.onnx.export writes shape tensors) are constants
  // too; they are bound before the walk so that their users see them.
  for (const onnx::NodeProto &node : model.graph().node()) {
    if (node.op_type() != "Constant" || !node.domain().empty())
      continue;
    currentNode = &node;
    currentName = node.name().empty() ? "Constant" : node.name();
    const onnx::AttributeProto *value = findAttr("value");
    if (node.output_size() != 1 || node.attribute_size() != 1 || !value ||
        value->type() != onnx::AttributeProto::TENSOR)
      return error() << "Constant must have one output and exactly the "
                        "attribute 'value' (a tensor)";
    if (failed(bindTensor(node.output(0), value->t())))
      return failure();
  }
  // Identity of a constant (exporters write it for shared parameters) is
  // the same constant; chains resolve in a few passes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const onnx::NodeProto &node : model.graph().node()) {
      if (node.op_type() != "Identity" || !node.domain().empty() ||
          node.input_size() != 1 || node.output_size() != 1 ||
          constants.count(node.output(0)))
        continue;
      auto source = constants.find(node.input(0));
      if (source == constants.end())
        continue;
      Constant alias = source->second;
      constants[node.output(0)] = alias;
      if (const onnx::TensorProto *shape = int64Tensors.lookup(node.input(0)))
        int64Tensors[node.output(0)] = shape;
      changed = true;
    }
  }
  currentNode = nullptr;
  return success();
}

FailureOr<SmallVector<int>> GraphImporter::sortNodes() {
  const auto &nodes = model.graph().node();
  llvm::StringMap<int> producer;
  for (int i = 0; i < nodes.size(); ++i)
    for (const std::string &output : nodes[i].output())
      producer[output] = i;
  SmallVector<int> pending(nodes.size(), 0);
  SmallVector<SmallVector<int>> consumers(nodes.size());
  for (int i = 0; i < nodes.size(); ++i) {
    for (const std::string &input : nodes[i].input()) {
      if (input.empty() || constants.count(input) || input == inputName)
        continue;
      auto it = producer.find(input);
      if (it == producer.end()) {
        currentNode = &nodes[i];
        currentName = nodes[i].name();
        return error() << "input '" << input
                       << "' is not produced by any node, initializer or "
                          "the graph input";
      }
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0)
      ready.push_back(i);
  SmallVector<int> order;
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int consumer : consumers[i])
      if (--pending[consumer] == 0)
        ready.push_back(consumer);
  }
  if (order.size() != static_cast<size_t>(nodes.size())) {
    for (int i = 0; i < nodes.size(); ++i)
      if (pending[i] > 0)
        return emitError(fileLoc)
               << "the graph has a cycle through node '" << nodes[i].name()
               << "' (" << nodes[i].op_type() << ")";
  }
  return order;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  currentNode = &node;
  currentName = node.name();
  if (currentName.empty()) {
    // Stable generated name: op type + position in the graph.
    currentName = node.op_type() + "_" + std::to_string(index);
    while (!nodeNames.insert(currentName).second)
      currentName += "_";
  }
  currentLoc = NameLoc::get(opBuilder.getStringAttr(currentName), fileLoc);
  const OpEntry *entry = lookup(node);
  if (!entry) {
    InFlightDiagnostic diag = error() << "unsupported operator";
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    if (domain.empty() || domain == kSNNCDomain) {
      diag << " at opset "
           << (domain.empty() ? facts.defaultOpset : facts.profile)
           << "; snnc profile v" << facts.profile << " supports:";
      for (ArrayRef<OpEntry> table : {standardOpTable(), snncOpTable()})
        for (const OpEntry &op : table)
          diag << " " << (*op.domain ? "ai.snnc::" : "") << op.opType;
    } else {
      diag << " of domain '" << node.domain()
           << "'; snnc reads the default domain and 'ai.snnc'";
    }
    return failure();
  }
  for (const onnx::AttributeProto &attr : node.attribute()) {
    bool known = llvm::any_of(entry->attributes, [&](const char *name) {
      return attr.name() == name;
    });
    if (!known)
      return error() << "unknown attribute '" << attr.name() << "'";
  }
  return entry->handler(*this);
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(bindInitializers()))
    return nullptr;
  for (const onnx::NodeProto &node : graph.node())
    nodeNames.insert(node.name());
  for (const onnx::ValueInfoProto &info : graph.value_info())
    declared[info.name()] = &info;
  for (const onnx::ValueInfoProto &info : graph.output())
    declared[info.name()] = &info;

  const onnx::ValueInfoProto *input = nullptr;
  for (const onnx::ValueInfoProto &candidate : graph.input())
    if (!constants.count(candidate.name()))
      input = &candidate;
  inputName = input->name();
  const onnx::TypeProto &type = input->type();
  if (!type.has_tensor_type() ||
      type.tensor_type().elem_type() != onnx::TensorProto::FLOAT)
    return emitError(fileLoc)
               << "graph input '" << inputName << "' must be a float tensor",
           nullptr;
  const onnx::TensorShapeProto &shape = type.tensor_type().shape();
  if (!type.tensor_type().has_shape() || shape.dim_size() < 2)
    return emitError(fileLoc)
               << "graph input '" << inputName
               << "' must have a shape [N, C, H, W] or [N, F] with static "
                  "per-sample dims",
           nullptr;
  SmallVector<int64_t> sampleShape;
  int64_t count = 1;
  for (int d = 1; d < shape.dim_size(); ++d) {
    const auto &dim = shape.dim(d);
    if (!dim.has_dim_value() || dim.dim_value() <= 0)
      return emitError(fileLoc)
                 << "graph input '" << inputName << "' dim " << d
                 << " must be a static positive size (only the batch dim "
                    "0 may be symbolic)",
             nullptr;
    if (__builtin_mul_overflow(count, dim.dim_value(), &count) ||
        count > kMaxElements)
      return emitError(fileLoc) << "graph input '" << inputName
                                << "' has too many elements per sample",
             nullptr;
    sampleShape.push_back(dim.dim_value());
  }
  auto inputType = RankedTensorType::get(sampleShape, opBuilder.getF32Type());

  opBuilder.setInsertionPointToEnd(module->getBody());
  std::string symbol = facts.modelName.empty() ? "network" : facts.modelName;
  auto network = opBuilder.create<snn::NetworkOp>(
      fileLoc, symbol, opBuilder.getFunctionType({inputType}, {}),
      facts.numSteps, /*early_exit_step=*/nullptr,
      /*early_exit_threshold=*/nullptr, /*fold_mode=*/nullptr,
      /*gamma_mean=*/nullptr,
      /*gamma_histogram=*/nullptr,
      /*sym_visibility=*/nullptr, /*arg_attrs=*/nullptr,
      /*res_attrs=*/nullptr);
  Block *body =
      opBuilder.createBlock(&network.getBody(), {}, {inputType}, {fileLoc});
  opBuilder.setInsertionPointToEnd(body);

  FailureOr<SmallVector<int>> order = sortNodes();
  if (failed(order))
    return nullptr;
  for (int index : *order)
    if (failed(importNode(graph.node(index), index)))
      return nullptr;

  const std::string &outputName = graph.output(0).name();
  auto output = values.find(outputName);
  if (output == values.end())
    return emitError(fileLoc) << "graph output '" << outputName
                              << "' is not produced by any node",
           nullptr;
  auto readout = output->second.getDefiningOp<snn::ReadoutOp>();
  if (!readout) {
    InFlightDiagnostic diag = emitError(fileLoc)
                              << "graph output '" << outputName
                              << "' must come from an ai.snnc::Readout node "
                                 "(the output layer accumulates over time)";
    if (Operation *def = output->second.getDefiningOp())
      diag << "; it comes from node '" << snn::getLayerName(def) << "'";
    return nullptr;
  }
  opBuilder.create<snn::OutputOp>(fileLoc, ValueRange{readout});
  // Ops replaced while importing (a MatMul whose bias came in a later Add).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  network.setFunctionTypeAttr(TypeAttr::get(
      opBuilder.getFunctionType({inputType}, {readout.getType()})));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace snnc::import

//===- ModelChecks.cpp - model-level rules of the snnc ONNX profile -------===//
//
// Everything about a model that can be checked before looking at its nodes:
// IR version, opset imports, metadata, graph inputs and outputs, duplicate
// names, and the decoding of initializers (dims, element type, data length,
// external data). Messages name the file's field and the rule.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/StringSet.h"

#include <cstring>

using namespace mlir;

namespace snnc::import {

namespace {

const char *dataTypeName(int type) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
    return "float";
  case onnx::TensorProto::DOUBLE:
    return "double";
  case onnx::TensorProto::FLOAT16:
    return "float16";
  case onnx::TensorProto::BFLOAT16:
    return "bfloat16";
  case onnx::TensorProto::INT64:
    return "int64";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::UINT8:
    return "uint8";
  default:
    return "another type";
  }
}

/// Dims of an initializer: each >= 0, the product below kMaxElements.
FailureOr<SmallVector<int64_t>> checkDims(const onnx::TensorProto &tensor,
                                          Location fileLoc) {
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim <= 0)
      return emitError(fileLoc) << "initializer '" << tensor.name()
                                << "': dims must be positive, got " << dim;
    if (__builtin_mul_overflow(count, dim, &count) || count > kMaxElements)
      return emitError(fileLoc) << "initializer '" << tensor.name()
                                << "': element count overflows (more than "
                                << kMaxElements << " elements)";
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL ||
      tensor.external_data_size() > 0)
    return emitError(fileLoc)
           << "initializer '" << tensor.name()
           << "' uses external data, which snnc does not read; save the "
              "model with its weights inside (onnx.save(model, path, "
              "save_as_external_data=False))";
  return dims;
}

int64_t elementCount(ArrayRef<int64_t> dims) {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

} // namespace

FailureOr<Constant> readFloatTensor(const onnx::TensorProto &tensor,
                                    Location fileLoc) {
  if (tensor.data_type() != onnx::TensorProto::FLOAT)
    return emitError(fileLoc)
           << "initializer '" << tensor.name() << "' has element type "
           << dataTypeName(tensor.data_type())
           << "; snnc profile v1 weights must be float";
  FailureOr<SmallVector<int64_t>> dims = checkDims(tensor, fileLoc);
  if (failed(dims))
    return failure();
  int64_t count = elementCount(*dims);
  Constant constant{tensor.name(), *dims, {}, &tensor};
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(float))
      return emitError(fileLoc)
             << "initializer '" << tensor.name() << "': raw_data has "
             << raw.size() << " bytes, dims need " << count * 4;
    if (reinterpret_cast<uintptr_t>(raw.data()) % alignof(float) != 0)
      return emitError(fileLoc) << "initializer '" << tensor.name()
                                << "': raw_data is not aligned";
    constant.values =
        ArrayRef<float>(reinterpret_cast<const float *>(raw.data()), count);
  } else {
    if (tensor.float_data_size() != count)
      return emitError(fileLoc)
             << "initializer '" << tensor.name() << "': float_data has "
             << tensor.float_data_size() << " values, dims need " << count;
    constant.values = ArrayRef<float>(tensor.float_data().data(), count);
  }
  return constant;
}

FailureOr<SmallVector<int64_t>> readInt64Tensor(const onnx::TensorProto &tensor,
                                                Location fileLoc) {
  if (tensor.data_type() != onnx::TensorProto::INT64)
    return emitError(fileLoc)
           << "initializer '" << tensor.name() << "' must be int64, got "
           << dataTypeName(tensor.data_type());
  FailureOr<SmallVector<int64_t>> dims = checkDims(tensor, fileLoc);
  if (failed(dims))
    return failure();
  int64_t count = elementCount(*dims);
  // Sizes are checked before anything is allocated.
  if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != static_cast<size_t>(count) * 8)
      return emitError(fileLoc)
             << "initializer '" << tensor.name() << "': raw_data has "
             << tensor.raw_data().size() << " bytes, dims need " << count * 8;
    SmallVector<int64_t> values(count);
    std::memcpy(values.data(), tensor.raw_data().data(), count * 8);
    return values;
  }
  if (tensor.int64_data_size() != count)
    return emitError(fileLoc)
           << "initializer '" << tensor.name() << "': int64_data has "
           << tensor.int64_data_size() << " values, dims need " << count;
  return SmallVector<int64_t>(tensor.int64_data().begin(),
                              tensor.int64_data().end());
}

static LogicalResult checkOpsets(const onnx::ModelProto &model, Location loc,
                                 ModelFacts &facts) {
  llvm::StringSet<> seen;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    std::string domain = opset.domain() == "ai.onnx" ? "" : opset.domain();
    if (!seen.insert(domain).second)
      return emitError(loc)
             << "opset_import lists domain '" << domain << "' twice";
    if (domain.empty()) {
      facts.defaultOpset = opset.version();
      if (opset.version() < kMinOpset || opset.version() > kMaxOpset)
        return emitError(loc) << "default-domain opset " << opset.version()
                              << " is outside the supported range ["
                              << kMinOpset << ", " << kMaxOpset << "]";
    } else if (domain == kSNNCDomain) {
      if (opset.version() < kMinProfile || opset.version() > kMaxProfile)
        return emitError(loc) << "domain 'ai.snnc' version " << opset.version()
                              << " is not supported (snnc reads versions "
                              << kMinProfile << " to " << kMaxProfile << ")";
      facts.snncOpset = opset.version();
    }
  }
  return success();
}

static LogicalResult checkMetadata(const onnx::ModelProto &model, Location loc,
                                   ModelFacts &facts) {
  llvm::StringMap<std::string> props;
  for (const onnx::StringStringEntryProto &entry : model.metadata_props())
    if (!props.try_emplace(entry.key(), entry.value()).second)
      return emitError(loc) << "metadata_props has the key '" << entry.key()
                            << "' more than once";
  auto profile = props.find("snnc.profile");
  if (profile == props.end())
    return emitError(loc) << "metadata_props lacks 'snnc.profile'; an snnc "
                             "model declares snnc.profile = \"1\""
                          << describeForeignModel(model);
  if (profile->second != "1" && profile->second != "2")
    return emitError(loc) << "unknown snnc.profile '" << profile->second
                          << "'; snnc reads profiles \"1\" and \"2\"";
  facts.profile = profile->second == "2" ? 2 : 1;
  if (facts.snncOpset && facts.snncOpset != facts.profile)
    return emitError(loc) << "snnc.profile \"" << facts.profile
                          << "\" needs domain 'ai.snnc' version "
                          << facts.profile << ", opset_import declares version "
                          << facts.snncOpset;
  auto steps = props.find("snnc.num_steps");
  if (steps == props.end())
    return emitError(loc) << "metadata_props lacks 'snnc.num_steps' (the "
                             "number of time steps T)";
  StringRef text = StringRef(steps->second).trim();
  long long value = 0;
  if (text.getAsInteger(10, value))
    return emitError(loc) << "snnc.num_steps = '" << steps->second
                          << "' is not an integer";
  if (value < 1 || value > kMaxNumSteps)
    return emitError(loc) << "snnc.num_steps = " << value << " is outside [1, "
                          << kMaxNumSteps << "]";
  facts.numSteps = value;
  auto name = props.find("snnc.model_name");
  facts.modelName = name != props.end() ? name->second : model.graph().name();
  return success();
}

LogicalResult checkModel(const onnx::ModelProto &model, Location loc,
                         ModelFacts &facts) {
  if (!model.has_graph())
    return emitError(loc) << "the model has no graph";
  if (model.ir_version() < kMinIRVersion || model.ir_version() > kMaxIRVersion)
    return emitError(loc) << "ONNX IR version " << model.ir_version()
                          << " is outside the supported range ["
                          << kMinIRVersion << ", " << kMaxIRVersion << "]";
  if (failed(checkOpsets(model, loc, facts)) ||
      failed(checkMetadata(model, loc, facts)))
    return failure();

  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> initializerNames, producedNames, nodeNames;
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (!initializerNames.insert(tensor.name()).second)
      return emitError(loc)
             << "two initializers are named '" << tensor.name() << "'";
  int realInputs = 0;
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (!inputNames.insert(input.name()).second)
      return emitError(loc)
             << "graph input '" << input.name() << "' is listed twice";
    if (!initializerNames.contains(input.name()))
      ++realInputs;
  }
  if (realInputs != 1)
    return emitError(loc) << "the graph must have exactly one input that is "
                             "not an initializer, found "
                          << realInputs;
  if (graph.output_size() != 1)
    return emitError(loc) << "the graph must have exactly one output, found "
                          << graph.output_size();
  llvm::StringSet<> declaredDomains;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    declaredDomains.insert(opset.domain() == "ai.onnx" ? "" : opset.domain());
  for (const onnx::NodeProto &node : graph.node()) {
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    if (!declaredDomains.contains(domain))
      return emitError(loc) << "node '" << node.name() << "' ("
                            << node.op_type() << ") uses domain '" << domain
                            << "', which opset_import does not declare";
    if (!node.name().empty() && !nodeNames.insert(node.name()).second)
      return emitError(loc) << "two nodes are named '" << node.name() << "'";
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (!producedNames.insert(output).second)
        return emitError(loc)
               << "value '" << output << "' is produced by more than one node";
      if (initializerNames.contains(output) || inputNames.contains(output))
        return emitError(loc)
               << "node output '" << output
               << "' has the name of a graph input or initializer";
    }
  }
  return success();
}

} // namespace snnc::import

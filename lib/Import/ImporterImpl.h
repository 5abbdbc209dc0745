//===- ImporterImpl.h - shared state of the ONNX importer -------*- C++ -*-===//
//
// The importer's internals: the model-level checks (ModelChecks.cpp), the
// graph walk that owns the value map and diagnostics (GraphImporter.cpp),
// and the per-op handlers (StandardOps.cpp, SNNCOps.cpp), dispatched through
// a table keyed by (domain, op_type, opset).
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_IMPORTERIMPL_H
#define SNNC_LIB_IMPORT_IMPORTERIMPL_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include "snnc/Support/Limits.h"
#include <optional>

#include <string>

namespace snnc::import {

/// Supported ranges of the model's format.
constexpr int64_t kMinIRVersion = 3, kMaxIRVersion = 8;
constexpr int64_t kMinOpset = 13, kMaxOpset = 17;
/// Profile versions: snnc.profile = "P" with ai.snnc version P, P in [1, 2]
/// (version 2 adds the general neuron, docs/onnx-profile.md).
constexpr int64_t kMinProfile = 1, kMaxProfile = 2;
/// T and tensor sizes: the runtime's limits (snnc/Support/Limits.h), so the
/// importer never accepts what model.bin could not hold.
constexpr int64_t kMaxNumSteps = limits::kMaxSteps;
constexpr int64_t kMaxElements = limits::kMaxParameterElements;
constexpr const char *kSNNCDomain = "ai.snnc";

/// A float initializer: its dims and a view of its values (raw_data or
/// float_data of the proto, which outlives the import).
struct Constant {
  std::string name;
  llvm::SmallVector<int64_t> dims;
  llvm::ArrayRef<float> values;
  const onnx::TensorProto *proto = nullptr;
};

/// Model-level facts gathered by checkModel().
struct ModelFacts {
  int64_t numSteps = 0;
  int64_t defaultOpset = 0;
  int64_t profile = 1;   // snnc.profile
  int64_t snncOpset = 0; // the ai.snnc version opset_import declares
  std::string modelName;
};

/// Checks IR version, opsets, metadata and graph-level structure; every
/// failure is reported at `fileLoc`.
mlir::LogicalResult checkModel(const onnx::ModelProto &model,
                               mlir::Location fileLoc, ModelFacts &facts);

/// For a model without the ai.snnc domain: "; this looks like a plain ONNX
/// export ..." naming what it holds and pointing to the converter and the
/// profile docs (appended to the missing-profile error); "" otherwise.
std::string describeForeignModel(const onnx::ModelProto &model);

/// True when `bytes` start with the model.bin magic.
bool looksLikeModelBin(llvm::StringRef bytes);

/// Reads an initializer as f32 (or int64 for shape tensors via
/// readInt64Tensor), checking dims, element type and data length.
mlir::FailureOr<Constant> readFloatTensor(const onnx::TensorProto &tensor,
                                          mlir::Location fileLoc);
mlir::FailureOr<llvm::SmallVector<int64_t>>
readInt64Tensor(const onnx::TensorProto &tensor, mlir::Location fileLoc);

class GraphImporter;
using OpHandler = mlir::LogicalResult (*)(GraphImporter &);

struct OpEntry {
  const char *domain;
  const char *opType;
  int64_t minOpset, maxOpset;
  OpHandler handler;
  /// The attributes the handler understands; others are rejected.
  std::initializer_list<const char *> attributes;
};

llvm::ArrayRef<OpEntry> standardOpTable();
llvm::ArrayRef<OpEntry> snncOpTable();

/// Walks the graph in dependency order and builds the snn.network.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext *context, const onnx::ModelProto &model,
                const ModelFacts &facts, llvm::StringRef fileName);

  mlir::OwningOpRef<mlir::ModuleOp> run();

  //===--- For op handlers -------------------------------------------------//
  const onnx::NodeProto &node() const { return *currentNode; }
  const std::string &nodeName() const { return currentName; }
  mlir::Location loc() const { return currentLoc; }
  mlir::OpBuilder &builder() { return opBuilder; }
  mlir::MLIRContext *context() { return opBuilder.getContext(); }
  int64_t numSteps() const { return facts.numSteps; }
  int64_t profile() const { return facts.profile; }

  /// Error naming the current node, its op_type and domain.
  mlir::InFlightDiagnostic error();

  /// Checks the node's input and output counts.
  mlir::LogicalResult expectArity(int minInputs, int maxInputs, int outputs);
  /// Input `index` as a graph value (not an initializer).
  mlir::FailureOr<mlir::Value> activation(int index);
  /// Input `index` as a float initializer, optionally of an exact shape.
  mlir::FailureOr<const Constant *>
  constant(int index, std::optional<llvm::ArrayRef<int64_t>> shape = {});
  /// Input `index` as an int64 initializer (shape tensors).
  mlir::FailureOr<llvm::SmallVector<int64_t>> int64Constant(int index);
  bool isConstant(int index) const;
  bool hasInput(int index) const;

  /// Typed attribute access: missing -> default (or error when none);
  /// wrong type -> error.
  mlir::FailureOr<float> floatAttr(llvm::StringRef name,
                                   std::optional<float> fallback);
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef name,
                                   std::optional<int64_t> fallback);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name,
           std::optional<llvm::SmallVector<int64_t>> fallback);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef name,
                                          std::optional<std::string> fallback);
  mlir::FailureOr<llvm::SmallVector<float>>
  floatsAttr(llvm::StringRef name,
             std::optional<llvm::SmallVector<float>> fallback);
  /// True when the current node has attribute `name`.
  bool hasAttr(llvm::StringRef name) const { return findAttr(name); }
  /// A numeric attribute as values and shape: FLOAT (shape []), FLOATS
  /// ([n]) or a float TENSOR (its dims); nullopt when absent.
  struct Values {
    llvm::SmallVector<double> values;
    llvm::SmallVector<int64_t> shape;
  };
  mlir::FailureOr<std::optional<Values>> valuesAttr(llvm::StringRef name);

  /// A weight attribute over `values` with `shape`, a resource blob when
  /// large (named after the node and `what`).
  mlir::ElementsAttr weightAttr(llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<float> values,
                                llvm::StringRef what);
  /// An initializer used as is: large raw_data initializers become blobs
  /// that take over the protobuf's buffer (no copy), once per initializer.
  mlir::ElementsAttr initializerAttr(const Constant &constant,
                                     llvm::StringRef what);

  /// Verifies a newly built op; verifier errors are re-reported as errors
  /// of the current node.
  mlir::LogicalResult finish(mlir::Operation *op, int outputIndex = 0);
  /// Binds output `index` of the node without a new op (aliases).
  void define(int index, mlir::Value value);

private:
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  /// Node indices in dependency order.
  mlir::FailureOr<llvm::SmallVector<int>> sortNodes();
  mlir::LogicalResult bindInitializers();
  mlir::LogicalResult bindTensor(const std::string &name,
                                 const onnx::TensorProto &tensor);
  mlir::LogicalResult checkDeclaredShape(const std::string &name,
                                         mlir::Value value);
  const OpEntry *lookup(const onnx::NodeProto &node) const;
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;

  mlir::OpBuilder opBuilder;
  const onnx::ModelProto &model;
  const ModelFacts &facts;
  std::string fileName;
  mlir::Location fileLoc;

  llvm::StringMap<Constant> constants;
  /// Blob attributes already made from initializers, by initializer name.
  llvm::StringMap<mlir::ElementsAttr> initializerAttrs;
  /// int64 tensors (shapes) by value name; read when used.
  llvm::StringMap<const onnx::TensorProto *> int64Tensors;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<const onnx::ValueInfoProto *> declared;
  /// Every node name, given or generated, so generated ones never collide.
  llvm::StringSet<> nodeNames;
  std::string inputName;
  mlir::Value encodedInput; // implicit direct encoding, built on demand

  const onnx::NodeProto *currentNode = nullptr;
  std::string currentName;
  mlir::Location currentLoc;
};

} // namespace snnc::import

#endif // SNNC_LIB_IMPORT_IMPORTERIMPL_H

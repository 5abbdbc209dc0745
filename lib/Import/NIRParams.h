//===- NIRParams.h - typed access to a NIR node's fields --------*- C++ -*-===//
//
// NodeParams reads the datasets of one NIR node as what the importer needs
// (float arrays of a given rank or shape, integers, (h, w) pairs, padding),
// reporting a missing field, a wrong shape, a string where a number belongs
// or a NaN as an error naming the node, its type, its HDF5 path and the
// field. discreteNeuron() turns a neuron node's continuous parameters into
// the per-channel tables of snn.lif / the membrane readout (docs/nir.md).
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_NIRPARAMS_H
#define SNNC_LIB_IMPORT_NIRPARAMS_H

#include "NIRGraph.h"
#include "Neuron.h"

#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <utility>

namespace snnc::nir {

struct Array {
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<float> values;
  /// The values as stored (float32 or float64), for the discretisation.
  llvm::SmallVector<double> exact;
};
using Pair = std::pair<int64_t, int64_t>;
struct Pads {
  int64_t top = 0, left = 0, bottom = 0, right = 0;
};

class NodeParams {
public:
  NodeParams(const FlatNode &node, const std::string &file,
             mlir::Location fileLoc);

  /// Error at the node: "node 'name' (Type at /node/...): ...".
  mlir::InFlightDiagnostic error() const;
  /// The node's location (for warnings).
  mlir::Location location() const { return loc; }
  /// Error about field `field` of the node.
  mlir::InFlightDiagnostic fieldError(llvm::StringRef field) const;

  /// A float array of rank `rank` (and `shape` when given); an absent
  /// optional field is an empty array.
  mlir::FailureOr<Array> array(llvm::StringRef field, int rank,
                               llvm::ArrayRef<int64_t> shape = {},
                               bool optional = false) const;
  /// Any-shape float data (neuron parameters); nullopt when absent.
  mlir::FailureOr<std::optional<Array>> values(llvm::StringRef field) const;
  mlir::FailureOr<int64_t> integer(llvm::StringRef field,
                                   std::optional<int64_t> fallback) const;
  /// One value (used twice) or two values, each >= 1.
  mlir::FailureOr<Pair> pair(llvm::StringRef field,
                             std::optional<int64_t> fallback) const;
  /// Integers (one or two, symmetric) or "same" / "valid".
  mlir::FailureOr<Pads> pads(llvm::StringRef field, Pair kernel, Pair dilation,
                             Pair stride) const;

  const FlatNode &node;
  std::string name;

private:
  std::string file;
  mlir::Location loc;
};

/// The Input node's per-sample shape (a leading batch dim of 1 is dropped
/// from [1, F] and [1, C, H, W]).
mlir::FailureOr<llvm::SmallVector<int64_t>> inputShape(const NodeParams &p);

/// A neuron node discretised per channel (dim 0 of the layer).
using Neuron = import::Neuron;
mlir::FailureOr<Neuron> discreteNeuron(const NodeParams &p,
                                       llvm::ArrayRef<int64_t> layerShape,
                                       double dt);

} // namespace snnc::nir

#endif // SNNC_LIB_IMPORT_NIRPARAMS_H

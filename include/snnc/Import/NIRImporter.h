//===- NIRImporter.h - NIR graphs to the snn dialect ------------*- C++ -*-===//
//
// Reads a NIR file (HDF5, neuromorphs/NIR v1.0.x) and builds one
// `snn.network` in the same dialect the ONNX importer produces, so the same
// passes and emitter apply. NIR is continuous-time: the importer discretises
// every neuron with the step `dt` (docs/nir.md gives the rules), and the
// number of steps T, which NIR does not store, is an option. Every problem is
// an MLIR error naming the file, the node (its NIR path) and the field.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_IMPORT_NIRIMPORTER_H
#define SNNC_IMPORT_NIRIMPORTER_H

#include "snnc/Import/ONNXImporter.h"

namespace snnc {

struct NIRImportOptions {
  double dt = 1e-4;     // --nir-dt: the step of the discretisation
  int64_t numSteps = 0; // --num-steps: T (required, >= 1)
};

/// The discrete neuron of a continuous one (tau dv/dt = (v_leak - v) + r I)
/// under Euler steps of `dt`: v = beta v + gain I + bias. docs/nir.md.
struct Discrete {
  float beta, gain, bias;
};
Discrete discretiseLIF(double tau, double r, double vLeak, double dt,
                       bool tauIsFloat32);

/// The inverse for the exporter (beta < 1): tau = dt / (1 - beta), r = gain *
/// tau / dt, v_leak = bias * tau / dt, in double so that discretiseLIF gives
/// back beta exactly and gain within an ulp.
struct Continuous {
  double tau, r, vLeak;
};
Continuous continuousLIF(float beta, float gain, float bias, double dt);

/// True when `bytes` start with the HDF5 signature.
bool looksLikeNIR(llvm::StringRef bytes);

/// Imports `path`. Returns null after emitting diagnostics on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importNIRFile(llvm::StringRef path, mlir::MLIRContext *context,
              const NIRImportOptions &options,
              ImportedModelInfo *info = nullptr);

} // namespace snnc

#endif // SNNC_IMPORT_NIRIMPORTER_H

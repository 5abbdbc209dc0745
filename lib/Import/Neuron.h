//===- Neuron.h - the general neuron shared by both importers ---*- C++ -*-===//
//
// The ONNX profile v2 (ai.snnc::LIF, Readout mode "membrane") and NIR (LIF,
// IF, Threshold, CubaLIF, LI, I, CubaLI) describe the same general neuron:
// per-channel leak, threshold, input gain and bias, a reset mode with an
// optional v_reset, an optional CUBA synapse. Both importers reduce their
// parameters to one value per channel with perChannelValues() and build the
// snn ops with buildLIF() / buildMembraneReadout(), so the dialect form of a
// neuron has one owner.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_NEURON_H
#define SNNC_LIB_IMPORT_NEURON_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace snnc::import {

/// One neuron layer, one value per channel (dim 0 of the layer).
struct Neuron {
  llvm::SmallVector<float> leak, threshold, gain, bias;
  /// CUBA: the synapse (syn = synLeak syn + synGain x), else empty.
  llvm::SmallVector<float> synLeak, synGain;
  snn::ResetMode reset = snn::ResetMode::Hard;
  float resetValue = 0;
  /// [T, C] per-step tables that replace the per-channel values when set
  /// (a BNTT fold read back from snnc's own NIR metadata, NIRMetadata.h).
  llvm::SmallVector<float> thresholdSteps, leakSteps, biasSteps, gainSteps;
};

/// Reduces a parameter given as `values` of `shape` to one value per channel
/// of `layer`: a scalar, one value per channel ([C]) or one per neuron (the
/// layer's shape, equal within each channel). Returns the broken rule's text
/// ("shape [..] fits neither ...", "values differ within channel c ...").
std::optional<std::string> perChannelValues(llvm::ArrayRef<double> values,
                                            llvm::ArrayRef<int64_t> shape,
                                            llvm::ArrayRef<int64_t> layer,
                                            llvm::SmallVectorImpl<double> &out);

/// snn.lif over `x`: scalar leak and threshold where uniform over channels,
/// otherwise [T, C] tables (repeated rows, or the per-step tables when set);
/// gain and bias tables only where they are not 1 and 0; `name` names the
/// tables' blobs.
snn::LIFOp buildLIF(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    const Neuron &n, int64_t numSteps, llvm::StringRef name);

/// The leaky-integrator readout (membrane) over `x` with n's leak, gain, bias
/// and synapse.
snn::ReadoutOp buildMembraneReadout(mlir::OpBuilder &b, mlir::Location loc,
                                    mlir::Value x, const Neuron &n);

} // namespace snnc::import

#endif // SNNC_LIB_IMPORT_NEURON_H

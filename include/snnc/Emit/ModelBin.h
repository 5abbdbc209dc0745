//===- ModelBin.h - lower a deployed snn.network to model.bin ---*- C++ -*-===//
//
// The last step of the compiler: the folded network becomes the runtime's
// snnc.modelbin.Model (schema in runtime/schema/model.proto), and the same
// message is rendered as the `--emit=summary` JSON, so the two never
// disagree. Everything comes from the IR: the network's attributes
// (num_steps, early exit, fold_mode, gamma tables) and the module's
// provenance attributes (SNNModuleAttrs.h). The translation `snn-to-modelbin`
// (snnc-translate) is this emitter plus model.bin's validator and framing.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_EMIT_MODELBIN_H
#define SNNC_EMIT_MODELBIN_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/IR/BuiltinOps.h"

#include "snnc/modelbin/model.pb.h"

#include <string>

namespace snnc {

/// Fills `model` from `network` (and its module's provenance attributes).
/// Fails (with a diagnostic on the offending op) on ops the runtime cannot
/// execute.
mlir::LogicalResult buildModelBin(snn::NetworkOp network,
                                  modelbin::Model &model);

/// The module's one snn.network, or null after a diagnostic.
snn::NetworkOp getSingleNetwork(mlir::ModuleOp module);

/// buildModelBin, then modelbin::validate (the runtime's rules have the last
/// word on what the compiler writes; a failure is a diagnostic on the
/// network).
mlir::LogicalResult buildValidatedModelBin(snn::NetworkOp network,
                                           modelbin::Model &model);

/// The `snn-to-modelbin` translation: the module's network as model.bin
/// bytes (header and payload) on `os`.
mlir::LogicalResult translateToModelBin(mlir::ModuleOp module,
                                        llvm::raw_ostream &os);

/// Registers `--snn-to-modelbin` with MLIR's translation registry.
void registerToModelBinTranslation();

/// The `--emit=summary` JSON document of a built model (docs/driver.md).
std::string renderSummaryJSON(const modelbin::Model &model);

} // namespace snnc

#endif // SNNC_EMIT_MODELBIN_H

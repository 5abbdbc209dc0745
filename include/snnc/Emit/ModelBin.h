//===- ModelBin.h - lower a deployed snn.network to model.bin ---*- C++ -*-===//
//
// The last step of the compiler: the folded network becomes the runtime's
// snnc.modelbin.Model (schema in runtime/schema/model.proto), and the same
// message is rendered as the `--emit=summary` JSON, so the two never
// disagree.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_EMIT_MODELBIN_H
#define SNNC_EMIT_MODELBIN_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Import/ONNXImporter.h"

#include "snnc/modelbin/model.pb.h"

#include <string>

namespace snnc {

/// Fills `model` from `network`. Fails (with a diagnostic on the offending
/// op) on ops the runtime cannot execute.
mlir::LogicalResult buildModelBin(snn::NetworkOp network,
                                  const ImportedModelInfo &source,
                                  llvm::StringRef foldMode,
                                  modelbin::Model &model);

/// The `--emit=summary` JSON document of a built model (docs/driver.md).
std::string renderSummaryJSON(const modelbin::Model &model);

} // namespace snnc

#endif // SNNC_EMIT_MODELBIN_H

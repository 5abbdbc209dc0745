//===- Diagnose.h - MLIR diagnostics of snnc as structured diagnostics ----===//
//
// snnc's driver routes every MLIR diagnostic (importer, verifier, passes,
// emission) through toDiagnostic: it takes the file, line and node name from
// the location, the op from the importer's "node 'NAME' (DOMAIN::OP):"
// prefix, and picks the code from the stage that emitted it and a keyword
// table (Diagnose.cpp); each stage has a generic fallback code.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_DIAGNOSE_H
#define SNNC_TOOLS_SNNC_DIAGNOSE_H

#include "snnc/Support/Diagnostics.h"

#include "mlir/IR/Diagnostics.h"

#include <string>

namespace snnc {

enum class Stage { Import, Pipeline, Emit };

/// `inputPath` names the file when the location has none.
diag::Diagnostic toDiagnostic(mlir::Diagnostic &d, Stage stage,
                              const std::string &inputPath);

/// The code for a message of `stage` (the keyword table).
diag::Code classify(Stage stage, diag::Severity severity,
                    const std::string &message, bool mlirSyntax);

} // namespace snnc

#endif // SNNC_TOOLS_SNNC_DIAGNOSE_H

//===- LoadInput.h - snnc's input readers: ONNX, NIR or snn-dialect IR ----===//
//
// Turns snnc's positional input into an snn-dialect module: a NIR file (by
// its `.nir` name or the HDF5 signature), an snn-dialect `.mlir` file (its
// nesting bounded before MLIR's parser sees it, stamped with its own name
// and SHA-256 when it carries no ONNX source), or else an ONNX model. Errors
// go to the context's diagnostic handler or, for the nesting limit, straight
// to the engine; a null module means one was reported.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_LOADINPUT_H
#define SNNC_TOOLS_SNNC_LOADINPUT_H

#include "snnc/Import/NIRImporter.h"
#include "snnc/Support/Diagnostics.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace snnc {

/// True for a `.nir` file or a regular file that starts with the HDF5
/// signature (a FIFO or device is never opened).
bool isNIRInput(const std::string &path);

/// Reads `path` as NIR (with `nir`), `.mlir` or ONNX into `context`.
mlir::OwningOpRef<mlir::ModuleOp> loadInput(const std::string &path,
                                            mlir::MLIRContext &context,
                                            const NIRImportOptions &nir,
                                            diag::DiagnosticEngine &engine);

} // namespace snnc

#endif // SNNC_TOOLS_SNNC_LOADINPUT_H

//===- ImporterFuzzer.cpp - libFuzzer target for the ONNX importer --------===//
//
// Feeds arbitrary bytes to the importer as a binary .onnx file. Any input
// must end in a module or in diagnostics: no crash, no sanitizer report, no
// unbounded allocation. Seed it with the shipped models (docs/testing.md).
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Import/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

// LLVM's BumpPtrAllocator poisons slab memory from inline code compiled into
// this (instrumented) binary, while the uninstrumented libMLIR.so reads the
// same slabs: ignore manual poisoning to avoid false reports.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context per input: uniqued attributes would otherwise pile up.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<snnc::snn::SNNDialect>();
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  (void)snnc::importONNXBuffer(bytes, /*isText=*/false, "fuzz.onnx", &context);
  return 0;
}

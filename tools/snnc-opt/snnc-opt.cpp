//===- snnc-opt.cpp - snnc's MLIR optimizer driver ------------------------===//
//
// The MlirOptMain-based tool the lit tests drive: it parses the snn dialect
// (and nothing it does not need), and runs every snnc pass and pipeline plus
// the generic canonicalize/cse passes.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  snnc::registerPasses();

  mlir::DialectRegistry registry;
  registry.insert<snnc::snn::SNNDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "snnc optimizer driver\n", registry));
}

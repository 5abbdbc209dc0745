//===- snnc-opt.cpp - snnc's MLIR optimizer driver ------------------------===//
//
// The MlirOptMain-based tool the lit tests drive: it parses the snn dialect
// (and nothing it does not need), and runs every snnc pass and pipeline plus
// the generic canonicalize/cse passes. Like snnc, it bounds the bracket
// nesting of its input before MLIR's recursive parser sees it, so a deeply
// nested file (or stdin) is an error with its line and column, not a stack
// overflow.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/MlirNesting.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  snnc::registerPasses();

  mlir::DialectRegistry registry;
  registry.insert<snnc::snn::SNNDialect>();
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "snnc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  // Listing dialects reads no input: MLIR's own driver does it.
  if (config.shouldShowDialects())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputPath, outputPath, registry));

  llvm::InitLLVM initLLVM(argc, argv);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputPath, &error);
  if (!input) {
    llvm::errs() << "snnc-opt: error: " << error << "\n";
    return snnc::kExitInvalidInput;
  }
  std::string shownName = inputPath == "-" ? "<stdin>" : inputPath;
  if (!snnc::checkMlirNesting(input->getBuffer(), shownName,
                              snnc::kMaxMlirNesting, &error)) {
    llvm::errs() << error << "\n";
    return snnc::kExitInvalidInput;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputPath, &error);
  if (!output) {
    llvm::errs() << "snnc-opt: error: " << error << "\n";
    return snnc::kExitInvalidInput;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return snnc::kExitInvalidInput;
  output->keep();
  return snnc::kExitOk;
}

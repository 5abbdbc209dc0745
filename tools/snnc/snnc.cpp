//===- snnc.cpp - the snnc compiler driver --------------------------------===//
//
// `snnc MODEL.onnx -o model.bin`: imports an snnc-profile ONNX model (or an
// snn-dialect .mlir file), runs the deployment pipeline (early exit, batch
// norm and BNTT folding) and writes model.bin, the imported or deployed IR,
// or a JSON summary. Output files appear whole or not at all; every error is
// a diagnostic naming the file or node, with the exit codes of
// snnc/Support/ExitCodes.h (1 invalid input, 2 usage, 4 internal). What it
// writes passes the runtime's own validator first, so snnc-run never rejects
// a model.bin that snnc wrote.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"
#include "snnc/Emit/ModelBin.h"
#include "snnc/Import/ONNXImporter.h"
#include "snnc/Transforms/Passes.h"

#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/Limits.h"
#include "snnc/Support/MlirNesting.h"
#include "snnc/Support/OutputFile.h"
#include "snnc/Support/ToolMain.h"
#include "snnc/Support/Version.h"
#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/ModelFile.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

enum class EmitKind { Bin, MLIR, DeployedMLIR, Summary };

cl::OptionCategory category("snnc options");
cl::opt<std::string> inputPath(cl::Positional,
                               cl::desc("<model.onnx|model.onnxtext|net.mlir>"),
                               cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' = stdout)"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::Bin),
    cl::values(clEnumValN(EmitKind::Bin, "bin", "model.bin for snnc-run"),
               clEnumValN(EmitKind::MLIR, "mlir", "the imported snn IR"),
               clEnumValN(EmitKind::DeployedMLIR, "deployed-mlir",
                          "the snn IR after the deployment pipeline"),
               clEnumValN(EmitKind::Summary, "summary",
                          "JSON: steps, early exit, layers, gamma, fold "
                          "tables")),
    cl::cat(category));
cl::opt<snnc::FoldMode> foldMode(
    "fold", cl::desc("How BNTT folds into the LIF neurons"),
    cl::init(snnc::FoldMode::Exact),
    cl::values(clEnumValN(snnc::FoldMode::Exact, "exact",
                          "behaviour-preserving (default)"),
               clEnumValN(snnc::FoldMode::Paper, "paper",
                          "Kim & Panda eq. 15 (per-step threshold only)")),
    cl::cat(category));
cl::opt<double> exitThreshold(
    "early-exit-threshold",
    cl::desc("Mean-gamma threshold of the early-exit analysis (default 0.1)"),
    cl::init(0.1), cl::cat(category));
cl::opt<bool> noEarlyExit("no-early-exit",
                          cl::desc("Run all num_steps steps by default"),
                          cl::cat(category));
cl::opt<bool> verbose("v",
                      cl::desc("Print stage timings, the mean-gamma table and "
                               "the folding remarks"),
                      cl::cat(category));

/// Remarks (folding details: gamma <= 0 entries) are not printed without -v;
/// one line at the end says how many. What paper mode neglects is a warning.
unsigned hiddenRemarks = 0;

/// "file" or "file:line:col" for a diagnostic's location.
std::string describe(Location loc, bool &named, std::string &nodeName) {
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    if (file.getLine() == 0)
      return file.getFilename().str();
    return file.getFilename().str() + ":" + std::to_string(file.getLine()) +
           ":" + std::to_string(file.getColumn());
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    named = true;
    nodeName = name.getName().str();
    return describe(name.getChildLoc(), named, nodeName);
  }
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return describe(fused.getLocations().front(), named, nodeName);
  return inputPath;
}

LogicalResult printDiagnostic(Diagnostic &diag) {
  bool named = false;
  std::string node;
  std::string where = describe(diag.getLocation(), named, node);
  std::string message = diag.str();
  const char *severity = "error";
  if (diag.getSeverity() == DiagnosticSeverity::Remark) {
    if (!verbose) {
      ++hiddenRemarks;
      return success();
    }
    severity = "remark";
  } else if (diag.getSeverity() == DiagnosticSeverity::Warning)
    severity = "warning";
  else if (diag.getSeverity() == DiagnosticSeverity::Note)
    severity = "note";
  llvm::errs() << where << ": ";
  if (named && !StringRef(message).starts_with("node '"))
    llvm::errs() << "node '" << node << "': ";
  llvm::errs() << severity << ": " << message << "\n";
  return success();
}

/// Writes `text` to the output ("-" = stdout) atomically; see OutputFile.h.
bool writeOutput(const std::string &path, const std::string &text) {
  std::string error;
  if (!snnc::support::writeOutputFile(path, text, &error)) {
    llvm::errs() << "snnc: error: " << error << "\n";
    return false;
  }
  return true;
}

/// Exit status of a write: 0, or 1 (the output path cannot be written).
int writeStatus(const std::string &path, const std::string &text) {
  return writeOutput(path, text) ? snnc::kExitOk : snnc::kExitInvalidInput;
}

std::string printIR(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // Locations carry the layer names (the ONNX node names).
  module.print(os, OpPrintingFlags().enableDebugInfo());
  return text;
}

OwningOpRef<ModuleOp> loadInput(MLIRContext &context) {
  if (!StringRef(inputPath).ends_with(".mlir"))
    return snnc::importONNXFile(inputPath, &context);
  auto buffer = llvm::MemoryBuffer::getFile(inputPath);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, inputPath, 0, 0))
        << "cannot read the input file: " << buffer.getError().message();
    return nullptr;
  }
  std::string fileName = llvm::sys::path::filename(inputPath).str();
  std::string sha256 = snnc::sha256Hex((*buffer)->getBuffer());
  // MLIR's parser recurses once per nesting level: bound the depth first, so
  // a deeply nested attribute is an error, not a stack overflow.
  std::string nestingError;
  if (!snnc::checkMlirNesting((*buffer)->getBuffer(), inputPath,
                              snnc::kMaxMlirNesting, &nestingError)) {
    llvm::errs() << nestingError << "\n";
    return nullptr;
  }
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &context);
  // IR printed by --emit=mlir keeps its ONNX source; hand-written IR is its
  // own source.
  if (module &&
      snnc::snn::getSourceAttr(*module, snnc::snn::kSourceNameAttr).empty())
    snnc::snn::setSourceAttrs(*module, fileName, sha256);
  return module;
}

class StageTimer {
public:
  void done(const char *stage) {
    auto now = std::chrono::steady_clock::now();
    if (verbose)
      llvm::errs()
          << "snnc: " << stage << " in "
          << llvm::format(
                 "%.1f",
                 std::chrono::duration<double, std::milli>(now - start).count())
          << " ms\n";
    start = now;
  }

private:
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

int run() {
  if (inputPath.empty()) {
    llvm::errs() << "snnc: error: no input file (usage: snnc MODEL.onnx -o "
                    "model.bin; see --help)\n";
    return snnc::kExitUsage;
  }
  if (outputPath.getNumOccurrences() > 0 && outputPath.empty()) {
    llvm::errs() << "snnc: error: -o: the output path is empty (give a file "
                    "name, or '-' for standard output)\n";
    return snnc::kExitUsage;
  }
  if (outputPath.empty())
    outputPath.setValue(emitKind == EmitKind::Bin ? "model.bin" : "-");
  if (!std::isfinite(exitThreshold) || exitThreshold < 0) {
    llvm::errs() << "snnc: error: --early-exit-threshold=" << exitThreshold
                 << ": expected a finite value >= 0\n";
    return snnc::kExitUsage;
  }
  {
    std::string error;
    if (!snnc::support::checkOutputPath(outputPath, &error)) {
      llvm::errs() << "snnc: error: " << error << "\n";
      return snnc::kExitInvalidInput;
    }
  }

  MLIRContext context;
  context.loadDialect<snnc::snn::SNNDialect>();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, printDiagnostic);
  StageTimer timer;

  OwningOpRef<ModuleOp> module = loadInput(context);
  if (!module)
    return snnc::kExitInvalidInput;
  timer.done("imported");
  if (emitKind == EmitKind::MLIR)
    return writeStatus(outputPath, printIR(*module));

  PassManager pm(&context);
  snnc::DeployPipelineOptions options;
  options.foldMode = foldMode.getValue();
  options.earlyExitThreshold = exitThreshold.getValue();
  options.earlyExit = !noEarlyExit;
  snnc::buildSNNDeployPipeline(pm, options);
  if (failed(pm.run(*module)))
    return snnc::kExitInvalidInput;
  timer.done("folded");
  if (emitKind == EmitKind::DeployedMLIR)
    return writeStatus(outputPath, printIR(*module));

  snnc::snn::NetworkOp network = snnc::getSingleNetwork(*module);
  snnc::modelbin::Model model;
  // model.bin's validator (the runtime's) has the last word on what snnc
  // writes.
  if (!network || failed(snnc::buildValidatedModelBin(network, model)))
    return snnc::kExitInvalidInput;
  if (verbose)
    for (const auto &row : model.gamma_mean()) {
      llvm::errs() << "snnc: mean gamma " << row.layer() << ":";
      for (float value : row.mean())
        llvm::errs() << " " << llvm::format("%.3f", value);
      llvm::errs() << "\n";
    }
  if (emitKind == EmitKind::Summary)
    return writeStatus(outputPath, snnc::renderSummaryJSON(model));

  std::string bytes, error;
  if (!snnc::modelbin::serializeModel(model, &bytes, &error)) {
    llvm::errs() << inputPath << ": error: " << error << "\n";
    return snnc::kExitInvalidInput;
  }
  if (!writeOutput(outputPath, bytes))
    return snnc::kExitInvalidInput;
  timer.done(outputPath == "-" ? "wrote model.bin to standard output"
                               : ("wrote " + outputPath).c_str());
  if (outputPath != "-")
    llvm::errs() << "snnc: wrote " << outputPath << " (" << model.layers_size()
                 << " layers, T = " << model.num_steps()
                 << ", early exit after " << model.early_exit_step()
                 << " steps, " << model.fold_mode() << " fold, " << bytes.size()
                 << " bytes)\n";
  return snnc::kExitOk;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  return snnc::support::runToolMain("snnc", [&]() -> int {
    cl::SetVersionPrinter([](llvm::raw_ostream &os) {
      os << "snnc " << SNNC_VERSION << " (git " << SNNC_GIT_REVISION
         << ", MLIR " << LLVM_VERSION_STRING << ", model.bin format "
         << snnc::modelbin::kFormatVersion << ")\n";
    });
    mlir::registerAsmPrinterCLOptions();
    mlir::registerMLIRContextCLOptions();
    cl::HideUnrelatedOptions({&category, &llvm::getColorCategory()});
    if (!cl::ParseCommandLineOptions(
            argc, argv,
            "snnc: compile a BNTT spiking network (snnc ONNX profile v1) for "
            "the snnc runtime\n\n  snnc model.onnx -o model.bin\n",
            &llvm::errs()))
      return snnc::kExitUsage;
    int status = run();
    if (hiddenRemarks)
      llvm::errs() << "snnc: " << hiddenRemarks << " folding remark"
                   << (hiddenRemarks == 1 ? "" : "s")
                   << " (gamma <= 0 entries); -v prints them\n";
    return status;
  });
}

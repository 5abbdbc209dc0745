//===- snnc.cpp - the snnc compiler driver --------------------------------===//
//
// `snnc MODEL.onnx -o model.bin`: imports an snnc-profile ONNX model (or an
// snn-dialect .mlir file), runs the deployment pipeline (early exit, batch
// norm and BNTT folding) and writes model.bin, the imported or deployed IR,
// or a JSON summary. Output files appear whole or not at all; every error is
// a diagnostic naming the file or node, with exit status 1.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Emit/ModelBin.h"
#include "snnc/Import/ONNXImporter.h"
#include "snnc/Transforms/Passes.h"

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

/// Writes `text` to the output (stdout for "-"), via a renamed temp file.
bool writeOutput(const std::string &path, const std::string &text) {
  if (path == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  std::string error;
  if (!snnc::modelbin::writeFileAtomically(path, text, &error)) {
    llvm::errs() << "snnc: error: " << error << "\n";
    return false;
  }
  return true;
}

std::string printIR(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // Locations carry the layer names (the ONNX node names).
  module.print(os, OpPrintingFlags().enableDebugInfo());
  return text;
}

OwningOpRef<ModuleOp> loadInput(MLIRContext &context,
                                snnc::ImportedModelInfo &info) {
  if (!StringRef(inputPath).ends_with(".mlir"))
    return snnc::importONNXFile(inputPath, &context, &info);
  auto buffer = llvm::MemoryBuffer::getFile(inputPath);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, inputPath, 0, 0))
        << "cannot read the input file: " << buffer.getError().message();
    return nullptr;
  }
  info.fileName = llvm::sys::path::filename(inputPath).str();
  info.sha256 = snnc::sha256Hex((*buffer)->getBuffer());
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sources, &context);
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
    return 1;
  }
  if (outputPath.empty())
    outputPath.setValue(emitKind == EmitKind::Bin ? "model.bin" : "-");

  MLIRContext context;
  context.loadDialect<snnc::snn::SNNDialect>();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, printDiagnostic);
  StageTimer timer;

  snnc::ImportedModelInfo info;
  OwningOpRef<ModuleOp> module = loadInput(context, info);
  if (!module)
    return 1;
  timer.done("imported");
  if (emitKind == EmitKind::MLIR)
    return writeOutput(outputPath, printIR(*module)) ? 0 : 1;

  PassManager pm(&context);
  snnc::DeployPipelineOptions options;
  options.foldMode = foldMode.getValue();
  options.earlyExitThreshold = exitThreshold.getValue();
  options.earlyExit = !noEarlyExit;
  snnc::buildSNNDeployPipeline(pm, options);
  if (failed(pm.run(*module)))
    return 1;
  timer.done("folded");
  if (emitKind == EmitKind::DeployedMLIR)
    return writeOutput(outputPath, printIR(*module)) ? 0 : 1;

  auto networks = module->getOps<snnc::snn::NetworkOp>();
  if (std::distance(networks.begin(), networks.end()) != 1) {
    emitError(module->getLoc()) << "expected exactly one snn.network";
    return 1;
  }
  snnc::snn::NetworkOp network = *networks.begin();
  snnc::modelbin::Model model;
  const char *mode = foldMode == snnc::FoldMode::Exact ? "exact" : "paper";
  if (failed(snnc::buildModelBin(network, info, mode, model)))
    return 1;
  if (verbose)
    for (const auto &row : model.gamma_mean()) {
      llvm::errs() << "snnc: mean gamma " << row.layer() << ":";
      for (float value : row.mean())
        llvm::errs() << " " << llvm::format("%.3f", value);
      llvm::errs() << "\n";
    }
  if (emitKind == EmitKind::Summary)
    return writeOutput(outputPath, snnc::renderSummaryJSON(model)) ? 0 : 1;

  std::string bytes, error;
  if (!snnc::modelbin::serializeModel(model, &bytes, &error)) {
    llvm::errs() << "snnc: error: " << error << "\n";
    return 1;
  }
  if (!writeOutput(outputPath, bytes))
    return 1;
  timer.done("wrote model.bin");
  if (outputPath != "-")
    llvm::errs() << "snnc: wrote " << outputPath << " (" << model.layers_size()
                 << " layers, T = " << model.num_steps()
                 << ", early exit after " << model.early_exit_step()
                 << " steps, " << mode << " fold, " << bytes.size()
                 << " bytes)\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "snnc 0.1.0 (MLIR " << LLVM_VERSION_STRING << ")\n";
  });
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions({&category, &llvm::getColorCategory()});
  cl::ParseCommandLineOptions(
      argc, argv,
      "snnc: compile a BNTT spiking network (snnc ONNX profile v1) for the "
      "snnc runtime\n\n  snnc model.onnx -o model.bin\n");
  int status = run();
  if (hiddenRemarks)
    llvm::errs() << "snnc: " << hiddenRemarks << " folding remark"
                 << (hiddenRemarks == 1 ? "" : "s")
                 << " (gamma <= 0 entries); -v prints them\n";
  return status;
}

//===- snnc.cpp - the snnc compiler driver --------------------------------===//
//
// `snnc MODEL.onnx -o model.bin`: imports an snnc-profile ONNX model (or an
// snn-dialect .mlir file), runs the deployment pipeline (early exit, batch
// norm and BNTT folding) and writes model.bin, the imported or deployed IR,
// or a JSON summary; `snnc check` (Check.h) validates without writing.
// Output files appear whole or not at all; every error is a structured
// diagnostic naming the file or node (Diagnose.h: --diagnostics=text|json|
// sarif, --Werror, -w), with the exit codes of snnc/Support/ExitCodes.h (1
// invalid input, 2 usage, 3 the --target hardware does not fit, 4
// internal). What it writes passes the runtime's own validator first, so
// snnc-run never rejects a model.bin that snnc wrote.
//
//===----------------------------------------------------------------------===//

#include "Check.h"
#include "Diagnose.h"
#include "LoadInput.h"

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"
#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Emit/ModelBin.h"
#include "snnc/Import/NIRExport.h"
#include "snnc/Import/ONNXImporter.h"
#include "snnc/Mapping/Network.h"
#include "snnc/Transforms/Passes.h"

#include "snnc/Support/Diagnostics.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/Limits.h"
#include "snnc/Support/OutputFile.h"
#include "snnc/Support/ToolMain.h"
#include "snnc/Support/Version.h"
#include "snnc/Support/VersionText.h"
#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/ModelFile.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <sys/stat.h>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

enum class EmitKind { Bin, MLIR, DeployedMLIR, Summary, NIR };

cl::OptionCategory category("snnc options");
cl::opt<std::string>
    inputPath(cl::Positional,
              cl::desc("<model.onnx|model.onnxtext|model.nir|net.mlir>"),
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
                          "tables"),
               clEnumValN(EmitKind::NIR, "nir",
                          "the deployed network as a NIR file (HDF5; "
                          "docs/nir.md)")),
    cl::cat(category));
cl::opt<snnc::FoldMode> foldMode(
    "fold", cl::desc("How BNTT folds into the LIF neurons"),
    cl::init(snnc::FoldMode::Exact),
    cl::values(clEnumValN(snnc::FoldMode::Exact, "exact",
                          "behaviour-preserving (default)"),
               clEnumValN(snnc::FoldMode::Paper, "paper",
                          "Kim & Panda eq. 15 (per-step threshold only)")),
    cl::cat(category));
cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Integer model for a chip: 'loihi' (docs/fixed-point.md)"),
    cl::value_desc("loihi"), cl::cat(category));
cl::opt<int> weightBits("weight-bits",
                        cl::desc("--quantize: bits per weight, 1..8 "
                                 "(default 8)"),
                        cl::init(8), cl::cat(category));
cl::opt<double> exitThreshold(
    "early-exit-threshold",
    cl::desc("Mean-gamma threshold of the early-exit analysis (default 0.1)"),
    cl::init(0.1), cl::cat(category));
cl::opt<bool> noEarlyExit("no-early-exit",
                          cl::desc("Run all num_steps steps by default"),
                          cl::cat(category));
cl::opt<double> nirDt("nir-dt",
                      cl::desc("NIR: the time step that discretises the "
                               "continuous neurons (default 1e-4, snnTorch's; "
                               "docs/nir.md)"),
                      cl::init(1e-4), cl::cat(category));
cl::opt<bool> nirMetadata(
    "nir-metadata",
    cl::desc("--emit=nir: write per-step tables and subtract resets under "
             "each node's metadata/ instead of refusing them (NIR readers "
             "ignore metadata; docs/nir.md)"),
    cl::cat(category));
cl::opt<int64_t> numSteps(
    "num-steps",
    cl::desc("NIR: the number of time steps T (NIR stores none; required)"),
    cl::init(0), cl::cat(category));
cl::opt<std::string> checkTarget(
    "target",
    cl::desc("Hardware the model must map onto (loihi1, loihi2 or a file): "
             "snnc check reports it; compiling, a model that does not map "
             "is an error (exit 3) and nothing is written"),
    cl::value_desc("hw"), cl::cat(category));
cl::opt<bool> maxPoolRelays(
    "max-pool-relays",
    cl::desc("Rewrite max pooling of binary spikes into relay neurons "
             "(depthwise sum with weights 1 + LIF with threshold 0.5, leak "
             "0, hard reset; same outputs; snn-max-pool-to-relay)"),
    cl::cat(category));
cl::opt<std::string>
    checkJson("json",
              cl::desc("snnc check: the report as JSON (to stdout, or =PATH)"),
              cl::ValueOptional, cl::value_desc("path"), cl::cat(category));
cl::opt<bool> listDiagnostics(
    "list-diagnostics",
    cl::desc("Print the table of diagnostic codes (docs/diagnostics.md)"),
    cl::cat(category));
cl::opt<bool> verbose("v",
                      cl::desc("Print stage timings, the mean-gamma table and "
                               "the folding remarks"),
                      cl::cat(category));

/// Remarks (folding details: gamma <= 0 entries) are not printed without -v;
/// one line at the end says how many. What paper mode neglects is a warning.
unsigned hiddenRemarks = 0;

/// The run's diagnostics and the stage that emits them (for the codes).
snnc::diag::DiagnosticEngine *engine = nullptr;
snnc::Stage stage = snnc::Stage::Import;
bool checkMode = false;

LogicalResult handleDiagnostic(Diagnostic &diag) {
  if (diag.getSeverity() == DiagnosticSeverity::Remark && !verbose) {
    ++hiddenRemarks;
    return success();
  }
  engine->report(snnc::toDiagnostic(diag, stage, inputPath));
  return success();
}

void report(snnc::diag::Code code, const std::string &message,
            const std::string &file = "") {
  engine->report(code, message, file);
}

/// Writes `text` to the output ("-" = stdout) atomically; see OutputFile.h.
/// Nothing is written after an error (a warning under --Werror included).
bool writeOutput(const std::string &path, const std::string &text) {
  if (engine->errorCount() > 0)
    return false;
  std::string error;
  if (!snnc::support::writeOutputFile(path, text, &error)) {
    report(snnc::diag::Code::OutputWrite, error, path);
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

class StageTimer {
public:
  void done(const char *stage) {
    auto now = std::chrono::steady_clock::now();
    if (verbose)
      engine->info(
          llvm::formatv(
              "snnc: {0} in {1:F1} ms\n", stage,
              std::chrono::duration<double, std::milli>(now - start).count())
              .str());
    start = now;
  }

private:
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

/// The imported network's nodes, for snnc check.
std::vector<snnc::CheckNode> importedNodes(ModuleOp module) {
  std::vector<snnc::CheckNode> nodes;
  for (auto network : module.getOps<snnc::snn::NetworkOp>())
    network.getBody().walk([&](Operation *op) {
      if (op == network.getOperation() || isa<snnc::snn::OutputOp>(op))
        return;
      nodes.push_back(
          {snnc::snn::getLayerName(op), op->getName().getStringRef().str()});
    });
  return nodes;
}

/// The input, output and mode flags; 0 or the usage exit code.
int checkIOFlags() {
  using snnc::diag::Code;
  if (inputPath.empty()) {
    report(Code::UsageGeneric, "no input file (usage: snnc MODEL.onnx -o "
                               "model.bin; see --help)");
    return snnc::kExitUsage;
  }
  if (!checkMode && checkJson.getNumOccurrences()) {
    report(Code::UsageGeneric, "--json is a flag of 'snnc check MODEL' (use "
                               "--emit=summary to compile)");
    return snnc::kExitUsage;
  }
  if (checkTarget.getNumOccurrences() && checkTarget.empty()) {
    report(Code::UsageGeneric, "--target: empty hardware name (give loihi1, "
                               "loihi2 or a hardware .json file)");
    return snnc::kExitUsage;
  }
  if (outputPath.getNumOccurrences() > 0 && outputPath.empty()) {
    report(Code::UsageGeneric, "-o: the output path is empty (give a file "
                               "name, or '-' for standard output)");
    return snnc::kExitUsage;
  }
  if (emitKind == EmitKind::NIR && outputPath == "-") {
    report(Code::UsageGeneric, "--emit=nir writes an HDF5 file, not a "
                               "stream: give -o FILE.nir");
    return snnc::kExitUsage;
  }
  if (nirMetadata && emitKind != EmitKind::NIR) {
    report(Code::UsageGeneric, "--nir-metadata is a flag of --emit=nir");
    return snnc::kExitUsage;
  }
  if (outputPath.empty())
    outputPath.setValue(emitKind == EmitKind::Bin   ? "model.bin"
                        : emitKind == EmitKind::NIR ? "model.nir"
                                                    : "-");
  return snnc::kExitOk;
}

/// --quantize, --weight-bits, --early-exit-threshold and --nir-dt (for a NIR
/// input or output); 0 or the usage exit code.
int checkValueFlags() {
  using snnc::diag::Code;
  if ((emitKind == EmitKind::NIR || snnc::isNIRInput(inputPath)) &&
      (!std::isfinite(nirDt) || !(nirDt > 0))) {
    report(Code::UsageGeneric,
           llvm::formatv("--nir-dt={0}: expected a finite step > 0",
                         nirDt.getValue())
               .str());
    return snnc::kExitUsage;
  }
  if (quantize.getNumOccurrences() && quantize != "loihi") {
    report(Code::UsageGeneric, "--quantize=" + quantize + ": expected 'loihi'");
    return snnc::kExitUsage;
  }
  if (!quantize.empty() && emitKind == EmitKind::NIR) {
    report(Code::UsageGeneric, "--quantize=loihi writes an integer model.bin; "
                               "NIR has no integer neurons (drop --quantize "
                               "for --emit=nir)");
    return snnc::kExitUsage;
  }
  if (weightBits.getNumOccurrences() &&
      (quantize.empty() || weightBits < 1 || weightBits > 8)) {
    report(Code::UsageGeneric,
           llvm::formatv("--weight-bits={0}: expected 1..8, with "
                         "--quantize=loihi",
                         weightBits.getValue())
               .str());
    return snnc::kExitUsage;
  }
  if (!std::isfinite(exitThreshold) || exitThreshold < 0) {
    report(Code::UsageGeneric,
           llvm::formatv("--early-exit-threshold={0}: expected a finite "
                         "value >= 0",
                         exitThreshold.getValue())
               .str());
    return snnc::kExitUsage;
  }
  return snnc::kExitOk;
}

/// A NIR input needs --num-steps; 0 or the usage exit code.
int checkNIRInputFlags() {
  using snnc::diag::Code;
  if (!snnc::isNIRInput(inputPath))
    return snnc::kExitOk;
  if (numSteps >= 1 && numSteps <= snnc::limits::kMaxSteps)
    return snnc::kExitOk;
  report(Code::UsageGeneric,
         llvm::formatv("{0} is a NIR file, which stores no number of "
                       "steps: give --num-steps T (1..{1}, the number of "
                       "input frames per sample)",
                       inputPath.getValue(), snnc::limits::kMaxSteps)
             .str());
  return snnc::kExitUsage;
}

/// Checks the flags; 0 or the usage (1: the output path) exit code.
int checkFlags() {
  if (int status = checkIOFlags())
    return status;
  if (int status = checkValueFlags())
    return status;
  if (int status = checkNIRInputFlags())
    return status;
  std::string error;
  if (!checkMode && !snnc::support::checkOutputPath(outputPath, &error)) {
    report(snnc::diag::Code::OutputWrite, error, outputPath);
    return snnc::kExitInvalidInput;
  }
  return snnc::kExitOk;
}

/// Import, pipeline and model.bin in memory; false after a diagnostic.
bool compile(MLIRContext &context, snnc::modelbin::Model &model,
             std::vector<snnc::CheckNode> *nodes, int *status) {
  StageTimer timer;
  OwningOpRef<ModuleOp> module =
      snnc::loadInput(inputPath, context, {nirDt, numSteps}, *engine);
  if (!module)
    return false;
  timer.done("imported");
  *nodes = importedNodes(*module);
  if (emitKind == EmitKind::MLIR && !checkMode) {
    *status = writeStatus(outputPath, printIR(*module));
    return false;
  }
  stage = snnc::Stage::Pipeline;
  PassManager pm(&context);
  snnc::DeployPipelineOptions options;
  options.foldMode = foldMode.getValue();
  options.earlyExitThreshold = exitThreshold.getValue();
  options.earlyExit = !noEarlyExit;
  options.quantizeLoihi = quantize.getValue() == "loihi";
  options.weightBits = weightBits.getValue();
  options.maxPoolRelays = maxPoolRelays.getValue();
  snnc::buildSNNDeployPipeline(pm, options);
  if (failed(pm.run(*module)))
    return false;
  timer.done("folded");
  if (emitKind == EmitKind::DeployedMLIR && !checkMode) {
    *status = writeStatus(outputPath, printIR(*module));
    return false;
  }
  stage = snnc::Stage::Emit;
  snnc::snn::NetworkOp network = snnc::getSingleNetwork(*module);
  if (!network || failed(snnc::buildModelBin(network, model)))
    return false;
  // model.bin's validator (the runtime's, modelbin::validate) has the last
  // word on what snnc writes.
  std::string error;
  if (!snnc::modelbin::validate(model, &error)) {
    report(snnc::diag::Code::EmitRuntimeRule,
           "the compiled network breaks a model.bin rule of the runtime: " +
               error,
           inputPath);
    return false;
  }
  return true;
}

/// What snnc-map will say about the compiled model: with --target, a model
/// that does not map onto it is an error (nothing is written); without,
/// a layer the mapper cannot map onto any chip is a warning. 0 or the exit
/// code.
int checkMappable(const snnc::modelbin::Model &model, const char *exe) {
  if (!checkTarget.empty()) {
    std::string reason;
    int64_t cores = 0, chips = 0;
    int fit = snnc::mapOntoTarget(model, checkTarget, inputPath, exe,
                                  snnc::diag::Code::TargetNotMappable, *engine,
                                  &reason, &cores, &chips);
    if (fit == snnc::kExitOk && verbose)
      engine->info(llvm::formatv("snnc: maps onto {0}: {1} cores, {2} "
                                 "chips\n",
                                 reason, cores, chips)
                       .str());
    return fit;
  }
  snnc::mapping::Network net;
  std::string error;
  bool unsupported = false;
  if (!snnc::mapping::buildNetwork(model, &net, &error, false, &unsupported) &&
      unsupported)
    report(snnc::diag::Code::TargetUnsupported,
           "snnc-map cannot map this model onto any chip: " + error +
               " (compiling with --target=HW makes this an error)",
           inputPath);
  return snnc::kExitOk;
}

/// --emit=nir: exit 3 for a form NIR cannot express, 1 for a write failure.
int writeNIR(const snnc::modelbin::Model &model) {
  if (engine->errorCount() > 0)
    return snnc::kExitInvalidInput;
  std::string error;
  snnc::NIRExportStatus status =
      snnc::exportNIR(model, {nirDt, nirMetadata}, outputPath, &error);
  if (status == snnc::NIRExportStatus::Unsupported) {
    report(snnc::diag::Code::EmitNIRUnsupported,
           "the network cannot be written as NIR: " + error, inputPath);
    return snnc::kExitConstraint;
  }
  if (status == snnc::NIRExportStatus::WriteFailed) {
    report(snnc::diag::Code::OutputWrite, error, outputPath);
    return snnc::kExitInvalidInput;
  }
  engine->info(llvm::formatv("snnc: wrote {0} (NIR, {1} layers)\n",
                             outputPath.getValue(), model.layers_size())
                   .str());
  return snnc::kExitOk;
}

int run(const char *exe) {
  if (int status = checkFlags())
    return status;
  // The input must be a regular file: a FIFO or device would block the
  // readers (stat does not open it).
  struct stat inputStat;
  if (::stat(inputPath.c_str(), &inputStat) == 0 &&
      !S_ISREG(inputStat.st_mode)) {
    report(snnc::diag::Code::IoRead,
           inputPath + ": not a regular file (snnc reads .onnx, .onnxtext, "
                       ".nir or .mlir files)",
           inputPath);
    return snnc::kExitInvalidInput;
  }
  MLIRContext context;
  context.loadDialect<snnc::snn::SNNDialect>();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, handleDiagnostic);
  snnc::modelbin::Model model;
  std::vector<snnc::CheckNode> nodes;
  int status = snnc::kExitInvalidInput;
  bool compiled = compile(context, model, &nodes, &status);
  if (checkMode) {
    snnc::CheckRequest request;
    request.model = inputPath;
    request.target = checkTarget;
    request.json = checkJson;
    request.jsonRequested = checkJson.getNumOccurrences() > 0;
    request.exe = exe;
    request.imported = nodes;
    request.compiled = compiled ? &model : nullptr;
    request.status = compiled ? snnc::kExitOk : snnc::kExitInvalidInput;
    return snnc::finishCheck(request, *engine);
  }
  if (!compiled)
    return status;
  if (int fit = checkMappable(model, exe))
    return fit;
  if (verbose)
    for (const auto &row : model.gamma_mean()) {
      std::string line = "snnc: mean gamma " + row.layer() + ":";
      for (float value : row.mean())
        line += llvm::formatv(" {0:F3}", value).str();
      engine->info(line + "\n");
    }
  if (emitKind == EmitKind::Summary)
    return writeStatus(outputPath, snnc::renderSummaryJSON(model));
  if (emitKind == EmitKind::NIR)
    return writeNIR(model);
  std::string bytes, error;
  if (!snnc::modelbin::serializeModel(model, &bytes, &error)) {
    report(snnc::diag::Code::EmitGeneric, error, inputPath);
    return snnc::kExitInvalidInput;
  }
  if (!writeOutput(outputPath, bytes))
    return snnc::kExitInvalidInput;
  if (outputPath != "-")
    engine->info(llvm::formatv("snnc: wrote {0} ({1} layers, T = {2}, early "
                               "exit after {3} steps, {4} fold, {5} bytes)\n",
                               outputPath.getValue(), model.layers_size(),
                               model.num_steps(), model.early_exit_step(),
                               model.fold_mode(), bytes.size())
                     .str());
  return snnc::kExitOk;
}

/// cl's parse errors ("snnc: Unknown command line argument ...") as one
/// usage diagnostic, later lines as its notes.
void reportParseErrors(const std::string &text) {
  snnc::diag::Diagnostic d;
  d.code = snnc::diag::Code::UsageGeneric;
  llvm::SmallVector<StringRef> lines;
  StringRef(text).trim().split(lines, '\n', -1, false);
  for (StringRef line : lines) {
    line = line.trim();
    line.consume_front("snnc: ");
    if (d.message.empty())
      d.message = line.str();
    else
      d.notes.push_back(line.str());
  }
  engine->report(std::move(d));
}

int parseAndRun(int argc, char **argv) {
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << snnc::support::versionText("snnc", snnc::modelbin::kFormatVersion,
                                     {{"LLVM/MLIR", LLVM_VERSION_STRING}});
  });
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions({&category, &llvm::getColorCategory()});
  std::string overview =
      std::string("snnc: compile a BNTT spiking network (snnc ONNX profile "
                  "v1) for the snnc runtime\n\n  snnc model.onnx -o model.bin\n"
                  "  snnc check model.onnx [--target=loihi2] [--json]\n\n"
                  "Diagnostics (every tool):\n") +
      snnc::diag::kOptionsHelp;
  std::string errors;
  llvm::raw_string_ostream es(errors);
  if (!cl::ParseCommandLineOptions(argc, argv, overview, &es)) {
    reportParseErrors(es.str());
    return snnc::kExitUsage;
  }
  if (listDiagnostics) {
    llvm::outs() << snnc::diag::renderCodesMarkdown();
    return snnc::kExitOk;
  }
  int status = run(argv[0]);
  if (hiddenRemarks)
    engine->info(llvm::formatv("snnc: {0} folding remark{1} (gamma <= 0 "
                               "entries); -v prints them\n",
                               hiddenRemarks, hiddenRemarks == 1 ? "" : "s")
                     .str());
  return status;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  snnc::diag::DiagnosticEngine de("snnc", SNNC_VERSION,
                                  /*locationPrefix=*/true);
  engine = &de;
  snnc::diag::Options options;
  std::string optionsError;
  bool optionsOk =
      snnc::diag::extractOptions(argc, argv, &options, &optionsError);
  de.configure(options);
  int status = snnc::support::runToolMain(
      "snnc",
      [&]() -> int {
        if (!optionsOk) {
          de.report(snnc::diag::Code::UsageGeneric, optionsError);
          return snnc::kExitUsage;
        }
        if (argc > 1 && StringRef(argv[1]) == "check") {
          checkMode = true;
          for (int i = 1; i + 1 <= argc; ++i)
            argv[i] = argv[i + 1];
          --argc;
        }
        return parseAndRun(argc, argv);
      },
      [&](const std::string &message) {
        de.report(snnc::diag::Code::InternalGeneric,
                  "internal error: " + message);
      });
  return de.finish(status);
}

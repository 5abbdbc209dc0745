//===- Diagnose.cpp - MLIR diagnostics of snnc as structured diagnostics --===//
//
// See Diagnose.h. The keyword table is the one place that maps the
// messages of lib/Import, the snn verifiers and lib/Transforms to codes of
// DiagnosticCodes.def; its rows are tried in order, first match wins, and a
// message no row matches gets its stage's generic code.
//
//===----------------------------------------------------------------------===//

#include "Diagnose.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

namespace snnc {

using diag::Code;
using diag::Severity;

namespace {

struct Rule {
  Stage stage;
  const char *keyword; ///< a substring of the message
  Code code;
};

// clang-format off
constexpr Rule kRules[] = {
    {Stage::Import, "cannot read", Code::IoRead},
    {Stage::Import, "unsupported operator", Code::ImportUnsupportedOp},
    {Stage::Import, "not an ONNX model", Code::ImportNotModel},
    {Stage::Import, "not valid ONNX text", Code::ImportNotModel},
    {Stage::Import, "compiled model.bin", Code::ImportNotModel},
    {Stage::Import, "plain ONNX export", Code::ImportNotModel},
    {Stage::Import, "brackets nest deeper", Code::ImportLimit},
    {Stage::Import, "metadata_props", Code::ImportMetadata},
    {Stage::Import, "snnc.num_steps", Code::ImportMetadata},
    {Stage::Import, "snnc.profile", Code::ImportMetadata},
    {Stage::Import, "opset", Code::ImportVersion},
    {Stage::Import, "IR version", Code::ImportVersion},
    {Stage::Import, "' version", Code::ImportVersion},
    {Stage::Import, "attribute", Code::ImportAttribute},
    {Stage::Import, "initializer", Code::ImportInitializer},
    {Stage::Import, "graph input", Code::ImportGraph},
    {Stage::Import, "graph output", Code::ImportGraph},
    {Stage::Import, "the graph must have", Code::ImportGraph},
    {Stage::Import, "two nodes are named", Code::ImportGraph},
    {Stage::Import, "is not defined", Code::ImportGraph},
    {Stage::Import, "has no graph", Code::ImportGraph},
    {Stage::Import, "is declared [", Code::ImportShape},
    {Stage::Import, "shape", Code::ImportShape},
    {Stage::Import, "expects ", Code::ImportShape},
    {Stage::Import, "at most", Code::ImportLimit},
    {Stage::Import, "outside [", Code::ImportLimit},
    {Stage::Pipeline, "not folded", Code::FoldNotFolded},
    {Stage::Pipeline, "stays a max pool", Code::MaxPoolNotRelayed},
    {Stage::Pipeline, "paper-mode fold", Code::FoldPaper},
    {Stage::Pipeline, "gamma <= 0", Code::FoldRemark},
    {Stage::Emit, "model.bin rule of the runtime", Code::EmitRuntimeRule},
};
// clang-format on

/// File, line and column; the node name from a NameLoc.
void locate(mlir::Location loc, diag::Diagnostic *d) {
  if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc)) {
    d->file = file.getFilename().str();
    d->line = file.getLine();
    d->column = file.getColumn();
  } else if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
    if (d->node.empty())
      d->node = name.getName().str();
    locate(name.getChildLoc(), d);
  } else if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc)) {
    if (!fused.getLocations().empty())
      locate(fused.getLocations().front(), d);
  }
}

/// "node 'NAME' (DOMAIN::OP): ..." gives NAME and DOMAIN::OP.
void nodeFromMessage(diag::Diagnostic *d) {
  const std::string &m = d->message;
  if (m.rfind("node '", 0) != 0)
    return;
  size_t close = m.find("' (", 6);
  size_t end = close == std::string::npos ? close : m.find("): ", close);
  if (end == std::string::npos)
    return;
  if (d->node.empty())
    d->node = m.substr(6, close - 6);
  d->op = m.substr(close + 3, end - close - 3);
}

} // namespace

Code classify(Stage stage, Severity severity, const std::string &message,
              bool mlirSyntax) {
  if (message.rfind("'snn.", 0) == 0)
    return Code::VerifyGeneric;
  for (const Rule &rule : kRules)
    if (rule.stage == stage && message.find(rule.keyword) != std::string::npos)
      return rule.code;
  switch (stage) {
  case Stage::Import:
    return mlirSyntax ? Code::MlirParse : Code::ImportGeneric;
  case Stage::Pipeline:
    return severity == Severity::Error ? Code::PassGeneric : Code::PassNote;
  case Stage::Emit:
    break;
  }
  return Code::EmitGeneric;
}

diag::Diagnostic toDiagnostic(mlir::Diagnostic &md, Stage stage,
                              const std::string &inputPath) {
  diag::Diagnostic d;
  switch (md.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    d.severity = Severity::Error;
    break;
  case mlir::DiagnosticSeverity::Warning:
    d.severity = Severity::Warning;
    break;
  case mlir::DiagnosticSeverity::Remark:
    d.severity = Severity::Remark;
    break;
  case mlir::DiagnosticSeverity::Note:
    d.severity = Severity::Note;
    break;
  }
  d.message = md.str();
  locate(md.getLocation(), &d);
  if (d.file.empty())
    d.file = inputPath;
  nodeFromMessage(&d);
  if (stage == Stage::Emit)
    d.layer = d.node;
  for (mlir::Diagnostic &note : md.getNotes())
    d.notes.push_back(note.str());
  d.code = classify(stage, d.severity, d.message, d.line > 0);
  return d;
}

} // namespace snnc

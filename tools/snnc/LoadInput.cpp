//===- LoadInput.cpp - snnc's input readers: ONNX, NIR or snn IR ----------===//
//
// See LoadInput.h. The `.mlir` path is the only one implemented here; ONNX
// and NIR are the importer libraries' (lib/Import).
//
//===----------------------------------------------------------------------===//

#include "LoadInput.h"

#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"
#include "snnc/Import/ONNXImporter.h"
#include "snnc/Support/Limits.h"
#include "snnc/Support/MlirNesting.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdio>
#include <sys/stat.h>

using namespace mlir;

namespace snnc {

bool isNIRInput(const std::string &path) {
  if (StringRef(path).ends_with(".nir"))
    return true;
  struct stat st; // never open a FIFO or device here: it would block
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return false;
  char magic[8] = {};
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  size_t n = std::fread(magic, 1, sizeof(magic), f);
  std::fclose(f);
  return looksLikeNIR(StringRef(magic, n));
}

/// MLIR's parser recurses once per nesting level: bound the depth first, so
/// a deeply nested attribute is an error (with line and column), not a stack
/// overflow. False after reporting it.
static bool checkNesting(StringRef text, const std::string &path,
                         diag::DiagnosticEngine &engine) {
  std::string nestingError;
  if (checkMlirNesting(text, path, kMaxMlirNesting, &nestingError))
    return true;
  size_t at = nestingError.find(": error: ");
  diag::Diagnostic d;
  d.code = diag::Code::ImportLimit;
  d.file = path;
  d.message =
      at == std::string::npos ? nestingError : nestingError.substr(at + 9);
  if (at != std::string::npos)
    std::sscanf(nestingError.c_str() + path.size(), ":%u:%u", &d.line,
                &d.column);
  engine.report(std::move(d));
  return false;
}

static OwningOpRef<ModuleOp> loadMlir(const std::string &path,
                                      MLIRContext &context,
                                      diag::DiagnosticEngine &engine) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read the input file: " << buffer.getError().message();
    return nullptr;
  }
  std::string fileName = llvm::sys::path::filename(path).str();
  std::string sha256 = sha256Hex((*buffer)->getBuffer());
  if (!checkNesting((*buffer)->getBuffer(), path, engine))
    return nullptr;
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &context);
  // IR printed by --emit=mlir keeps its ONNX source; hand-written IR is its
  // own source.
  if (module && snn::getSourceAttr(*module, snn::kSourceNameAttr).empty())
    snn::setSourceAttrs(*module, fileName, sha256);
  return module;
}

OwningOpRef<ModuleOp> loadInput(const std::string &path, MLIRContext &context,
                                const NIRImportOptions &nir,
                                diag::DiagnosticEngine &engine) {
  if (isNIRInput(path))
    return importNIRFile(path, &context, nir);
  if (StringRef(path).ends_with(".mlir"))
    return loadMlir(path, context, engine);
  return importONNXFile(path, &context);
}

} // namespace snnc

//===- ONNXImporter.cpp - entry points of the ONNX importer ---------------===//
//
// Reads the file (binary protobuf or ONNX text syntax), fingerprints it for
// model.bin, runs the model-level checks and hands the graph to the
// GraphImporter. Nothing here throws or aborts on malformed input.
//
//===----------------------------------------------------------------------===//

#include "snnc/Import/ONNXImporter.h"

#include "ImporterImpl.h"

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Dialect/SNN/IR/SNNModuleAttrs.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/defs/parser.h>

using namespace mlir;

namespace snnc {

std::string sha256Hex(StringRef bytes) {
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : hash) {
    text += digits[byte >> 4];
    text += digits[byte & 15];
  }
  return text;
}

OwningOpRef<ModuleOp> importONNXBuffer(StringRef bytes, bool isText,
                                       StringRef bufferName,
                                       MLIRContext *context,
                                       ImportedModelInfo *info) {
  context->loadDialect<snn::SNNDialect>();
  Location fileLoc = FileLineColLoc::get(context, bufferName, 0, 0);
  onnx::ModelProto model;
  if (isText) {
    std::string text = bytes.str();
    onnx::Common::Status status = onnx::OnnxParser::Parse(model, text.c_str());
    if (!status.IsOK())
      return emitError(fileLoc)
                 << "not valid ONNX text syntax: " << status.ErrorMessage(),
             nullptr;
  } else if (import::looksLikeModelBin(bytes)) {
    return emitError(fileLoc)
               << "this is a compiled model.bin, not an ONNX model; run it "
                  "with snnc-run (snnc-run "
               << llvm::sys::path::filename(bufferName) << " --input ...)",
           nullptr;
  } else {
    google::protobuf::io::CodedInputStream stream(
        reinterpret_cast<const uint8_t *>(bytes.data()),
        static_cast<int>(std::min<size_t>(bytes.size(), INT32_MAX)));
    stream.SetRecursionLimit(64);
    if (bytes.size() > INT32_MAX || !model.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage())
      return emitError(fileLoc)
                 << "not an ONNX model: the protobuf does not parse (the "
                    "file is truncated, corrupt, or not an .onnx file; ONNX "
                    "text syntax needs the .onnxtext extension)",
             nullptr;
  }
  import::ModelFacts facts;
  if (failed(import::checkModel(model, fileLoc, facts)))
    return nullptr;
  if (info) {
    info->fileName = llvm::sys::path::filename(bufferName).str();
    info->sha256 = sha256Hex(bytes);
    info->modelName = facts.modelName;
  }
  import::GraphImporter importer(context, model, facts, bufferName);
  OwningOpRef<ModuleOp> module = importer.run();
  if (module)
    snn::setSourceAttrs(*module, llvm::sys::path::filename(bufferName),
                        sha256Hex(bytes));
  return module;
}

OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext *context,
                                     ImportedModelInfo *info) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(FileLineColLoc::get(context, path, 0, 0))
               << "cannot read the model file: " << buffer.getError().message(),
           nullptr;
  bool isText = path.ends_with(".onnxtext");
  return importONNXBuffer((*buffer)->getBuffer(), isText, path, context, info);
}

} // namespace snnc

//===- Translation.cpp - the snn-to-modelbin MLIR translation -------------===//
//
// Registers model.bin emission with MLIR's translation registry, as the
// standalone template's `-translate` tool does: `snnc-translate
// --snn-to-modelbin net.mlir -o model.bin` finds the module's one
// snn.network, emits it (ModelBinEmitter.cpp), checks the result with
// model.bin's validator (modelbin::validate, the runtime's rules) and writes
// the framed bytes. The driver uses the same buildValidatedModelBin, so lit
// can test emission with or without the driver.
//
//===----------------------------------------------------------------------===//

#include "snnc/Emit/ModelBin.h"

#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/ModelFile.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace snnc {

snn::NetworkOp getSingleNetwork(ModuleOp module) {
  auto networks = module.getOps<snn::NetworkOp>();
  if (std::distance(networks.begin(), networks.end()) != 1) {
    emitError(module.getLoc()) << "expected exactly one snn.network";
    return nullptr;
  }
  return *networks.begin();
}

LogicalResult buildValidatedModelBin(snn::NetworkOp network,
                                     modelbin::Model &model) {
  if (failed(buildModelBin(network, model)))
    return failure();
  std::string error;
  if (!modelbin::validate(model, &error))
    return network.emitError(
               "the compiled network breaks a model.bin rule of the runtime: ")
           << error;
  return success();
}

LogicalResult translateToModelBin(ModuleOp module, llvm::raw_ostream &os) {
  snn::NetworkOp network = getSingleNetwork(module);
  modelbin::Model model;
  if (!network || failed(buildValidatedModelBin(network, model)))
    return failure();
  std::string bytes, error;
  if (!modelbin::serializeModel(model, &bytes, &error))
    return network.emitError(error);
  os << bytes;
  return success();
}

void registerToModelBinTranslation() {
  static TranslateFromMLIRRegistration registration(
      "snn-to-modelbin",
      "translate a deployed snn.network to model.bin (runtime/schema)",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a builtin.module");
        return translateToModelBin(module, os);
      },
      [](DialectRegistry &registry) { registry.insert<snn::SNNDialect>(); });
}

} // namespace snnc

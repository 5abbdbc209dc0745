//===- snnc-translate.cpp - MLIR translations of snnc ---------------------===//
//
// mlirTranslateMain over snnc's translations (the standalone template's
// `-translate` tool): `--snn-to-modelbin` writes a deployed snn.network as
// model.bin. The lit suite tests emission through it on hand-written IR,
// without the ONNX importer or the driver.
//
//===----------------------------------------------------------------------===//

#include "snnc/Emit/ModelBin.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  snnc::registerToModelBinTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "snnc translation driver"));
}

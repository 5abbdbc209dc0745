//===- Pipeline.cpp - the snnc deployment pipeline ------------------------===//
//
// The one pass pipeline from imported IR to deployable IR, used by the snnc
// driver and, as `snn-deploy-pipeline`, by snnc-opt; plus registration of
// every snnc pass.
//
//===----------------------------------------------------------------------===//

#include "snnc/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

namespace snnc {
namespace {
#define GEN_PASS_REGISTRATION
#include "snnc/Transforms/Passes.h.inc"
} // namespace
} // namespace snnc

using namespace mlir;

void snnc::buildSNNDeployPipeline(OpPassManager &pm,
                                  const DeployPipelineOptions &options) {
  pm.addPass(createCanonicalizerPass());
  OpPassManager &network = pm.nest<snn::NetworkOp>();
  SNNEarlyExitOptions exitOptions;
  exitOptions.threshold = options.earlyExitThreshold;
  exitOptions.apply = options.earlyExit;
  network.addPass(createSNNEarlyExit(exitOptions));
  network.addPass(createSNNFoldBatchNorm());
  SNNFoldBNTTOptions foldOptions;
  foldOptions.mode = options.foldMode;
  network.addPass(createSNNFoldBNTT(foldOptions));
  if (options.maxPoolRelays)
    network.addPass(createSNNMaxPoolToRelay());
  pm.addPass(createCanonicalizerPass());
  if (options.quantizeLoihi) {
    SNNQuantizeLoihiOptions quantOptions;
    quantOptions.weightBits = options.weightBits;
    pm.nest<snn::NetworkOp>().addPass(createSNNQuantizeLoihi(quantOptions));
  }
}

void snnc::registerPasses() {
  registerSNNPasses();
  PassPipelineRegistration<DeployPipelineOptions>(
      "snn-deploy-pipeline",
      "Early exit, batch-norm and BNTT folding (and max-pool relays): "
      "imported IR to deployable IR",
      buildSNNDeployPipeline);
}

//===- Passes.h - snnc transformation passes --------------------*- C++ -*-===//
//
// Pass constructors, registration and the one deployment pipeline shared by
// `snnc` and `snnc-opt --snn-deploy-pipeline`.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_TRANSFORMS_PASSES_H
#define SNNC_TRANSFORMS_PASSES_H

#include "snnc/Dialect/SNN/IR/SNNOps.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <memory>

namespace snnc {

enum class FoldMode { Exact, Paper };

#define GEN_PASS_DECL
#include "snnc/Transforms/Passes.h.inc"

/// Options of the deployment pipeline (mirrors the snnc driver's flags).
struct DeployPipelineOptions
    : public mlir::PassPipelineOptions<DeployPipelineOptions> {
  Option<FoldMode> foldMode{
      *this, "fold", llvm::cl::desc("BNTT fold mode"),
      llvm::cl::init(FoldMode::Exact),
      llvm::cl::values(clEnumValN(FoldMode::Exact, "exact", "exact fold"),
                       clEnumValN(FoldMode::Paper, "paper", "paper eq. 15"))};
  Option<double> earlyExitThreshold{
      *this, "early-exit-threshold",
      llvm::cl::desc("Mean-gamma threshold of the early-exit analysis"),
      llvm::cl::init(0.1)};
  Option<bool> earlyExit{*this, "early-exit",
                         llvm::cl::desc("Set the static early-exit step"),
                         llvm::cl::init(true)};
  Option<bool> quantizeLoihi{
      *this, "quantize-loihi",
      llvm::cl::desc("Integer (Loihi) model, docs/fixed-point.md"),
      llvm::cl::init(false)};
  Option<int> weightBits{*this, "weight-bits",
                         llvm::cl::desc("Bits per weight with quantize-loihi"),
                         llvm::cl::init(8)};
  Option<bool> maxPoolRelays{
      *this, "max-pool-relays",
      llvm::cl::desc("Rewrite max pooling of binary spikes into relay "
                     "neurons (snn-max-pool-to-relay)"),
      llvm::cl::init(false)};
};

/// Canonicalize, analyse early exit (before folding: it reads gamma), fold
/// static batch norm and BNTT, optionally turn max pooling of spikes into
/// relay neurons, canonicalize again.
void buildSNNDeployPipeline(mlir::OpPassManager &pm,
                            const DeployPipelineOptions &options);

/// Registers every snnc pass and the `snn-deploy-pipeline`.
void registerPasses();

} // namespace snnc

#endif // SNNC_TRANSFORMS_PASSES_H

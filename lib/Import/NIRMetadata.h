//===- NIRMetadata.h - snnc's own NIR metadata read back --------*- C++ -*-===//
//
// `snnc --emit=nir --nir-metadata` keeps under `metadata/` what NIR cannot
// say: BNTT-folded per-step tables and subtract resets on the neuron nodes,
// the encoder and the BNTT gamma means (for early exit) on the Input node,
// which also gets the marker `metadata/snnc_nir_metadata = 1`. The importer
// applies that metadata only in a file with the marker (docs/nir.md, "Reading
// snnc's own metadata"): every other file's metadata is free-form NIR
// metadata and ignored. A neuron whose fields no longer agree with step 0 of
// its tables (edited by another tool) gets a warning and the NIR reading.
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_LIB_IMPORT_NIRMETADATA_H
#define SNNC_LIB_IMPORT_NIRMETADATA_H

#include "NIRParams.h"

#include <string>
#include <vector>

namespace snnc::nir {

/// The marker's key and the metadata format it names.
constexpr const char *kOwnMarker = "snnc_nir_metadata";
constexpr int64_t kOwnFormat = 1;

/// What the Input node's own metadata says about the network.
struct OwnMetadata {
  bool present = false; // the marker is there (and its format known)
  /// The encoder: POISSON, DIRECT or STEPS (model.bin's Encoder.Kind names).
  std::string encoder = "STEPS";
  float scale = 1.0f;
  bool isSigned = true;
  llvm::SmallVector<float> mean, std;
  /// BNTT gamma means [L, T] by layer name, for the early-exit rule.
  std::vector<std::string> gammaLayers;
  llvm::SmallVector<float> gammaMean;
};

/// Reads the Input node's metadata; an unknown marker format is a warning
/// (the metadata is then ignored), malformed own metadata an error.
mlir::FailureOr<OwnMetadata> readOwnMetadata(const NodeParams &input,
                                             int64_t numSteps);

/// Applies a neuron node's own metadata (metadata/reset, <table>_per_step)
/// to `n`, which holds what its fields say.
mlir::LogicalResult applyNeuronMetadata(const NodeParams &p, int64_t numSteps,
                                        Neuron *n);

} // namespace snnc::nir

#endif // SNNC_LIB_IMPORT_NIRMETADATA_H

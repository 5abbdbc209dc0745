//===- NIRExport.h - compiled networks as NIR files -------------*- C++ -*-===//
//
// `snnc model.onnx --emit=nir -o model.nir`: writes the deployed network (the
// model.bin in memory, after folding, so static batch norm is already in the
// weights) as a NIR graph that nir.read and snnc's importer accept. Forms NIR
// cannot express (BNTT's per-step tables, subtract resets, max pooling,
// asymmetric padding) are refused with a message naming the layer, or, with
// `metadata`, written under the node's metadata/ group (docs/nir.md says what
// a consumer then loses).
//
//===----------------------------------------------------------------------===//

#ifndef SNNC_IMPORT_NIREXPORT_H
#define SNNC_IMPORT_NIREXPORT_H

#include "snnc/modelbin/model.pb.h"

#include <string>

namespace snnc {

struct NIRExportOptions {
  double dt = 1e-4;      // --nir-dt: tau = dt / (1 - beta)
  bool metadata = false; // --nir-metadata: keep inexpressible forms there
};

enum class NIRExportStatus { Ok, Unsupported, WriteFailed };

/// Writes `model` to `path`. On failure `error` names the layer and the rule
/// (Unsupported: a form NIR cannot express) or the file (WriteFailed), and
/// no file is left behind.
NIRExportStatus exportNIR(const modelbin::Model &model,
                          const NIRExportOptions &options,
                          const std::string &path, std::string *error);

} // namespace snnc

#endif // SNNC_IMPORT_NIREXPORT_H

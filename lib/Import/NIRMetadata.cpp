//===- NIRMetadata.cpp - snnc's own NIR metadata read back ----------------===//
//
// The reading side of NIRExport.cpp's --nir-metadata (NIRMetadata.h): the
// marker, the encoder and gamma means of the Input node, the reset and the
// per-step tables of neuron nodes, each checked for type, shape and values
// with errors naming the node and the metadata key.
//
//===----------------------------------------------------------------------===//

#include "NIRMetadata.h"

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"

#include <cmath>

using namespace mlir;

namespace snnc::nir {
namespace {

const Field *meta(const NodeParams &p, const std::string &key) {
  auto it = p.node.node->metadata.find(key);
  return it == p.node.node->metadata.end() ? nullptr : &it->second;
}

InFlightDiagnostic metaError(const NodeParams &p, StringRef key) {
  return p.error() << "metadata/" << key << " (snnc's own, --nir-metadata): ";
}

/// Finite float32 numbers of an exact shape (empty `shape`: any).
FailureOr<SmallVector<float>> metaFloats(const NodeParams &p, StringRef key,
                                         ArrayRef<int64_t> shape) {
  const Field *f = meta(p, key.str());
  if (f->isString || (!shape.empty() && ArrayRef<int64_t>(f->shape) != shape))
    return metaError(p, key)
           << "expected numbers of shape " << snn::formatShape(shape)
           << ", got "
           << (f->isString ? "strings" : snn::formatShape(f->shape));
  SmallVector<float> out;
  for (double v : f->values) {
    if (!std::isfinite(v) || std::fabs(v) > 3.4e38)
      return metaError(p, key) << "holds " << snn::formatNumber(v)
                               << " (expected finite float32 values)";
    out.push_back(static_cast<float>(v));
  }
  return out;
}

FailureOr<std::string> metaString(const NodeParams &p, StringRef key) {
  const Field *f = meta(p, key.str());
  if (!f->isString || f->strings.size() != 1)
    return metaError(p, key) << "expected one string";
  return f->strings[0];
}

/// A table written for another T than --num-steps.
InFlightDiagnostic stepsError(const NodeParams &p, StringRef key, int64_t steps,
                              int64_t T) {
  return metaError(p, key) << "a table of " << steps
                           << " steps, but --num-steps is " << T
                           << " (give the T the network was compiled with)";
}

LogicalResult readGamma(const NodeParams &p, int64_t T, OwnMetadata &own) {
  const Field *layers = meta(p, "snnc_gamma_layers");
  if (!layers && !meta(p, "snnc_gamma_mean"))
    return success();
  if (!layers || !meta(p, "snnc_gamma_mean") || !layers->isString)
    return metaError(p, "snnc_gamma_layers")
           << "expected strings, with metadata/snnc_gamma_mean beside them";
  int64_t L = static_cast<int64_t>(layers->strings.size());
  const Field *f = meta(p, "snnc_gamma_mean");
  if (!f->isString && f->shape.size() == 2 && f->shape[1] != T)
    return stepsError(p, "snnc_gamma_mean", f->shape[1], T);
  FailureOr<SmallVector<float>> mean = metaFloats(p, "snnc_gamma_mean", {L, T});
  if (failed(mean))
    return failure();
  own.gammaLayers = layers->strings;
  own.gammaMean = *mean;
  return success();
}

} // namespace

FailureOr<OwnMetadata> readOwnMetadata(const NodeParams &p, int64_t T) {
  OwnMetadata own;
  const Field *marker = meta(p, kOwnMarker);
  if (!marker)
    return own;
  if (marker->isString || marker->values.size() != 1 ||
      marker->values[0] != kOwnFormat) {
    emitWarning(p.location())
        << "node '" << p.name << "': metadata/" << kOwnMarker
        << " names a metadata format this snnc does not know (it reads "
        << kOwnFormat << "); snnc's metadata is ignored";
    return own;
  }
  own.present = true;
  if (meta(p, "snnc_encoder")) {
    FailureOr<std::string> kind = metaString(p, "snnc_encoder");
    if (failed(kind))
      return failure();
    if (*kind != "POISSON" && *kind != "DIRECT" && *kind != "STEPS")
      return metaError(p, "snnc_encoder")
             << "'" << *kind << "', expected POISSON, DIRECT or STEPS";
    own.encoder = *kind;
  }
  auto floats = [&](const char *key, ArrayRef<int64_t> shape,
                    SmallVector<float> *out) {
    if (!meta(p, key))
      return success();
    FailureOr<SmallVector<float>> v = metaFloats(p, key, shape);
    if (failed(v))
      return failure();
    *out = *v;
    return success();
  };
  SmallVector<float> scale, isSigned;
  if (failed(floats("snnc_encoder_scale", {}, &scale)) ||
      failed(floats("snnc_encoder_signed", {}, &isSigned)) ||
      failed(floats("snnc_encoder_mean", {}, &own.mean)) ||
      failed(floats("snnc_encoder_std", {}, &own.std)) ||
      failed(readGamma(p, T, own)))
    return failure();
  if (scale.size() > 1 || isSigned.size() > 1)
    return metaError(p, scale.size() > 1 ? "snnc_encoder_scale"
                                         : "snnc_encoder_signed")
           << "expected one number";
  own.scale = scale.empty() ? 1.0f : scale[0];
  own.isSigned = isSigned.empty() || isSigned[0] != 0.0f;
  return own;
}

LogicalResult applyNeuronMetadata(const NodeParams &p, int64_t T, Neuron *n) {
  int64_t C = static_cast<int64_t>(n->threshold.size());
  Neuron read = *n;
  struct Table {
    const char *key;
    ArrayRef<float> fields;    // what the node's fields say (step 0)
    SmallVector<float> *steps; // where the table goes
  } tables[] = {{"threshold_per_step", n->threshold, &read.thresholdSteps},
                {"leak_per_step", n->leak, &read.leakSteps},
                {"bias_per_step", n->bias, &read.biasSteps},
                {"gain_per_step", n->gain, &read.gainSteps}};
  bool agrees = true;
  for (const Table &t : tables) {
    const Field *f = meta(p, t.key);
    if (!f)
      continue;
    if (!f->isString && f->shape.size() == 2 && f->shape[0] != T)
      return stepsError(p, t.key, f->shape[0], T);
    FailureOr<SmallVector<float>> v = metaFloats(p, t.key, {T, C});
    if (failed(v))
      return failure();
    for (int64_t c = 0; c < C; ++c)
      agrees &= (*v)[c] == t.fields[c];
    *t.steps = std::move(*v);
  }
  if (meta(p, "reset")) {
    FailureOr<std::string> reset = metaString(p, "reset");
    if (failed(reset))
      return failure();
    if (*reset != "subtract" && *reset != "subtract_delayed")
      return metaError(p, "reset")
             << "'" << *reset << "', expected subtract or subtract_delayed";
    agrees &= n->reset == snn::ResetMode::Hard && n->resetValue == 0.0f;
    read.reset = *reset == "subtract" ? snn::ResetMode::Soft
                                      : snn::ResetMode::SubtractDelayed;
  }
  if (!agrees) {
    emitWarning(p.location())
        << "node '" << p.name << "' (" << p.node.node->type
        << "): snnc's metadata does not match the node's fields (step 0 of a "
           "per-step table, or the zero reset to 0 that goes with a recorded "
           "subtract reset): the file was changed after snnc wrote it; the "
           "node is read as NIR says, without its metadata";
    return success();
  }
  *n = std::move(read);
  return success();
}

} // namespace snnc::nir

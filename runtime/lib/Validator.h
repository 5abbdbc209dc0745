//===- Validator.h - the state of one model.bin validation (internal) -----===//
//
// Internal to snnc_modelbin. Validator walks a parsed model once, in layer
// order, and stops at the first broken rule with a message naming the layer
// and field. It keeps only what later layers need of earlier ones (kind,
// shape, element count, spike flag). Model-level and per-layer rules are in
// Validate.cpp; parameter tensors and the geometry of convolutions, dense
// layers and pools in ValidateLayers.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODELBIN_VALIDATOR_H
#define SNNC_MODELBIN_VALIDATOR_H

#include "snnc/modelbin/Validate.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace snnc {
namespace modelbin {
namespace detail {

using Dims = std::vector<int64_t>;

inline std::string dimsStr(const Dims &d) {
  return fmt::format("[{}]", fmt::join(d, ", "));
}

template <typename R> inline Dims toDims(const R &r) {
  return Dims(r.begin(), r.end());
}

/// What the rules of later layers read of an earlier one.
struct LayerInfo {
  std::string name;
  Layer::Kind kind = Layer::ENCODE;
  Dims shape;
  int64_t numel = 0;
  bool binary = false;
  int64_t bound = 0; // integer models: max |value| of the output
};

class Validator {
public:
  Validator(const Model &m, std::string *error) : m(m), error(*error) {}
  bool run();

private:
  const Model &m;
  std::string &error;
  std::string where; // "layer 3 'conv1' (CONV2D)"
  Dims inputShape;
  std::vector<LayerInfo> layers;

  bool fail(const std::string &msg) {
    error = where.empty() ? msg : where + ": " + msg;
    return false;
  }
  bool model();
  bool layer(int i, const Layer &pl);
  bool inputs(int i, const Layer &pl, size_t want);
  bool outputShape(int i, const Layer &pl, Dims *shape);
  bool encoder(const Layer &pl, Dims *shape);
  bool affine(const Layer &pl, const LayerInfo &in);
  bool lif(const Layer &pl, const LayerInfo &in);
  /// READOUT parameters (membrane readout of NIR's LI/I), or none.
  bool readout(const Layer &pl, const LayerInfo &in);
  /// A CUBA synapse's [C] tables (lif or readout syn_leak/syn_gain).
  bool synapse(const google::protobuf::RepeatedField<float> &leak,
               const google::protobuf::RepeatedField<float> &gain,
               const char *message, int64_t C);
  bool expectedBinary(const Layer &pl, bool *out);

  // ValidateLayers.cpp
  bool numelOf(const Dims &d, const char *field, int64_t *out);
  bool tensor(const Tensor &t, const char *field, const Dims &expect);
  bool optionalTensor(const Tensor &t, const char *field, const Dims &expect);
  bool valuesAll(const Tensor &t, const char *field, const char *rule,
                 bool (*ok)(float));
  bool pair(const google::protobuf::RepeatedField<int64_t> &f,
            const char *field, int64_t lo, int64_t hi);
  bool pads4(const google::protobuf::RepeatedField<int64_t> &f);
  bool spatialInput(const LayerInfo &in);
  bool taps(const LayerInfo &in, int64_t kh, int64_t kw, const char *what);
  bool conv(const Layer &pl, const LayerInfo &in, Dims *shape);
  bool dense(const Layer &pl, const LayerInfo &in, Dims *shape);
  bool pool(const Layer &pl, const LayerInfo &in, Dims *shape);

  // ValidateInteger.cpp: integer (Loihi) models, docs/fixed-point.md.
  bool integer = false; // Model.quantization = "loihi"
  int64_t synBound = 0; // bound of the last conv/dense checked
  bool integerModel();
  bool integerLayer(const Layer &pl, LayerInfo &L);
  bool intTensor(const Tensor &t, const char *field, const Dims &expect,
                 Tensor::DType dtype, int64_t lo, int64_t hi,
                 std::vector<int64_t> *values);
  bool intWeights(const Tensor &w, const Tensor &bias, int32_t exp,
                  const char *what, const Dims &ws, int64_t fanIn,
                  const LayerInfo &in);
  bool intLif(const Layer &pl, const LayerInfo &in);
  bool floatLifHasIntegerFields(const LIF &f);
};

} // namespace detail
} // namespace modelbin
} // namespace snnc

#endif // SNNC_MODELBIN_VALIDATOR_H

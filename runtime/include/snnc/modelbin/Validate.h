//===- Validate.h - the one validator of model.bin ------------------------===//
//
// Every semantic rule of docs/model-bin.md ("Validation" columns) in one
// place: model fields, layer kinds, input indices, shapes recomputed from the
// inputs and parameters (through Shapes.h), parameter tensors (dtype, byte
// size, finiteness, value ranges), table sizes against T and channel counts,
// allocation limits (snnc/Support/Limits.h) and the gamma tables. The runtime
// (before converting layouts), snnc-map (before mapping) and the compiler
// (before writing) call the same function. Also the one table of layer-kind
// names and the defaults of conv and pool windows.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MODELBIN_VALIDATE_H
#define SNNC_MODELBIN_VALIDATE_H

#include "snnc/modelbin/model.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace modelbin {

/// Checks `m` against every rule. On failure `error` names the layer
/// ("layer 3 'pool1' (AVG_POOL2D)"), the field and what was expected.
bool validate(const Model &m, std::string *error);

/// The kind's name as model.proto spells it ("CONV2D"); the only table of
/// layer-kind names (generated from the schema). "" for unknown values.
const std::string &kindName(Layer::Kind kind);

/// A conv's or pool's 2-d window with the schema's defaults applied (empty
/// strides and dilations = [1, 1], empty pads = zeros). Meant for validated
/// layers: the values are read without checks.
struct Window2d {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t padT = 0, padL = 0, padB = 0, padR = 0;
};
Window2d convWindow(const Conv2d &c);
Window2d poolWindow(const Pool2d &p);

/// The float32 values of a tensor's data (little-endian on every host);
/// data.size() / 4 of them.
std::vector<float> readFloats(const Tensor &t);

/// The values of an I8, I16 or I32 tensor of a validated integer model
/// (docs/fixed-point.md), little-endian; empty for other dtypes.
std::vector<int64_t> readInts(const Tensor &t);

/// A conv's groups with the default applied (0 = unset = 1).
inline int64_t convGroups(const Conv2d &c) {
  return c.groups() == 0 ? 1 : c.groups();
}

} // namespace modelbin
} // namespace snnc

#endif // SNNC_MODELBIN_VALIDATE_H

//===- Preparer.h - the validating builder of a Network (internal) -------===//
//
// Internal to the runtime. Preparer walks a parsed model.bin once and fails on
// the first broken rule with a message naming the layer and field. The
// model-level and per-layer rules are in Prepare.cpp; the checks of parameter
// tensors and the geometry of convolutions, dense layers and pools, with the
// tables the kernels index, in PrepareLayers.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PREPARER_H
#define SNNC_RUNTIME_PREPARER_H

#include "snnc/runtime/Network.h"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace snnc {
namespace rt {
namespace detail {

namespace mb = snnc::modelbin;

using Dims = std::vector<int64_t>;

inline std::string dimsStr(const Dims &d) {
  return fmt::format("[{}]", fmt::join(d, ", "));
}

template <typename R> inline Dims toDims(const R &r) {
  return Dims(r.begin(), r.end());
}

class Preparer {
public:
  Preparer(const mb::Model &m, Network *net, std::string *error)
      : m(m), net(*net), error(*error) {}
  bool run();

private:
  const mb::Model &m;
  Network &net;
  std::string &error;
  std::string where; // "layer 3 'conv1' (CONV2D)"

  bool fail(const std::string &msg) {
    error = where.empty() ? msg : where + ": " + msg;
    return false;
  }
  bool numelOf(const Dims &d, const char *field, int64_t *out);
  bool tensor(const mb::Tensor &t, const char *field, const Dims &expect,
              std::vector<float> *out);
  bool optionalTensor(const mb::Tensor &t, const char *field,
                      const Dims &expect, std::vector<float> *out);
  bool pair(const google::protobuf::RepeatedField<int64_t> &f,
            const char *field, int64_t dflt, int64_t lo, int64_t hi, int64_t *a,
            int64_t *b);
  bool pads4(const google::protobuf::RepeatedField<int64_t> &f, Layer &L);
  bool spatialInput(const Layer &in, Layer &L);
  /// Tabulates the kernel footprint of every input position of a conv or
  /// pool (Network.h: tapStart, tapOut, tapW with weight vectors wStride
  /// apart), within kMaxTaps.
  bool footprint(Layer &L, int64_t wStride, const char *what);
  bool layer(int i, const mb::Layer &pl);
  bool conv(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool dense(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool pool(const mb::Layer &pl, const Layer &in, Layer &L, Dims *shape);
  bool table(const mb::Tensor &t, const char *field, int64_t rows, int64_t C,
             std::vector<float> *out);
  /// READOUT parameters (membrane readout of NIR's LI/I), or none.
  bool readout(const mb::Layer &pl, int64_t C, Layer &L);
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_PREPARER_H

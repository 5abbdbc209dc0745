//===- Preparer.h - the layout converter of a Network (internal) ----------===//
//
// Internal to the runtime. Preparer walks a model.bin that modelbin::validate
// has accepted and converts it into the execution layouts of Network.h; it
// checks nothing itself (every rule is in snnc_modelbin's validator). The
// model-level fields and per-layer bookkeeping are in Prepare.cpp; weight
// transposes, kernel footprints and pool divisors in PrepareLayers.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PREPARER_H
#define SNNC_RUNTIME_PREPARER_H

#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/Network.h"

#include <vector>

namespace snnc {
namespace rt {
namespace detail {

namespace mb = snnc::modelbin;

class Preparer {
public:
  Preparer(const mb::Model &m, Network *net) : m(m), net(*net) {}
  /// `m` must have passed modelbin::validate.
  void run();

private:
  const mb::Model &m;
  Network &net;

  void layer(const mb::Layer &pl);
  void encoder(const mb::Encoder &e, Layer &L);
  void window(const mb::Window2d &w, const Layer &in, Layer &L);
  /// Tabulates the kernel footprint of every input position of a conv or
  /// pool (Network.h: tapStart, tapOut, tapW with weight vectors wStride
  /// apart); the validator bounded its size by kMaxTaps.
  void footprint(Layer &L, int64_t wStride);
  void conv(const mb::Layer &pl, const Layer &in, Layer &L);
  void dense(const mb::Layer &pl, const Layer &in, Layer &L);
  void pool(const mb::Layer &pl, const Layer &in, Layer &L);
  /// READOUT parameters (membrane readout of NIR's LI/I), or the defaults.
  void readout(const mb::Layer &pl, int64_t C, Layer &L);
};

/// Layer::fx of a validated integer model, after Preparer::run
/// (PrepareInteger.cpp).
void prepareInteger(const mb::Model &m, Network &net);

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_PREPARER_H

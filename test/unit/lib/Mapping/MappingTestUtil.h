//===- MappingTestUtil.h - synthetic networks and chips for mapping tests -===//
//
// The mapping tests' shortcuts over the one test ModelBuilder (common/
// ModelBuilder.h): layers by size alone, with zero weights (the mapper reads
// only shapes and LIF tables) and layers named by kind ("LIF2"), plus small
// hardware descriptions with round numbers, so that tests can state expected
// counts by hand.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TEST_MAPPING_MAPPINGTESTUTIL_H
#define SNNC_TEST_MAPPING_MAPPINGTESTUTIL_H

#include "ModelBuilder.h"
#include "snnc/Mapping/Hardware.h"

#include <string>
#include <vector>

namespace snnc {
namespace mapping {
namespace testing {

class ModelBuilder {
public:
  ModelBuilder(std::vector<int64_t> inputShape, int steps, int exitStep);
  int encode();
  int conv(int input, int64_t outChannels, int64_t kernel, int64_t stride,
           int64_t pad, int64_t groups = 1);
  int dense(int input, int64_t outFeatures);
  int avgPool(int input, int64_t kernel, int64_t stride);
  int maxPool(int input, int64_t kernel, int64_t stride);
  int flatten(int input);
  /// ADD of two layers of one shape (a residual join).
  int add(int a, int b);
  /// `varying`: thresholds differ per step (BNTT-folded tables).
  int lif(int input, bool varying = false);
  int readout(int input);
  /// Completes a model (model.bin needs a READOUT) at almost no mapping
  /// cost: a 1x1 convolution strided over the whole map of the rank-3
  /// `input` samples one position, then LIF, flatten, dense to one class.
  int tinyReadout(int input);
  const modelbin::Model &model() const { return builder.m; }

private:
  snnc::test::ModelBuilder builder;
};

/// A chip with round numbers; tests change the fields they need.
HardwareModel smallChip();

} // namespace testing
} // namespace mapping
} // namespace snnc

#endif

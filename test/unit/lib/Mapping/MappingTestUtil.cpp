//===- MappingTestUtil.cpp - synthetic networks and chips for tests -------===//
//
// Shapes follow docs/model-bin.md (per sample, channel first); the common
// ModelBuilder computes them with the validator's rule (Shapes.h) and sets the
// spike flags the validator expects, so every model passes modelbin::validate
// unless a test breaks it on purpose.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include <algorithm>

namespace snnc {
namespace mapping {
namespace testing {

ModelBuilder::ModelBuilder(std::vector<int64_t> inputShape, int steps,
                           int exitStep)
    : builder(inputShape, steps, exitStep) {
  builder.nameByKind = true;
  builder.m.set_producer("mapping-test");
  builder.m.set_early_exit_threshold(0.1f);
}

int ModelBuilder::encode() {
  return builder.encode(/*poisson=*/true, /*scale=*/1.0f, /*isSigned=*/false);
}

int ModelBuilder::conv(int input, int64_t outChannels, int64_t kernel,
                       int64_t stride, int64_t pad, int64_t groups) {
  int64_t inChannels = builder.shapeOf(input)[0] / groups;
  std::vector<float> zeros(size_t(outChannels * inChannels * kernel * kernel));
  return builder.conv(input, {outChannels, inChannels, kernel, kernel}, zeros,
                      {stride, stride}, {pad, pad, pad, pad}, {1, 1}, groups);
}

int ModelBuilder::dense(int input, int64_t outFeatures) {
  int64_t n = snnc::test::product(builder.shapeOf(input));
  return builder.dense(input, outFeatures,
                       std::vector<float>(size_t(outFeatures * n)));
}

int ModelBuilder::avgPool(int input, int64_t kernel, int64_t stride) {
  return builder.pool(input, /*avg=*/true, {kernel, kernel}, {stride, stride});
}

int ModelBuilder::maxPool(int input, int64_t kernel, int64_t stride) {
  return builder.pool(input, /*avg=*/false, {kernel, kernel}, {stride, stride});
}

int ModelBuilder::flatten(int input) { return builder.flatten(input); }

int ModelBuilder::add(int a, int b) { return builder.addLayer(a, b); }

int ModelBuilder::lif(int input, bool varying) {
  int64_t T = builder.T(), C = builder.shapeOf(input)[0];
  std::vector<float> threshold(size_t(T * C), 1.0f);
  if (varying)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t c = 0; c < C; ++c)
        threshold[size_t(t * C + c)] = 1.0f + 0.1f * float(t);
  return builder.lif(input, /*leak=*/1.0f, /*threshold=*/1.0f, /*hard=*/false,
                     threshold);
}

int ModelBuilder::readout(int input) { return builder.readout(input); }

int ModelBuilder::tinyReadout(int input) {
  const std::vector<int64_t> &s = builder.shapeOf(input);
  int x = lif(conv(input, 1, 1, std::max(s[1], s[2]), 0));
  return readout(dense(flatten(x), 1));
}

HardwareModel smallChip() {
  HardwareModel hw;
  hw.name = "testchip";
  hw.file = "testchip.json";
  hw.baselineName = "cmos45";
  hw.tilesX = 4;
  hw.tilesY = 2;
  hw.coresPerTile = 2;
  hw.maxChips = 4;
  hw.compartments = 1024;
  hw.faninAxons = 4096;
  hw.fanoutAxons = 4096;
  hw.synapseMemoryBytes = 1 << 20;
  hw.maxWeightBits = 8;
  hw.weightBits = 8;
  hw.signBits = 1;
  hw.synapseOverheadBits = 0;
  hw.tableEntries = 4096;
  hw.energyPj = {10, 3, 1, 2, 4, 5, 100};
  hw.latencyNs = {1, 2, 1, 5, 7, 11, 50};
  hw.barrierMinNs = hw.barrierMaxNs = 100;
  hw.staticPowerMwPerChip = 1;
  return hw;
}

} // namespace testing
} // namespace mapping
} // namespace snnc

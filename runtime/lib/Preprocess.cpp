//===- Preprocess.cpp - channel-first / channel-last sample layouts -------===//
//
// Implements arrangeSamples (Preprocess.h): finds the per-sample shape of the
// file (the shape after the first dimension, or the whole shape for a single
// sample), compares it with the model's [C, H, W] and, for `--layout nhwc`,
// transposes every sample from [H, W, C] to [C, H, W] in place. Values are
// not changed: uint8 scaling happens in the reader, normalisation in the
// executor.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Preprocess.h"

#include <fmt/format.h>

namespace snnc {
namespace rt {
namespace {

std::vector<int64_t> perSampleShape(const Samples &s) {
  const std::vector<int64_t> &f = s.fileShape;
  if (f.size() >= 2) {
    int64_t rest = 1;
    for (size_t k = 1; k < f.size(); ++k)
      rest *= f[k];
    if (rest == s.numel)
      return std::vector<int64_t>(f.begin() + 1, f.end());
  }
  return f;
}

std::string shapeText(const std::vector<int64_t> &v) {
  return fmt::format("[{}]", fmt::join(v, ", "));
}

} // namespace

bool parseLayout(const std::string &text, Layout *out) {
  if (text == "auto")
    *out = Layout::Auto;
  else if (text == "nchw")
    *out = Layout::NCHW;
  else if (text == "nhwc")
    *out = Layout::NHWC;
  else
    return false;
  return true;
}

bool arrangeSamples(Samples *samples, const std::vector<int64_t> &modelShape,
                    Layout layout, const std::string &path,
                    std::string *error) {
  std::vector<int64_t> fs = perSampleShape(*samples);
  bool image = modelShape.size() == 3;
  std::vector<int64_t> hwc;
  if (image)
    hwc = {modelShape[1], modelShape[2], modelShape[0]};
  bool isHwc = image && fs == hwc && fs != modelShape;
  if (layout == Layout::Auto && isHwc) {
    *error = fmt::format(
        "{}: per-sample shape {} is channel-last (NHWC); the model takes {} "
        "(NCHW): pass --layout nhwc to transpose the samples",
        path, shapeText(fs), shapeText(modelShape));
    return false;
  }
  if (layout == Layout::NCHW && fs != modelShape) {
    *error = fmt::format("{}: --layout nchw: per-sample shape {}, expected {}",
                         path, shapeText(fs), shapeText(modelShape));
    return false;
  }
  if (layout != Layout::NHWC)
    return true;
  if (!image || fs != hwc) {
    *error = fmt::format(
        "{}: --layout nhwc: per-sample shape {}, expected [H, W, C] = {}{}",
        path, shapeText(fs), image ? shapeText(hwc) : "(an image input)",
        fs == modelShape ? " (the file is already NCHW: drop --layout)" : "");
    return false;
  }
  int64_t C = modelShape[0], HW = modelShape[1] * modelShape[2];
  std::vector<float> sample(static_cast<size_t>(samples->numel));
  for (int64_t n = 0; n < samples->count; ++n) {
    float *x = samples->values.data() + n * samples->numel;
    for (int64_t p = 0; p < HW; ++p)
      for (int64_t c = 0; c < C; ++c)
        sample[c * HW + p] = x[p * C + c];
    std::copy(sample.begin(), sample.end(), x);
  }
  return true;
}

} // namespace rt
} // namespace snnc

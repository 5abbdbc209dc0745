//===- Preprocess.h - sample layout checks before a run -------------------===//
//
// Image data sets come channel first ([N, C, H, W], PyTorch) or channel last
// ([N, H, W, C], NumPy/TensorFlow/CIFAR pickles). The model takes [C, H, W]
// per sample. A file whose per-sample shape is exactly [H, W, C] of the model
// is channel last: without `--layout nhwc` that is an error (the sample would
// be scrambled silently), with it the samples are transposed to [C, H, W].
// The input normalisation itself is part of the model (encoder mean/std) and
// is applied by the executor.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_PREPROCESS_H
#define SNNC_RUNTIME_PREPROCESS_H

#include "snnc/runtime/Input.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace rt {

enum class Layout { Auto, NCHW, NHWC };

/// "auto", "nchw" or "nhwc".
bool parseLayout(const std::string &text, Layout *out);

/// Checks `samples` (read from `path`) against the model's per-sample input
/// shape under `layout` and reorders NHWC samples to CHW. Auto accepts every
/// shape readSamples accepts except a channel-last image; NCHW requires a
/// rank-3 per-sample shape equal to the model's; NHWC requires [H, W, C].
bool arrangeSamples(Samples *samples, const std::vector<int64_t> &modelShape,
                    Layout layout, const std::string &path, std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_PREPROCESS_H

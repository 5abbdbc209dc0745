//===- Input.h - sample and label files -----------------------------------===//
//
// Readers for the input formats of snnc-run: IDX (the MNIST/Fashion-MNIST
// format, optionally gzip-compressed; uint8 values are scaled by 1/255 to
// float32, float32 taken as is) and NumPy .npy (float32, float64, uint8
// samples; integer labels). Every malformed file (wrong magic, truncated data,
// trailing bytes, unsupported dtype, non-finite values, element counts that do
// not fit the model) gives an error naming the file and the rule. No function
// throws.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INPUT_H
#define SNNC_RUNTIME_INPUT_H

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace rt {

struct Samples {
  std::vector<int64_t> fileShape; // as stored in the file
  int64_t count = 0;
  int64_t numel = 0;
  std::vector<float> values; // count * numel, row-major per sample
};

/// Reads samples whose per-sample element count must equal `modelNumel`: a file
/// of shape [N, ...] with prod(...) == modelNumel gives N samples; a file whose
/// total element count is modelNumel gives one sample.
bool readSamples(const std::string &path, int64_t modelNumel, Samples *out,
                 std::string *error);

/// Reads integer class labels (IDX uint8/int8/int16/int32 or .npy
/// int8..int64/uint8) of any shape [N] or [N, 1].
bool readLabels(const std::string &path, std::vector<int64_t> *out,
                std::string *error);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INPUT_H

//===- Input.h - sample and label files -----------------------------------===//
//
// Readers for the input formats of snnc-run: IDX (the MNIST/Fashion-MNIST
// format, optionally gzip-compressed; uint8 values are scaled by 1/255 to
// float32, float32/float64 taken as is) and NumPy .npy (float32, float64,
// uint8 samples; integer labels). They stream: only the header and the
// requested samples are read (and inflated), and the memory a request needs
// is checked against a byte limit before anything is allocated. Every
// malformed file (wrong magic, truncated data, trailing bytes or gzip
// garbage, unsupported dtype, rank or shape out of range, non-finite values,
// labels outside the model's classes) gives an error naming the file and the
// rule. No function throws.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_INPUT_H
#define SNNC_RUNTIME_INPUT_H

#include "snnc/Support/Limits.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace rt {

struct ReadOptions {
  /// Rows to read from the start of the file; < 0: all of them. When fewer
  /// than all rows of a gzip file are read, the rest is not inflated, so its
  /// truncation or trailing bytes go unnoticed.
  int64_t limit = -1;
  /// Upper bound on the bytes a request may need: rows x elements x
  /// max(element size, 4) (the data read and the float32 values kept).
  uint64_t maxBytes = limits::kMaxInputBytes;
  /// A per-step (STEPS encoder) model's T, else 0: a sample is then
  /// [T, ...], the file [N, T, ...], and modelNumel counts all T tensors.
  int64_t steps = 0;
};

struct Samples {
  std::vector<int64_t> fileShape; // as stored in the file
  int64_t fileCount = 0;          // rows the file holds
  int64_t count = 0;              // rows read (fileCount, or the limit)
  int64_t numel = 0;
  std::vector<float> values; // count * numel, row-major per sample
};

/// Reads samples whose per-sample element count must equal `modelNumel`: a file
/// of shape [N, ...] with prod(...) == modelNumel gives N samples; a file whose
/// total element count is modelNumel gives one sample.
bool readSamples(const std::string &path, int64_t modelNumel, Samples *out,
                 std::string *error, const ReadOptions &opt = {});

/// Reads `count` integer class labels (all when `count` < 0) from an IDX
/// (uint8/int8/int16/int32) or .npy (int8..int64/uint8) file of shape [N] or
/// [N, 1], N >= count; every label must be in 0..numClasses-1.
bool readLabels(const std::string &path, int64_t numClasses, int64_t count,
                std::vector<int64_t> *out, std::string *error,
                const ReadOptions &opt = {});

/// The same readers over bytes in memory (`name` is used in messages); the
/// input fuzzer calls them.
bool readSamplesFromMemory(const std::string &name, const void *data,
                           size_t size, int64_t modelNumel, Samples *out,
                           std::string *error, const ReadOptions &opt = {});
bool readLabelsFromMemory(const std::string &name, const void *data,
                          size_t size, int64_t numClasses, int64_t count,
                          std::vector<int64_t> *out, std::string *error,
                          const ReadOptions &opt = {});

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_INPUT_H

//===- InputFuzzer.cpp - libFuzzer target for the IDX / .npy readers ------===//
//
// The first two bytes choose what to read: bit 0 of byte 0 samples or labels,
// the rest of byte 0 the model's per-sample element count (1..128) or the
// number of classes, byte 1 the --limit (0: all rows). The remaining bytes
// are the file, read from memory through the same streaming reader as
// snnc-run (so gzip, concatenated members and trailing garbage are all
// reachable). A 16 MiB byte limit keeps every request small; under ASan and
// UBSan any overflow or out-of-bounds access in the header, shape or element
// code is a crash. Seeds: runtime/fuzz/make_input_seeds.py.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Input.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  bool labels = data[0] & 1;
  int64_t n = (data[0] >> 1) + 1;
  snnc::rt::ReadOptions opt;
  opt.limit = data[1] ? data[1] : -1;
  opt.maxBytes = uint64_t(16) << 20;
  std::string error;
  if (labels) {
    std::vector<int64_t> out;
    bool ok = snnc::rt::readLabelsFromMemory("fuzz", data + 2, size - 2, n,
                                             opt.limit, &out, &error, opt);
    if (ok && opt.limit >= 0 && int64_t(out.size()) != opt.limit)
      __builtin_trap();
    for (int64_t v : out)
      if (v < 0 || v >= n)
        __builtin_trap();
  } else {
    snnc::rt::Samples s;
    bool ok = snnc::rt::readSamplesFromMemory("fuzz", data + 2, size - 2, n, &s,
                                              &error, opt);
    if (ok && int64_t(s.values.size()) != s.count * n)
      __builtin_trap();
  }
  return 0;
}

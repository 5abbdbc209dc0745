//===- Input.cpp - IDX / .npy readers for samples and labels --------------===//
//
// A small array view (dtype, shape, header size) is parsed from the IDX or
// .npy header pulled through an InputStream; shapes are multiplied with
// overflow checks and bounded by Limits.h. The bytes a request needs (rows
// wanted x elements x max(element size, 4)) are checked against
// ReadOptions::maxBytes before anything is allocated, then exactly that many
// rows are inflated and converted in 64 KiB chunks. Uncompressed files are
// checked against their size up front; compressed ones for truncation while
// reading and, when read to the end, for trailing data or garbage.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Input.h"

#include "InputStream.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace snnc {
namespace rt {
namespace {

using detail::InputStream;

enum class DType { U8, I8, I16, I32, I64, F32, F64 };

struct Array {
  DType dtype = DType::U8;
  bool bigEndian = false;
  std::vector<int64_t> shape;
  int64_t count = 0;   // product of shape
  uint64_t offset = 0; // of the first element
};

size_t sizeOf(DType d) {
  switch (d) {
  case DType::U8:
  case DType::I8:
    return 1;
  case DType::I16:
    return 2;
  case DType::I32:
  case DType::F32:
    return 4;
  default:
    return 8;
  }
}

bool fail(std::string *error, const std::string &msg) {
  *error = msg;
  return false;
}

/// Reads exactly `n` header bytes.
bool readHeader(InputStream &in, const std::string &path, size_t n,
                std::string *b, const char *what, std::string *error) {
  size_t old = b->size(), got = 0;
  b->resize(old + n);
  if (!in.read(&(*b)[old], n, &got, error))
    return fail(error, fmt::format("{}: {}", path, *error));
  if (got < n)
    return fail(error, fmt::format("{}: truncated {} header", path, what));
  return true;
}

/// The product of `shape[first..]`, or false when a dimension is out of range
/// or the product overflows.
bool product(const std::vector<int64_t> &shape, size_t first, int64_t *out) {
  int64_t n = 1;
  for (size_t k = first; k < shape.size(); ++k)
    if (shape[k] < 0 || shape[k] > limits::kMaxInputDim ||
        __builtin_mul_overflow(n, shape[k], &n))
      return false;
  *out = n;
  return true;
}

bool parseIdx(InputStream &in, const std::string &path, std::string &b,
              Array *a, std::string *error) {
  auto u8 = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (u8(0) != 0 || u8(1) != 0)
    return fail(error,
                fmt::format("{}: not an IDX or .npy file (bad magic)", path));
  static const DType codes[] = {DType::U8,  DType::I8,  DType::U8, DType::I16,
                                DType::I32, DType::F32, DType::F64};
  int code = u8(2);
  if (code < 0x08 || code > 0x0E || code == 0x0A)
    return fail(error,
                fmt::format("{}: IDX type code 0x{:02x} unknown", path, code));
  a->dtype = codes[code - 0x08];
  int nd = u8(3);
  if (nd < 1)
    return fail(error, fmt::format("{}: IDX header has 0 dimensions", path));
  if (nd > limits::kMaxInputRank)
    return fail(error,
                fmt::format("{}: IDX header has {} dimensions, at most {} are "
                            "supported",
                            path, nd, limits::kMaxInputRank));
  if (!readHeader(in, path, 4 * size_t(nd), &b, "IDX", error))
    return false;
  for (int k = 0; k < nd; ++k) {
    size_t o = 4 + 4 * k;
    a->shape.push_back(int64_t(u8(o)) << 24 | int64_t(u8(o + 1)) << 16 |
                       int64_t(u8(o + 2)) << 8 | int64_t(u8(o + 3)));
  }
  a->offset = b.size();
  a->bigEndian = true;
  return true;
}

/// Finds `'key':` in the npy header dict and returns the position after the
/// colon.
size_t findKey(const std::string &h, const char *key) {
  size_t p = h.find(fmt::format("'{}'", key));
  if (p == std::string::npos)
    return p;
  p = h.find(':', p);
  if (p == std::string::npos)
    return p;
  ++p;
  while (p < h.size() && h[p] == ' ')
    ++p;
  return p;
}

bool parseDescr(const std::string &path, const std::string &h, Array *a,
                std::string *error) {
  size_t p = findKey(h, "descr");
  if (p == std::string::npos || p >= h.size() || h[p] != '\'')
    return fail(error, fmt::format("{}: .npy header has no 'descr'", path));
  size_t q = h.find('\'', p + 1);
  if (q == std::string::npos)
    return fail(error,
                fmt::format("{}: .npy header 'descr' unterminated", path));
  std::string d = h.substr(p + 1, q - p - 1);
  static const struct {
    const char *name;
    DType t;
  } table[] = {{"|u1", DType::U8},  {"|i1", DType::I8},  {"<i2", DType::I16},
               {"<i4", DType::I32}, {"<i8", DType::I64}, {"<f4", DType::F32},
               {"<f8", DType::F64}};
  for (const auto &e : table)
    if (d == e.name) {
      a->dtype = e.t;
      return true;
    }
  return fail(
      error,
      fmt::format("{}: .npy dtype '{}' not supported (expected little-endian "
                  "float32/float64/uint8/int8..int64)",
                  path, d));
}

bool parseShape(const std::string &path, const std::string &h, Array *a,
                std::string *error) {
  size_t p = findKey(h, "shape");
  if (p == std::string::npos || p >= h.size() || h[p] != '(')
    return fail(error, fmt::format("{}: .npy header has no 'shape'", path));
  size_t q = h.find(')', p);
  if (q == std::string::npos)
    return fail(error,
                fmt::format("{}: .npy header 'shape' unterminated", path));
  std::string s = h.substr(p + 1, q - p - 1);
  size_t k = 0;
  while (k < s.size()) {
    while (k < s.size() && (s[k] == ' ' || s[k] == ','))
      ++k;
    if (k >= s.size())
      break;
    int64_t v = 0;
    size_t digits = 0;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9' && digits < 13) {
      v = v * 10 + (s[k++] - '0');
      ++digits;
    }
    if (digits == 0 || (k < s.size() && s[k] != ',' && s[k] != ' '))
      return fail(error,
                  fmt::format("{}: .npy 'shape' ({}) is malformed", path, s));
    if (int64_t(a->shape.size()) == limits::kMaxInputRank)
      return fail(error, fmt::format("{}: .npy 'shape' ({}) has more than {} "
                                     "dimensions",
                                     path, s, limits::kMaxInputRank));
    a->shape.push_back(v);
  }
  return true;
}

bool parseNpy(InputStream &in, const std::string &path, std::string &b,
              Array *a, std::string *error) {
  if (!readHeader(in, path, 4, &b, ".npy", error))
    return false;
  int major = static_cast<unsigned char>(b[6]);
  uint64_t hlen = 0;
  if (major == 1) {
    hlen = static_cast<unsigned char>(b[8]) |
           uint64_t(static_cast<unsigned char>(b[9])) << 8;
  } else if (major == 2 || major == 3) {
    if (!readHeader(in, path, 2, &b, ".npy", error))
      return false;
    for (int k = 0; k < 4; ++k)
      hlen |= uint64_t(static_cast<unsigned char>(b[8 + k])) << (8 * k);
  } else {
    return fail(error,
                fmt::format("{}: .npy format version {} unknown", path, major));
  }
  if (hlen > limits::kMaxNpyHeaderBytes)
    return fail(error, fmt::format("{}: .npy header of {} bytes is larger "
                                   "than {}",
                                   path, hlen, limits::kMaxNpyHeaderBytes));
  size_t start = b.size();
  if (!readHeader(in, path, static_cast<size_t>(hlen), &b, ".npy", error))
    return false;
  std::string h = b.substr(start);
  a->offset = b.size();
  if (!parseDescr(path, h, a, error))
    return false;
  size_t p = findKey(h, "fortran_order");
  if (p == std::string::npos || h.compare(p, 5, "False") != 0)
    return fail(
        error,
        fmt::format("{}: .npy array must be C-ordered (fortran_order False)",
                    path));
  return parseShape(path, h, a, error);
}

/// Parses the header and, for an uncompressed file, checks its size.
bool parseArray(InputStream &in, const std::string &path, Array *a,
                std::string *error) {
  std::string b;
  if (!readHeader(in, path, 4, &b, "IDX or .npy", error))
    return false;
  bool npy = std::memcmp(b.data(), "\x93NUM", 4) == 0;
  if (npy && !readHeader(in, path, 2, &b, ".npy", error))
    return false;
  if (npy && std::memcmp(b.data(), "\x93NUMPY", 6) != 0)
    return fail(error,
                fmt::format("{}: not an IDX or .npy file (bad magic)", path));
  bool ok =
      npy ? parseNpy(in, path, b, a, error) : parseIdx(in, path, b, a, error);
  if (!ok)
    return false;
  if (!product(a->shape, 0, &a->count) ||
      a->count > int64_t(limits::kMaxInputBytesOverride))
    return fail(error, fmt::format("{}: shape [{}] too large", path,
                                   fmt::join(a->shape, ", ")));
  uint64_t need = uint64_t(a->count) * sizeOf(a->dtype);
  if (in.compressed())
    return true;
  uint64_t have = in.rawSize() - a->offset;
  if (have < need)
    return fail(
        error,
        fmt::format(
            "{}: truncated: {} data bytes, the header's shape [{}] needs {}",
            path, have, fmt::join(a->shape, ", "), need));
  if (have > need)
    return fail(
        error, fmt::format("{}: {} trailing bytes after the data of shape [{}]",
                           path, have - need, fmt::join(a->shape, ", ")));
  return true;
}

uint64_t loadBits(const unsigned char *p, size_t n, bool big) {
  uint64_t v = 0;
  for (size_t k = 0; k < n; ++k)
    v |= uint64_t(p[k]) << (8 * (big ? n - 1 - k : k));
  return v;
}

/// An integer element, exactly.
int64_t integer(const unsigned char *p, const Array &a) {
  uint64_t v = loadBits(p, sizeOf(a.dtype), a.bigEndian);
  switch (a.dtype) {
  case DType::U8:
    return uint8_t(v);
  case DType::I8:
    return int8_t(v);
  case DType::I16:
    return int16_t(v);
  case DType::I32:
    return int32_t(v);
  default:
    return int64_t(v);
  }
}

/// A sample element as float32 (uint8 scaled by 1/255).
float value(const unsigned char *p, const Array &a) {
  uint64_t v = loadBits(p, sizeOf(a.dtype), a.bigEndian);
  if (a.dtype == DType::F32) {
    uint32_t u = uint32_t(v);
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  if (a.dtype == DType::F64) {
    double f;
    std::memcpy(&f, &v, 8);
    return static_cast<float>(f);
  }
  return static_cast<float>(uint8_t(v)) / 255.0f;
}

/// Streams `n` elements to `sink(k, bytes)`; `sink` returns false to stop
/// (with `error` set). Then, when `toEnd`, checks that nothing follows.
template <typename Sink>
bool readElements(InputStream &in, const std::string &path, const Array &a,
                  int64_t n, bool toEnd, Sink &&sink, std::string *error) {
  const size_t es = sizeOf(a.dtype);
  std::vector<unsigned char> buf(es * 8192);
  for (int64_t k = 0; k < n;) {
    size_t want = es * size_t(std::min<int64_t>(n - k, 8192)), got = 0;
    if (!in.read(buf.data(), want, &got, error))
      return fail(error, fmt::format("{}: {}", path, *error));
    if (got < want)
      return fail(error,
                  fmt::format("{}: truncated: {} data bytes, the header's "
                              "shape [{}] needs {}",
                              path, in.position() - a.offset,
                              fmt::join(a.shape, ", "), a.count * es));
    for (size_t o = 0; o < want; o += es, ++k)
      if (!sink(k, buf.data() + o))
        return false;
  }
  if (!toEnd || !in.compressed())
    return true;
  uint64_t rest = 0;
  if (!in.countRest(uint64_t(1) << 20, &rest, error))
    return fail(error, fmt::format("{}: {}", path, *error));
  if (rest)
    return fail(error,
                fmt::format("{}: {}{} trailing bytes after the data of "
                            "shape [{}]",
                            path, rest == (uint64_t(1) << 20) ? ">= " : "",
                            rest, fmt::join(a.shape, ", ")));
  return true;
}

/// Rows wanted from a file of `rows`, checked against the byte limit.
bool rowsWanted(const std::string &path, const Array &a, int64_t rows,
                int64_t rowElements, const ReadOptions &opt, int64_t *wanted,
                std::string *error) {
  if (rows > limits::kMaxSamples)
    return fail(error, fmt::format("{}: {} rows, at most {} are supported",
                                   path, rows, limits::kMaxSamples));
  *wanted = opt.limit < 0 ? rows : std::min(opt.limit, rows);
  uint64_t bytes = 0;
  uint64_t perElement = std::max<uint64_t>(sizeOf(a.dtype), 4);
  if (__builtin_mul_overflow(uint64_t(*wanted), uint64_t(rowElements),
                             &bytes) ||
      __builtin_mul_overflow(bytes, perElement, &bytes) || bytes > opt.maxBytes)
    return fail(error,
                fmt::format("{}: reading {} rows of {} elements needs more "
                            "than the input limit of {} bytes (raise it with "
                            "--max-input-bytes, or read fewer rows with "
                            "--limit)",
                            path, *wanted, rowElements, opt.maxBytes));
  return true;
}

/// A per-step model reads [N, T, ...]: a file without the time axis, or with
/// another T, is an error that says so.
bool sequenceFits(const Array &a, const std::string &path, int64_t modelNumel,
                  int64_t steps, std::string *error) {
  int64_t perStep = modelNumel / steps, rest = 0, frame = 0;
  bool hasRest = a.shape.size() >= 2 && product(a.shape, 1, &rest);
  bool hasFrame = a.shape.size() >= 3 && product(a.shape, 2, &frame);
  if (a.shape.size() >= 3 && hasRest && rest == modelNumel &&
      a.shape[1] == steps)
    return true;
  if (hasFrame && frame == perStep)
    return fail(error,
                fmt::format("{}: {} steps per sample (dim 1 of [{}]), "
                            "but the model was compiled for T = {} "
                            "(snnc --num-steps)",
                            path, a.shape[1], fmt::join(a.shape, ", "), steps));
  if (hasRest && rest == perStep)
    return fail(error,
                fmt::format("{}: shape [{}] has no time axis, but the model "
                            "reads one tensor per step: expected [N, {}, ...] "
                            "with {} elements per step",
                            path, fmt::join(a.shape, ", "), steps, perStep));
  return fail(error,
              fmt::format("{}: shape [{}] does not fit the model, "
                          "which reads [N, {}, ...] with {} elements "
                          "per step",
                          path, fmt::join(a.shape, ", "), steps, perStep));
}

bool samplesFrom(InputStream &in, const std::string &path, int64_t modelNumel,
                 Samples *out, std::string *error, const ReadOptions &opt) {
  Array a;
  if (!parseArray(in, path, &a, error))
    return false;
  if (a.dtype != DType::U8 && a.dtype != DType::F32 && a.dtype != DType::F64)
    return fail(
        error,
        fmt::format("{}: samples must be uint8, float32 or float64", path));
  int64_t rest = 0, rows = 0;
  if (opt.steps > 0 && !sequenceFits(a, path, modelNumel, opt.steps, error))
    return false;
  if (a.shape.size() >= 2 && product(a.shape, 1, &rest) && rest == modelNumel)
    rows = a.shape[0];
  else if (a.count == modelNumel)
    rows = 1;
  else
    return fail(
        error, fmt::format(
                   "{}: shape [{}] does not fit the model input of {} elements "
                   "(expected [N, ...] with {} elements per sample)",
                   path, fmt::join(a.shape, ", "), modelNumel, modelNumel));
  int64_t wanted = 0;
  if (!rowsWanted(path, a, rows, modelNumel, opt, &wanted, error))
    return false;
  *out = Samples();
  out->fileShape = a.shape;
  out->fileCount = rows;
  out->count = wanted;
  out->numel = modelNumel;
  out->values.resize(static_cast<size_t>(wanted * modelNumel));
  auto sink = [&](int64_t k, const unsigned char *p) {
    float f = value(p, a);
    if (!std::isfinite(f))
      return fail(error, fmt::format("{}: element {} is not finite", path, k));
    out->values[k] = f;
    return true;
  };
  return readElements(in, path, a, wanted * modelNumel, wanted == rows, sink,
                      error);
}

bool labelsFrom(InputStream &in, const std::string &path, int64_t numClasses,
                int64_t count, std::vector<int64_t> *out, std::string *error,
                const ReadOptions &opt) {
  Array a;
  if (!parseArray(in, path, &a, error))
    return false;
  if (a.dtype == DType::F32 || a.dtype == DType::F64)
    return fail(error, fmt::format("{}: labels must be integers", path));
  if (a.shape.empty() || (a.shape.size() == 2 && a.shape[1] != 1) ||
      a.shape.size() > 2)
    return fail(error,
                fmt::format("{}: labels shape [{}], expected [N] or [N, 1]",
                            path, fmt::join(a.shape, ", ")));
  int64_t rows = a.shape[0];
  if (count > rows)
    return fail(error,
                fmt::format("{}: {} labels for {} samples", path, rows, count));
  ReadOptions o = opt;
  o.limit = count;
  int64_t wanted = 0;
  if (!rowsWanted(path, a, rows, 1, o, &wanted, error))
    return false;
  out->assign(static_cast<size_t>(wanted), 0);
  auto sink = [&](int64_t k, const unsigned char *p) {
    int64_t v = integer(p, a);
    if (v < 0 || v >= numClasses)
      return fail(error, fmt::format("{}: label {} is {}, expected 0..{} (the "
                                     "model has {} classes)",
                                     path, k, v, numClasses - 1, numClasses));
    (*out)[k] = v;
    return true;
  };
  return readElements(in, path, a, wanted, wanted == rows, sink, error);
}

} // namespace

bool readSamples(const std::string &path, int64_t modelNumel, Samples *out,
                 std::string *error, const ReadOptions &opt) {
  InputStream in;
  if (!in.openFile(path, error))
    return fail(error, fmt::format("{}: {}", path, *error));
  return samplesFrom(in, path, modelNumel, out, error, opt);
}

bool readLabels(const std::string &path, int64_t numClasses, int64_t count,
                std::vector<int64_t> *out, std::string *error,
                const ReadOptions &opt) {
  InputStream in;
  if (!in.openFile(path, error))
    return fail(error, fmt::format("{}: {}", path, *error));
  return labelsFrom(in, path, numClasses, count, out, error, opt);
}

bool readSamplesFromMemory(const std::string &name, const void *data,
                           size_t size, int64_t modelNumel, Samples *out,
                           std::string *error, const ReadOptions &opt) {
  InputStream in;
  if (!in.openMemory(data, size, error))
    return fail(error, fmt::format("{}: {}", name, *error));
  return samplesFrom(in, name, modelNumel, out, error, opt);
}

bool readLabelsFromMemory(const std::string &name, const void *data,
                          size_t size, int64_t numClasses, int64_t count,
                          std::vector<int64_t> *out, std::string *error,
                          const ReadOptions &opt) {
  InputStream in;
  if (!in.openMemory(data, size, error))
    return fail(error, fmt::format("{}: {}", name, *error));
  return labelsFrom(in, name, numClasses, count, out, error, opt);
}

} // namespace rt
} // namespace snnc

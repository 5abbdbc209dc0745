//===- Input.cpp - IDX / .npy readers for samples and labels --------------===//
//
// Files are read whole through zlib's gzread (which passes uncompressed files
// through), capped at kMaxFileBytes. A small array view (dtype, shape, byte
// offset) is parsed from the IDX or .npy header and checked against the file
// size before any element is converted.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Input.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace snnc {
namespace rt {
namespace {

constexpr uint64_t kMaxFileBytes = uint64_t(4) << 30;

enum class DType { U8, I8, I16, I32, I64, F32, F64 };

struct Array {
  DType dtype = DType::U8;
  bool bigEndian = false;
  std::vector<int64_t> shape;
  int64_t count = 0; // product of shape
  size_t offset = 0; // of the first element
  bool idx = false;
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

bool readWhole(const std::string &path, std::string *bytes,
               std::string *error) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f)
    return fail(error,
                fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  bytes->clear();
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code;
      std::string why = gzerror(f, &code);
      gzclose(f);
      return fail(error,
                  fmt::format("{}: read error (corrupt or truncated gzip?): {}",
                              path, why));
    }
    if (n == 0)
      break;
    if (bytes->size() + n > kMaxFileBytes) {
      gzclose(f);
      return fail(error,
                  fmt::format("{}: larger than {} bytes", path, kMaxFileBytes));
    }
    bytes->append(buf, n);
  }
  int rc = gzclose(f);
  if (rc != Z_OK)
    return fail(error,
                fmt::format("{}: truncated or corrupt gzip stream", path));
  return true;
}

bool mulShape(const std::vector<int64_t> &shape, int64_t *count) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d))
      return false;
    n *= d;
  }
  *count = n;
  return true;
}

bool parseIdx(const std::string &path, const std::string &b, Array *a,
              std::string *error) {
  auto u8 = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() < 4 || u8(0) != 0 || u8(1) != 0)
    return fail(error,
                fmt::format("{}: not an IDX or .npy file (bad magic)", path));
  switch (u8(2)) {
  case 0x08:
    a->dtype = DType::U8;
    break;
  case 0x09:
    a->dtype = DType::I8;
    break;
  case 0x0B:
    a->dtype = DType::I16;
    break;
  case 0x0C:
    a->dtype = DType::I32;
    break;
  case 0x0D:
    a->dtype = DType::F32;
    break;
  case 0x0E:
    a->dtype = DType::F64;
    break;
  default:
    return fail(error,
                fmt::format("{}: IDX type code 0x{:02x} unknown", path, u8(2)));
  }
  int nd = u8(3);
  if (nd < 1)
    return fail(error, fmt::format("{}: IDX header has 0 dimensions", path));
  if (b.size() < 4 + 4 * size_t(nd))
    return fail(error, fmt::format("{}: truncated IDX header", path));
  for (int k = 0; k < nd; ++k) {
    size_t o = 4 + 4 * k;
    a->shape.push_back(int64_t(u8(o)) << 24 | int64_t(u8(o + 1)) << 16 |
                       int64_t(u8(o + 2)) << 8 | int64_t(u8(o + 3)));
  }
  a->offset = 4 + 4 * size_t(nd);
  a->bigEndian = true;
  a->idx = true;
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

bool parseNpy(const std::string &path, const std::string &b, Array *a,
              std::string *error) {
  if (b.size() < 10)
    return fail(error, fmt::format("{}: truncated .npy header", path));
  int major = static_cast<unsigned char>(b[6]);
  size_t hlen, start;
  if (major == 1) {
    hlen = static_cast<unsigned char>(b[8]) |
           size_t(static_cast<unsigned char>(b[9])) << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12)
      return fail(error, fmt::format("{}: truncated .npy header", path));
    hlen = 0;
    for (int k = 0; k < 4; ++k)
      hlen |= size_t(static_cast<unsigned char>(b[8 + k])) << (8 * k);
    start = 12;
  } else {
    return fail(error,
                fmt::format("{}: .npy format version {} unknown", path, major));
  }
  if (hlen > b.size() - start)
    return fail(error, fmt::format("{}: truncated .npy header", path));
  std::string h = b.substr(start, hlen);
  a->offset = start + hlen;
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
  bool found = false;
  for (const auto &e : table)
    if (d == e.name) {
      a->dtype = e.t;
      found = true;
    }
  if (!found)
    return fail(
        error,
        fmt::format("{}: .npy dtype '{}' not supported (expected little-endian "
                    "float32/float64/uint8/int8..int64)",
                    path, d));
  p = findKey(h, "fortran_order");
  if (p == std::string::npos || h.compare(p, 5, "False") != 0)
    return fail(
        error,
        fmt::format("{}: .npy array must be C-ordered (fortran_order False)",
                    path));
  p = findKey(h, "shape");
  if (p == std::string::npos || p >= h.size() || h[p] != '(')
    return fail(error, fmt::format("{}: .npy header has no 'shape'", path));
  q = h.find(')', p);
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
    a->shape.push_back(v);
  }
  return true;
}

bool parseArray(const std::string &path, const std::string &b, Array *a,
                std::string *error) {
  bool ok = b.size() >= 6 && std::memcmp(b.data(), "\x93NUMPY", 6) == 0
                ? parseNpy(path, b, a, error)
                : parseIdx(path, b, a, error);
  if (!ok)
    return false;
  if (!mulShape(a->shape, &a->count))
    return fail(error, fmt::format("{}: shape too large", path));
  uint64_t need = uint64_t(a->count) * sizeOf(a->dtype);
  uint64_t have = b.size() - a->offset;
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

uint64_t loadBits(const char *p, size_t n, bool big) {
  uint64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    uint64_t byte = static_cast<unsigned char>(p[k]);
    v |= byte << (8 * (big ? n - 1 - k : k));
  }
  return v;
}

double element(const std::string &b, const Array &a, int64_t k) {
  size_t n = sizeOf(a.dtype);
  uint64_t v = loadBits(b.data() + a.offset + k * n, n, a.bigEndian);
  switch (a.dtype) {
  case DType::U8:
    return double(uint8_t(v));
  case DType::I8:
    return double(int8_t(v));
  case DType::I16:
    return double(int16_t(v));
  case DType::I32:
    return double(int32_t(v));
  case DType::I64:
    return double(int64_t(v));
  case DType::F32: {
    uint32_t u = uint32_t(v);
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  case DType::F64: {
    double f;
    std::memcpy(&f, &v, 8);
    return f;
  }
  }
  return 0;
}

} // namespace

bool readSamples(const std::string &path, int64_t modelNumel, Samples *out,
                 std::string *error) {
  std::string b;
  Array a;
  if (!readWhole(path, &b, error) || !parseArray(path, b, &a, error))
    return false;
  if (a.dtype != DType::U8 && a.dtype != DType::F32 && a.dtype != DType::F64)
    return fail(
        error,
        fmt::format("{}: samples must be uint8, float32 or float64", path));
  int64_t rest = 1;
  for (size_t k = 1; k < a.shape.size(); ++k)
    rest *= a.shape[k];
  if (a.shape.size() >= 2 && rest == modelNumel) {
    out->count = a.shape[0];
  } else if (a.count == modelNumel) {
    out->count = 1;
  } else {
    return fail(
        error, fmt::format(
                   "{}: shape [{}] does not fit the model input of {} elements "
                   "(expected [N, ...] with {} elements per sample)",
                   path, fmt::join(a.shape, ", "), modelNumel, modelNumel));
  }
  out->fileShape = a.shape;
  out->numel = modelNumel;
  out->values.resize(static_cast<size_t>(a.count));
  for (int64_t k = 0; k < a.count; ++k) {
    double v = element(b, a, k);
    float f = a.dtype == DType::U8 ? static_cast<float>(v) / 255.0f
                                   : static_cast<float>(v);
    if (!std::isfinite(f))
      return fail(error, fmt::format("{}: element {} is not finite", path, k));
    out->values[k] = f;
  }
  return true;
}

bool readLabels(const std::string &path, std::vector<int64_t> *out,
                std::string *error) {
  std::string b;
  Array a;
  if (!readWhole(path, &b, error) || !parseArray(path, b, &a, error))
    return false;
  if (a.dtype == DType::F32 || a.dtype == DType::F64)
    return fail(error, fmt::format("{}: labels must be integers", path));
  if (a.shape.empty() || (a.shape.size() == 2 && a.shape[1] != 1) ||
      a.shape.size() > 2)
    return fail(error,
                fmt::format("{}: labels shape [{}], expected [N] or [N, 1]",
                            path, fmt::join(a.shape, ", ")));
  out->resize(static_cast<size_t>(a.count));
  for (int64_t k = 0; k < a.count; ++k)
    (*out)[k] = static_cast<int64_t>(element(b, a, k));
  return true;
}

} // namespace rt
} // namespace snnc

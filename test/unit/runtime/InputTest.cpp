//===- InputTest.cpp - IDX / .npy sample and label readers ----------------===//
//
// Writes small files in each supported format (IDX uint8 and float32,
// gzip-compressed IDX, .npy float32/uint8/int64) and broken or hostile
// variants (truncated, trailing bytes or gzip garbage, bad magic, wrong
// element count, unsupported dtype, non-finite values, overflowing shapes,
// too many dimensions, labels outside the classes, requests over the byte
// limit) and checks values and error messages.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Input.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace snnc::rt;

namespace {

std::string tmpPath(const std::string &name) {
  return "/tmp/snnc-input-test-" + std::to_string(getpid()) + "-" + name;
}

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void writeGz(const std::string &path, const std::string &bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::string idx(uint8_t code, std::vector<uint32_t> dims,
                const std::string &data) {
  std::string b = {0, 0, static_cast<char>(code),
                   static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8)
      b += static_cast<char>(d >> s);
  return b + data;
}

std::string npy(const std::string &descr, const std::string &shape,
                const std::string &data) {
  std::string h = "{'descr': '" + descr +
                  "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::string b = "\x93NUMPY";
  b += '\x01';
  b += '\x00';
  b += static_cast<char>(h.size() & 0xff);
  b += static_cast<char>(h.size() >> 8);
  return b + h + data;
}

template <typename T> std::string raw(const std::vector<T> &v) {
  return std::string(reinterpret_cast<const char *>(v.data()),
                     v.size() * sizeof(T));
}

std::string readError(const std::string &bytes, int64_t numel,
                      bool gz = false) {
  std::string p = tmpPath("bad");
  gz ? writeGz(p, bytes) : writeFile(p, bytes);
  Samples s;
  std::string err;
  EXPECT_FALSE(readSamples(p, numel, &s, &err));
  std::remove(p.c_str());
  EXPECT_NE(err.find(p), std::string::npos) << err; // names the file
  return err;
}

} // namespace

TEST(Input, IdxUint8ScaledAndGzip) {
  std::string data;
  for (int i = 0; i < 2 * 2 * 3; ++i)
    data += static_cast<char>(i * 20);
  std::string b = idx(0x08, {2, 2, 3}, data);
  for (bool gz : {false, true}) {
    std::string p = tmpPath(gz ? "a.gz" : "a");
    gz ? writeGz(p, b) : writeFile(p, b);
    Samples s;
    std::string err;
    ASSERT_TRUE(readSamples(p, 6, &s, &err)) << err;
    EXPECT_EQ(s.count, 2);
    EXPECT_EQ(s.values[5], 100.0f / 255.0f);
    EXPECT_EQ(s.values[11], 220.0f / 255.0f);
    std::remove(p.c_str());
  }
}

TEST(Input, IdxFloat32BigEndian) {
  std::string data;
  for (float f : {0.25f, -1.5f}) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int s = 24; s >= 0; s -= 8)
      data += static_cast<char>(u >> s);
  }
  std::string p = tmpPath("f");
  writeFile(p, idx(0x0D, {1, 2}, data));
  Samples s;
  std::string err;
  ASSERT_TRUE(readSamples(p, 2, &s, &err)) << err;
  EXPECT_EQ(s.values, (std::vector<float>{0.25f, -1.5f}));
  std::remove(p.c_str());
}

TEST(Input, NpyFloatReshapedToModelShape) {
  std::vector<float> v(3 * 1 * 2 * 2);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(i) / 8;
  std::string p = tmpPath("x.npy");
  writeFile(p, npy("<f4", "(3, 1, 2, 2)", raw(v)));
  Samples s;
  std::string err;
  ASSERT_TRUE(readSamples(p, 4, &s, &err)) << err;
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.values, v);
  // A flat [3, 4] file and a single sample [4] fit too.
  writeFile(p, npy("<f4", "(3, 4)", raw(v)));
  ASSERT_TRUE(readSamples(p, 4, &s, &err)) << err;
  EXPECT_EQ(s.count, 3);
  writeFile(
      p, npy("<f4", "(4,)", raw(std::vector<float>(v.begin(), v.begin() + 4))));
  ASSERT_TRUE(readSamples(p, 4, &s, &err)) << err;
  EXPECT_EQ(s.count, 1);
  std::remove(p.c_str());
}

TEST(Input, Labels) {
  std::string p = tmpPath("l.npy");
  writeFile(p, npy("<i8", "(3,)", raw(std::vector<int64_t>{7, 0, 9})));
  std::vector<int64_t> l;
  std::string err;
  ASSERT_TRUE(readLabels(p, 10, -1, &l, &err)) << err;
  EXPECT_EQ(l, (std::vector<int64_t>{7, 0, 9}));
  writeFile(p, idx(0x08, {2}, std::string("\x03\x05", 2)));
  ASSERT_TRUE(readLabels(p, 10, -1, &l, &err)) << err;
  EXPECT_EQ(l, (std::vector<int64_t>{3, 5}));
  writeFile(p, npy("<f4", "(1,)", raw(std::vector<float>{1})));
  EXPECT_FALSE(readLabels(p, 10, -1, &l, &err));
  EXPECT_NE(err.find("labels must be integers"), std::string::npos);
  std::remove(p.c_str());
}

TEST(Input, BadFiles) {
  EXPECT_NE(readError("hello world", 4).find("bad magic"), std::string::npos);
  EXPECT_NE(readError(idx(0x08, {2, 4}, "abc"), 4).find("truncated"),
            std::string::npos);
  EXPECT_NE(readError(idx(0x08, {1, 4}, "abcdef"), 4).find("trailing bytes"),
            std::string::npos);
  EXPECT_NE(readError(idx(0x08, {2, 3}, "abcdef"), 4)
                .find("does not fit the model input"),
            std::string::npos);
  EXPECT_NE(readError(idx(0x42, {1}, "a"), 1).find("type code"),
            std::string::npos);
  EXPECT_NE(readError(npy("<c8", "(1,)", "12345678"), 1).find("dtype"),
            std::string::npos);
  EXPECT_NE(readError(npy(">f4", "(1,)", "1234"), 1).find("dtype"),
            std::string::npos);
  EXPECT_NE(readError(npy("<f4", "(2, 4)", raw(std::vector<float>(7))), 4)
                .find("truncated"),
            std::string::npos);
  EXPECT_NE(readError(npy("<f4", "(1, 9999999999999)", ""), 4).find("shape"),
            std::string::npos);
  EXPECT_NE(readError(npy("<f4", "(1,)", raw(std::vector<float>{NAN})), 1)
                .find("not finite"),
            std::string::npos);
  EXPECT_NE(readError(std::string("\x93NUMPY\x01\x00\xff\x00", 10), 1)
                .find("truncated"),
            std::string::npos);
  // A gzip stream cut in the middle.
  std::string p = tmpPath("cut.gz");
  writeGz(p, idx(0x08, {100, 4}, std::string(400, 'x')));
  std::ifstream f(p, std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(f)),
                 std::istreambuf_iterator<char>());
  writeFile(p, gz.substr(0, gz.size() / 2));
  Samples s;
  std::string err;
  EXPECT_FALSE(readSamples(p, 4, &s, &err));
  std::remove(p.c_str());
  Samples s2;
  EXPECT_FALSE(readSamples("/nonexistent/file.npy", 4, &s2, &err));
  EXPECT_NE(err.find("cannot open"), std::string::npos);
}

namespace {

std::string readGz(const std::string &bytes) {
  std::string p = tmpPath("z.gz");
  writeGz(p, bytes);
  std::ifstream f(p, std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(f)),
                 std::istreambuf_iterator<char>());
  std::remove(p.c_str());
  return gz;
}

std::string memError(const std::string &bytes, int64_t numel,
                     const ReadOptions &opt = {}) {
  Samples s;
  std::string err;
  EXPECT_FALSE(readSamplesFromMemory("mem", bytes.data(), bytes.size(), numel,
                                     &s, &err, opt));
  return err;
}

std::string labelError(const std::string &bytes, int64_t classes) {
  std::vector<int64_t> l;
  std::string err;
  EXPECT_FALSE(readLabelsFromMemory("labels.npy", bytes.data(), bytes.size(),
                                    classes, -1, &l, &err));
  return err;
}

} // namespace

TEST(Input, OverflowingShapesAndRanks) {
  // Dimensions above 2^40, and products that overflow int64 (UBSan-clean).
  EXPECT_NE(memError(npy("<f4",
                         "(0, 9999999999999, 9999999999999, "
                         "9999999999999)",
                         ""),
                     4)
                .find("too large"),
            std::string::npos);
  EXPECT_NE(memError(npy("<f4",
                         "(0, 1099511627776, 1099511627776, "
                         "1099511627776)",
                         ""),
                     4)
                .find("does not fit"),
            std::string::npos);
  EXPECT_NE(memError(npy("<f4", "(1, 1, 1, 1, 1, 1, 1, 1, 1)", "1234"), 1)
                .find("more than 8 dimensions"),
            std::string::npos);
  std::string idx255 = {0, 0, 0x08, static_cast<char>(255)};
  idx255 += std::string(4 * 255, '\xff');
  EXPECT_NE(memError(idx255, 4).find("255 dimensions, at most 8"),
            std::string::npos);
}

TEST(Input, LabelsOutsideTheClasses) {
  for (int64_t bad : {int64_t(-1), int64_t(99), int64_t(1) << 62, INT64_MAX}) {
    std::string err = labelError(
        npy("<i8", "(3,)", raw(std::vector<int64_t>{1, bad, 2})), 10);
    EXPECT_NE(err.find("labels.npy: label 1 is " + std::to_string(bad) +
                       ", expected 0..9"),
              std::string::npos)
        << err;
  }
  EXPECT_NE(labelError(idx(0x09, {1}, "\xff"), 10).find("label 0 is -1"),
            std::string::npos);
  // Only `count` labels are read (and checked); fewer than count is an error.
  std::string b = npy("<i8", "(3,)", raw(std::vector<int64_t>{1, 2, 99}));
  std::vector<int64_t> l;
  std::string err;
  ASSERT_TRUE(readLabelsFromMemory("l", b.data(), b.size(), 10, 2, &l, &err));
  EXPECT_EQ(l, (std::vector<int64_t>{1, 2}));
  EXPECT_FALSE(readLabelsFromMemory("l", b.data(), b.size(), 10, 4, &l, &err));
  EXPECT_NE(err.find("3 labels for 4 samples"), std::string::npos) << err;
}

TEST(Input, GzipTrailingDataAndMembers) {
  std::string b = idx(0x08, {2, 2}, "abcd");
  std::string gz = readGz(b);
  Samples s;
  std::string err;
  ASSERT_TRUE(readSamplesFromMemory("g", gz.data(), gz.size(), 2, &s, &err))
      << err;
  EXPECT_EQ(s.count, 2);
  // Non-gzip bytes after the member: rejected (gzread ignores them).
  std::string junk = gz + "garbage";
  EXPECT_NE(memError(junk, 2).find("7 bytes of trailing garbage after the "
                                   "gzip stream"),
            std::string::npos)
      << memError(junk, 2);
  // A second member continues the data: here it is data after the array.
  EXPECT_NE(memError(gz + readGz("xy"), 2).find("2 trailing bytes"),
            std::string::npos);
  // An array split over two members is one valid stream.
  std::string two = readGz(b.substr(0, 9)) + readGz(b.substr(9));
  ASSERT_TRUE(readSamplesFromMemory("g", two.data(), two.size(), 2, &s, &err))
      << err;
  EXPECT_EQ(s.values[3], 'd' / 255.0f);
  // Corrupt compressed bytes.
  std::string bad = gz;
  bad[12] ^= 0x55;
  EXPECT_NE(memError(bad, 2).find("g"), std::string::npos);
}

TEST(Input, LimitReadsOnlyTheRowsWanted) {
  // The header claims 2^30 rows of 4 bytes; only 3 rows follow. With a
  // limit of 2 the reader never looks further (compressed) or accepts the
  // size check only when the file is complete (uncompressed).
  std::string b = idx(0x08, {1u << 30, 4}, std::string(12, '\x10'));
  std::string gz = readGz(b);
  ReadOptions opt;
  opt.limit = 2;
  Samples s;
  std::string err;
  ASSERT_TRUE(
      readSamplesFromMemory("g", gz.data(), gz.size(), 4, &s, &err, opt))
      << err;
  EXPECT_EQ(s.count, 2);
  EXPECT_EQ(s.fileCount, int64_t(1) << 30);
  EXPECT_EQ(s.values.size(), 8u);
  EXPECT_NE(memError(b, 4, opt).find("truncated"), std::string::npos);
  // Without a limit the request is refused before anything is allocated.
  EXPECT_NE(memError(gz, 4).find("needs more than the input limit of "
                                 "1073741824 bytes (raise it with "
                                 "--max-input-bytes"),
            std::string::npos)
      << memError(gz, 4);
  // A limit of 4 rows: the stream ends after 3.
  opt.limit = 4;
  EXPECT_NE(memError(gz, 4, opt).find("truncated: 12 data bytes"),
            std::string::npos)
      << memError(gz, 4, opt);
  opt.limit = -1;
  opt.maxBytes = 47; // 3 rows x 4 x 4 bytes = 48
  std::string three = idx(0x08, {3, 4}, std::string(12, '\x10'));
  EXPECT_NE(memError(three, 4, opt).find("input limit of 47"),
            std::string::npos);
  opt.maxBytes = 48;
  ASSERT_TRUE(
      readSamplesFromMemory("m", three.data(), three.size(), 4, &s, &err, opt))
      << err;
}

TEST(Input, NpyHeaderBounds) {
  // Version 2 header claiming 4 GiB.
  std::string b = "\x93NUMPY\x02";
  b += std::string("\x00\xff\xff\xff\xff", 5);
  EXPECT_NE(memError(b, 1).find("header of 4294967295 bytes"),
            std::string::npos)
      << memError(b, 1);
  EXPECT_NE(memError(std::string("\x93NUM", 4), 1).find("truncated"),
            std::string::npos);
  EXPECT_NE(memError("\x93NUMPX\x01\x00\x00\x00", 1).find("bad magic"),
            std::string::npos);
}

//===- ModelFileTest.cpp - model.bin framing: header, CRC, atomic writes --===//
//
// Round trip through serializeModel/parseModel and
// writeModelFile/readModelFile, the exact header layout of docs/model-bin.md,
// and one test per framing error (truncated file, bad magic, version, header
// size, payload size, reserved word, CRC, garbage payload).
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include "snnc/runtime/ModelFile.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <unistd.h>

using namespace snnc;
using namespace snnc::test;

namespace {

std::string validBytes() {
  std::string bytes, err;
  EXPECT_TRUE(modelbin::serializeModel(smallConvNet(1), &bytes, &err)) << err;
  return bytes;
}

std::string parseError(const std::string &bytes) {
  modelbin::Model m;
  std::string err;
  EXPECT_FALSE(modelbin::parseModel(bytes.data(), bytes.size(), &m, &err));
  return err;
}

void putLE(std::string &b, size_t off, uint64_t v, int n) {
  for (int i = 0; i < n; ++i)
    b[off + i] = static_cast<char>(v >> (8 * i));
}

std::string tempDir() {
  char tmpl[] = "/tmp/snnc-mf-XXXXXX";
  return mkdtemp(tmpl);
}

} // namespace

TEST(ModelFile, HeaderLayout) {
  std::string b = validBytes();
  ASSERT_GE(b.size(), 32u);
  EXPECT_EQ(b.substr(0, 8), "SNNCMBIN");
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(b[12], 32);
  uint64_t payload = 0;
  for (int i = 0; i < 8; ++i)
    payload |= uint64_t(static_cast<unsigned char>(b[16 + i])) << (8 * i);
  EXPECT_EQ(payload + 32, b.size());
  EXPECT_EQ(b.substr(28, 4), std::string(4, '\0'));
}

TEST(ModelFile, RoundTripInMemory) {
  modelbin::Model in = smallConvNet(2), out;
  std::string bytes, err;
  ASSERT_TRUE(modelbin::serializeModel(in, &bytes, &err)) << err;
  ASSERT_TRUE(modelbin::parseModel(bytes.data(), bytes.size(), &out, &err))
      << err;
  EXPECT_EQ(in.SerializeAsString(), out.SerializeAsString());
}

TEST(ModelFile, RoundTripFileAtomic) {
  std::string dir = tempDir(), path = dir + "/model.bin", err;
  modelbin::Model in = smallConvNet(3), out;
  ASSERT_TRUE(modelbin::writeModelFile(in, path, &err)) << err;
  ASSERT_TRUE(modelbin::readModelFile(path, &out, &err)) << err;
  EXPECT_EQ(in.SerializeAsString(), out.SerializeAsString());
  // Only model.bin is left in the folder (no temporary file).
  DIR *d = opendir(dir.c_str());
  int files = 0;
  while (dirent *e = readdir(d))
    files += e->d_name[0] != '.';
  closedir(d);
  EXPECT_EQ(files, 1);
  std::remove(path.c_str());
  rmdir(dir.c_str());
}

TEST(ModelFile, WriteToMissingFolderFails) {
  std::string err;
  EXPECT_FALSE(modelbin::writeModelFile(smallConvNet(1),
                                        "/nonexistent-dir/x/model.bin", &err));
  EXPECT_NE(err.find("/nonexistent-dir/x/model.bin"), std::string::npos) << err;
}

TEST(ModelFile, ReadMissingFile) {
  modelbin::Model m;
  std::string err;
  EXPECT_FALSE(modelbin::readModelFile("/nonexistent/model.bin", &m, &err));
  EXPECT_NE(err.find("cannot open"), std::string::npos) << err;
}

TEST(ModelFile, Truncated) {
  std::string b = validBytes();
  EXPECT_NE(
      parseError(b.substr(0, 10)).find("expected at least the 32-byte header"),
      std::string::npos);
  EXPECT_NE(parseError(b.substr(0, b.size() - 1)).find("truncated"),
            std::string::npos);
  EXPECT_NE(parseError(b + "x").find("payload_size"), std::string::npos);
}

TEST(ModelFile, BadMagic) {
  std::string b = validBytes();
  b[3] = 'X';
  EXPECT_NE(parseError(b).find("magic"), std::string::npos);
}

TEST(ModelFile, BadVersion) {
  std::string b = validBytes();
  putLE(b, 8, 99, 4);
  EXPECT_NE(parseError(b).find("format_version is 99, expected 1 to 5"),
            std::string::npos);
}

// A CUBA synapse makes the file version 4; older versions may not carry it.
TEST(ModelFile, CubaIsVersion4) {
  modelbin::Model m = smallConvNet(1);
  modelbin::LIF *lif = m.mutable_layers(2)->mutable_lif();
  for (int64_t c = 0; c < m.layers(2).shape(0); ++c) {
    lif->add_syn_leak(0.5f);
    lif->add_syn_gain(1.0f);
  }
  std::string bytes, error;
  ASSERT_TRUE(modelbin::serializeModel(m, &bytes, &error)) << error;
  EXPECT_EQ(static_cast<unsigned char>(bytes[8]), 4);
  putLE(bytes, 8, 3, 4);
  EXPECT_NE(parseError(bytes).find("format_version 3 with a current-based "
                                   "neuron"),
            std::string::npos);
}

// The general neuron (a delayed or no reset, a reset value, gains other than
// -1/0/1, readout parameters, the STEPS encoder) makes the file version 3;
// older versions may not carry it.
TEST(ModelFile, GeneralNeuronIsVersion3) {
  modelbin::Model m = smallConvNet(1);
  for (auto &layer : *m.mutable_layers())
    if (layer.has_lif())
      layer.mutable_lif()->set_reset(modelbin::LIF::SUBTRACT_DELAYED);
  std::string b, err;
  ASSERT_TRUE(modelbin::serializeModel(m, &b, &err)) << err;
  EXPECT_EQ(b[8], 3);
  modelbin::Model back;
  ASSERT_TRUE(modelbin::parseModel(b.data(), b.size(), &back, &err)) << err;
  putLE(b, 8, 2, 4);
  EXPECT_NE(parseError(b).find("format_version 2 with a general neuron"),
            std::string::npos);
  modelbin::Model plain = smallConvNet(1);
  ASSERT_TRUE(modelbin::serializeModel(plain, &b, &err)) << err;
  EXPECT_EQ(b[8], 1);
}

// The encoder's input normalisation makes the file version 2 (older runtimes
// refuse it instead of encoding raw values); version 1 may not carry it.
TEST(ModelFile, NormalisationIsVersion2) {
  modelbin::Model m = smallConvNet(1);
  m.mutable_layers(0)->mutable_encoder()->add_mean(0.5f);
  m.mutable_layers(0)->mutable_encoder()->add_std(0.25f);
  std::string b, err;
  ASSERT_TRUE(modelbin::serializeModel(m, &b, &err)) << err;
  EXPECT_EQ(b[8], 2);
  modelbin::Model back;
  ASSERT_TRUE(modelbin::parseModel(b.data(), b.size(), &back, &err)) << err;
  EXPECT_EQ(back.layers(0).encoder().mean(0), 0.5f);
  putLE(b, 8, 1, 4);
  EXPECT_NE(parseError(b).find("format_version 1 with an input normalisation"),
            std::string::npos);
}

TEST(ModelFile, OnnxBytesSayCompileFirst) {
  // ir_version 8, then producer_name "x": how every ONNX file starts.
  std::string onnx = std::string("\x08\x08\x12\x01x") + std::string(40, '\0');
  EXPECT_NE(parseError(onnx).find("this looks like an ONNX model, not a "
                                  "compiled model.bin: compile it first"),
            std::string::npos);
}

TEST(ModelFile, BadHeaderSize) {
  std::string b = validBytes();
  putLE(b, 12, 64, 4);
  EXPECT_NE(parseError(b).find("header_size is 64, expected 32"),
            std::string::npos);
}

TEST(ModelFile, HugePayloadSize) {
  std::string b = validBytes();
  putLE(b, 16, ~uint64_t(0), 8);
  EXPECT_NE(parseError(b).find("payload_size"), std::string::npos);
}

TEST(ModelFile, Reserved) {
  std::string b = validBytes();
  b[30] = 1;
  EXPECT_NE(parseError(b).find("reserved"), std::string::npos);
}

TEST(ModelFile, BadCrc) {
  std::string b = validBytes();
  b[b.size() / 2] ^= 0x40;
  EXPECT_NE(parseError(b).find("CRC-32"), std::string::npos);
}

TEST(ModelFile, GarbagePayloadWithValidCrc) {
  modelbin::Model m;
  std::string err;
  std::string garbage = "\xff\xff\xff\xff\xff";
  EXPECT_FALSE(
      modelbin::parsePayload(garbage.data(), garbage.size(), &m, &err));
  EXPECT_NE(err.find("protobuf"), std::string::npos);
}

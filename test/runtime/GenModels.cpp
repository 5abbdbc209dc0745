//===- GenModels.cpp - synthetic model.bin files for tests and fuzzing ---===//
//
// `snnc-rt-testgen OUTDIR` writes valid synthetic models (a small conv net and
// an MLP, the same as the unit tests build) and hostile ones that each break
// one rule: framing (truncated, bad magic, version, CRC) and content with a
// valid CRC (NaN weight, input index, table size, shape overflow, a gamma
// histogram one count short). The CLI
// tests run snnc-run on them; the valid ones seed the loader fuzzer's corpus.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include "snnc/runtime/ModelFile.h"

#include <cstdio>
#include <limits>

using namespace snnc;
using namespace snnc::test;

namespace {

bool write(const std::string &dir, const std::string &name,
           const mb::Model &m) {
  std::string err;
  if (!modelbin::writeModelFile(m, dir + "/" + name, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return false;
  }
  return true;
}

bool writeBytes(const std::string &dir, const std::string &name,
                const std::string &b) {
  std::string err;
  if (!modelbin::writeFileAtomically(dir + "/" + name, b, &err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return false;
  }
  return true;
}

mb::Model mlp() {
  std::mt19937 rng(11);
  ModelBuilder b({16}, 8, 5);
  int x = b.encode(true);
  x = b.dense(x, 12, randomValues(rng, 16 * 12, -0.5f, 1.0f));
  x = b.lif(x, 0.9f, 1.0f);
  x = b.dense(x, 4, randomValues(rng, 48, -1, 1));
  b.readout(x);
  return b.m;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: snnc-rt-testgen OUTDIR\n");
    return 1;
  }
  std::string d = argv[1];
  mb::Model conv = smallConvNet(1, 12, 12, 6, 4);
  bool ok = write(d, "conv.bin", conv) && write(d, "mlp.bin", mlp()) &&
            write(d, "conv-direct.bin", smallConvNet(2, 12, 12, 5, 5, false));
  std::string bytes, err;
  modelbin::serializeModel(conv, &bytes, &err);
  ok = ok &&
       writeBytes(d, "truncated.bin", bytes.substr(0, bytes.size() - 7)) &&
       writeBytes(d, "short.bin", bytes.substr(0, 20)) &&
       writeBytes(d, "empty.bin", "");
  std::string b = bytes;
  b[0] = 'X';
  ok = ok && writeBytes(d, "badmagic.bin", b);
  b = bytes;
  b[8] = 99; // no format version this runtime reads
  ok = ok && writeBytes(d, "badversion.bin", b);
  b = bytes;
  b[b.size() - 5] ^= 1;
  ok = ok && writeBytes(d, "badcrc.bin", b);

  mb::Model m = conv;
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&(*m.mutable_layers(1)
                     ->mutable_conv2d()
                     ->mutable_weight()
                     ->mutable_data())[4],
              &nan, 4);
  ok = ok && write(d, "nan.bin", m);
  m = conv;
  m.mutable_layers(4)->set_inputs(0, 9);
  ok = ok && write(d, "badindex.bin", m);
  m = conv;
  setTensor(m.mutable_layers(2)->mutable_lif()->mutable_threshold(), {3, 6},
            std::vector<float>(18, 1.0f));
  ok = ok && write(d, "tablesize.bin", m);
  m = conv;
  m.mutable_layers(7)->set_shape(0, std::numeric_limits<int64_t>::max());
  ok = ok && write(d, "hugeshape.bin", m);

  // The gamma report tables (T = 6): valid, then a histogram one count short.
  m = conv;
  mb::GammaMean *mean = m.add_gamma_mean();
  mean->set_layer("bntt2");
  mb::GammaHistogram *histogram = m.add_gamma_histogram();
  histogram->set_layer("bntt2");
  histogram->set_lo(-0.25f);
  histogram->set_hi(1.0f);
  histogram->set_bins(3);
  for (int t = 0; t < 6; ++t) {
    mean->add_mean(1.0f - 0.15f * t);
    for (int b = 0; b < 3; ++b)
      histogram->add_counts(b == t % 3 ? 6 : 0);
  }
  ok = ok && write(d, "conv-gamma.bin", m);
  histogram->mutable_counts()->RemoveLast();
  ok = ok && write(d, "badhistogram.bin", m);
  return ok ? 0 : 1;
}

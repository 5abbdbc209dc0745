//===- LoaderFuzzer.cpp - libFuzzer target for the model.bin loader -------===//
//
// Feeds arbitrary bytes to the framing reader and, so that mutations are not
// all stopped by the CRC check, also the bytes after the 32-byte header as a
// bare payload. Every model that passes validation is dumped and, when small,
// run for two steps in event and dense mode on a fixed input, which checks that
// validation covers everything the executor indexes.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/Network.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void exercise(const snnc::modelbin::Model &m) {
  snnc::rt::Network net;
  std::string err;
  if (!snnc::rt::prepareNetwork(m, &net, &err))
    return;
  (void)snnc::rt::dumpModel(m, net, 0);
  int64_t total = 0, work = 0;
  for (const auto &L : net.layers) {
    total += L.numel;
    work += L.numel + static_cast<int64_t>(L.weight.size());
  }
  if (total > 200000 || work > 2000000)
    return;
  std::vector<float> x(static_cast<size_t>(net.inputNumel));
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(i % 7) / 3.0f - 0.5f;
  snnc::rt::Batch b{x.data(), 1, net.inputNumel, 3};
  for (auto mode : {snnc::rt::Mode::Event, snnc::rt::Mode::Dense}) {
    snnc::rt::RunOptions o;
    o.steps = net.steps < 2 ? net.steps : 2;
    o.mode = mode;
    o.adaptive = true;
    o.sampleSpikes = true;
    snnc::rt::RunResult r;
    (void)snnc::rt::runNetwork(net, b, o, &r, &err);
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  google::protobuf::SetLogHandler(
      nullptr); // parse diagnostics are expected here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  snnc::modelbin::Model m;
  std::string err;
  if (snnc::modelbin::parseModel(data, size, &m, &err))
    exercise(m);
  if (size >= snnc::modelbin::kHeaderSize &&
      snnc::modelbin::parsePayload(data + snnc::modelbin::kHeaderSize,
                                   size - snnc::modelbin::kHeaderSize, &m,
                                   &err))
    exercise(m);
  return 0;
}

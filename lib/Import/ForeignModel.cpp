//===- ForeignModel.cpp - advice for files that are not profile models ----===//
//
// A user's first try is often a plain `torch.onnx.export` of a training
// network (the official BNTT code unrolls its time loop, draws the encoder's
// random numbers with RandomUniformLike and has no ai.snnc domain) or a
// compiled model.bin. Neither is a profile model; instead of only naming the
// missing metadata, the importer says what it found and where to go: the
// checkpoint converter (python/snncref/convert_bntt.py) and the profile
// documentation, or snnc-run for a model.bin.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

namespace snnc::import {

std::string describeForeignModel(const onnx::ModelProto &model) {
  bool snncDomain = false;
  for (const auto &opset : model.opset_import())
    snncDomain |= opset.domain() == kSNNCDomain;
  llvm::MapVector<llvm::StringRef, int> ops;
  int snncNodes = 0;
  for (const onnx::NodeProto &node : model.graph().node()) {
    ++ops[node.op_type()];
    snncNodes += node.domain() == kSNNCDomain;
  }
  if (snncDomain || snncNodes)
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "; this looks like a plain ONNX export";
  if (!model.producer_name().empty())
    os << " (producer '" << model.producer_name() << " "
       << model.producer_version() << "')";
  os << ", not an snnc profile model: " << model.graph().node_size()
     << " nodes, no 'ai.snnc' domain";
  int shown = 0;
  os << ", ops:";
  for (const auto &[op, count] : ops)
    if (shown++ < 8)
      os << " " << count << " " << op;
  if (ops.size() > 8)
    os << " and " << ops.size() - 8 << " more kinds";
  int random = ops.lookup("RandomUniformLike") + ops.lookup("RandomUniform") +
               ops.lookup("RandomNormalLike") + ops.lookup("RandomNormal");
  if (random)
    os << "; " << random
       << " random-number nodes (an encoder drawn at run time; the profile's "
          "PoissonEncode is deterministic)";
  int convs = ops.lookup("Conv"), weights = 0;
  llvm::StringSet<> convWeights;
  for (const onnx::NodeProto &node : model.graph().node())
    if (node.op_type() == "Conv" && node.input_size() > 1)
      convWeights.insert(node.input(1));
  weights = convWeights.size();
  if (weights && convs > weights)
    os << "; " << convs << " Conv nodes share " << weights
       << " weights (the time loop is unrolled; the profile describes one "
          "step)";
  os << ". For a checkpoint of the official BNTT code run `python3 -m "
        "snncref.convert_bntt CKPT --arch vgg9|vgg11 ...` "
        "(docs/bntt-checkpoints.md); to write your own network in the "
        "profile see docs/onnx-profile.md";
  return text;
}

bool looksLikeModelBin(llvm::StringRef bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), "SNNCMBIN", 8) == 0;
}

} // namespace snnc::import

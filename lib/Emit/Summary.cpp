//===- Summary.cpp - the --emit=summary JSON of a compiled model ----------===//
//
// Renders a built snnc.modelbin.Model as JSON for people and scripts: steps,
// early exit, layers (named after their ONNX nodes), the mean-gamma table,
// and every LIF's per-step tables. JSON has no infinity: a threshold of a
// step that can never fire (paper-mode fold of gamma = 0) is written null.
//
//===----------------------------------------------------------------------===//

#include "snnc/Emit/ModelBin.h"
#include "snnc/modelbin/Validate.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cfloat>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace snnc {
namespace {

using json = nlohmann::ordered_json;

/// The summary's kind names: the schema's (modelbin::kindName) in lower case.
std::string summaryKindName(modelbin::Layer::Kind kind) {
  std::string name = modelbin::kindName(kind);
  if (name.empty())
    return "unknown";
  for (char &c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

/// The double that prints as the float's shortest decimal form (0.1f -> 0.1,
/// not 0.10000000149011612).
double shortest(float value) {
  char text[32];
  auto result = std::to_chars(text, text + sizeof(text), value);
  *result.ptr = '\0';
  return std::strtod(text, nullptr);
}

std::vector<float> values(const modelbin::Tensor &tensor) {
  std::vector<float> result(tensor.data().size() / sizeof(float));
  if (!result.empty()) // absent tables (integer models): no memcpy of null
    std::memcpy(result.data(), tensor.data().data(),
                result.size() * sizeof(float));
  return result;
}

int64_t elements(const modelbin::Tensor &tensor) {
  if (tensor.shape_size() == 0)
    return 0;
  int64_t n = 1; // by shape: integer tensors hold 1, 2 or 4 bytes a value
  for (int64_t d : tensor.shape())
    n *= d;
  return n;
}

/// A [T, C] table as a list of T rows; values >= FLT_MAX become null.
json table(const modelbin::Tensor &tensor) {
  std::vector<float> data = values(tensor);
  int64_t columns = tensor.shape_size() == 2 ? tensor.shape(1) : 1;
  json rows = json::array();
  for (size_t start = 0; start < data.size(); start += columns) {
    json row = json::array();
    for (int64_t c = 0; c < columns; ++c) {
      float value = data[start + c];
      row.push_back(value >= FLT_MAX ? json(nullptr) : json(shortest(value)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int64_t parameterCount(const modelbin::Layer &layer) {
  switch (layer.params_case()) {
  case modelbin::Layer::kConv2D:
    return elements(layer.conv2d().weight()) + elements(layer.conv2d().bias());
  case modelbin::Layer::kDense:
    return elements(layer.dense().weight()) + elements(layer.dense().bias());
  case modelbin::Layer::kAffine:
    return elements(layer.affine().scale()) + elements(layer.affine().shift());
  case modelbin::Layer::kLif:
    return elements(layer.lif().threshold()) + elements(layer.lif().leak()) +
           elements(layer.lif().bias()) + elements(layer.lif().gain());
  default:
    return 0;
  }
}

} // namespace

std::string renderSummaryJSON(const modelbin::Model &model) {
  json doc;
  doc["source"] = model.source_name();
  doc["source_sha256"] = model.source_sha256();
  doc["producer"] = model.producer();
  doc["num_steps"] = model.num_steps();
  doc["early_exit_step"] = model.early_exit_step();
  doc["early_exit_threshold"] = shortest(model.early_exit_threshold());
  doc["fold_mode"] = model.fold_mode();
  doc["input_shape"] = std::vector<int64_t>(model.input_shape().begin(),
                                            model.input_shape().end());
  json layers = json::array();
  int64_t total = 0;
  for (const modelbin::Layer &layer : model.layers()) {
    json entry;
    entry["name"] = layer.name();
    entry["kind"] = summaryKindName(layer.kind());
    entry["shape"] =
        std::vector<int64_t>(layer.shape().begin(), layer.shape().end());
    entry["binary"] = layer.binary();
    entry["parameters"] = parameterCount(layer);
    total += parameterCount(layer);
    layers.push_back(std::move(entry));
  }
  doc["layers"] = std::move(layers);
  doc["parameters"] = total;
  json gamma = json::object();
  for (const modelbin::GammaMean &row : model.gamma_mean()) {
    json means = json::array();
    for (float value : row.mean())
      means.push_back(shortest(value));
    gamma[row.layer()] = std::move(means);
  }
  doc["gamma_mean"] = std::move(gamma);
  auto values = [](const auto &field) {
    json list = json::array();
    for (float v : field)
      list.push_back(shortest(v));
    return list;
  };
  json fold = json::object();
  for (const modelbin::Layer &layer : model.layers()) {
    if (layer.kind() != modelbin::Layer::LIF)
      continue;
    json tables;
    static const char *resets[] = {"soft", "hard", "subtract_delayed", "none"};
    int reset = static_cast<int>(layer.lif().reset());
    tables["reset"] = reset >= 0 && reset < 4 ? resets[reset] : "unknown";
    if (layer.lif().reset_value() != 0.0f)
      tables["reset_value"] = shortest(layer.lif().reset_value());
    tables["threshold"] = table(layer.lif().threshold());
    tables["leak"] = table(layer.lif().leak());
    tables["bias"] = table(layer.lif().bias());
    tables["gain"] = table(layer.lif().gain());
    if (layer.lif().syn_leak_size()) { // a CUBA synapse (NIR CubaLIF)
      tables["syn_leak"] = values(layer.lif().syn_leak());
      tables["syn_gain"] = values(layer.lif().syn_gain());
    }
    fold[layer.name()] = std::move(tables);
  }
  doc["fold"] = std::move(fold);
  // Integer (Loihi) models: how each synaptic layer was quantised.
  if (!model.quantization().empty()) {
    json rows = json::array();
    for (const modelbin::QuantReport &r : model.quant_report())
      rows.push_back(
          {{"layer", r.layer()},
           {"bits", r.bits()},
           {"weight_exp", r.weight_exp()},
           {"alpha", shortest(r.alpha())},
           {"max_weight_error", shortest(r.max_weight_error())},
           {"max_weight", shortest(r.max_weight())},
           {"max_threshold_rounding", shortest(r.max_threshold_rounding())},
           {"max_leak_rounding", shortest(r.max_leak_rounding())},
           {"clamped", r.clamped()}});
    doc["quantization"] = {{"mode", model.quantization()},
                           {"weight_bits", model.weight_bits()},
                           {"output_scale", shortest(model.output_scale())},
                           {"layers", std::move(rows)}};
  }
  // A leaky-integrator readout (NIR LI / I): its discretised leak and gain.
  for (const modelbin::Layer &layer : model.layers()) {
    if (!layer.has_readout() || !layer.readout().membrane())
      continue;
    doc["readout"] = {{"layer", layer.name()},
                      {"membrane", true},
                      {"leak", values(layer.readout().leak())},
                      {"gain", values(layer.readout().gain())},
                      {"bias", values(layer.readout().bias())}};
    if (layer.readout().syn_leak_size()) {
      doc["readout"]["syn_leak"] = values(layer.readout().syn_leak());
      doc["readout"]["syn_gain"] = values(layer.readout().syn_gain());
    }
  }
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

} // namespace snnc

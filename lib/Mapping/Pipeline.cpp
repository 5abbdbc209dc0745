//===- Pipeline.cpp - one mapping run and the parameter sweep -------------===//
//
// runMapping chains the steps in the order their inputs need: the partition
// depends only on the network and the hardware, the placement on the
// partition and the spike rates, the energy on all three. A sweep re-runs
// the chain on a copy of the hardware description per point, so one
// unmappable point does not stop the others.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Pipeline.h"

#include <fmt/format.h>

#include <algorithm>

namespace snnc {
namespace mapping {

bool runMapping(const Network &net, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error) {
  *result = MapResult();
  result->net = net;
  result->hw = hw;
  if (net.relayPooling == hw.foldPooling) {
    *error = fmt::format(
        "internal: the network was built {} pooling relays but {} has "
        "mapping.fold_pooling = {}",
        net.relayPooling ? "with" : "without", hw.name,
        hw.foldPooling ? "true" : "false");
    return false;
  }
  for (const Population &pop : net.populations)
    if (pop.kind == PopulationKind::Relay && pop.gradedRelay &&
        !hw.gradedSpikes) {
      *error = fmt::format(
          "layer '{}' cannot be mapped on {}: as a pooling relay it sends "
          "graded spikes (window averages) but core.graded_spikes is false "
          "(set mapping.fold_pooling = true to fold pooling into synapses)",
          pop.name, hw.name);
      return false;
    }
  if (!validateHardware(hw, error))
    return false;
  // Activity first: the rates weigh METIS's edges and the placement.
  estimateActivity(net, profile, defaultRate, &result->activity);
  std::vector<double> rates(net.populations.size());
  for (size_t p = 0; p < rates.size(); ++p)
    rates[p] = result->activity.rate(net, int(p), net.numSteps);
  if (!partitionNetwork(net, hw, &result->mapping, error, &rates))
    return false;
  result->exitSweep = exitSweep(net, result->activity);
  placeCores(net, hw, rates, &result->mapping);
  estimateEnergy(net, hw, baseline, result->mapping, result->activity,
                 &result->energy);
  return true;
}

namespace {

/// The smallest change per violated constraint that makes `net` (which
/// failed on `hw`) fit: raise each limit one neuron breaks to what it needs
/// (repeated while another limit breaks), and, without graded spikes, map
/// pooling as relays, and turn on population axons where the file gives
/// their atoms and slots. Empty when none is found.
std::string whatWouldFit(const modelbin::Model &model, const Network &net,
                         const HardwareModel &hw) {
  std::vector<std::string> ways;
  HardwareModel raised = hw;
  std::string sets, why;
  if (!validateHardware(hw, &why))
    return ""; // the failure was the hardware file itself
  std::vector<std::pair<std::string, int64_t>> changes; // last value per key
  for (int round = 0; round < 5; ++round) {
    NeuronLimit limit;
    if (!firstNeuronLimit(net, raised, &limit))
      break;
    std::string key = limit.key.substr(limit.key.find('.') + 1);
    if (!overrideParameter(&raised, key, std::to_string(limit.have), &why))
      break;
    auto same = std::find_if(changes.begin(), changes.end(),
                             [&](const auto &c) { return c.first == key; });
    if (same != changes.end())
      same->second = limit.have;
    else
      changes.push_back({key, limit.have});
  }
  for (const auto &[key, value] : changes)
    sets += fmt::format("{}--set {}={}", sets.empty() ? "" : " ", key, value);
  Mapping m;
  if (!sets.empty() && partitionNetwork(net, raised, &m, &why))
    ways.push_back(fmt::format("fits with {} ({} cores)", sets, m.numCores()));
  // Population axons need the file's atoms and slots per axon; without
  // them there is nothing to suggest.
  HardwareModel population = hw;
  population.populationAxons = true;
  Mapping pm;
  if (!hw.populationAxons && validateHardware(population, &why) &&
      partitionNetwork(net, population, &pm, &why))
    ways.push_back(fmt::format("fits with --set population_axons=true (one "
                               "input axon per source position and {} "
                               "channels; {} cores)",
                               hw.populationAtoms, pm.numCores()));
  Network relays;
  if (!hw.gradedSpikes && hw.foldPooling &&
      buildNetwork(model, &relays, &why, true)) {
    HardwareModel graded = hw;
    graded.gradedSpikes = true;
    graded.foldPooling = false;
    Mapping rm;
    if (partitionNetwork(relays, graded, &rm, &why))
      ways.push_back(fmt::format("fits with --set graded_spikes=true (pooling "
                                 "relays, as on loihi2; {} cores)",
                                 rm.numCores()));
  }
  if (ways.empty())
    return "";
  std::string text = "what would fit: ";
  for (size_t i = 0; i < ways.size(); ++i)
    text += (i ? "; " : "") + ways[i];
  if (!hw.gradedSpikes)
    text += fmt::format(
        " (no exact mapping on {} as it is{}: without graded spikes there are "
        "no pooling relays, and splitting a neuron's fan-in over cores needs "
        "graded partial sums too)",
        hw.name, hw.populationAxons ? "" : ", with binary axons");
  return text;
}

} // namespace

bool runMapping(const modelbin::Model &model, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error) {
  Network net;
  if (!buildNetwork(model, &net, error, !hw.foldPooling))
    return false;
  auto hasRelays = [](const Network &n) {
    for (const Population &pop : n.populations)
      if (pop.kind == PopulationKind::Relay && pop.gradedRelay)
        return true;
    return false;
  };
  bool ok = runMapping(net, hw, baseline, profile, defaultRate, result, error);
  if (ok) {
    result->pooling = hasRelays(net) ? "relays" : "none";
    for (const Population &pop : net.populations)
      for (const Projection &p : pop.inputs)
        if (p.folded)
          result->pooling = "folded";
    return true;
  }
  Network relays;
  std::string relayError;
  if (!hw.foldPooling || !hw.gradedSpikes ||
      !buildNetwork(model, &relays, &relayError, true) || !hasRelays(relays)) {
    std::string fits = whatWouldFit(model, net, hw);
    if (!fits.empty())
      *error += "; " + fits;
    return false;
  }
  // Folding did not fit: the chip has graded spikes, so try relays.
  HardwareModel relayHw = hw;
  relayHw.foldPooling = false;
  std::string foldedError = *error;
  if (!runMapping(relays, relayHw, baseline, profile, defaultRate, result,
                  &relayError)) {
    *error = fmt::format("{} (with pooling relays instead: {})", foldedError,
                         relayError);
    return false;
  }
  result->pooling = "relays";
  result->poolingFallback = foldedError;
  return true;
}

std::string modelLabel(const std::string &modelPath,
                       const std::string &sourceName) {
  size_t slash = modelPath.find_last_of('/');
  std::string label =
      slash == std::string::npos ? modelPath : modelPath.substr(slash + 1);
  if (label == "model.bin" && slash != std::string::npos && slash > 0) {
    size_t parent = modelPath.find_last_of('/', slash - 1);
    label = modelPath.substr(parent == std::string::npos ? 0 : parent + 1);
  }
  if (!sourceName.empty() && sourceName != label)
    label += fmt::format(" (from {})", sourceName);
  return label;
}

std::string checkGates(const Gates &g, const MapResult &r) {
  const InferenceCost &x = r.energy.atExit;
  int64_t cores = r.mapping.numCores();
  double energyUj = x.energy.total() * 1e-6, latencyMs = x.latencyNs * 1e-6;
  if (g.maxCores >= 0 && cores > g.maxCores)
    return fmt::format("gate --max-cores {}: the mapping needs {} cores",
                       g.maxCores, cores);
  if (g.maxChips >= 0 && r.mapping.chips > g.maxChips)
    return fmt::format("gate --max-chips {}: the mapping needs {} chips",
                       g.maxChips, r.mapping.chips);
  if (g.maxEnergyUj >= 0 && energyUj > g.maxEnergyUj)
    return fmt::format("gate --max-energy-uj {}: {:.6g} uJ per inference at "
                       "T_exit = {}",
                       g.maxEnergyUj, energyUj, x.steps);
  if (g.maxLatencyMs >= 0 && latencyMs > g.maxLatencyMs)
    return fmt::format("gate --max-latency-ms {}: {:.6g} ms per inference at "
                       "T_exit = {}",
                       g.maxLatencyMs, latencyMs, x.steps);
  return "";
}

} // namespace mapping
} // namespace snnc

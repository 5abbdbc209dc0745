//===- Report.cpp - the JSON result and the human summary of a mapping ----===//
//
// The JSON document carries everything the tests check (per core: block,
// usage against every limit and placement; per link: neurons and hop counts)
// and everything the plots need (per-step energy and activity). The text
// summary is the short answer to "how many cores, how much energy, how
// fast", with the assumptions behind the activity numbers.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Report.h"

#include <fmt/format.h>

#include <cstdlib>

namespace snnc {
namespace mapping {
namespace {

using Json = nlohmann::ordered_json;

Json termsToJson(const EnergyTerms &t) {
  Json j;
  j["synops"] = t.synops;
  j["updates_active"] = t.updatesActive;
  j["updates_inactive"] = t.updatesInactive;
  j["spike_out"] = t.spikeOut;
  j["routing"] = t.routing;
  j["static_barrier"] = t.staticBarrier;
  j["total"] = t.total();
  return j;
}

Json costToJson(const Network &net, const InferenceCost &c) {
  Json j;
  j["steps"] = c.steps;
  j["energy_pj"] = termsToJson(c.energy);
  j["latency_ns"] = c.latencyNs;
  j["synops"] = c.synops;
  j["spikes"] = c.spikes;
  j["active_updates"] = c.activeUpdates;
  j["inactive_updates"] = c.inactiveUpdates;
  Json layers = Json::object();
  for (size_t p = 0; p < c.perPopulation.size(); ++p)
    layers[net.populations[p].name] = termsToJson(c.perPopulation[p]);
  j["per_layer_energy_pj"] = layers;
  j["snn_accumulates"] = c.snnAccumulates;
  j["snn_baseline_pj"] = c.snnBaselinePj;
  return j;
}

const char *kindName(const Population &pop) {
  switch (pop.kind) {
  case PopulationKind::Input:
    return "input";
  case PopulationKind::Spiking:
    return "spiking";
  case PopulationKind::Readout:
    return "readout";
  case PopulationKind::Relay:
    return pop.gradedRelay ? "relay" : "max_relay";
  }
  return "?";
}

std::string formatEnergy(double pj) {
  if (pj >= 1e6)
    return fmt::format("{:.3f} uJ", pj * 1e-6);
  if (pj >= 1e3)
    return fmt::format("{:.3f} nJ", pj * 1e-3);
  return fmt::format("{:.3f} pJ", pj);
}

} // namespace

/// Which partitioner was asked for and used, and what each one gave.
static Json partitionerJson(const HardwareModel &hw, const Mapping &m) {
  return Json{{"setting", partitionerName(hw.partitioner)},
              {"used", m.partitioner},
              {"structured_cores", m.structuredCores},
              {"structured_traffic", m.structuredTraffic},
              {"metis_cores", m.metisCores},
              {"metis_traffic", m.metisTraffic},
              {"metis_failure", m.metisFailure}};
}

/// Per population: shape, activity, inputs and its cores.
static Json layersJson(const Network &net, const MapResult &r) {
  const Mapping &m = r.mapping;
  Json layers = Json::array();
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const Population &pop = net.populations[p];
    Json l;
    l["name"] = pop.name;
    l["kind"] = kindName(pop);
    l["shape"] = {pop.channels, pop.height, pop.width};
    l["neurons"] = pop.size();
    l["spike_rate"] = r.activity.rate(net, int(p), net.numSteps);
    Json inputs = Json::array();
    for (const Projection &proj : pop.inputs)
      inputs.push_back({{"source", net.populations[proj.source].name},
                        {"synapse_layer", proj.synapseLayer},
                        {"via", proj.via},
                        {"synapses", proj.synapses},
                        {"distinct_weights", proj.distinctWeights},
                        {"mean_fanout", proj.meanFanout},
                        {"macs", proj.macs}});
    l["inputs"] = inputs;
    for (const PopulationMapping &pm : m.populations)
      if (pm.population == int(p)) {
        l["first_core"] = pm.firstCore;
        l["cores"] = pm.numCores;
        l["lower_bound"] = pm.lowerBound;
        l["lower_bound_by"] = pm.lowerBoundBy;
        l["block"] = {pm.blockC, pm.blockH, pm.blockW};
      }
    layers.push_back(l);
  }
  return layers;
}

/// Per core (block): its layer, block, usage and position.
static Json coresJson(const Network &net, const Mapping &m) {
  Json cores = Json::array();
  for (size_t i = 0; i < m.cores.size(); ++i) {
    const Core &c = m.cores[i];
    cores.push_back({{"index", i},
                     {"layer", net.populations[c.population].name},
                     {"block", {c.c0, c.c1, c.h0, c.h1, c.w0, c.w1}},
                     {"compartments", c.usage.compartments},
                     {"fanin_axons", c.usage.faninAxons},
                     {"fanout_axons", c.usage.fanoutAxons},
                     {"synapses", c.usage.synapses},
                     {"synapse_bits", c.usage.synapseBits},
                     {"table_entries", c.usage.tableEntries},
                     {"chip", c.chip},
                     {"tile", {c.tileX, c.tileY}},
                     {"slot", c.slot},
                     {"physical_core", c.physical}});
  }
  return cores;
}

/// Per link: the neurons it carries and its hops.
static Json linksJson(const Network &net, const Mapping &m) {
  Json links = Json::array();
  const Core host = hostPort();
  for (const CoreLink &l : m.links) {
    const Core &from = l.from < 0 ? host : m.cores[l.from];
    const Core &to = m.cores[l.to];
    links.push_back({{"from", l.from < 0 ? Json("host") : Json(l.from)},
                     {"to", l.to},
                     {"source_layer", net.populations[l.sourcePopulation].name},
                     {"neurons", l.neurons},
                     {"fanout_axons", l.fanoutAxons},
                     {"hops_x", std::abs(from.tileX - to.tileX)},
                     {"hops_y", std::abs(from.tileY - to.tileY)},
                     {"chip_crossings", std::abs(from.chip - to.chip)}});
  }
  return links;
}

/// The energy and latency report: the exit sweep, the totals at T and
/// T_exit, per step, and the ANN comparison, into `j`.
static void addEnergyJson(const Network &net, const MapResult &r, Json &j) {
  const EnergyReport &e = r.energy;
  Json sweep = Json::array();
  for (const ExitPoint &p : r.exitSweep)
    sweep.push_back(
        {{"threshold", p.threshold},
         {"exit_step", p.exitStep},
         {"accuracy", p.accuracy >= 0 ? Json(p.accuracy) : Json(nullptr)}});
  j["early_exit_sweep"] = sweep;
  j["at_T"] = costToJson(net, e.atT);
  j["at_T_exit"] = costToJson(net, e.atExit);
  Json steps = Json::array();
  for (const StepCost &s : e.perStep)
    steps.push_back({{"energy_pj", termsToJson(s.energy)},
                     {"latency_ns", s.latencyNs},
                     {"compute_ns", s.computeNs},
                     {"route_ns", s.routeNs},
                     {"barrier_ns", s.barrierNs},
                     {"synops", s.synops},
                     {"spikes", s.spikes}});
  j["per_step"] = steps;
  j["ann_comparison"] = {
      {"mac_pj", e.macPj},
      {"ac_pj", e.acPj},
      {"ann_macs", e.annMacs},
      {"ann_energy_pj", e.annBaselinePj},
      {"snn_energy_pj_at_T", e.atT.snnBaselinePj},
      {"snn_energy_pj_at_T_exit", e.atExit.snnBaselinePj},
      {"ann_over_snn_at_T",
       e.atT.snnBaselinePj > 0 ? e.annBaselinePj / e.atT.snnBaselinePj : 0.0},
      {"ann_over_snn_at_T_exit", e.atExit.snnBaselinePj > 0
                                     ? e.annBaselinePj / e.atExit.snnBaselinePj
                                     : 0.0}};
}

Json resultToJson(const Network &net, const MapResult &r) {
  const HardwareModel &hw = r.hw;
  const Mapping &m = r.mapping;
  Json j;
  j["model"] = net.modelName;
  if (!r.modelLabel.empty())
    j["model_label"] = r.modelLabel;
  j["hardware"] = hw.name;
  j["hardware_file"] = hw.file;
  j["num_steps"] = net.numSteps;
  j["early_exit_step"] = net.earlyExitStep;
  j["activity"] = r.activity.measured ? "profile" : "default-rate";
  j["notes"] = r.activity.notes;
  j["cores"] = m.numCores();
  j["blocks"] = m.cores.size();
  j["lower_bound"] = m.lowerBound;
  j["shared_lower_bound"] = m.sharedLowerBound;
  j["chips"] = m.chips;
  j["partitioner"] = partitionerJson(hw, m);
  j["pooling"] = {{"mode", r.pooling},
                  {"fallback_from_folded", r.poolingFallback}};
  j["limits"] = {{"compartments", hw.compartments},
                 {"fanin_axons", hw.faninAxons},
                 {"fanout_axons", hw.fanoutAxons},
                 {"population_axons", hw.populationAxons},
                 {"population_atoms", hw.populationAtoms},
                 {"population_axon_slots", hw.populationAxonSlots},
                 {"synapse_memory_bits", hw.synapseMemoryBytes * 8},
                 {"table_entries", hw.tableEntries},
                 {"tiles_x", hw.tilesX},
                 {"tiles_y", hw.tilesY},
                 {"cores_per_tile", hw.coresPerTile},
                 {"cores_per_chip", hw.coresPerChip()}};
  j["layers"] = layersJson(net, r);
  j["core_list"] = coresJson(net, m);
  j["links"] = linksJson(net, m);
  j["placement_cost_pj_per_step"] = {{"initial", m.placementCostInitial},
                                     {"final", m.placementCostFinal}};
  j["hop_traffic_per_step"] = {{"final", m.hopTrafficFinal},
                               {"serpentine", m.hopTrafficSerpentine},
                               {"random", m.hopTrafficRandom}};
  addEnergyJson(net, r, j);
  return j;
}

static int64_t distinctCount(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return std::unique(v.begin(), v.end()) - v.begin();
}

/// "partitioner: metis (structured: 15 cores, 12.3 spikes/step between
/// cores; metis: 12 cores, 9.1)"; nothing when METIS did not run.
static std::string partitionerLine(const Mapping &m) {
  if (m.metisCores == 0 && m.metisFailure.empty())
    return "";
  if (m.metisCores == 0)
    return fmt::format("partitioner: {} (structured: {} cores; metis: {})\n",
                       m.partitioner, m.structuredCores, m.metisFailure);
  return fmt::format("partitioner: {} (structured: {} cores, {:.4g} spike "
                     "messages per step between cores; metis: {} cores, "
                     "{:.4g})\n",
                     m.partitioner, m.structuredCores, m.structuredTraffic,
                     m.metisCores, m.metisTraffic);
}

/// One layer's line: its cores and the fullest block per limit.
static std::string populationLine(const Network &net, const MapResult &r,
                                  const PopulationMapping &pm) {
  const Mapping &m = r.mapping;
  const Population &pop = net.populations[pm.population];
  int64_t maxCompartments = 0, maxFanin = 0, maxFanout = 0, maxBits = 0;
  // One layer per core: the layer's cores (METIS may put several of its
  // blocks in one); shared cores: its blocks.
  std::vector<int> physical;
  for (int i = pm.firstCore; i < pm.firstCore + pm.numCores; ++i) {
    const CoreUsage &u = m.cores[i].usage;
    physical.push_back(m.cores[i].physical >= 0 ? m.cores[i].physical : i);
    maxCompartments = std::max(maxCompartments, u.compartments);
    maxFanin = std::max(maxFanin, u.faninAxons);
    maxFanout = std::max(maxFanout, u.fanoutAxons);
    maxBits = std::max(maxBits, u.synapseBits);
  }
  return fmt::format(
      "  {:<10} {:>7} neurons  {:>4} cores (bound {} by {})  max/core: "
      "compartments {:.0f}%, fan-in {:.0f}%, fan-out {:.0f}%, synapse "
      "memory {:.0f}%\n",
      pop.name, pop.size(),
      r.hw.shareCores ? int64_t(pm.numCores) : distinctCount(physical),
      pm.lowerBound, pm.lowerBoundBy,
      100.0 * maxCompartments / r.hw.compartments,
      100.0 * maxFanin / r.hw.faninAxons, 100.0 * maxFanout / r.hw.fanoutAxons,
      100.0 * maxBits / (8.0 * r.hw.synapseMemoryBytes));
}

std::string summaryText(const Network &net, const MapResult &r) {
  const Mapping &m = r.mapping;
  const EnergyReport &e = r.energy;
  std::string s;
  s += fmt::format("snnc-map: {} on {} (T = {}, T_exit = {}, activity: {})\n",
                   r.modelLabel.empty() ? net.modelName : r.modelLabel,
                   r.hw.name, net.numSteps, net.earlyExitStep,
                   r.activity.measured ? "measured profile" : "default rate");
  if (r.hw.shareCores)
    s += fmt::format("cores: {} shared by {} blocks (mapping.share_cores; "
                     "lower bound {} if cores mix layers, {} with one layer "
                     "per core), chips: {}\n",
                     m.numCores(), m.cores.size(), m.sharedLowerBound,
                     m.lowerBound, m.chips);
  else
    s += fmt::format("cores: {} (lower bound {}; {} if cores could mix "
                     "layers), chips: {}\n",
                     m.numCores(), m.lowerBound, m.sharedLowerBound, m.chips);
  s += partitionerLine(m);
  for (const PopulationMapping &pm : m.populations)
    s += populationLine(net, r, pm);
  auto line = [&](const char *label, const InferenceCost &c) {
    return fmt::format(
        "energy per inference at {} = {:>2} steps: {} (synops {}, updates "
        "{}, {}routing {}, static {}); latency {:.2f} us\n",
        label, c.steps, formatEnergy(c.energy.total()),
        formatEnergy(c.energy.synops),
        formatEnergy(c.energy.updatesActive + c.energy.updatesInactive),
        c.energy.spikeOut > 0
            ? "spike out " + formatEnergy(c.energy.spikeOut) + ", "
            : std::string(),
        formatEnergy(c.energy.routing), formatEnergy(c.energy.staticBarrier),
        c.latencyNs * 1e-3);
  };
  s += line("T     ", e.atT);
  s += line("T_exit", e.atExit);
  if (net.earlyExitStep < net.numSteps)
    s += fmt::format("early exit saves {:.1f}% of the energy\n",
                     100.0 * (1 - e.atExit.energy.total() /
                                      std::max(1e-30, e.atT.energy.total())));
  s += fmt::format(
      "ANN comparison (baseline {} pJ/MAC, {} pJ/AC): ANN {} ({} MACs) vs "
      "SNN {} at T_exit ({:.3g} ACs): ANN/SNN = {:.2f}\n",
      e.macPj, e.acPj, formatEnergy(e.annBaselinePj), e.annMacs,
      formatEnergy(e.atExit.snnBaselinePj), e.atExit.snnAccumulates,
      e.atExit.snnBaselinePj > 0 ? e.annBaselinePj / e.atExit.snnBaselinePj
                                 : 0.0);
  s += fmt::format("placement: hop-weighted traffic {:.4g} spike-hops per "
                   "step (serpentine in layer order {:.4g}, random {:.4g})\n",
                   m.hopTrafficFinal, m.hopTrafficSerpentine,
                   m.hopTrafficRandom);
  if (!r.poolingFallback.empty())
    s += fmt::format("pooling: relays (folded pooling does not fit: {})\n",
                     r.poolingFallback);
  std::string maxRelays;
  for (const Population &pop : net.populations)
    if (pop.kind == PopulationKind::Relay && !pop.gradedRelay)
      maxRelays += (maxRelays.empty() ? "'" : ", '") + pop.name + "'";
  if (!maxRelays.empty())
    s += fmt::format("max pooling: {} as relays of binary spikes (the OR of "
                     "the window: weights 1, threshold just above 0)\n",
                     maxRelays);
  for (const std::string &note : r.activity.notes)
    s += "note: " + note + "\n";
  return s;
}

} // namespace mapping
} // namespace snnc

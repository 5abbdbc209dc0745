//===- Energy.cpp - per-step energy and latency from mapping and activity -===//
//
// Activity is known per population and step; the mapping says which cores
// hold which neurons. Spikes and updates of a population are spread over its
// cores in proportion to their neurons, synaptic operations in proportion
// to their synapses (the runtime profile has no per-neuron counts). Routing
// energy uses each link's share of its source population's spikes; the
// routing latency of a step is the longest route that carries any spike.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Energy.h"

#include "LinkShares.h"

#include <algorithm>

namespace snnc {
namespace mapping {

EnergyTerms &EnergyTerms::operator+=(const EnergyTerms &o) {
  synops += o.synops;
  updatesActive += o.updatesActive;
  updatesInactive += o.updatesInactive;
  spikeOut += o.spikeOut;
  routing += o.routing;
  staticBarrier += o.staticBarrier;
  return *this;
}

namespace {

void accumulate(const EnergyReport &r, const Activity &activity, int steps,
                double acPj, InferenceCost *cost) {
  *cost = InferenceCost();
  cost->steps = steps;
  cost->perPopulation.assign(r.perPopulationStep.size(), EnergyTerms());
  for (int t = 0; t < steps; ++t) {
    const StepCost &s = r.perStep[t];
    cost->energy += s.energy;
    cost->latencyNs += s.latencyNs;
    cost->synops += s.synops;
    cost->spikes += s.spikes;
    cost->activeUpdates += s.activeUpdates;
    cost->inactiveUpdates += s.inactiveUpdates;
    for (size_t p = 0; p < r.perPopulationStep.size(); ++p)
      cost->perPopulation[p] += r.perPopulationStep[p][t];
    for (const auto &projections : activity.runtimeEvents)
      for (const auto &events : projections)
        cost->snnAccumulates += events[t];
  }
  cost->snnBaselinePj = cost->snnAccumulates * acPj;
}

/// Routing energy per source population and step (the links' shares of its
/// spikes times their route energy, summed in link order) and the longest
/// route that carries a spike per step. Link-major: a link's route is the
/// same in every step, so it is computed once, not once per step; its
/// spikes per step (its source's x neurons / source size) once per
/// LinkShares share, which also keeps the longest route of its links.
void routing(const Network &net, const HardwareModel &hw,
             const Mapping &mapping, const Activity &activity,
             std::vector<std::vector<double>> *energy,
             std::vector<double> *routeNs) {
  const size_t T = size_t(activity.steps);
  energy->assign(net.populations.size(), std::vector<double>(T, 0.0));
  routeNs->assign(T, 0.0);
  const detail::LinkShares shares(net, mapping);
  std::vector<double> spikes(shares.size() * T), longestNs(shares.size(), 0);
  for (int32_t k = 0; k < int32_t(shares.size()); ++k) {
    int source = shares.sourceOf(k);
    double size = double(net.populations[source].size());
    for (size_t t = 0; t < T; ++t)
      spikes[size_t(k) * T + t] =
          activity.spikes[source][t] * double(shares.neuronsOf(k)) / size;
  }
  const Core host = hostPort();
  for (const CoreLink &l : mapping.links) {
    const Core &from = l.from < 0 ? host : mapping.cores[l.from];
    const Core &to = mapping.cores[l.to];
    double pj = routeEnergy(hw, from, to);
    int32_t share = shares.of(l);
    const double *linkSpikes = spikes.data() + size_t(share) * T;
    double *out = (*energy)[l.sourcePopulation].data();
    for (size_t t = 0; t < T; ++t)
      out[t] += linkSpikes[t] * pj;
    longestNs[share] = std::max(longestNs[share], routeLatency(hw, from, to));
  }
  for (size_t k = 0; k < longestNs.size(); ++k)
    for (size_t t = 0; t < T; ++t)
      if (spikes[k * T + t] > 0)
        (*routeNs)[t] = std::max((*routeNs)[t], longestNs[k]);
}

/// The busiest physical core's compute time in step t: its blocks' shares
/// of their populations' synops (`synops[p]`, this step's) and updates (a
/// shared core serialises the work of all its blocks).
double slowestCoreNs(const Network &net, const HardwareModel &hw,
                     const Mapping &mapping, const Activity &activity,
                     const std::vector<int64_t> &synapsesOf,
                     const std::vector<double> &synops, int t,
                     std::vector<double> *busyNs) {
  const EventCosts &lat = hw.latencyNs;
  busyNs->assign(mapping.cores.size(), 0.0);
  double slowest = 0;
  for (size_t i = 0; i < mapping.cores.size(); ++i) {
    const Core &c = mapping.cores[i];
    const Population &pop = net.populations[c.population];
    double synShare =
        synapsesOf[c.population] > 0
            ? double(c.usage.synapses) / double(synapsesOf[c.population])
            : 0;
    double neuronShare = double(c.neurons()) / double(pop.size());
    double active = activity.activeUpdates[c.population][t] * neuronShare;
    double inactive = double(c.neurons()) - active;
    double spikes = pop.kind == PopulationKind::Spiking
                        ? activity.spikes[c.population][t] * neuronShare
                        : 0;
    double ns = synops[c.population] * synShare * lat.synop +
                active * lat.updateActive + inactive * lat.updateInactive +
                spikes * lat.spikeOut;
    double &busy = (*busyNs)[c.physical >= 0 ? size_t(c.physical) : i];
    busy += ns;
    slowest = std::max(slowest, busy);
  }
  return slowest;
}

} // namespace

void estimateEnergy(const Network &net, const HardwareModel &hw,
                    const HardwareModel &baseline, const Mapping &mapping,
                    const Activity &activity, EnergyReport *report) {
  EnergyReport &r = *report;
  r = EnergyReport();
  const int T = activity.steps;
  const size_t n = net.populations.size();
  r.perStep.assign(T, StepCost());
  r.perPopulationStep.assign(n, std::vector<EnergyTerms>(T));
  r.macPj = baseline.macEnergyPj;
  r.acPj = baseline.acEnergyPj;
  for (const Population &pop : net.populations)
    for (const Projection &p : pop.inputs)
      r.annMacs += p.macs;
  r.annBaselinePj = double(r.annMacs) * r.macPj;

  // Per-population totals used to share activity among cores.
  std::vector<int64_t> synapsesOf(n, 0);
  for (const Core &c : mapping.cores)
    synapsesOf[c.population] += c.usage.synapses;
  const EventCosts &e = hw.energyPj;
  std::vector<std::vector<double>> routingPj;
  std::vector<double> routeNs, synops(n), busyNs;
  routing(net, hw, mapping, activity, &routingPj, &routeNs);

  for (int t = 0; t < T; ++t) {
    StepCost &step = r.perStep[t];
    for (size_t p = 0; p < n; ++p) {
      const Population &pop = net.populations[p];
      EnergyTerms &terms = r.perPopulationStep[p][t];
      terms.routing = routingPj[p][t];
      if (pop.kind == PopulationKind::Spiking)
        step.spikes += activity.spikes[p][t];
      if (!pop.mapped())
        continue;
      synops[p] = 0;
      for (const auto &proj : activity.synops[p])
        synops[p] += proj[t];
      double active = activity.activeUpdates[p][t];
      double inactive = double(pop.size()) - active;
      terms.synops = synops[p] * e.synop;
      terms.updatesActive = active * e.updateActive;
      terms.updatesInactive = inactive * e.updateInactive;
      if (pop.kind == PopulationKind::Spiking)
        terms.spikeOut = activity.spikes[p][t] * e.spikeOut;
      step.synops += synops[p];
      step.activeUpdates += active;
      step.inactiveUpdates += inactive;
    }
    step.computeNs = slowestCoreNs(net, hw, mapping, activity, synapsesOf,
                                   synops, t, &busyNs);
    step.routeNs = routeNs[t];
    // The barrier spans the cores in use: interpolate between the small-
    // network and the full-chip figure; several chips pay the full figure.
    double span = mapping.chips > 1
                      ? 1.0
                      : double(std::max<int64_t>(1, mapping.numCores())) /
                            double(hw.coresPerChip());
    step.barrierNs =
        hw.barrierMinNs + (hw.barrierMaxNs - hw.barrierMinNs) * span;
    step.latencyNs = step.computeNs + step.routeNs + step.barrierNs;
    for (size_t p = 0; p < n; ++p)
      step.energy += r.perPopulationStep[p][t];
    // mW x ns = pJ.
    step.energy.staticBarrier =
        hw.staticPowerMwPerChip * mapping.chips * step.latencyNs;
  }
  accumulate(r, activity, T, r.acPj, &r.atT);
  accumulate(r, activity, net.earlyExitStep, r.acPj, &r.atExit);
}

} // namespace mapping
} // namespace snnc

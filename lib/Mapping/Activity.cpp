//===- Activity.cpp - snnc-run profiles to per-step activity --------------===//
//
// snnc-run reports spikes per step per LIF layer and one synaptic event
// count per weight layer (summed over samples and steps). The chip model
// needs more: per-step synaptic operations of the folded network and the
// split of neuron updates into active and inactive ones. This file derives
// them and says how in Activity::notes:
//  - synops of a projection straight from a spiking layer are the measured
//    events; through a folded pool they are spikes x mean folded fan-out;
//  - events are spread over steps in proportion to the source's spikes;
//  - the encoder's spikes are not in the profile: they are recovered from
//    the first weight layer's events divided by its mean fan-out;
//  - active updates: neurons with at least one input spike, assuming
//    independent inputs at the measured rates (the profile has no split);
//  - steps beyond the profile's run repeat its mean step.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Activity.h"

#include "snnc/modelbin/EarlyExit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace snnc {
namespace mapping {

namespace {

/// A pooling relay sends a spike (graded for an average pool, binary for a max
/// pool) when any input of its window spiked:
/// with independent inputs, N (1 - (1 - r)^window) per step. When a weight
/// layer reads the relay directly and the profile measured its events (as
/// snnc-run counts them: non-zero pooled values x targets), the estimate is
/// scaled to match them.
void estimateRelay(const Network &net, const Profile *profile, int p,
                   Activity *a) {
  const Population &pop = net.populations[p];
  const Projection &in = pop.inputs[0];
  const Population &source = net.populations[in.source];
  double window = double(in.synapses) / double(pop.size());
  std::vector<double> &spikes = a->spikes[p];
  for (int t = 0; t < a->steps; ++t) {
    double r = std::min(1.0, a->spikes[in.source][t] / double(source.size()));
    spikes[t] = double(pop.size()) * (1 - std::pow(1 - r, window));
  }
  if (!profile)
    return;
  for (const Population &consumer : net.populations)
    for (const Projection &proj : consumer.inputs) {
      auto it = profile->synapticEvents.find(proj.synapseLayer);
      if (proj.source != p || proj.folded || proj.meanFanout <= 0 ||
          it == profile->synapticEvents.end())
        continue;
      int steps = std::max(
          1, std::min(a->steps, int(std::ceil(profile->meanStepsExecuted))));
      double estimated = 0;
      for (int t = 0; t < steps; ++t)
        estimated += spikes[t];
      double measured = it->second / double(profile->samples) / proj.meanFanout;
      if (estimated > 0)
        for (double &s : spikes)
          s *= measured / estimated;
      a->notes.push_back(fmt::format(
          "{} spikes of relay '{}' per step: window-any-spike estimate "
          "scaled to the measured events of '{}'",
          pop.gradedRelay ? "graded" : "binary", pop.name, proj.synapseLayer));
      return;
    }
}

} // namespace

double Activity::rate(const Network &net, int population, int upTo) const {
  double sum = 0;
  int n = std::min<int>(upTo, int(spikes[population].size()));
  for (int t = 0; t < n; ++t)
    sum += spikes[population][t];
  double neurons = double(net.populations[population].size());
  return n > 0 ? sum / (n * neurons) : 0;
}

void estimateActivity(const Network &net, const Profile *profile,
                      double defaultRate, Activity *activity) {
  const int T = net.numSteps;
  const size_t n = net.populations.size();
  Activity &a = *activity;
  a = Activity();
  a.measured = profile != nullptr;
  if (profile) {
    a.accuracyPerStep = profile->accuracyPerStep;
    a.notes = profile->notes;
  }
  a.steps = T;
  a.spikes.assign(n, std::vector<double>(T, 0.0));
  a.synops.resize(n);
  a.runtimeEvents.resize(n);
  a.activeUpdates.assign(n, std::vector<double>(T, 0.0));
  if (!profile)
    a.notes.push_back(fmt::format(
        "no profile: every spiking layer and the encoder are assumed to spike "
        "at {} per neuron per step (--default-rate); pass --profile RUN.json "
        "from snnc-run --json for measured activity",
        defaultRate));
  bool extrapolated = false;
  // Spiking layers: measured per-step counts, per inference.
  for (size_t p = 0; p < n; ++p) {
    const Population &pop = net.populations[p];
    if (pop.kind == PopulationKind::Readout)
      continue;
    if (pop.kind == PopulationKind::Relay) {
      estimateRelay(net, profile, int(p), &a);
      continue;
    }
    if (!profile || pop.kind == PopulationKind::Input) {
      std::fill(a.spikes[p].begin(), a.spikes[p].end(),
                defaultRate * double(pop.size()));
      continue;
    }
    const std::vector<double> &counts = profile->spikes.at(pop.name);
    double mean = 0;
    for (double c : counts)
      mean += c / double(profile->samples);
    mean /= double(counts.size());
    for (int t = 0; t < T; ++t)
      a.spikes[p][t] =
          t < int(counts.size()) ? counts[t] / double(profile->samples) : mean;
    extrapolated |= int(counts.size()) < T;
  }
  // The encoder: recovered from a direct projection's measured events.
  if (profile)
    for (size_t p = 0; p < n; ++p) {
      if (net.populations[p].kind != PopulationKind::Input)
        continue;
      bool recovered = false;
      for (const Population &target : net.populations)
        for (const Projection &proj : target.inputs) {
          auto it = profile->synapticEvents.find(proj.synapseLayer);
          if (recovered || proj.source != int(p) || proj.folded ||
              it == profile->synapticEvents.end() || proj.meanFanout <= 0)
            continue;
          double perStep = it->second / double(profile->samples) /
                           profile->meanStepsExecuted / proj.meanFanout;
          std::fill(a.spikes[p].begin(), a.spikes[p].end(), perStep);
          recovered = true;
        }
      if (recovered)
        a.notes.push_back(fmt::format(
            "input spikes of '{}' recovered from the first weight layer's "
            "synaptic events / its mean fan-out, spread evenly over steps",
            net.populations[p].name));
      else
        a.notes.push_back(fmt::format("input spikes of '{}' not measurable "
                                      "from the profile: default rate {}",
                                      net.populations[p].name, defaultRate));
    }
  if (extrapolated)
    a.notes.push_back("the profile ran fewer than T steps: later steps repeat "
                      "the mean measured step (run snnc-run --full to measure "
                      "all T)");
  bool foldedEstimate = false;
  for (size_t p = 0; p < n; ++p) {
    const Population &pop = net.populations[p];
    a.synops[p].assign(pop.inputs.size(), std::vector<double>(T, 0.0));
    a.runtimeEvents[p].assign(pop.inputs.size(), std::vector<double>(T, 0.0));
    for (size_t i = 0; i < pop.inputs.size(); ++i) {
      const Projection &proj = pop.inputs[i];
      const std::vector<double> &src = a.spikes[proj.source];
      double measuredSpikes = 0;
      int measuredSteps =
          profile
              ? std::max(
                    1, std::min(T, int(std::ceil(profile->meanStepsExecuted))))
              : T;
      for (int t = 0; t < measuredSteps; ++t)
        measuredSpikes += src[t];
      const double *events = nullptr;
      if (profile) {
        auto it = profile->synapticEvents.find(proj.synapseLayer);
        if (it != profile->synapticEvents.end())
          events = &it->second;
      }
      for (int t = 0; t < T; ++t) {
        double share = measuredSpikes > 0 ? src[t] / measuredSpikes : 0;
        double perInference = events ? *events / double(profile->samples) : 0;
        a.synops[p][i][t] = events && !proj.folded ? perInference * share
                                                   : src[t] * proj.meanFanout;
        a.runtimeEvents[p][i][t] =
            events ? perInference * share
                   : a.synops[p][i][t] * double(proj.macs) /
                         double(std::max<int64_t>(1, proj.synapses));
      }
      foldedEstimate |= proj.folded;
    }
  }
  if (foldedEstimate)
    a.notes.push_back("synops through a folded pooling layer = source spikes x "
                      "mean folded fan-out (boundary neurons have fewer)");
  // Active updates: a neuron is active when it spikes or receives input.
  for (size_t p = 0; p < n; ++p) {
    const Population &pop = net.populations[p];
    if (!pop.mapped())
      continue;
    for (int t = 0; t < T; ++t) {
      double logQuiet = 0;
      for (const Projection &proj : pop.inputs) {
        double r = a.spikes[proj.source][t] /
                   double(net.populations[proj.source].size());
        double fanin = double(proj.synapses) / double(pop.size());
        logQuiet += r >= 1 ? -INFINITY : fanin * std::log1p(-r);
      }
      double active = double(pop.size()) * (1 - std::exp(logQuiet));
      a.activeUpdates[p][t] =
          std::min(double(pop.size()), std::max(active, a.spikes[p][t]));
    }
  }
  a.notes.push_back("active neuron updates estimated as neurons receiving at "
                    "least one input spike (independent inputs at the layer "
                    "rates) or spiking; the rest are inactive updates");
}

std::vector<ExitPoint> exitSweep(const Network &net, const Activity &a) {
  double largest = 0;
  for (const Network::Gamma &g : net.gammaMean)
    for (double m : g.mean)
      largest = std::max(largest, m);
  std::vector<ExitPoint> points;
  if (largest <= 0)
    return points;
  constexpr int kThresholds = 40;
  for (int k = 1; k <= kThresholds; ++k) {
    ExitPoint p;
    p.threshold = largest * 1.05 * k / kThresholds;
    p.exitStep = int(modelbin::earlyExitStep(
        net.gammaMean.size(), net.numSteps, p.threshold,
        [&](size_t l, int64_t t) { return net.gammaMean[l].mean[t]; }));
    if (size_t(p.exitStep) <= a.accuracyPerStep.size())
      p.accuracy = a.accuracyPerStep[p.exitStep - 1];
    points.push_back(p);
  }
  return points;
}

} // namespace mapping
} // namespace snnc

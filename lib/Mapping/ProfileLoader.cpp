//===- ProfileLoader.cpp - read snnc-run's run.json as a mapping profile --===//
//
// Reads the run report through rt::RunReport (the runtime owns run.json's
// schema) and checks it against the network before the activity model uses
// it: the run succeeded, it was measured on this model (when the identity is
// known), every LIF population is present, and every count is possible.
// Part of SNNMappingReport, the library of loaders and renderers.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Loaders.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace snnc {
namespace mapping {

namespace {

bool fail(std::string *error, const std::string &msg) {
  *error = msg;
  return false;
}

/// The run report's model identity against the model being mapped.
bool checkIdentity(const std::string &path, const rt::RunReport &r,
                   const rt::ModelIdentity *model, Profile *profile,
                   std::string *error) {
  if (!r.model.known) {
    profile->identityUnchecked = true;
    profile->notes.push_back(fmt::format(
        "the profile {} records no model identity (written by an older "
        "snnc-run, or by hand): it was not checked to come from this model; "
        "rerun snnc-run --json to record it",
        path));
    return true;
  }
  if (!model || model->sameModel(r.model))
    return true;
  return fail(error,
              fmt::format("{}: model: the profile was measured on '{}' ({}) "
                          "but the model is '{}' ({}); rerun snnc-run on this "
                          "model",
                          path, r.model.path, r.model.describe(), model->path,
                          model->describe()));
}

/// Per-step spike counts of every LIF layer: names, lengths, and at most one
/// spike per neuron per step and sample executed.
bool readSpikes(const rt::RunReport &r, const Network &net, Profile *profile,
                std::string *error) {
  auto bad = [&](const std::string &field, const std::string &rule) {
    return fail(error, fmt::format("{}: {}: {}", profile->file, field, rule));
  };
  double stepsRun = -1; // sum of steps executed over samples, when known
  if (r.stepsExecuted.size() == size_t(r.samples)) {
    stepsRun = 0;
    for (int s : r.stepsExecuted)
      stepsRun += s;
  }
  for (const auto &[name, counts] : r.spikes) {
    int p = net.find(name);
    if (p < 0 || net.populations[p].kind != PopulationKind::Spiking)
      return bad("spikes." + name, "not a LIF layer of the model");
    if (counts.empty() || counts.size() > size_t(net.numSteps))
      return bad("spikes." + name,
                 fmt::format("expected 1 to {} per-step counts", net.numSteps));
    double neurons = double(net.populations[p].size()), total = 0;
    std::vector<double> v;
    for (size_t t = 0; t < counts.size(); ++t) {
      double c = double(counts[t]);
      if (c > neurons * double(r.samples))
        return bad("spikes." + name,
                   fmt::format("{} spikes at step {} exceed {} neurons x {} "
                               "samples",
                               counts[t], t, neurons, r.samples));
      total += c;
      v.push_back(c);
    }
    if (stepsRun >= 0 && total > neurons * stepsRun)
      return bad("spikes." + name,
                 fmt::format("{} spikes exceed {} neurons x {} steps executed",
                             total, neurons, stepsRun));
    profile->spikes[name] = std::move(v);
  }
  for (const Population &pop : net.populations)
    if (pop.kind == PopulationKind::Spiking && !profile->spikes.count(pop.name))
      return bad("spikes",
                 fmt::format("no counts for LIF layer '{}'", pop.name));
  return true;
}

/// Synaptic events: weight layers of the model, at most the layer's
/// multiply-accumulates per step and sample.
bool readEvents(const rt::RunReport &r, const Network &net, int budget,
                Profile *profile, std::string *error) {
  for (const auto &[name, count] : r.synapticEvents) {
    bool known = false;
    int64_t macs = 0;
    for (const Population &pop : net.populations)
      for (const Projection &p : pop.inputs)
        if (p.synapseLayer == name) {
          known = true;
          macs = std::max(macs, p.macs);
        }
    if (!known)
      return fail(error, fmt::format("{}: synaptic_events.{}: not a CONV2D or "
                                     "DENSE layer of the model",
                                     profile->file, name));
    double most = double(macs) * double(r.samples) * double(budget);
    if (macs > 0 && double(count) > most)
      return fail(error, fmt::format("{}: synaptic_events.{}: {} events "
                                     "exceed {} multiply-accumulates x {} "
                                     "samples x {} steps",
                                     profile->file, name, count, macs,
                                     r.samples, budget));
    profile->synapticEvents[name] = double(count);
  }
  return true;
}

} // namespace

bool readProfile(const std::string &path, const Network &net, Profile *profile,
                 std::string *error, const rt::ModelIdentity *model) {
  rt::RunReport r;
  if (!rt::readRunReport(path, &r, error))
    return false;
  *profile = Profile();
  profile->file = path;
  if (r.status != "ok")
    return fail(error, fmt::format("{}: status: the run failed ({}); rerun "
                                   "snnc-run",
                                   path, r.error));
  if (!checkIdentity(path, r, model, profile, error))
    return false;
  profile->samples = r.samples;
  if (r.numSteps && r.numSteps != net.numSteps)
    return fail(error, fmt::format("{}: num_steps: the profile was measured "
                                   "with T = {} but the model has T = {}",
                                   path, r.numSteps, net.numSteps));
  if (!readSpikes(r, net, profile, error))
    return false;
  size_t longest = 0;
  for (const auto &s : profile->spikes)
    longest = std::max(longest, s.second.size());
  profile->steps = std::max(int(longest), std::min(r.steps, net.numSteps));
  if (!readEvents(r, net, profile->steps, profile, error))
    return false;
  profile->meanStepsExecuted =
      r.meanStepsExecuted > 0 ? r.meanStepsExecuted : double(longest);
  if (r.hasAccuracy)
    profile->accuracy = r.accuracy;
  if (r.accuracyPerStep.size() > size_t(net.numSteps))
    return fail(error, fmt::format("{}: accuracy_per_step: expected at most "
                                   "{} values",
                                   path, net.numSteps));
  profile->accuracyPerStep = r.accuracyPerStep;
  return true;
}

} // namespace mapping
} // namespace snnc

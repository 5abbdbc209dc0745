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

#include <sstream>

namespace snnc {
namespace mapping {

bool runMapping(const Network &net, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error) {
  *result = MapResult();
  result->net = net;
  result->hw = hw;
  if (net.relayPooling == hw.foldPooling) {
    *error = "internal: network built for the other pooling mode";
    return false;
  }
  for (const Population &pop : net.populations)
    if (pop.kind == PopulationKind::Relay && !hw.gradedSpikes) {
      *error = fmt::format(
          "layer '{}' cannot be mapped on {}: as a pooling relay it sends "
          "graded spikes (window averages) but core.graded_spikes is false "
          "(set mapping.fold_pooling = true to fold pooling into synapses)",
          pop.name, hw.name);
      return false;
    }
  if (!validateHardware(hw, error) ||
      !partitionNetwork(net, hw, &result->mapping, error))
    return false;
  estimateActivity(net, profile, defaultRate, &result->activity);
  result->exitSweep = exitSweep(net, result->activity);
  std::vector<double> rates(net.populations.size());
  for (size_t p = 0; p < rates.size(); ++p)
    rates[p] = result->activity.rate(net, int(p), net.numSteps);
  placeCores(net, hw, rates, &result->mapping);
  estimateEnergy(net, hw, baseline, result->mapping, result->activity,
                 &result->energy);
  return true;
}

bool runMapping(const modelbin::Model &model, const HardwareModel &hw,
                const HardwareModel &baseline, const Profile *profile,
                double defaultRate, MapResult *result, std::string *error) {
  Network net;
  if (!buildNetwork(model, &net, error, !hw.foldPooling))
    return false;
  return runMapping(net, hw, baseline, profile, defaultRate, result, error);
}

bool parseSweepAxis(const std::string &text, const HardwareModel &hw,
                    SweepAxis *axis, std::string *error) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    *error = fmt::format("--sweep '{}': expected key=v1,v2,...", text);
    return false;
  }
  axis->key = text.substr(0, eq);
  axis->values.clear();
  std::stringstream values(text.substr(eq + 1));
  std::string value;
  while (std::getline(values, value, ','))
    axis->values.push_back(value);
  if (text.back() == ',')
    axis->values.push_back("");
  for (const std::string &v : axis->values) {
    if (v.empty()) {
      *error = fmt::format("--sweep '{}': empty value", text);
      return false;
    }
    // Each value must be valid on its own (type, range); cross-field rules
    // such as weight_bits <= max_weight_bits are per point, in the CSV.
    HardwareModel probe = hw;
    probe.maxWeightBits = INT64_MAX / 4;
    probe.barrierMaxNs = 1e300;
    std::string why;
    if (!overrideParameter(&probe, axis->key, v, &why) &&
        why.find("exceeds") == std::string::npos) {
      *error = why;
      return false;
    }
  }
  return true;
}

namespace {

std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string quoted = "\"";
  for (char c : s)
    quoted +=
        c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
  return quoted + "\"";
}

} // namespace

std::string runSweep(const modelbin::Model &model, const HardwareModel &hw,
                     const HardwareModel &baseline, const Profile *profile,
                     double defaultRate, const std::vector<SweepAxis> &axes) {
  std::string csv;
  for (const SweepAxis &axis : axes)
    csv += csvField(axis.key) + ",";
  csv += "status,cores,lower_bound,chips,max_compartment_util,"
         "energy_T_uJ,energy_Texit_uJ,latency_T_us,latency_Texit_us,"
         "synops_pJ,updates_pJ,routing_pJ,static_pJ,ann_ratio_Texit,reason\n";
  std::vector<size_t> index(axes.size(), 0);
  for (bool done = false; !done;) {
    HardwareModel point = hw;
    std::string reason, row;
    bool ok = true;
    for (size_t a = 0; a < axes.size(); ++a) {
      const std::string &v = axes[a].values[index[a]];
      row += csvField(v) + ",";
      if (ok && !overrideParameter(&point, axes[a].key, v, &reason))
        ok = false;
    }
    MapResult r;
    if (ok)
      ok =
          runMapping(model, point, baseline, profile, defaultRate, &r, &reason);
    if (ok) {
      const InferenceCost &T = r.energy.atT, &X = r.energy.atExit;
      double util = 0;
      for (const Core &c : r.mapping.cores)
        util = std::max(util, double(c.usage.compartments) /
                                  double(point.compartments));
      double ratio =
          X.snnBaselinePj > 0 ? r.energy.annBaselinePj / X.snnBaselinePj : 0;
      row += fmt::format(
          "ok,{},{},{},{:.4f},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
          "{:.6g},{:.6g},{:.6g},{:.6g},",
          r.mapping.cores.size(), r.mapping.lowerBound, r.mapping.chips, util,
          T.energy.total() * 1e-6, X.energy.total() * 1e-6, T.latencyNs * 1e-3,
          X.latencyNs * 1e-3, X.energy.synops,
          X.energy.updatesActive + X.energy.updatesInactive, X.energy.routing,
          X.energy.staticBarrier, ratio);
    } else {
      row += "unmappable,,,,,,,,,,,,,,";
      row += csvField(reason);
    }
    csv += row + "\n";
    done = axes.empty();
    // Odometer over the axes, last axis fastest.
    size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++index[a] < axes[a].values.size())
        break;
      index[a] = 0;
      if (a == 0)
        done = true;
    }
  }
  return csv;
}

} // namespace mapping
} // namespace snnc

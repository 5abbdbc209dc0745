//===- Energy.h - energy and latency of a mapped network per inference ----===//
//
// The energy model (docs/mapping.md) per time step t:
//   E_t = synops_t x E_synop + active_t x E_active + inactive_t x E_inactive
//       + spikes_t x E_spike_out (mapped spiking neurons)
//       + sum over links of spikes_t x route energy (message, within tile,
//         hops)
//       + static power x chips x step latency
// and the latency of a step is the slowest core's synaptic and update work
// plus the longest route carrying spikes plus the barrier. An inference of
// S steps sums its first S steps; the report gives S = T and S = T_exit.
// The ANN comparison uses the baseline technology: MACs of the same network
// as an ANN x E_MAC against the SNN's synaptic events x E_AC.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_ENERGY_H
#define SNNC_MAPPING_ENERGY_H

#include "snnc/Mapping/Activity.h"
#include "snnc/Mapping/Mapping.h"

#include <vector>

namespace snnc {
namespace mapping {

/// Energy terms in pJ.
struct EnergyTerms {
  double synops = 0;
  double updatesActive = 0;
  double updatesInactive = 0;
  double spikeOut = 0; ///< spikes emitted x energy_pj.spike_out
  double routing = 0;  ///< messages x (message + within tile + hops)
  double staticBarrier = 0;

  double total() const {
    return synops + updatesActive + updatesInactive + spikeOut + routing +
           staticBarrier;
  }
  EnergyTerms &operator+=(const EnergyTerms &o);
};

struct StepCost {
  EnergyTerms energy;
  double latencyNs = 0;
  double computeNs = 0, routeNs = 0, barrierNs = 0;
  double synops = 0, spikes = 0, activeUpdates = 0, inactiveUpdates = 0;
};

/// Totals over the first `steps` steps.
struct InferenceCost {
  int steps = 0;
  EnergyTerms energy;
  std::vector<EnergyTerms> perPopulation; ///< static energy not attributed
  double latencyNs = 0;
  double synops = 0, spikes = 0, activeUpdates = 0, inactiveUpdates = 0;
  double snnAccumulates = 0; ///< synaptic events (runtime definition)
  double snnBaselinePj = 0;  ///< snnAccumulates x E_AC
};

struct EnergyReport {
  std::vector<StepCost> perStep; ///< T entries
  /// [population][t] energy, static excluded (for plots).
  std::vector<std::vector<EnergyTerms>> perPopulationStep;
  InferenceCost atT, atExit;
  int64_t annMacs = 0;
  double annBaselinePj = 0; ///< annMacs x E_MAC (one pass)
  double macPj = 0, acPj = 0;
};

/// `baseline` is the chip's baseline technology (E_MAC, E_AC).
void estimateEnergy(const Network &net, const HardwareModel &hw,
                    const HardwareModel &baseline, const Mapping &mapping,
                    const Activity &activity, EnergyReport *report);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_ENERGY_H

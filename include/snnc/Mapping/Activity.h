//===- Activity.h - measured or assumed spike activity per step -----------===//
//
// The energy model needs, per inference and per time step, how many spikes
// each population emits, how many synaptic operations each projection does
// and how many neuron updates are "active". A Profile is the JSON written by
// `snnc-run --json`; Activity turns it (or, without one, a default spike
// rate) into those per-step numbers and records every approximation it made
// in `notes`, which the report prints. The JSON schema is the runtime's
// (snnc/runtime/RunReport.h).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_ACTIVITY_H
#define SNNC_MAPPING_ACTIVITY_H

#include "snnc/Mapping/Network.h"

#include <map>
#include <string>
#include <vector>

namespace snnc {
namespace mapping {

struct Profile {
  std::string file;
  int64_t samples = 0;
  int steps = 0; ///< the run's step budget
  double meanStepsExecuted = 0;
  std::map<std::string, std::vector<double>> spikes; ///< summed over samples
  std::map<std::string, double> synapticEvents;      ///< summed over samples
  double accuracy = -1;                              ///< < 0: unknown
  /// Accuracy if stopped after step 1, 2, ... (snnc-run --per-step); empty
  /// when the run did not record it.
  std::vector<double> accuracyPerStep;
  /// What could not be checked (e.g. no model identity), for the report.
  std::vector<std::string> notes;
  /// The report records no model identity (snnc-map warns: SNNC-PROFILE-002).
  bool identityUnchecked = false;
};

struct Activity {
  bool measured = false;
  int steps = 0; ///< T: every vector below has T entries
  /// [population][t]: spikes per inference (the input population included).
  std::vector<std::vector<double>> spikes;
  /// [population][projection][t]: synaptic operations on the chip (pooling
  /// folded: every pre-pool spike reaches all its folded targets).
  std::vector<std::vector<std::vector<double>>> synops;
  /// [population][projection][t]: synaptic events as snnc-run counts them
  /// (pooled inputs), used for the cmos45 accumulate comparison.
  std::vector<std::vector<std::vector<double>>> runtimeEvents;
  /// [population][t]: neurons updated with input or a spike this step.
  std::vector<std::vector<double>> activeUpdates;
  /// The profile's accuracy after each step (Profile::accuracyPerStep).
  std::vector<double> accuracyPerStep;
  std::vector<std::string> notes;

  /// Mean spikes per neuron per step over the first `steps` steps.
  double rate(const Network &net, int population, int steps) const;
};

/// Builds the per-step activity from `profile` (may be null: then every
/// population spikes at `defaultRate` per neuron per step).
void estimateActivity(const Network &net, const Profile *profile,
                      double defaultRate, Activity *activity);

/// One point of the paper's Fig. 7: the early-exit step that a gamma threshold
/// gives, and the profile's accuracy after that many steps (< 0: unknown).
struct ExitPoint {
  double threshold = 0;
  int exitStep = 0;
  double accuracy = -1;
};

/// The early-exit step (and accuracy, from Activity::accuracyPerStep) at 40
/// evenly spaced thresholds up to 1.05 x the largest mean gamma; empty when
/// the model has no gamma table or no positive mean.
std::vector<ExitPoint> exitSweep(const Network &net, const Activity &activity);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_ACTIVITY_H

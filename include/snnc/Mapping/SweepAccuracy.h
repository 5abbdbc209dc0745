//===- SweepAccuracy.h - join measured accuracy to a weight_bits sweep ----===//
//
// `snnc-map MODEL --sweep weight_bits=8,6,4 --accuracy 8=r8.json,6=r6.json,
// 4=r4.json[,float32=rf.json]` (docs/fixed-point.md section 6): every run is
// the `snnc-run --json` of a `snnc --quantize=loihi --weight-bits N` build of
// the mapped model's source (float32: the float build). The join checks each
// run against the mapped model (the run's identity, then the model.bin it
// ran: the same source digest, T and layer names, the stated bits), and a
// sweep point then takes its activity (spikes, synaptic events) and its
// accuracy from the run of its weight_bits, so the CSV/JSON/HTML rows show
// cores, energy and accuracy of one build side by side. Part of
// SNNMappingReport (it reads run.json through the profile loader).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_MAPPING_SWEEPACCURACY_H
#define SNNC_MAPPING_SWEEPACCURACY_H

#include "snnc/Mapping/Pipeline.h"

#include <string>
#include <utility>
#include <vector>

namespace snnc {
namespace modelbin {
class Model;
}
namespace mapping {

/// One BITS=RUN.json of --accuracy: `bits` canonical ("8"), or "float32".
struct AccuracySpec {
  std::string bits, file;
};

/// The runs of one mapped model, checked, keyed by canonical bits.
struct AccuracyJoin {
  size_t axis = 0; ///< index of the weight_bits axis of the sweep
  std::vector<std::pair<std::string, PointRun>> runs;
  PointRun floatRun;
  bool hasFloat = false;
  /// The run of a point (by its weight_bits value), or null.
  const PointRun *find(const std::vector<std::string> &values) const;
};

/// Parses --accuracy values ("BITS=RUN.json", comma-separated, repeatable):
/// BITS is 1..8 or float32, each at most once. Usage errors only.
bool parseAccuracySpecs(const std::vector<std::string> &texts,
                        std::vector<AccuracySpec> *specs, std::string *error);

/// Checks the specs against the sweep: a weight_bits axis exists, every one
/// of its values has a run and every run's bits are swept (usage errors).
bool matchAccuracyAxis(const std::vector<AccuracySpec> &specs,
                       const std::vector<SweepAxis> &axes, size_t *axis,
                       std::string *error);

/// Loads and checks every run against the mapped model (`modelPath`, read
/// into `model`). On failure `*file` is the run the error is about; all
/// such errors are invalid input (exit 1).
bool loadAccuracyRuns(const std::vector<AccuracySpec> &specs, size_t axis,
                      const std::string &modelPath,
                      const modelbin::Model &model, AccuracyJoin *join,
                      std::string *error, std::string *file);

/// Sets `options->runOf` to look points up in `join` (which must outlive the
/// sweep).
void useAccuracyJoin(const AccuracyJoin &join, SweepOptions *options);

} // namespace mapping
} // namespace snnc

#endif // SNNC_MAPPING_SWEEPACCURACY_H

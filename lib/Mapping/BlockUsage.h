//===- BlockUsage.h - per-core resource usage of a block of neurons -------===//
//
// The one place that turns a block [c0,c1) x [h0,h1) x [w0,w1) of a
// population into the resources a core needs for it. The post-synaptic
// part (compartments, fan-in axons, synapses and their memory, table
// entries) depends only on the block; it factorises per projection into a
// row factor, a column factor and a channel factor, so the partitioner can
// reuse the factors of a row band or a column block across many blocks.
// The fan-out part depends on the consumers' cores; FanoutReaders turns
// them into a summed-volume table over the source population, so the
// fan-out of any block is O(1). Shared by Partition.cpp (search) and
// PartitionBounds.cpp (lower bounds).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_LIB_MAPPING_BLOCKUSAGE_H
#define SNNC_LIB_MAPPING_BLOCKUSAGE_H

#include "snnc/Mapping/Mapping.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace snnc {
namespace mapping {
namespace detail {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Distinct values of ceil(n / k) for k = 1..n, in O(sqrt(n)).
std::vector<int64_t> blockSizes(int64_t n);

/// The one rule for axons (docs/mapping.md, "Population axons"). With
/// binary axons an input axon carries one source neuron. With
/// core.population_axons it carries one source position and a group of
/// core.population_atoms channels (groups aligned to multiples of it, so
/// that every source core feeding a position agrees on the groups); the
/// spike's atom picks the channel's weights.
int64_t atomsPerAxon(const HardwareModel &hw);
/// The input axon (within its source population) that carries `neuron`.
int64_t axonOf(const HardwareModel &hw, const Population &source,
               int64_t neuron);
/// Input axons a core needs for source channels [ch0, ch1) at `positions`
/// distinct source positions.
int64_t inputAxons(const HardwareModel &hw, int64_t positions, int64_t ch0,
                   int64_t ch1);
/// Output-axon entries a source core needs to reach the input axons that
/// carry its channels [ch0, ch1) at `positions` positions in one core.
int64_t outputSlots(const HardwareModel &hw, int64_t positions, int64_t ch0,
                    int64_t ch1);
/// Output-axon entries per input axon reached.
int64_t slotsPerAxon(const HardwareModel &hw);

/// Source channel range [first, last) that target channels [c0, c1) read.
std::pair<int64_t, int64_t> sourceChannels(const Projection &p,
                                           const Population &source, int64_t c0,
                                           int64_t c1);

/// Marks the source coordinates that targets [t0, t1) read; returns
/// (distinct sources, sum over targets of their sources).
struct DimFactor {
  int64_t distinct = 0, sum = 0;
};
DimFactor unionOf(const DimensionMap &m, bool allToAll, int64_t t0, int64_t t1,
                  std::vector<char> *mask);

/// Inclusive-exclusive prefix counts of a mask: before[i] = marked
/// entries in [0, i), so [a, b) holds before[b] - before[a] (size + 1).
std::vector<int32_t> prefixCounts(const std::vector<char> &mask);

/// Per-projection factors of one dimension of a block.
using Factors = std::vector<DimFactor>;
Factors rowFactors(const Population &pop, int64_t h0, int64_t h1);
Factors colFactors(const Population &pop, int64_t w0, int64_t w1);

/// Post-synaptic usage of channels [c0, c1) with the given row and column
/// factors (fan-out left at 0).
CoreUsage usageOf(const Network &net, const HardwareModel &hw,
                  const Population &pop, int64_t c0, int64_t c1,
                  const Factors &rows, const Factors &cols);
CoreUsage usageOf(const Network &net, const HardwareModel &hw,
                  const Core &core);

/// Exact usage of one core holding several blocks, without its fan-out
/// (which depends on the other cores): compartments and synapses add up;
/// an axon serves every synapse of its source neurons in the core, so
/// fan-in axons are the distinct axons (axonOf) of the source neurons of
/// all its blocks; tables and shared conv kernels are stored once per
/// channel of a population. `onSource(source population, neuron)` is
/// called once per source neuron the core reads.
/// Reusable: per-population marks are kept between calls.
class CoreUsageCounter {
public:
  CoreUsageCounter(const Network &net, const HardwareModel &hw);
  CoreUsage core(const std::vector<Core> &blocks,
                 const std::vector<int> &members,
                 const std::function<void(int, int64_t)> &onSource = nullptr);

private:
  bool mark(std::vector<int32_t> &stamps, int64_t size, int64_t i);
  const Network &net;
  const HardwareModel &hw;
  int32_t epoch = -1;
  std::vector<std::vector<int32_t>> neurons, axons, channels; // per population
  std::vector<char> rowMask, colMask;
};

/// Exact usage of cores that hold several blocks (mapping.share_cores, the
/// parts of MetisPartition.cpp): block b lies in core coreOf[b] of
/// numCores; CoreUsageCounter per core, and a block needs slotsPerAxon
/// output entries per input axon of another core that its neurons reach.
/// `blockFanout` (optional) gets each block's part of that.
std::vector<CoreUsage> sharedUsage(const Network &net, const HardwareModel &hw,
                                   const std::vector<Core> &blocks,
                                   const std::vector<int> &coreOf, int numCores,
                                   std::vector<int64_t> *blockFanout = nullptr);

/// Usage summed limit by limit: an upper bound of what a core holding both
/// needs (what they read in common is counted twice).
CoreUsage plus(const CoreUsage &a, const CoreUsage &b);
/// The largest fraction of a per-core limit that `u` uses.
double fullness(const HardwareModel &hw, const CoreUsage &u);

/// The first limit `u` breaks (empty if none), with the numbers.
std::string violation(const HardwareModel &hw, const CoreUsage &u,
                      int64_t *have, int64_t *limit);

/// What the consumer cores of a source population read of it, so that the
/// fan-out of any block of the source (outputSlots summed over the cores)
/// is O(1): a core that reads every source channel (dense, an ungrouped
/// convolution) reaches, for a block, its positions there times the
/// block's atom groups, so those cores are a summed-area table of readers
/// per position; a core that reads some channels (a grouped convolution)
/// goes into a summed-volume table of readers per neuron with binary
/// axons, and is kept as an entry (its channels, rows and columns as prefix
/// counts; O(entries)) with population axons, where its groups depend on
/// which channels it shares with the block.
class FanoutReaders {
public:
  FanoutReaders() = default;
  FanoutReaders(const Network &net, const HardwareModel &hw, int source,
                const std::vector<std::vector<Core>> &coresOf);
  /// Fan-out axons a core holding `block` of the source needs.
  int64_t of(int64_t c0, int64_t c1, int64_t h0, int64_t h1, int64_t w0,
             int64_t w1) const;
  /// The most any single neuron needs.
  int64_t maxSingle() const { return maxSingle_; }

private:
  struct Reader {
    int64_t ch0, ch1;
    std::vector<int32_t> rowsBefore, colsBefore; // prefix counts, size H+1/W+1
  };
  const HardwareModel *hw = nullptr;
  int64_t H = 0, W = 0, maxSingle_ = 0;
  std::vector<int64_t> full;    ///< (H+1) x (W+1) inclusive prefix
  std::vector<int64_t> partial; ///< (C+1) x (H+1) x (W+1), binary axons only
  std::vector<Reader> readers;  ///< partial readers, population axons only
};

} // namespace detail
} // namespace mapping
} // namespace snnc

#endif // SNNC_LIB_MAPPING_BLOCKUSAGE_H

//===- OutputPlan.h - which layer outputs a worker keeps, and how long ----===//
//
// Internal to the executor. The rules for a worker's layer outputs
// (Buf::out): which LIF layers have none because every consumer reads their
// spike lists, and how long each other output lives within a step block,
// from which planOutputs (PageArena.h) lays a slot's outputs over shared
// bytes. One owner for these rules: the executor's order of work (layers in
// index order within a block, the delayed reset reading the previous slot)
// is what they describe.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_OUTPUTPLAN_H
#define SNNC_RUNTIME_OUTPUTPLAN_H

#include "PageArena.h"

#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Network.h"

#include <vector>

namespace snnc {
namespace rt {
namespace detail {

/// Whether layer C reads its (first) input's event list: synaptic layers,
/// and average pools of spikes (which scatter them), outside dense mode.
bool readsEventList(const Network &net, const Layer &C, Mode mode);

/// Per layer: whether it is a LIF whose spikes no consumer reads densely, so
/// that they are only listed (Buf::out stays empty; lifStep lists them from
/// an L1 scratch). Its consumers all read event lists (readsEventList; the
/// executor falls back to a dense read only where there is a dense form). Not
/// the delayed reset, which reads the previous step's spikes, nor the network's
/// output.
std::vector<bool> spikesOnlyListed(const Network &net, const RunOptions &opt);

/// Per layer: for a listed LIF without a synaptic current whose one consumer
/// is an average pool in windows that tile its output (kernel = stride, no
/// padding, no partial windows), that pool's index; -1 otherwise. The
/// executor computes such a pool with the LIF step (lifPoolStep, Kernels.h)
/// and the LIF keeps neither spikes nor a list.
std::vector<int> poolsWithLif(const Network &net, const RunOptions &opt);

/// The layout of one slot's outputs: a listed LIF has none; every other
/// output is live from its layer to its last consumer in the block, except
/// those live through the whole block from before its first layer: outputs
/// that carry a value into it (the delayed reset's previous spikes, zeroed
/// at a group's start and read by a block's first step from the previous
/// block's last slot; any layer read by a layer not after it) and the
/// network's output. A pool computed with its LIF (poolsWithLif) is live
/// from that LIF on.
OutputLayout planWorkerOutputs(const Network &net, const RunOptions &opt);

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_OUTPUTPLAN_H

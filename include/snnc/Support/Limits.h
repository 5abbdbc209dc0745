//===- Limits.h - the one set of size limits of compiler, runtime, mapper
//--===//
//
// Every bound that keeps a hostile or absurd input from requesting unbounded
// memory or time lives here, once. The compiler refuses to write what the
// runtime would reject, the runtime's validator enforces the same numbers, and
// the mapper bounds hardware descriptions and sweeps with them. The header has
// no dependencies so that every library (including the runtime, which links
// no LLVM) can include it. Tests exercise each limit at +-1.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_LIMITS_H
#define SNNC_SUPPORT_LIMITS_H

#include <cstdint>

namespace snnc {
namespace limits {

// --- Networks (model.bin, the snn dialect, the importers) -----------------
/// Time steps T of a network.
constexpr int64_t kMaxSteps = int64_t(1) << 16;
/// Layers of a network.
constexpr int64_t kMaxLayers = 4096;
/// Any one dimension of a per-sample tensor.
constexpr int64_t kMaxDim = int64_t(1) << 24;
/// Elements of one per-sample tensor (neurons of one layer).
constexpr int64_t kMaxNumel = int64_t(1) << 26;
/// Elements of all activations of one sample.
constexpr int64_t kMaxTotalNumel = int64_t(1) << 28;
/// Kernel height or width.
constexpr int64_t kMaxKernel = int64_t(1) << 12;
/// Convolution work: input positions x kernel taps.
constexpr int64_t kMaxTaps = int64_t(1) << 27;
/// Bytes of a layer or node name.
constexpr int64_t kMaxNameLength = 1024;
/// Bytes of all parameters of a model (the model.bin payload limit).
constexpr uint64_t kMaxParameterBytes = uint64_t(1) << 30;
/// Elements of one parameter tensor given to an importer.
constexpr int64_t kMaxParameterElements = int64_t(1) << 28;

// --- Hardware descriptions and mapping (snnc-map) -------------------------
/// Tiles along one axis of the mesh.
constexpr int64_t kMaxMeshDim = 1024;
/// Cores in one tile.
constexpr int64_t kMaxCoresPerTile = 1024;
/// Chips in a system.
constexpr int64_t kMaxChips = 1 << 16;
/// Cores in a whole mapping (all chips).
constexpr int64_t kMaxCores = int64_t(1) << 22;
/// Neurons, axons or synapses-per-core style capacities of one core.
constexpr int64_t kMaxCoreCapacity = int64_t(1) << 30;
/// Bits of one stored weight field (weight, sign, per-synapse overhead).
constexpr int64_t kMaxWeightBits = 64;
/// Energy (pJ), latency (ns) or static power (mW) of one hardware event.
constexpr double kMaxEventCost = 1e12;
/// Points of one sweep unless --max-points raises it (up to kMaxSweepPoints).
constexpr int64_t kDefaultSweepPoints = 10000;
constexpr int64_t kMaxSweepPoints = 1000000;
/// Values of one swept parameter.
constexpr int64_t kMaxSweepValues = 10000;

// --- Run inputs (snnc-run) -------------------------------------------------
/// Samples in one input file.
constexpr int64_t kMaxSamples = int64_t(1) << 31;
/// Dimensions of an input array (.npy or IDX).
constexpr int64_t kMaxInputRank = 8;
/// Bytes one input read may need (rows x elements x max(element size, 4):
/// the data inflated and the float32 values kept), unless --max-input-bytes
/// overrides it. Keeps a hostile file's cost around 1 GiB of memory.
constexpr uint64_t kMaxInputBytes = uint64_t(1) << 30;
/// Largest --max-input-bytes accepted.
constexpr uint64_t kMaxInputBytesOverride = uint64_t(64) << 30;
/// Bytes of a .npy header (the dict); numpy itself writes a few hundred.
constexpr uint64_t kMaxNpyHeaderBytes = uint64_t(1) << 20;
/// Any one dimension of an input array (checked before shape products).
constexpr int64_t kMaxInputDim = int64_t(1) << 40;

} // namespace limits
} // namespace snnc

#endif // SNNC_SUPPORT_LIMITS_H

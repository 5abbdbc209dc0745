//===- Network.h - validated, execution-ready form of a model.bin ---------===//
//
// prepareNetwork() validates a parsed snnc.modelbin.Model with
// modelbin::validate (snnc/modelbin/Validate.h, every rule of
// docs/model-bin.md) and converts it into a Network: flat float arrays in the
// layouts the executor wants. Activations use a channels-last physical layout:
// a tensor of logical shape [C, S...] with S = prod(S...) stores element (c, s)
// at s*C + c, so that one spatial position holds a contiguous vector of
// channels. Convolution weights are stored transposed as [I][KH][KW][O/groups]
// and dense weights as [in][out] so that one input event adds one contiguous
// output vector per tap.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_NETWORK_H
#define SNNC_RUNTIME_NETWORK_H

#include "snnc/Support/Limits.h"
#include "snnc/modelbin/model.pb.h"
#include "snnc/runtime/HugePages.h"

#include <cstdint>
#include <string>
#include <vector>

namespace snnc {
namespace rt {

/// Layer kinds, numbered as model.proto's Layer.Kind (tied below).
enum class Kind {
  Encode = modelbin::Layer::ENCODE,
  Conv2d = modelbin::Layer::CONV2D,
  Dense = modelbin::Layer::DENSE,
  AvgPool = modelbin::Layer::AVG_POOL2D,
  MaxPool = modelbin::Layer::MAX_POOL2D,
  Flatten = modelbin::Layer::FLATTEN,
  Add = modelbin::Layer::ADD,
  Affine = modelbin::Layer::CHANNEL_AFFINE,
  Lif = modelbin::Layer::LIF,
  Readout = modelbin::Layer::READOUT
};
static_assert(modelbin::Layer::Kind_ARRAYSIZE == 10 &&
                  static_cast<int>(Kind::Readout) == modelbin::Layer::Kind_MAX,
              "model.proto has a layer kind that rt::Kind lacks");

inline Kind toKind(modelbin::Layer::Kind k) { return static_cast<Kind>(k); }

/// Output channel blocks of a gather convolution or dense layer: 64 channels,
/// then 32, 16, 8 and the rest (the kernels and Layer::blocked share it).
inline int64_t gatherBlock(int64_t left) {
  for (int64_t nb : {64, 32, 16, 8})
    if (left >= nb)
      return nb;
  return left;
}

/// The schema's name of the kind (modelbin::kindName, the one table).
const std::string &kindName(Kind k);

/// LIF resets, numbered as modelbin::LIF::Reset.
enum class Reset { Soft = 0, Hard = 1, SubtractDelayed = 2, None = 3 };

/// Limits that keep a hostile file from requesting absurd allocations (the
/// one copy lives in snnc/Support/Limits.h, shared with compiler and mapper).
using limits::kMaxDim;
using limits::kMaxKernel;
using limits::kMaxLayers;
using limits::kMaxNumel;
using limits::kMaxSteps;
using limits::kMaxTaps;
using limits::kMaxTotalNumel;

/// The integer parameters of one layer of an integer (Loihi) model, in the
/// layouts of the float ones (PrepareInteger.cpp builds them).
struct IntParams {
  std::vector<int8_t> weight; // CONV2D/DENSE, the layout of Layer::weight
  std::vector<int32_t> bias;  // [O] (zeros when absent)
  int weightExp = 0;
  int du = 4096;                      // LIF
  std::vector<int32_t> dv, vth64;     // [T][C]; vth64 = vth << 6
  std::vector<int32_t> lifBias, sign; // lifBias = bias_mant << bias_exp
  std::vector<int32_t> inShift;       // 6 + in_exp
};

struct Layer {
  std::string name;
  Kind kind = Kind::Encode;
  std::vector<int> inputs;
  std::vector<int64_t> shape; // logical, per sample
  int64_t numel = 0;
  int64_t channels = 0; // dim 0
  int64_t spatial = 0;  // numel / channels
  bool binary = false;
  // Bounds of every output value (used by --adaptive-exit); bounded = false if
  // unknown.
  bool bounded = false;
  float lo = 0, hi = 0;

  // ENCODE
  bool poisson = false;
  bool perStep = false; // STEPS: step t reads the sample's t-th tensor
  int64_t encSteps = 1; // tensors per sample: T for STEPS, else 1
  float encScale = 1;
  bool encSigned = false;
  // ENCODE: per-channel input normalisation, x = (x - normMean[c]) /
  // normStd[c] before encoding; both empty (none) or [channels].
  std::vector<float> normMean, normStd;

  // CONV2D / pools: input geometry [inC, inH, inW] -> output [outC, outH,
  // outW].
  int64_t inC = 0, inH = 0, inW = 0, outC = 0, outH = 0, outW = 0;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, padT = 0, padL = 0, padB = 0,
          padR = 0;
  int64_t dh = 1, dw = 1, groups = 1;
  bool countIncludePad = false;
  // CONV2D: [I][KH][KW][O/groups]; DENSE: [in (physical order of the
  // input)][out].
  std::vector<float> weight;
  // The same weights blocked by output for the CPU gathers (gatherBlock's
  // partition). DENSE: block [c0, c0 + n) at c0 * in, as [in][n], so one
  // block's rows are contiguous and stay in L2 across the (sample, step)
  // pairs of a call (a 4 KiB row stride maps them to few sets). CONV2D with
  // groups = 1: block [c0, c0 + n) at c0 * KH * KW * I, as [tap][ci][n] (tap =
  // kh * KW + kw), so the rows of one tap are one contiguous slab
  // (KernelsTaps.inc). Empty otherwise. On 2 MiB pages where granted
  // (HugePages.h): the gathers read its rows in random order.
  std::vector<float, HugePageAllocator<float>> blocked;
  std::vector<float> bias; // [O] (zeros when absent)
  // CONV2D and AVG_POOL2D kernel footprint of every input position
  // s = h*inW + w: its valid taps are tapStart[s] .. tapStart[s+1]-1; tap k
  // adds (conv: the weight vector at [ci][tapW[k] .. +O/g)) to the outputs at
  // offset tapOut[k] = (oh*outW+ow)*O.
  std::vector<int32_t> tapStart, tapOut, tapW;
  // AVG_POOL2D: divisor of each output position [outH*outW].
  std::vector<float> poolDiv;
  // FLATTEN: output element j reads physical input element gather[j].
  std::vector<int32_t> gather;
  // CHANNEL_AFFINE tables [rows][C] (rows = 1 or T).
  int64_t rows = 0;
  std::vector<float> scale, shift;
  // LIF tables [T][C].
  bool hardReset = false; // reset == Reset::Hard
  Reset reset = Reset::Soft;
  float resetValue = 0; // HARD: u = resetValue where the neuron spiked
  std::vector<float> threshold, leak, lifBias, gain;
  // READOUT: membrane = leaky integrator (acc = roLeak*acc + roGain*x +
  // roBias, output acc), else mean over steps; tables [C].
  bool membrane = false;
  std::vector<float> roLeak, roGain, roBias;
  // LIF or membrane READOUT with a CUBA synapse (KernelsCuba.cpp): [C] each,
  // empty without one.
  std::vector<float> synLeak, synGain;
  // Parameter count as stored in the file (for --dump).
  int64_t paramCount = 0;
  // Integer models only (Network::integer, docs/fixed-point.md).
  IntParams fx;
};

/// The ENCODE layer's input normalisation of one value of channel c (the
/// identity when the model has none); float32 subtract then divide, as the
/// reference (python/snncref/encoder.py normalize).
inline float normaliseInput(const Layer &L, int64_t c, float x) {
  return L.normMean.empty() ? x : (x - L.normMean[c]) / L.normStd[c];
}

struct Network {
  int steps = 0;    // T
  int exitStep = 0; // T_exit
  float exitThreshold = 0;
  std::string producer, sourceName, sourceSha256, foldMode;
  std::vector<int64_t> inputShape;
  int64_t inputNumel = 0; // per step
  bool perStep = false;   // a STEPS encoder: a sample is T tensors
  std::vector<Layer> layers;
  int output = 0; // READOUT layer
  std::vector<std::pair<std::string, std::vector<float>>> gammaMean;
  // An integer model (Model.quantization = "loihi"): layers carry Layer::fx
  // and run on the integer executor (IntExecutor.cpp).
  bool integer = false;
  float outputScale = 1; // float value of one unit of the readout's input

  /// Physical index of logical element `logical` of a tensor with C channels
  /// and S positions.
  static int64_t physical(int64_t logical, int64_t C, int64_t S) {
    return (logical % S) * C + logical / S;
  }
};

/// modelbin::validate(m), then builds `net`. On failure `error` names the
/// layer/field and what was expected.
bool prepareNetwork(const modelbin::Model &m, Network *net, std::string *error);

/// readModelFile + prepareNetwork; errors start with the path.
bool loadNetwork(const std::string &path, Network *net, std::string *error);

/// Writes the readable description used by `snnc-run --dump`
/// (docs/model-bin.md).
std::string dumpModel(const modelbin::Model &m, const Network &net,
                      uint64_t fileSize);

} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_NETWORK_H

//===- Driver.cpp - plan building and the step loop of the CUDA backend ---===//
//
// buildPlan() flattens a validated Network into DLayers and two parameter
// blobs (the execution layouts of Prepare.cpp are reused as they are: channels-
// last activations, [I][KH][KW][O/g] convolution weights, [in][out] dense
// weights, kernel footprints), adds the per-tap output-position class used by
// the convolution event kernel, and sizes the arenas. runWithEngine() checks
// the options like runNetwork, splits the batch into chunks, drives an Engine
// through the steps (every layer once per step, in order, the event list of a
// synaptic layer's input compacted right after it is produced, the per-step
// prediction and the adaptive exit test after each step) and assembles the
// RunResult exactly as the CPU executor does. The entry points of
// CudaBackend.h are at the end; Register.cpp adds them to the registry.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include "../lib/BatchRunner.h"
#include "../lib/IntRules.h"
#include "../lib/RunTimer.h"

#include "snnc/runtime/CudaBackend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace snnc {
namespace rt {
namespace gpu {

// DeviceNet.h (compiled by nvcc, without protobuf) mirrors rt::Kind, which is
// tied to model.proto's Layer.Kind in Network.h.
#define SNNC_SAME_KIND(D, K) static_assert(D == static_cast<int>(Kind::K), #D)
SNNC_SAME_KIND(DEncode, Encode);
SNNC_SAME_KIND(DConv2d, Conv2d);
SNNC_SAME_KIND(DDense, Dense);
SNNC_SAME_KIND(DAvgPool, AvgPool);
SNNC_SAME_KIND(DMaxPool, MaxPool);
SNNC_SAME_KIND(DFlatten, Flatten);
SNNC_SAME_KIND(DAdd, Add);
SNNC_SAME_KIND(DAffine, Affine);
SNNC_SAME_KIND(DLif, Lif);
SNNC_SAME_KIND(DReadout, Readout);
#undef SNNC_SAME_KIND
static_assert(DReadout + 1 == modelbin::Layer::Kind_ARRAYSIZE,
              "model.proto has a layer kind that gpu::DKind lacks");

namespace {

template <typename T>
int64_t append(std::vector<T> &blob, const std::vector<T> &v) {
  int64_t off = static_cast<int64_t>(blob.size());
  blob.insert(blob.end(), v.begin(), v.end());
  return off;
}

/// The forms of the general neuron (format version 3) the CUDA backend does
/// not implement; "" when the network has none.
std::string unsupportedForm(const Network &net) {
  for (const Layer &L : net.layers) {
    if (L.kind == Kind::Lif && L.reset != Reset::Soft && L.reset != Reset::Hard)
      return fmt::format("layer '{}': the {} reset", L.name,
                         L.reset == Reset::None ? "NONE" : "SUBTRACT_DELAYED");
    if (L.kind == Kind::Lif && L.resetValue != 0)
      return fmt::format("layer '{}': a reset_value of {}", L.name,
                         L.resetValue);
    if (L.kind == Kind::Readout && L.membrane)
      return fmt::format("layer '{}': a membrane (leaky-integrator) readout",
                         L.name);
    if (!L.synLeak.empty())
      return fmt::format("layer '{}': a current-based (CUBA) synapse", L.name);
    if (L.kind == Kind::Encode && L.perStep)
      return fmt::format("layer '{}': a per-step (STEPS) input", L.name);
  }
  return "";
}

/// The int8 weights of an integer layer, widened for the int32 blob.
std::vector<int32_t> widen(const std::vector<int8_t> &w) {
  return std::vector<int32_t>(w.begin(), w.end());
}

/// The tables of an integer model's layer (docs/fixed-point.md), in the
/// int32 blob; the float tables stay unused.
void addIntegerParams(const Layer &L, DLayer *D, Plan *plan) {
  D->integer = L.kind != Kind::Encode;
  switch (L.kind) {
  case Kind::Conv2d:
  case Kind::Dense:
    D->iweight = append(plan->iparams, widen(L.fx.weight));
    D->ibias = append(plan->iparams, L.fx.bias);
    D->weightExp = L.fx.weightExp;
    break;
  case Kind::Lif:
    D->du = L.fx.du;
    D->reset = static_cast<int32_t>(L.reset);
    D->idv = append(plan->iparams, L.fx.dv);
    D->ivth = append(plan->iparams, L.fx.vth64);
    D->ilifBias = append(plan->iparams, L.fx.lifBias);
    D->isign = append(plan->iparams, L.fx.sign);
    D->ishift = append(plan->iparams, L.fx.inShift);
    break;
  default:
    break;
  }
}

/// Arena elements per sample of an integer plan (float, int32, int64).
void integerPerSample(Plan *plan) {
  for (size_t l = 0; l < plan->layers.size(); ++l) {
    const DLayer &D = plan->layers[l];
    bool ev = plan->wantEvents[l];
    plan->floatPerSample += D.kind == DEncode ? D.numel : 0;
    plan->intPerSample +=
        D.numel * (1 + 2 * (D.kind == DLif) + (D.kind == DConv2d) + 2 * ev) +
        ev;
    plan->int64PerSample += D.kind == DReadout ? D.numel : 0;
  }
}

/// The shape and window fields of layer L, as the kernels read them.
DLayer layerGeometry(const Layer &L) {
  DLayer D;
  D.kind = static_cast<int32_t>(L.kind);
  D.in0 = L.inputs.size() > 0 ? L.inputs[0] : -1;
  D.in1 = L.inputs.size() > 1 ? L.inputs[1] : -1;
  D.numel = L.numel;
  D.channels = L.channels;
  D.spatial = L.spatial;
  D.binary = L.binary;
  D.poisson = L.poisson;
  D.encSigned = L.encSigned;
  D.encScale = L.encScale;
  D.inC = static_cast<int32_t>(L.inC);
  D.inH = static_cast<int32_t>(L.inH);
  D.inW = static_cast<int32_t>(L.inW);
  D.outC = static_cast<int32_t>(L.outC);
  D.outH = static_cast<int32_t>(L.outH);
  D.outW = static_cast<int32_t>(L.outW);
  D.kh = static_cast<int32_t>(L.kh);
  D.kw = static_cast<int32_t>(L.kw);
  D.sh = static_cast<int32_t>(L.sh);
  D.sw = static_cast<int32_t>(L.sw);
  D.padT = static_cast<int32_t>(L.padT);
  D.padL = static_cast<int32_t>(L.padL);
  D.dh = static_cast<int32_t>(L.dh);
  D.dw = static_cast<int32_t>(L.dw);
  D.groups = static_cast<int32_t>(L.groups);
  D.countIncludePad = L.countIncludePad;
  D.rows = static_cast<int32_t>(L.rows);
  D.hardReset = L.hardReset;
  return D;
}

/// Appends layer L's float tables (weights, biases, pooling divisors, LIF
/// tables; none for integer models) and its event, synaptic and LIF indices
/// to `plan`.
void addLayerParams(const Network &net, const Layer &L, DLayer &D, Plan *plan) {
  switch (L.kind) {
  case Kind::Conv2d: {
    if (!net.integer) {
      D.weight = append(plan->fparams, L.weight);
      D.bias = append(plan->fparams, L.bias);
    }
    int64_t positions = L.outH * L.outW;
    // Enough threads per sample to fill a block, never more classes than
    // output positions.
    int64_t groups = std::max<int64_t>(1, (256 + L.outC - 1) / L.outC);
    D.rowGroups = static_cast<int32_t>(std::min(groups, positions));
    std::vector<int32_t> cls(L.tapOut.size());
    for (size_t k = 0; k < cls.size(); ++k)
      cls[k] = static_cast<int32_t>((L.tapOut[k] / L.outC) % D.rowGroups);
    D.tapStart = append(plan->iparams, L.tapStart);
    D.tapOut = append(plan->iparams, L.tapOut);
    D.tapW = append(plan->iparams, L.tapW);
    D.tapClass = append(plan->iparams, cls);
    plan->wantEvents[L.inputs[0]] = 1;
    D.synIndex = plan->synLayers++;
    break;
  }
  case Kind::Dense:
    if (!net.integer) {
      D.weight = append(plan->fparams, L.weight);
      D.bias = append(plan->fparams, L.bias);
    }
    plan->wantEvents[L.inputs[0]] = 1;
    D.synIndex = plan->synLayers++;
    break;
  case Kind::AvgPool:
    D.poolDiv = append(plan->fparams, L.poolDiv);
    break;
  case Kind::Flatten:
    D.gather = append(plan->iparams, L.gather);
    break;
  case Kind::Affine:
    D.scale = append(plan->fparams, L.scale);
    D.shift = append(plan->fparams, L.shift);
    break;
  case Kind::Lif:
    if (net.integer) {
      D.lifIndex = plan->lifs++;
      break;
    }
    D.thr = append(plan->fparams, L.threshold);
    D.leak = append(plan->fparams, L.leak);
    D.lifBias = append(plan->fparams, L.lifBias);
    D.gain = append(plan->fparams, L.gain);
    D.lifIndex = plan->lifs++;
    break;
  default:
    break;
  }
}

bool buildPlan(const Network &net, Plan *plan, std::string *error) {
  if (std::string form = net.integer ? "" : unsupportedForm(net);
      !form.empty()) {
    *error = "the CUDA backend does not support " + form +
             " (format version 3 or 4); run it with --backend=cpu";
    return false;
  }
  *plan = Plan();
  plan->integer = net.integer;
  plan->outputScale = net.outputScale;
  plan->output = net.output;
  plan->inputNumel = net.inputNumel;
  size_t n = net.layers.size();
  plan->wantEvents.assign(n, 0);
  for (size_t l = 0; l < n; ++l) {
    const Layer &L = net.layers[l];
    DLayer D = layerGeometry(L);
    addLayerParams(net, L, D, plan);
    if (net.integer)
      addIntegerParams(L, &D, plan);
    plan->layers.push_back(D);
  }
  if (net.integer)
    integerPerSample(plan);
  for (size_t l = 0; l < n && !net.integer; ++l) {
    const DLayer &D = plan->layers[l];
    bool state = D.kind == DLif || D.kind == DReadout;
    plan->floatPerSample += D.numel * (1 + state + plan->wantEvents[l]);
    plan->intPerSample += plan->wantEvents[l] ? D.numel + 1 : 0;
  }
  if (plan->iparams.size() > size_t(INT32_MAX)) {
    *error = "cuda: integer parameter tables exceed 2^31 entries";
    return false;
  }
  return true;
}

/// SNNC_CUDA_DENSE_FRACTION: "F" (both kinds) or "CONV,FC", each in [0, 1]:
/// --mode=auto takes the gather path for a CONV2D (DENSE) layer when more than
/// that fraction of its input is non-zero. Unset: the defaults of
/// GatherThresholds, measured on an H200 (docs/gpu.md). A malformed value is an
/// error, never a silent default.
bool gatherThresholds(GatherThresholds *t, std::string *error) {
  *t = GatherThresholds();
  const char *s = std::getenv("SNNC_CUDA_DENSE_FRACTION");
  if (!s || !*s)
    return true;
  auto parse = [](const char *begin, const char *stop, float *v) {
    char *end = nullptr;
    double d = std::strtod(begin, &end);
    if (end == begin || end != stop || !(d >= 0 && d <= 1))
      return false;
    *v = static_cast<float>(d);
    return true;
  };
  const char *stop = s + std::strlen(s), *comma = std::strchr(s, ',');
  bool ok = comma
                ? parse(s, comma, &t->conv) && parse(comma + 1, stop, &t->dense)
                : parse(s, stop, &t->conv);
  if (ok && !comma)
    t->dense = t->conv;
  if (!ok)
    *error = fmt::format("SNNC_CUDA_DENSE_FRACTION='{}': expected a fraction "
                         "in [0, 1] for both layer kinds, or CONV,FC (two "
                         "fractions: CONV2D, then DENSE)",
                         s);
  return ok;
}

/// What an integer model's run needs: an engine with the integer operations
/// and no adaptive exit (as runIntegerNetwork).
bool checkIntegerRun(const Engine &engine, const RunOptions &opt,
                     std::string *error) {
  if (!engine.runsInteger()) {
    *error = fmt::format("the {} engine has no integer (--quantize=loihi) "
                         "kernels; --backend=cuda-emu runs the CUDA "
                         "backend's integer operations on the host, "
                         "--backend=cpu the CPU's",
                         engine.name());
    return false;
  }
  if (opt.adaptive) {
    *error = "adaptive exit is not supported for integer (quantized) models";
    return false;
  }
  return true;
}

bool runWithEngine(Engine &engine, const Network &net, const Batch &batch,
                   const RunOptions &opt, RunResult *out, std::string *error) {
  int steps = 0;
  if (!checkRunRequest(net, batch, opt, &steps, error))
    return false;
  const rt::detail::RunTimer timer;
  if (net.integer && !checkIntegerRun(engine, opt, error))
    return false;
  Plan plan;
  if (!buildPlan(net, &plan, error))
    return false;
  GatherThresholds gather;
  if (!gatherThresholds(&gather, error))
    return false;
  std::vector<double> lo, hi, mag;
  bool adaptive = opt.adaptive && adaptiveBounds(net, &lo, &hi, &mag);
  const double eps = adaptive ? adaptiveEpsilon(net, steps) : 0;
  const int64_t K = net.layers[net.output].numel, count = batch.count;
  *out = RunResult();
  rt::detail::sizeResult(out, count, K, plan.lifs, steps, opt);
  std::vector<std::vector<int64_t>> spikes(plan.lifs,
                                           std::vector<int64_t>(steps, 0));
  std::vector<int64_t> syn(plan.synLayers, 0);
  int64_t lifNeurons = 0;
  for (const Layer &L : net.layers)
    lifNeurons += L.kind == Kind::Lif ? L.numel : 0;

  plan.steps = steps;
  if (count > 0) {
    int chunk = engine.chunkCapacity(plan, count);
    layoutArenas(&plan, chunk);
    if (!engine.setup(plan, lo, hi, mag, error))
      return false;
  }
  const DLayer *Ls = plan.layers.data();
  const DLayer none;
  const Layer *encode = nullptr;
  for (const Layer &L : net.layers)
    if (L.kind == Kind::Encode && !L.normMean.empty())
      encode = &L;
  std::vector<float> normalised(
      encode ? size_t(plan.chunk) * size_t(batch.numel) : 0);
  for (int64_t first = 0; first < count; first += plan.chunk) {
    Ctx c;
    c.n = static_cast<int32_t>(std::min<int64_t>(plan.chunk, count - first));
    c.firstSample = batch.firstIndex + first;
    c.T = net.steps;
    c.steps = steps;
    c.lifs = plan.lifs;
    c.mode = opt.mode == Mode::Event   ? ModeEvent
             : opt.mode == Mode::Dense ? ModeDense
                                       : ModeAuto;
    c.gather = gather;
    c.seed = opt.seed;
    c.recordPredictions = opt.stepPredictions;
    c.outputScale = plan.outputScale;
    const float *x = batch.data + first * batch.numel;
    if (!normalised.empty()) { // the encoder's input normalisation, host side
      for (int64_t k = 0; k < int64_t(c.n) * batch.numel; ++k)
        normalised[k] =
            normaliseInput(*encode, (k % batch.numel) / encode->spatial, x[k]);
      x = normalised.data();
    }
    if (!engine.beginChunk(x, c, error))
      return false;
    for (int t = 0; t < steps; ++t) {
      for (size_t l = 0; l < plan.layers.size(); ++l) {
        const DLayer &L = Ls[l];
        const DLayer &P = L.in0 >= 0 ? Ls[L.in0] : none;
        switch (L.kind) {
        case DEncode:
          engine.encode(L, t);
          break;
        case DConv2d:
          engine.conv(L, P);
          engine.synCount(L, P);
          break;
        case DDense:
          engine.dense(L, P);
          engine.synCount(L, P);
          break;
        case DAvgPool:
        case DMaxPool:
          engine.pool(L, P);
          break;
        case DLif:
          engine.lif(L, P, t);
          break;
        default:
          engine.elementwise(L, P, L.in1 >= 0 ? Ls[L.in1] : none, t);
          break;
        }
        if (plan.wantEvents[l])
          engine.compact(L);
      }
      if (opt.stepPredictions)
        engine.predict(Ls[plan.output], t);
      if (adaptive && t + 1 < steps)
        engine.settle(Ls[plan.output], t, steps - (t + 1), eps);
    }
    ChunkResult r;
    if (!engine.endChunk(plan, &r, error))
      return false;
    for (int i = 0; i < c.n; ++i) {
      int64_t row = first + i;
      float *o = out->outputs.data() + row * K;
      for (int64_t k = 0; k < K; ++k)
        o[k] = plan.integer ? fixed::readoutValue(r.iacc[i * K + k],
                                                  plan.outputScale, r.done[i])
                            : r.acc[i * K + k] / static_cast<float>(r.done[i]);
      out->predictions[row] = argmaxFirst(o, K);
      out->stepsExecuted[row] = r.done[i];
      if (opt.stepPredictions)
        std::copy_n(r.predictions.begin() + int64_t(i) * steps, steps,
                    out->stepPredictions.begin() + row * steps);
      out->neuronUpdates += lifNeurons * r.done[i];
      for (int li = 0; li < plan.lifs; ++li)
        for (int t = 0; t < steps; ++t) {
          int32_t v = r.spikes[(int64_t(i) * plan.lifs + li) * steps + t];
          spikes[li][t] += v;
          if (opt.sampleSpikes)
            out->sampleSpikes[(row * plan.lifs + li) * steps + t] = v;
        }
      for (int s = 0; s < plan.synLayers; ++s)
        syn[s] += static_cast<int64_t>(r.syn[int64_t(s) * c.n + i]);
    }
    if (opt.progress)
      opt.progress(first + c.n);
  }
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Layer &L = net.layers[l];
    if (L.kind == Kind::Lif)
      out->spikes.emplace_back(L.name, spikes[plan.layers[l].lifIndex]);
    if (L.kind == Kind::Conv2d || L.kind == Kind::Dense)
      out->synapticEvents.emplace_back(L.name, syn[plan.layers[l].synIndex]);
  }
  timer.stop(out);
  return true;
}

} // namespace

namespace {

/// layoutArenas for an integer plan (DeviceNet.h: iout, iu/iv, isum,
/// ievVal in the int arena, lacc in the int64 arena).
void layoutIntegerArenas(Plan *plan, int chunk) {
  plan->chunk = chunk;
  int64_t f = 0, i = 0, q = 0, N = chunk;
  auto take = [&](int64_t *arena, int64_t size) {
    int64_t at = *arena;
    *arena += size;
    return at;
  };
  for (size_t l = 0; l < plan->layers.size(); ++l) {
    DLayer &D = plan->layers[l];
    int64_t size = N * D.numel;
    if (D.kind == DEncode)
      D.out = take(&f, size);
    D.iout = take(&i, size);
    if (D.kind == DLif) {
      D.iu = take(&i, size);
      D.iv = take(&i, size);
    }
    if (D.kind == DConv2d)
      D.isum = take(&i, size);
    if (D.kind == DReadout)
      D.lacc = take(&q, size);
    if (plan->wantEvents[l]) {
      D.evIdx = take(&i, size);
      D.ievVal = take(&i, size);
      D.evCount = take(&i, N);
    }
  }
  plan->floatArena = f;
  plan->intArena = i;
  plan->int64Arena = q;
}

} // namespace

void layoutArenas(Plan *plan, int chunk) {
  if (plan->integer)
    return layoutIntegerArenas(plan, chunk);
  plan->chunk = chunk;
  int64_t f = 0, i = 0, N = chunk;
  for (size_t l = 0; l < plan->layers.size(); ++l) {
    DLayer &D = plan->layers[l];
    D.out = f;
    f += N * D.numel;
    if (D.kind == DLif || D.kind == DReadout) {
      D.state = f;
      f += N * D.numel;
    }
    if (plan->wantEvents[l]) {
      D.evVal = f;
      f += N * D.numel;
      D.evIdx = i;
      i += N * D.numel;
      D.evCount = i;
      i += N;
    }
  }
  plan->floatArena = f;
  plan->intArena = i;
}

/// runWithEngine on an engine from makeEngine() (null: failed, `error` set).
/// With RunOptions::warmup, the first samples run before, untimed, on an
/// engine of their own, their results dropped: the kernels load and the
/// device warms outside the timed run, and that engine is gone (its device
/// memory free again) before the timed run sizes its chunks.
template <typename MakeEngine>
bool runWarmThenTimed(MakeEngine makeEngine, const Network &net,
                      const Batch &batch, const RunOptions &opt, RunResult *out,
                      std::string *error) {
  if (opt.warmup > 0 && batch.count > 0) {
    RunOptions warmOpt = opt;
    warmOpt.warmup = 0;
    warmOpt.progress = nullptr;
    Batch first = batch;
    first.count = std::min<int64_t>(opt.warmup, batch.count);
    RunResult dropped;
    std::unique_ptr<Engine> e = makeEngine(error);
    if (!e || !runWithEngine(*e, net, first, warmOpt, &dropped, error))
      return false;
  }
  std::unique_ptr<Engine> e = makeEngine(error);
  return e && runWithEngine(*e, net, batch, opt, out, error);
}

} // namespace gpu

bool runNetworkCudaEmulated(const Network &net, const Batch &batch,
                            const RunOptions &opt, RunResult *out,
                            std::string *error) {
  // Small chunks: the emulation also exercises the chunking.
  return gpu::runWarmThenTimed(
      [](std::string *) { return gpu::makeHostEngine(48); }, net, batch, opt,
      out, error);
}

#ifdef SNNC_HAVE_CUDA
bool cudaBackendBuilt() { return true; }

bool cudaDeviceInfo(std::string *info, std::string *error) {
  return gpu::cudaDeviceInfoImpl(info, error);
}

bool runNetworkCuda(const Network &net, const Batch &batch,
                    const RunOptions &opt, RunResult *out, std::string *error) {
  return gpu::runWarmThenTimed(
      [](std::string *error) { return gpu::makeCudaEngine(error); }, net, batch,
      opt, out, error);
}
#else
bool cudaBackendBuilt() { return false; }

bool cudaDeviceInfo(std::string *, std::string *error) {
  *error = "this snnc-run was built without CUDA";
  return false;
}

bool runNetworkCuda(const Network &, const Batch &, const RunOptions &,
                    RunResult *, std::string *error) {
  *error = "--backend=cuda: this snnc-run was built without CUDA (nvcc not "
           "found at configure time, see docs/gpu.md); it has the 'cpu' "
           "backend only";
  return false;
}
#endif

} // namespace rt
} // namespace snnc

//===- RunRules.cpp - run rules that need no worker -----------------------===//
//
// The executor's rules that do not depend on a worker's buffers: what a run
// request must satisfy (checkRunRequest, shared by the float and integer
// executors and the CUDA backend), how a prediction is read off the readout
// (argmaxFirst: the first maximum), and the per-class bounds of one step's
// readout input that adaptive exit decides with (adaptiveBounds, docs/
// runtime.md, *Adaptive exit*).
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace snnc {
namespace rt {

bool adaptiveBounds(const Network &net, std::vector<double> *lo,
                    std::vector<double> *hi, std::vector<double> *mag) {
  const Layer &R = net.layers[net.output];
  const Layer &D = net.layers[R.inputs[0]];
  if (D.kind != Kind::Dense || R.membrane) // the bounds assume a plain sum
    return false;
  const Layer &X = net.layers[D.inputs[0]];
  if (!X.bounded)
    return false;
  int64_t O = D.numel, N = X.numel;
  lo->assign(O, 0.0);
  hi->assign(O, 0.0);
  mag->assign(O, 0.0);
  double xmax = std::max(std::fabs(double(X.lo)), std::fabs(double(X.hi)));
  for (int64_t k = 0; k < O; ++k) {
    double l = D.bias[k], h = D.bias[k], m = std::fabs(double(D.bias[k]));
    for (int64_t p = 0; p < N; ++p) {
      double w = D.weight[p * O + k];
      double a = w * X.lo, b = w * X.hi;
      l += std::min(a, b);
      h += std::max(a, b);
      m += std::fabs(w) * xmax;
    }
    (*lo)[k] = l;
    (*hi)[k] = h;
    (*mag)[k] = m;
  }
  return true;
}

double adaptiveEpsilon(const Network &net, int steps) {
  const Layer &D = net.layers[net.layers[net.output].inputs[0]];
  const int64_t nin = net.layers[D.inputs[0]].numel;
  return std::max(1e-4, 8.0 * double(nin + steps) * std::ldexp(1.0, -24));
}

int argmaxFirst(const float *v, int64_t n) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k)
    if (v[k] > v[best])
      best = k;
  return static_cast<int>(best);
}

bool checkRunRequest(const Network &net, const Batch &batch,
                     const RunOptions &opt, int *steps, std::string *error) {
  *steps = opt.steps == 0 ? net.exitStep : opt.steps;
  if (*steps < 1 || *steps > net.steps) {
    *error = fmt::format("steps: {} out of range, expected 1..T = {}", *steps,
                         net.steps);
    return false;
  }
  int64_t perSample = net.inputNumel * (net.perStep ? net.steps : 1);
  if (batch.numel != perSample) {
    *error = fmt::format("input: {} values per sample, the model expects {}{}",
                         batch.numel, perSample,
                         net.perStep ? fmt::format(" (T = {} steps of {})",
                                                   net.steps, net.inputNumel)
                                     : "");
    return false;
  }
  if (opt.stepPredictions && opt.adaptive) {
    *error = "per-step predictions need every sample to run every step: they "
             "exclude adaptive exit";
    return false;
  }
  return true;
}

} // namespace rt
} // namespace snnc

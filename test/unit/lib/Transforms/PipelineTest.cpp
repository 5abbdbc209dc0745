//===- PipelineTest.cpp - folding preserves spikes; model.bin emission ----===//
//
// The exact BNTT fold is checked as a property: a LIF driven through BNTT
// (gamma of both signs and zero) and the folded LIF driven by the raw input
// must spike identically, step by step, for random currents. Then the
// emitter's layers and tables are checked on the folded network.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNAttrUtils.h"
#include "snnc/Dialect/SNN/IR/SNNDialect.h"
#include "snnc/Emit/ModelBin.h"
#include "snnc/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

using namespace mlir;
using namespace snnc;

namespace {

constexpr int kSteps = 8, kChannels = 16;

std::string denseLiteral(const std::vector<float> &values) {
  std::ostringstream os;
  os.precision(9);
  os << std::scientific << "dense<[";
  for (int t = 0; t < kSteps; ++t) {
    os << (t ? ", [" : "[");
    for (int c = 0; c < kChannels; ++c)
      os << (c ? ", " : "") << values[t * kChannels + c];
    os << "]";
  }
  os << "]> : tensor<" << kSteps << "x" << kChannels << "xf32>";
  return os.str();
}

struct Fixture {
  std::vector<float> gamma, mean, var;
  float leak = 0.9f, theta = 1.0f, eps = 1e-4f;
  bool hard = false;

  explicit Fixture(unsigned seed, bool hardReset) : hard(hardReset) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.1f, 2.0f);
    for (int i = 0; i < kSteps * kChannels; ++i) {
      float g = normal(rng);
      if (i % 7 == 0)
        g = 0.0f; // gamma = 0: the input is gated off
      gamma.push_back(g);
      mean.push_back(0.3f * normal(rng));
      var.push_back(uniform(rng));
    }
  }

  std::string ir() const {
    std::ostringstream os;
    os.precision(9);
    os << std::scientific;
    os << "snn.network @n(%x: tensor<" << kChannels << "xf32>) -> tensor<"
       << kChannels << "xf32> attributes {num_steps = " << kSteps
       << " : i64} {\n"
       << "  %b = snn.bntt %x {gamma = " << denseLiteral(gamma)
       << ", mean = " << denseLiteral(mean) << ", var = " << denseLiteral(var)
       << ", epsilon = " << eps << " : f32} : tensor<" << kChannels
       << "xf32> -> tensor<" << kChannels << "xf32>\n"
       << "  %l = snn.lif %b {leak = " << leak
       << " : f32, threshold = " << theta << " : f32, reset = #snn.reset<"
       << (hard ? "hard" : "soft") << ">} : tensor<" << kChannels
       << "xf32> -> tensor<" << kChannels << "x!snn.spike>\n"
       << "  %r = snn.readout %l : tensor<" << kChannels << "x!snn.spike> -> "
       << "tensor<" << kChannels << "xf32>\n"
       << "  snn.output %r : tensor<" << kChannels << "xf32>\n}\n";
    return os.str();
  }
};

std::vector<float> tensorValues(const modelbin::Tensor &tensor) {
  std::vector<float> values(tensor.data().size() / 4);
  std::memcpy(values.data(), tensor.data().data(), tensor.data().size());
  return values;
}

modelbin::Model compile(MLIRContext &context, const std::string &ir,
                        FoldMode mode) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  EXPECT_TRUE(module);
  PassManager pm(&context);
  DeployPipelineOptions options;
  options.foldMode = mode;
  buildSNNDeployPipeline(pm, options);
  EXPECT_TRUE(succeeded(pm.run(*module)));
  modelbin::Model model;
  auto network = *module->getOps<snn::NetworkOp>().begin();
  EXPECT_TRUE(succeeded(buildModelBin(network, model)));
  // snn-fold-bntt records its mode on the network; the emitter reads it.
  EXPECT_EQ(model.fold_mode(), mode == FoldMode::Exact ? "exact" : "paper");
  return model;
}

void checkExactFoldKeepsSpikes(bool hardReset) {
  MLIRContext context;
  context.loadDialect<snn::SNNDialect>();
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler quiet(
      &context, [](Diagnostic &) { return success(); }); // gamma <= 0 remarks
  Fixture f(42, hardReset);
  modelbin::Model model = compile(context, f.ir(), FoldMode::Exact);
  // encode (implicit) is absent: the block argument feeds the LIF directly.
  ASSERT_EQ(model.layers_size(), 2);
  const modelbin::LIF &lif = model.layers(0).lif();
  EXPECT_EQ(model.layers(0).kind(), modelbin::Layer::LIF);
  std::vector<float> th = tensorValues(lif.threshold()),
                     lk = tensorValues(lif.leak()),
                     bs = tensorValues(lif.bias()),
                     gn = tensorValues(lif.gain());

  std::mt19937 rng(7);
  std::normal_distribution<double> current(0.5, 1.5);
  int spikes = 0, compared = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> u(kChannels, 0.0), v(kChannels, 0.0);
    for (int t = 0; t < kSteps; ++t) {
      for (int c = 0; c < kChannels; ++c) {
        int i = t * kChannels + c;
        double x = current(rng);
        double k = f.gamma[i] / std::sqrt(double(f.var[i]) + f.eps);
        u[c] = f.leak * u[c] + k * (x - f.mean[i]);
        bool s = u[c] > f.theta;
        if (s)
          u[c] = hardReset ? 0.0 : u[c] - f.theta;
        v[c] = lk[i] * v[c] + gn[i] * x + bs[i];
        bool folded = v[c] > th[i];
        if (folded)
          v[c] = hardReset ? 0.0 : v[c] - th[i];
        EXPECT_EQ(s, folded)
            << "step " << t << " channel " << c << " gamma " << f.gamma[i];
        spikes += s;
        ++compared;
      }
    }
  }
  EXPECT_GT(spikes, compared / 20); // the property was exercised
}

TEST(FoldBNTT, ExactFoldKeepsEverySpikeSoftReset) {
  checkExactFoldKeepsSpikes(false);
}
TEST(FoldBNTT, ExactFoldKeepsEverySpikeHardReset) {
  checkExactFoldKeepsSpikes(true);
}

TEST(FoldBNTT, PaperModeMatchesEquation15) {
  MLIRContext context;
  context.loadDialect<snn::SNNDialect>();
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  Fixture f(3, false);
  modelbin::Model model = compile(context, f.ir(), FoldMode::Paper);
  const modelbin::LIF &lif = model.layers(0).lif();
  std::vector<float> th = tensorValues(lif.threshold()),
                     lk = tensorValues(lif.leak());
  for (int i = 0; i < kSteps * kChannels; ++i) {
    EXPECT_FLOAT_EQ(lk[i], f.leak);
    if (f.gamma[i] == 0.0f) {
      EXPECT_EQ(th[i], FLT_MAX); // never fires
      continue;
    }
    double expected =
        f.theta * std::sqrt(double(f.var[i]) + f.eps) / std::fabs(f.gamma[i]);
    EXPECT_NEAR(th[i], expected, 1e-6 * expected);
    EXPECT_TRUE(std::isfinite(th[i]));
  }
}

} // namespace

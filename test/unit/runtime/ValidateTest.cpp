//===- ValidateTest.cpp - semantic validation of hostile models -----------===//
//
// Each test takes a valid synthetic model, breaks one field (tables vs T and
// channels, NaN weights, input indices, shape products, huge sizes, dtype,
// kinds, flags) and checks that prepareNetwork rejects it with a message naming
// the layer and field.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"

#include "snnc/modelbin/Shapes.h"
#include "snnc/modelbin/Validate.h"
#include "snnc/runtime/Network.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

using namespace snnc;
using namespace snnc::test;

namespace {

// Layers of smallConvNet: 0 encode, 1 conv, 2 lif, 3 avgpool, 4 conv, 5 lif, 6
// avgpool, 7 flatten, 8 fc, 9 lif, 10 fc, 11 readout.
// Every broken model is checked twice: by modelbin::validate (the library
// snnc and snnc-map call) and through the runtime's prepareNetwork, which must
// reject it with the same message (it validates with the same function).
std::string rejects(const std::function<void(mb::Model &)> &breakIt) {
  mb::Model m = smallConvNet(7);
  breakIt(m);
  std::string viaLibrary;
  EXPECT_FALSE(mb::validate(m, &viaLibrary));
  rt::Network net;
  std::string err;
  EXPECT_FALSE(rt::prepareNetwork(m, &net, &err));
  EXPECT_EQ(err, viaLibrary);
  return err;
}

#define EXPECT_MSG(err, text)                                                  \
  EXPECT_NE((err).find(text), std::string::npos) << (err)

} // namespace

TEST(Validate, ValidModelPasses) {
  rt::Network net;
  std::string err;
  ASSERT_TRUE(rt::prepareNetwork(smallConvNet(7), &net, &err)) << err;
  EXPECT_EQ(net.layers.size(), 12u);
  EXPECT_EQ(net.steps, 6);
  EXPECT_EQ(net.exitStep, 4);
}

TEST(Validate, ModelFields) {
  EXPECT_MSG(rejects([](mb::Model &m) { m.set_num_steps(0); }),
             "model.num_steps");
  EXPECT_MSG(rejects([](mb::Model &m) { m.set_early_exit_step(7); }),
             "model.early_exit_step");
  EXPECT_MSG(rejects([](mb::Model &m) { m.set_early_exit_step(0); }),
             "model.early_exit_step");
  EXPECT_MSG(rejects([](mb::Model &m) { m.set_output_layer(3); }),
             "model.output_layer");
  EXPECT_MSG(rejects([](mb::Model &m) { m.set_output_layer(99); }),
             "model.output_layer");
  EXPECT_MSG(rejects([](mb::Model &m) { m.clear_input_shape(); }),
             "model.input_shape");
  EXPECT_MSG(rejects([](mb::Model &m) { m.add_gamma_mean()->set_layer("b"); }),
             "model.gamma_mean[0]");
}

TEST(Validate, GammaHistogram) {
  // The test model has T = 6; a valid row has 6 x bins counts.
  auto row = [](mb::Model &m, int bins, int counts) {
    mb::GammaHistogram *h = m.add_gamma_histogram();
    h->set_layer("bntt1");
    h->set_lo(-0.5f);
    h->set_hi(1.5f);
    h->set_bins(bins);
    for (int k = 0; k < counts; ++k)
      h->add_counts(1);
    return h;
  };
  rt::Network net;
  std::string err;
  mb::Model ok = smallConvNet(7);
  row(ok, 4, 24);
  EXPECT_TRUE(rt::prepareNetwork(ok, &net, &err)) << err;
  EXPECT_MSG(rejects([&](mb::Model &m) { row(m, 0, 0); }),
             "model.gamma_histogram[0] 'bntt1': bins = 0, expected 1..1024");
  EXPECT_MSG(rejects([&](mb::Model &m) { row(m, 4, 23); }),
             "model.gamma_histogram[0] 'bntt1': 23 counts, expected T x bins "
             "= 24");
  EXPECT_MSG(rejects([&](mb::Model &m) { row(m, 4, 24)->set_counts(5, -2); }),
             "model.gamma_histogram[0] 'bntt1': count 5 is -2, expected >= 0");
  EXPECT_MSG(rejects([&](mb::Model &m) { row(m, 4, 24)->set_lo(2.0f); }),
             "model.gamma_histogram[0] 'bntt1': range [2, 1.5], expected "
             "finite lo <= hi");
  EXPECT_MSG(rejects([&](mb::Model &m) { row(m, 4, 24)->set_hi(INFINITY); }),
             "expected finite lo <= hi");
}

TEST(Validate, TableSizeMismatch) {
  std::string e = rejects([](mb::Model &m) {
    setTensor(m.mutable_layers(2)->mutable_lif()->mutable_leak(), {5, 6},
              std::vector<float>(30, 1.0f));
  });
  EXPECT_MSG(e,
             "layer 2 'lif2' (LIF): lif.leak: shape [5, 6], expected [6, 6]");
  e = rejects([](mb::Model &m) {
    setTensor(m.mutable_layers(9)->mutable_lif()->mutable_threshold(), {6, 15},
              std::vector<float>(90, 1.0f));
  });
  EXPECT_MSG(e, "lif.threshold: shape [6, 15], expected [6, 16]");
}

TEST(Validate, DataSizeMismatch) {
  std::string e = rejects([](mb::Model &m) {
    m.mutable_layers(1)
        ->mutable_conv2d()
        ->mutable_weight()
        ->mutable_data()
        ->resize(10);
  });
  EXPECT_MSG(e, "conv2d.weight: data holds 10 bytes, expected 216");
}

TEST(Validate, NaNWeights) {
  std::string e = rejects([](mb::Model &m) {
    std::string *d =
        m.mutable_layers(8)->mutable_dense()->mutable_weight()->mutable_data();
    float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(&(*d)[8], &nan, 4);
  });
  EXPECT_MSG(e, "layer 8 'fc8' (DENSE): dense.weight: element 2 is nan, "
                "expected a finite value");
  e = rejects([](mb::Model &m) {
    std::string *d =
        m.mutable_layers(5)->mutable_lif()->mutable_bias()->mutable_data();
    float inf = std::numeric_limits<float>::infinity();
    std::memcpy(&(*d)[0], &inf, 4);
  });
  EXPECT_MSG(e, "lif.bias: element 0 is inf");
}

TEST(Validate, TableValueRanges) {
  auto setFirst = [](mb::Tensor *t, float v) {
    std::memcpy(&(*t->mutable_data())[0], &v, 4);
  };
  EXPECT_MSG(rejects([&](mb::Model &m) {
               setFirst(m.mutable_layers(2)->mutable_lif()->mutable_threshold(),
                        0.0f);
             }),
             "lif.threshold: element 0 is 0, expected > 0");
  EXPECT_MSG(rejects([&](mb::Model &m) {
               setFirst(m.mutable_layers(2)->mutable_lif()->mutable_leak(),
                        -0.5f);
             }),
             "lif.leak: element 0 is -0.5, expected >= 0");
  EXPECT_MSG(rejects([&](mb::Model &m) {
               m.mutable_layers(2)->mutable_lif()->set_reset_value(0.5f);
             }),
             "lif.reset_value: 0.5, expected a finite value, and 0 unless "
             "the reset is HARD");
  EXPECT_MSG(rejects([&](mb::Model &m) {
               m.mutable_layers(2)->mutable_lif()->set_reset(
                   static_cast<mb::LIF::Reset>(7));
             }),
             "lif.reset: 7, expected 0 (SOFT), 1 (HARD), 2 "
             "(SUBTRACT_DELAYED) or 3 (NONE)");
}

TEST(Validate, InputIndexOutOfRange) {
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(3)->set_inputs(0, 3); }),
      "layer 3 'avgpool3' (AVG_POOL2D): inputs: index 3 out of range, expected "
      "an earlier "
      "layer 0..2");
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(3)->set_inputs(0, -1); }),
      "inputs: index -1 out of range");
  EXPECT_MSG(rejects([](mb::Model &m) { m.mutable_layers(3)->add_inputs(1); }),
             "inputs: 2 given, expected 1");
}

TEST(Validate, ShapeProductOverflow) {
  std::string e = rejects([](mb::Model &m) {
    mb::Layer *l = m.mutable_layers(7);
    l->clear_shape();
    for (int i = 0; i < 8; ++i)
      l->add_shape(int64_t(1) << 20);
  });
  EXPECT_MSG(e, "shape: shape [");
  EXPECT_MSG(e, "has more than");
  e = rejects([](mb::Model &m) {
    m.mutable_layers(7)->set_shape(0, std::numeric_limits<int64_t>::max());
  });
  EXPECT_MSG(e, "out of range");
  e = rejects([](mb::Model &m) { m.mutable_layers(7)->set_shape(0, -3); });
  EXPECT_MSG(e, "dimension -3");
}

TEST(Validate, HugeSizes) {
  // A conv whose weight claims 2^40 elements but holds none.
  std::string e = rejects([](mb::Model &m) {
    mb::Tensor *w = m.mutable_layers(1)->mutable_conv2d()->mutable_weight();
    w->set_shape(0, int64_t(1) << 20);
    w->set_shape(2, int64_t(1) << 10);
    w->set_shape(3, int64_t(1) << 10);
  });
  EXPECT_MSG(e, "conv2d.weight");
  e = rejects([](mb::Model &m) {
    m.set_input_shape(1, 1 << 20);
    m.set_input_shape(2, 1 << 20);
  });
  EXPECT_MSG(e, "model.input_shape");
}

TEST(Validate, DeclaredShapeMustMatch) {
  std::string e =
      rejects([](mb::Model &m) { m.mutable_layers(3)->set_shape(1, 5); });
  EXPECT_MSG(e, "shape: [6, 5, 6] declared, expected [6, 6, 6]");
}

TEST(Validate, KindsParamsAndFlags) {
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(1)->set_kind(static_cast<mb::Layer::Kind>(42));
             }),
             "kind: 42 is not a layer kind");
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(1)->mutable_dense(); }),
      "params: expected conv2d parameters");
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(2)->set_binary(false); }),
      "binary: false, expected true");
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(3)->set_binary(true); }),
      "binary: true, expected false");
  EXPECT_MSG(
      rejects([](mb::Model &m) {
        m.mutable_layers(1)->mutable_conv2d()->mutable_weight()->set_dtype(
            mb::Tensor::I8);
      }),
      "dtype 1 is not supported");
  EXPECT_MSG(
      rejects([](mb::Model &m) { m.mutable_layers(4)->set_name("conv1"); }),
      "duplicate layer name");
  EXPECT_MSG(rejects([](mb::Model &m) { m.mutable_layers(4)->set_name(""); }),
             "name: empty");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(0)->mutable_encoder()->set_scale(0);
             }),
             "encoder.scale");
}

TEST(Validate, ConvGeometry) {
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(1)->mutable_conv2d()->set_groups(4);
             }),
             "conv2d.groups: 4 out of range");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(1)->mutable_conv2d()->set_strides(0, 0);
             }),
             "conv2d.strides: value 0 out of range");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(1)->mutable_conv2d()->add_pads(1);
             }),
             "pads: 5 values, expected 4");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(1)->mutable_conv2d()->set_dilations(0, 100);
             }),
             "does not fit the padded input");
}

TEST(Validate, PoolGeometry) {
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(3)->mutable_pool()->set_pads(0, 2);
             }),
             "pool.pads: every pad must be smaller than the kernel");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(3)->mutable_pool()->clear_kernel();
             }),
             "pool.kernel: 0 values, expected 2");
}

TEST(Validate, DenseInputSize) {
  EXPECT_MSG(rejects([](mb::Model &m) {
               mb::Tensor *w =
                   m.mutable_layers(10)->mutable_dense()->mutable_weight();
               w->set_shape(1, 15);
             }),
             "dense.weight: shape [10, 15], expected in = 16");
}

TEST(Validate, ReadoutRules) {
  EXPECT_MSG(rejects([](mb::Model &m) {
               mb::Layer *l = m.add_layers();
               *l = m.layers(10);
               l->set_name("after");
               l->set_inputs(0, 11);
             }),
             "layer 11 is the READOUT, which feeds no layer");
  // The membrane readout's parameters (main's general neuron, now rules of
  // modelbin::validate): one per channel, only with membrane, leak in [0, 1].
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(11)->mutable_readout()->add_leak(0.5f);
             }),
             "readout.leak: set without readout.membrane");
  EXPECT_MSG(rejects([](mb::Model &m) {
               mb::Readout *r = m.mutable_layers(11)->mutable_readout();
               r->set_membrane(true);
               r->add_gain(1.0f);
             }),
             "readout.gain: 1 values, expected 0 or");
  EXPECT_MSG(rejects([](mb::Model &m) {
               mb::Readout *r = m.mutable_layers(11)->mutable_readout();
               r->set_membrane(true);
               for (int64_t c = 0; c < m.layers(11).shape(0); ++c)
                 r->add_leak(c == 0 ? 1.5f : 0.5f);
             }),
             "readout.leak: element 0 is 1.5, expected finite and in [0, 1]");
  EXPECT_MSG(rejects([](mb::Model &m) {
               m.mutable_layers(7)->mutable_readout()->set_membrane(true);
             }),
             "params: set, expected none for this kind");
  EXPECT_MSG(rejects([](mb::Model &m) {
               mb::Encoder *e = m.mutable_layers(0)->mutable_encoder();
               e->set_kind(mb::Encoder::STEPS);
               e->add_mean(0.5f);
               e->add_std(1.0f);
             }),
             "encoder.mean/std: a STEPS encoder has no normalisation");
}

TEST(Validate, OneKindNameTable) {
  // rt::Kind is numbered as the schema (static_assert in Network.h); the
  // names come from the schema, for every kind.
  for (int k = 0; k <= mb::Layer::Kind_MAX; ++k) {
    auto kind = static_cast<mb::Layer::Kind>(k);
    EXPECT_EQ(rt::kindName(rt::toKind(kind)), mb::Layer::Kind_Name(kind));
    EXPECT_FALSE(mb::kindName(kind).empty());
  }
  EXPECT_EQ(mb::kindName(mb::Layer::CHANNEL_AFFINE), "CHANNEL_AFFINE");
  EXPECT_EQ(mb::kindName(static_cast<mb::Layer::Kind>(99)), "");
}

TEST(Validate, WindowRuleAndDefaults) {
  EXPECT_EQ(mb::windowOutputSize(12, 3, 1, 1, 1), 12);
  EXPECT_EQ(mb::windowOutputSize(12, 3, 2, 0, 0), 5);
  EXPECT_EQ(mb::windowOutputSize(12, 3, 1, 0, 0, 4), 4);
  EXPECT_EQ(mb::windowOutputSize(2, 3, 1, 0, 0), -1);
  EXPECT_EQ(mb::windowOutputSize(4, 0, 1, 0, 0), -1);
  EXPECT_EQ(mb::windowOutputSize(4, 2, 1, -1, 0), -1);
  mb::Conv2d c;
  for (int64_t d : {4, 1, 3, 5})
    c.mutable_weight()->add_shape(d);
  mb::Window2d w = mb::convWindow(c);
  EXPECT_EQ(w.kh, 3);
  EXPECT_EQ(w.kw, 5);
  EXPECT_EQ(w.sh, 1);
  EXPECT_EQ(w.dw, 1);
  EXPECT_EQ(w.padR, 0);
  EXPECT_EQ(mb::convGroups(c), 1);
  mb::Pool2d p;
  p.add_kernel(2);
  p.add_kernel(3);
  for (int64_t v : {0, 1, 0, 2})
    p.add_pads(v);
  w = mb::poolWindow(p);
  EXPECT_EQ(w.kw, 3);
  EXPECT_EQ(w.sw, 1);
  EXPECT_EQ(w.padL, 1);
  EXPECT_EQ(w.padR, 2);
}

//===- ImporterTest.cpp - the ONNX importer on in-memory models -----------===//
//
// Builds small profile-v1 models with the ONNX protobuf API and checks what
// the importer makes of them: op sequence, per-sample shapes, layer names,
// bias fusion of MatMul + Add, float_data initializers, auto_pad, and that
// errors arrive as diagnostics rather than crashes.
//
//===----------------------------------------------------------------------===//

#include "snnc/Dialect/SNN/IR/SNNOps.h"
#include "snnc/Import/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

using namespace mlir;
using namespace snnc;

namespace {

onnx::TensorProto *addInit(onnx::GraphProto &g, const std::string &name,
                           std::vector<int64_t> dims, float fill,
                           bool raw = true) {
  onnx::TensorProto *t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t count = 1;
  for (int64_t d : dims) {
    t->add_dims(d);
    count *= d;
  }
  std::vector<float> data(count, fill);
  if (raw)
    t->set_raw_data(data.data(), data.size() * sizeof(float));
  else
    for (float v : data)
      t->add_float_data(v);
  return t;
}

onnx::NodeProto *addNode(onnx::GraphProto &g, const std::string &op,
                         std::vector<std::string> in, std::string out,
                         const std::string &name = "",
                         const std::string &domain = "") {
  onnx::NodeProto *n = g.add_node();
  n->set_op_type(op);
  n->set_domain(domain);
  n->set_name(name);
  for (auto &i : in)
    n->add_input(i);
  n->add_output(out);
  return n;
}

void setAttr(onnx::NodeProto *n, const std::string &name, float value) {
  auto *a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void setAttr(onnx::NodeProto *n, const std::string &name,
             std::vector<int64_t> values) {
  auto *a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a->add_ints(v);
}

void setAttr(onnx::NodeProto *n, const std::string &name,
             const std::string &value) {
  auto *a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void setInput(onnx::GraphProto &g, std::vector<int64_t> dims) {
  auto *in = g.add_input();
  in->set_name("input");
  auto *type = in->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  type->mutable_shape()->add_dim()->set_dim_param("N");
  for (int64_t d : dims)
    type->mutable_shape()->add_dim()->set_dim_value(d);
  g.add_output()->set_name("logits");
}

onnx::ModelProto skeleton(int steps = 4) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto *o = m.add_opset_import();
  o->set_domain("");
  o->set_version(17);
  o = m.add_opset_import();
  o->set_domain("ai.snnc");
  o->set_version(1);
  auto *p = m.add_metadata_props();
  p->set_key("snnc.profile");
  p->set_value("1");
  p = m.add_metadata_props();
  p->set_key("snnc.num_steps");
  p->set_value(std::to_string(steps));
  m.mutable_graph()->set_name("net");
  return m;
}

/// input[N,4] -> Poisson -> MatMul(+Add bias) -> LIF -> Gemm -> Readout.
onnx::ModelProto mlp() {
  onnx::ModelProto m = skeleton();
  onnx::GraphProto &g = *m.mutable_graph();
  setInput(g, {4});
  addInit(g, "w1", {4, 3}, 0.25f, /*raw=*/false);
  addInit(g, "b1", {3}, 0.5f);
  addInit(g, "w2", {2, 3}, 1.0f);
  addNode(g, "PoissonEncode", {"input"}, "s", "enc", "ai.snnc");
  addNode(g, "MatMul", {"s", "w1"}, "h0");
  addNode(g, "Add", {"h0", "b1"}, "h", "bias");
  setAttr(addNode(g, "LIF", {"h"}, "z", "lif", "ai.snnc"), "leak", 0.9f);
  auto *gemm = addNode(g, "Gemm", {"z", "w2"}, "o", "fc2");
  auto *t = gemm->add_attribute();
  t->set_name("transB");
  t->set_type(onnx::AttributeProto::INT);
  t->set_i(1);
  addNode(g, "Readout", {"o"}, "logits", "readout", "ai.snnc");
  return m;
}

struct Imported {
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<std::string> errors;

  explicit Imported(const onnx::ModelProto &model) {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      errors.push_back(diag.str());
      return success();
    });
    module =
        importONNXBuffer(model.SerializeAsString(), false, "m.onnx", &context);
  }

  snn::NetworkOp network() { return *module->getOps<snn::NetworkOp>().begin(); }
};

TEST(Importer, BuildsTheNetwork) {
  Imported imported(mlp());
  ASSERT_TRUE(imported.module) << imported.errors.front();
  snn::NetworkOp net = imported.network();
  EXPECT_EQ(net.getNumSteps(), 4);
  EXPECT_EQ(net.getSymName(), "net");
  std::vector<std::string> ops, names;
  for (Operation &op : net.getBody().front().without_terminator()) {
    ops.push_back(op.getName().getStringRef().str());
    names.push_back(snn::getLayerName(&op));
  }
  // MatMul + Add became one dense op with a bias, named after the Add.
  EXPECT_EQ(ops,
            (std::vector<std::string>{"snn.poisson_encode", "snn.dense",
                                      "snn.lif", "snn.dense", "snn.readout"}));
  EXPECT_EQ(names,
            (std::vector<std::string>{"enc", "bias", "lif", "fc2", "readout"}));
  auto dense = *net.getOps<snn::DenseOp>().begin();
  EXPECT_TRUE(dense.getBias().has_value());
  EXPECT_EQ(cast<ShapedType>(dense.getWeight().getType()).getShape(),
            ArrayRef<int64_t>({3, 4})); // MatMul's [K, M] transposed
}

TEST(Importer, NamesUnnamedNodesByTypeAndIndex) {
  onnx::ModelProto m = mlp();
  m.mutable_graph()->mutable_node(3)->clear_name(); // the LIF
  Imported imported(m);
  ASSERT_TRUE(imported.module);
  auto lif = *imported.network().getOps<snn::LIFOp>().begin();
  EXPECT_EQ(snn::getLayerName(lif), "LIF_3");
}

TEST(Importer, ConvWithSamePaddingAndFlattenReshape) {
  onnx::ModelProto m = skeleton(2);
  onnx::GraphProto &g = *m.mutable_graph();
  setInput(g, {1, 5, 5});
  addInit(g, "w", {2, 1, 3, 3}, 0.1f);
  auto *shape = g.add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(2);
  shape->add_int64_data(0);
  shape->add_int64_data(-1);
  addInit(g, "fc", {2 * 2 * 2, 3}, 0.1f);
  addNode(g, "DirectEncode", {"input"}, "x", "enc", "ai.snnc");
  setAttr(addNode(g, "Conv", {"x", "w"}, "c", "conv"), "auto_pad",
          std::string("SAME_UPPER"));
  auto *pool = addNode(g, "MaxPool", {"c"}, "p", "pool");
  setAttr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  setAttr(pool, "strides", std::vector<int64_t>{2, 2});
  addNode(g, "Reshape", {"p", "shape"}, "f", "flat");
  addNode(g, "MatMul", {"f", "fc"}, "o", "fc");
  addNode(g, "Readout", {"o"}, "logits", "readout", "ai.snnc");
  Imported imported(m);
  ASSERT_TRUE(imported.module) << imported.errors.front();
  auto conv = *imported.network().getOps<snn::Conv2DOp>().begin();
  EXPECT_EQ(conv.getType().getShape(), ArrayRef<int64_t>({2, 5, 5}));
  EXPECT_EQ(conv.getPads(), ArrayRef<int64_t>({1, 1, 1, 1}));
  auto flat = *imported.network().getOps<snn::FlattenOp>().begin();
  EXPECT_EQ(flat.getType().getShape(), ArrayRef<int64_t>({8}));
}

TEST(Importer, ReportsErrorsAsDiagnostics) {
  {
    Imported imported(mlp());
    EXPECT_TRUE(imported.errors.empty());
  }
  onnx::ModelProto m = mlp();
  m.mutable_opset_import(0)->set_version(11);
  Imported old(m);
  EXPECT_FALSE(old.module);
  ASSERT_EQ(old.errors.size(), 1u);
  EXPECT_NE(old.errors[0].find("default-domain opset 11"), std::string::npos);

  MLIRContext context;
  std::vector<std::string> errors;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    errors.push_back(diag.str());
    return success();
  });
  std::string bytes = mlp().SerializeAsString();
  for (size_t cut : {size_t(0), size_t(1), bytes.size() / 3, bytes.size() - 1})
    EXPECT_FALSE(
        importONNXBuffer(bytes.substr(0, cut), false, "cut.onnx", &context));
  EXPECT_EQ(errors.size(), 4u);
}

TEST(Importer, BNTTTablesMustMatchStepsAndChannels) {
  onnx::ModelProto m = mlp();
  onnx::GraphProto &g = *m.mutable_graph();
  addInit(g, "gamma", {4, 3}, 1.0f);
  addInit(g, "mean", {4, 3}, 0.0f);
  addInit(g, "var", {5, 3}, 1.0f);
  // Insert BNTT between the bias Add and the LIF.
  g.mutable_node(3)->set_input(0, "hb");
  addNode(g, "BNTT", {"h", "gamma", "mean", "var"}, "hb", "bntt", "ai.snnc");
  Imported imported(m);
  EXPECT_FALSE(imported.module);
  ASSERT_FALSE(imported.errors.empty());
  EXPECT_NE(
      imported.errors[0].find("var 'var' must have shape [T, C] = [4, 3]"),
      std::string::npos)
      << imported.errors[0];
}

} // namespace

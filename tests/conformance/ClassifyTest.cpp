//===- ClassifyTest.cpp - tests of the conformance harness itself ---------===//
//
// The harness decides what counts as a skip, and with which tolerance a
// value passes: both are tested here on models and values built in memory.
//
//===----------------------------------------------------------------------===//
#include "tests/conformance/Classify.h"
#include "tests/conformance/TestData.h"

#include "onnx/onnx_pb.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <unistd.h>

using namespace ariadne::conformance;

namespace {

/// A small graph builder over the protobuf API.
struct ModelBuilder {
  onnx::ModelProto model;
  onnx::GraphProto *graph = model.mutable_graph();

  explicit ModelBuilder(int64_t opset = 13) {
    model.set_ir_version(8);
    auto *o = model.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
  }

  static void setType(onnx::ValueInfoProto *vi, int elemType,
                      const std::vector<int64_t> &dims) {
    auto *t = vi->mutable_type()->mutable_tensor_type();
    t->set_elem_type(elemType);
    auto *shape = t->mutable_shape();
    for (int64_t d : dims) {
      auto *dim = shape->add_dim();
      if (d < 0)
        dim->set_dim_param("N");
      else
        dim->set_dim_value(d);
    }
  }
  ModelBuilder &input(const std::string &name, std::vector<int64_t> dims,
                      int elemType = onnx::TensorProto::FLOAT) {
    auto *vi = graph->add_input();
    vi->set_name(name);
    setType(vi, elemType, dims);
    return *this;
  }
  ModelBuilder &output(const std::string &name, std::vector<int64_t> dims,
                       int elemType = onnx::TensorProto::FLOAT) {
    auto *vi = graph->add_output();
    vi->set_name(name);
    setType(vi, elemType, dims);
    return *this;
  }
  ModelBuilder &int64Initializer(const std::string &name,
                                 std::vector<int64_t> values) {
    auto *t = graph->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(values.size());
    for (int64_t v : values)
      t->add_int64_data(v);
    return *this;
  }
  ModelBuilder &floatInitializer(const std::string &name,
                                 std::vector<int64_t> dims,
                                 std::vector<float> values) {
    auto *t = graph->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      t->add_dims(d);
    for (float v : values)
      t->add_float_data(v);
    return *this;
  }
  onnx::NodeProto &node(const std::string &op, std::vector<std::string> ins,
                        std::vector<std::string> outs) {
    auto *n = graph->add_node();
    n->set_op_type(op);
    for (auto &i : ins)
      n->add_input(i);
    for (auto &o : outs)
      n->add_output(o);
    return *n;
  }
  Classification classify() const { return classifyModel(model); }
};

void setIntAttr(onnx::NodeProto &node, const std::string &name, int64_t v) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void setIntsAttr(onnx::NodeProto &node, const std::string &name,
                 std::vector<int64_t> values) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a->add_ints(v);
}

void setStringAttr(onnx::NodeProto &node, const std::string &name,
                   const std::string &value) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

void setFloatAttr(onnx::NodeProto &node, const std::string &name, float v) {
  auto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

/// Expects `Unsupported` with a reason starting with the rule's name.
void requireSkippedBy(const Classification &c, const char *rule) {
  INFO("reason: " << c.reason);
  REQUIRE(c.kind == Classification::Unsupported);
  REQUIRE(c.reason.rfind(std::string(rule) + ":", 0) == 0);
}

std::string tempPath(const char *name) {
  return "/tmp/ariadne-conformance-test-" + std::to_string(::getpid()) + "-" +
         name;
}

} // namespace

TEST_CASE("operator tables are consistent", "[conformance]") {
  std::set<std::string> seen;
  for (const char *op : supportedOps())
    REQUIRE(seen.insert(op).second);
  size_t listed = 0;
  for (const UnsupportedOpGroup &group : unsupportedOpGroups())
    for (const char *op : group.ops) {
      INFO(op);
      REQUIRE(seen.insert(op).second); // neither duplicated nor supported
      ++listed;
    }
  // UNSUPPORTED.md's count of the operator types outside the supported set.
  REQUIRE(listed == 101);
  std::set<Feature> features;
  for (const FeatureRule &rule : featureRules())
    REQUIRE(features.insert(rule.feature).second);
  REQUIRE(features.size() == static_cast<size_t>(Feature::SplitOfConstant) + 1);
}

TEST_CASE("supported models", "[conformance]") {
  SECTION("Gemm of two run-time inputs") {
    ModelBuilder m;
    m.input("a", {3, 4}).input("b", {4, 5}).output("y", {3, 5});
    m.node("Gemm", {"a", "b"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Reshape with an initializer shape") {
    ModelBuilder m;
    m.input("x", {2, 6}).int64Initializer("s", {3, 4}).output("y", {3, 4});
    m.node("Reshape", {"x", "s"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Reshape with a shape computed from static shapes") {
    // x.view(x.size(0), -1) as PyTorch exports it.
    ModelBuilder m;
    m.input("x", {2, 3, 4}).output("y", {2, 12});
    m.int64Initializer("zero", {0}).int64Initializer("minus1", {-1});
    m.node("Shape", {"x"}, {"shape"});
    setIntAttr(m.node("Gather", {"shape", "zero"}, {"n"}), "axis", 0);
    setIntAttr(m.node("Concat", {"n", "minus1"}, {"target"}), "axis", 0);
    m.node("Reshape", {"x", "target"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("leading dynamic dimension is the batch") {
    ModelBuilder m;
    m.input("x", {-1, 4}).output("y", {-1, 4});
    m.node("Relu", {"x"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("initializers listed as graph inputs are not run-time inputs") {
    ModelBuilder m(6);
    m.input("x", {2, 6}).input("s", {2}, onnx::TensorProto::INT64);
    m.int64Initializer("s", {3, 4}).output("y", {3, 4});
    m.node("Reshape", {"x", "s"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Dropout with a constant false training_mode") {
    ModelBuilder m;
    m.input("x", {3}).output("y", {3});
    auto &c = m.node("Constant", {}, {"t"});
    auto *a = c.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::BOOL);
    a->mutable_t()->add_int32_data(0);
    m.node("Dropout", {"x", "", "t"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
}

TEST_CASE("unsupported operators and unclassified ones", "[conformance]") {
  ModelBuilder m;
  m.input("x", {1, 1, 4, 4}).input("w", {1, 1, 3, 3}).output("y", {1, 1, 2, 2});
  SECTION("listed operator") {
    m.node("ConvTranspose", {"x", "w"}, {"y"});
    Classification c = m.classify();
    REQUIRE(c.kind == Classification::Unsupported);
    REQUIRE(c.reason == "operator ConvTranspose (convolution and pooling)");
  }
  SECTION("operator in neither table fails, whatever else the model uses") {
    m.input("i", {2}, onnx::TensorProto::INT64);
    m.node("NotAnOnnxOp", {"x"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Unclassified);
  }
}

TEST_CASE("feature rules", "[conformance]") {
  SECTION("non-float32 input") {
    ModelBuilder m;
    m.input("x", {3}, onnx::TensorProto::UINT8)
        .output("y", {3}, onnx::TensorProto::UINT8);
    m.node("Relu", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "non-float32 value");
  }
  SECTION("sequence output") {
    ModelBuilder m;
    m.input("x", {3});
    auto *out = m.graph->add_output();
    out->set_name("y");
    out->mutable_type()->mutable_sequence_type();
    m.node("Identity", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "non-float32 value");
  }
  SECTION("dynamic inner dimension") {
    ModelBuilder m;
    m.input("x", {3, -1}).output("y", {3, -1});
    m.node("Relu", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "dynamic shape");
  }
  SECTION("empty output") {
    ModelBuilder m;
    m.input("x", {3}).output("y", {0});
    m.node("Relu", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "empty tensor");
  }
  SECTION("no run-time input") {
    ModelBuilder m;
    m.output("y", {1});
    auto &c = m.node("Constant", {}, {"y"});
    auto *a = c.add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    a->mutable_t()->add_dims(1);
    a->mutable_t()->add_float_data(1);
    requireSkippedBy(m.classify(), "no run-time input");
  }
  SECTION("foreign domain") {
    ModelBuilder m;
    m.input("x", {3}).output("y", {3});
    m.node("Relu", {"x"}, {"y"}).set_domain("com.example");
    requireSkippedBy(m.classify(), "operator domain");
  }
  SECTION("Reshape with a run-time shape") {
    ModelBuilder m;
    m.input("x", {2, 6}).input("s", {2}, onnx::TensorProto::INT64);
    m.output("y", {3, 4});
    m.node("Reshape", {"x", "s"}, {"y"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }
  SECTION("shape computed from a dynamic batch") {
    ModelBuilder m;
    m.input("x", {-1, 3, 4}).output("y", {-1, 12});
    m.int64Initializer("zero", {0}).int64Initializer("minus1", {-1});
    m.node("Shape", {"x"}, {"shape"});
    m.node("Gather", {"shape", "zero"}, {"n"});
    m.node("Concat", {"n", "minus1"}, {"target"});
    m.node("Reshape", {"x", "target"}, {"y"});
    requireSkippedBy(m.classify(), "run-time Gather");
  }
  SECTION("Slice with run-time starts") {
    ModelBuilder m;
    m.input("x", {10}).input("b", {1}, onnx::TensorProto::INT64);
    m.int64Initializer("e", {5}).output("y", {3});
    m.node("Slice", {"x", "b", "e"}, {"y"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }
  SECTION("Slice attributes before opset 10") {
    ModelBuilder m(6);
    m.input("x", {10}).output("y", {5});
    m.node("Slice", {"x"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Cast of a run-time value") {
    ModelBuilder m;
    m.input("x", {3}).output("y", {3});
    setIntAttr(m.node("Cast", {"x"}, {"i"}), "to", onnx::TensorProto::INT32);
    setIntAttr(m.node("Cast", {"i"}, {"y"}), "to", onnx::TensorProto::FLOAT);
    requireSkippedBy(m.classify(), "run-time Cast");
  }
  SECTION("BatchNormalization in training mode") {
    ModelBuilder m(15);
    m.input("x", {2, 3}).output("y", {2, 3});
    for (const char *p : {"s", "b", "mu", "var"})
      m.input(p, {3});
    setIntAttr(m.node("BatchNormalization", {"x", "s", "b", "mu", "var"},
                      {"y"}),
               "training_mode", 1);
    requireSkippedBy(m.classify(), "BatchNormalization training");
  }
  SECTION("BatchNormalization-6 without is_test") {
    ModelBuilder m(6);
    m.input("x", {2, 3}).output("y", {2, 3});
    for (const char *p : {"s", "b", "mu", "var"})
      m.input(p, {3});
    m.node("BatchNormalization", {"x", "s", "b", "mu", "var"}, {"y"});
    requireSkippedBy(m.classify(), "BatchNormalization training");
  }
  SECTION("Dropout with a run-time training_mode") {
    ModelBuilder m;
    m.input("x", {3}).input("t", {}, onnx::TensorProto::BOOL);
    m.output("y", {3});
    m.node("Dropout", {"x", "", "t"}, {"y"});
    requireSkippedBy(m.classify(), "Dropout training");
  }
  SECTION("Dropout mask used") {
    ModelBuilder m;
    m.input("x", {3}).output("y", {3});
    m.node("Dropout", {"x"}, {"d", "mask"});
    setIntAttr(m.node("Cast", {"mask"}, {"f"}), "to",
               onnx::TensorProto::FLOAT);
    m.node("Mul", {"d", "f"}, {"y"});
    requireSkippedBy(m.classify(), "Dropout mask");
  }
  SECTION("legacy broadcast axis") {
    ModelBuilder m(6);
    m.input("x", {2, 3}).input("b", {2}).output("y", {2, 3});
    auto &add = m.node("Add", {"x", "b"}, {"y"});
    setIntAttr(add, "broadcast", 1);
    setIntAttr(add, "axis", 0);
    requireSkippedBy(m.classify(), "legacy broadcast axis");
  }
}

TEST_CASE("convolution, pooling and padding rules", "[conformance]") {
  // A 3x3 kernel of ones on one channel.
  const std::vector<float> ones(9, 1.0f);
  SECTION("Conv with initializer weights and a batch of one") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).floatInitializer("w", {1, 1, 3, 3}, ones);
    m.floatInitializer("b", {1}, {0.5f}).output("y", {1, 1, 3, 3});
    m.node("Conv", {"x", "w", "b"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Conv with a dynamic batch") {
    ModelBuilder m;
    m.input("x", {-1, 1, 5, 5}).floatInitializer("w", {1, 1, 3, 3}, ones);
    m.output("y", {-1, 1, 3, 3});
    m.node("Conv", {"x", "w"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Conv with a run-time weight") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).input("w", {1, 1, 3, 3});
    m.output("y", {1, 1, 3, 3});
    m.node("Conv", {"x", "w"}, {"y"});
    requireSkippedBy(m.classify(), "run-time weights");
  }
  SECTION("Conv with a run-time bias") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).floatInitializer("w", {1, 1, 3, 3}, ones);
    m.input("b", {1}).output("y", {1, 1, 3, 3});
    m.node("Conv", {"x", "w", "b"}, {"y"});
    requireSkippedBy(m.classify(), "run-time weights");
  }
  SECTION("Conv of a static batch of two") {
    ModelBuilder m;
    m.input("x", {2, 1, 5, 5}).floatInitializer("w", {1, 1, 3, 3}, ones);
    m.output("y", {2, 1, 3, 3});
    m.node("Conv", {"x", "w"}, {"y"});
    requireSkippedBy(m.classify(), "static batch");
  }
  SECTION("static batch of an inferred intermediate value") {
    // PyTorch's AvgPool1d export: [N, C, L] unsqueezed to [N, C, L, 1].
    ModelBuilder m;
    m.input("x", {2, 3, 6}).int64Initializer("axes", {3});
    m.output("y", {2, 3, 3});
    m.node("Unsqueeze", {"x", "axes"}, {"u"});
    auto &pool = m.node("AveragePool", {"u"}, {"p"});
    setIntsAttr(pool, "kernel_shape", {2, 1});
    setIntsAttr(pool, "strides", {2, 1});
    m.node("Squeeze", {"p", "axes"}, {"y"});
    requireSkippedBy(m.classify(), "static batch");
  }
  SECTION("global pooling of a static batch") {
    ModelBuilder m;
    m.input("x", {3, 2, 4, 4}).output("y", {3, 2, 1, 1});
    m.node("GlobalMaxPool", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "static batch");
  }
  SECTION("more than 3 spatial dimensions") {
    ModelBuilder m;
    m.input("x", {1, 1, 2, 2, 2, 2}).output("y", {1, 1, 1, 1, 1, 1});
    setIntsAttr(m.node("MaxPool", {"x"}, {"y"}), "kernel_shape", {2, 2, 2, 2});
    requireSkippedBy(m.classify(), "more than 3 spatial dimensions");
  }
  SECTION("MaxPool with its indices used") {
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 2, 2});
    m.output("i", {1, 1, 2, 2}, onnx::TensorProto::INT64);
    setIntsAttr(m.node("MaxPool", {"x"}, {"y", "i"}), "kernel_shape", {2, 2});
    requireSkippedBy(m.classify(), "MaxPool indices");
  }
  SECTION("MaxPool with storage_order=1") {
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 2, 2});
    auto &pool = m.node("MaxPool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {2, 2});
    setIntAttr(pool, "storage_order", 1);
    requireSkippedBy(m.classify(), "MaxPool indices");
  }
  SECTION("MaxPool ceil_mode whose windows start inside the input") {
    // ONNX's test_maxpool_2d_ceil: windows at 0 and 2 of 4.
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 2, 2});
    auto &pool = m.node("MaxPool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {3, 3});
    setIntsAttr(pool, "strides", {2, 2});
    setIntAttr(pool, "ceil_mode", 1);
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("MaxPool ceil_mode with a window past the input") {
    // Kernel 1, stride 2 over 4: ONNX 1.12 counts a third window at 4.
    ModelBuilder m;
    m.input("x", {1, 1, 4}).output("y", {1, 1, 3});
    auto &pool = m.node("MaxPool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {1});
    setIntsAttr(pool, "strides", {2});
    setIntAttr(pool, "ceil_mode", 1);
    requireSkippedBy(m.classify(), "pooling ceil_mode window past the input");
  }
  SECTION("AveragePool with padding and count_include_pad=1") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).output("y", {1, 1, 5, 5});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {3, 3});
    setIntsAttr(pool, "pads", {1, 1, 1, 1});
    setIntAttr(pool, "count_include_pad", 1);
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("AveragePool with padding and count_include_pad=0") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).output("y", {1, 1, 5, 5});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {3, 3});
    setIntsAttr(pool, "pads", {1, 1, 1, 1});
    requireSkippedBy(m.classify(),
                     "AveragePool count_include_pad=0 with padding");
  }
  SECTION("AveragePool SAME_UPPER that pads") {
    ModelBuilder m;
    m.input("x", {1, 1, 5, 5}).output("y", {1, 1, 5, 5});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {2, 2});
    setStringAttr(pool, "auto_pad", "SAME_UPPER");
    requireSkippedBy(m.classify(),
                     "AveragePool count_include_pad=0 with padding");
  }
  SECTION("AveragePool SAME_UPPER that does not pad") {
    // Kernel 2, stride 2 over 4: two windows, no padding.
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 2, 2});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {2, 2});
    setIntsAttr(pool, "strides", {2, 2});
    setStringAttr(pool, "auto_pad", "SAME_UPPER");
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("AveragePool ceil_mode with a window past the padding") {
    // ONNX's test_averagepool_2d_ceil: the window at 2 reaches 5 of 4.
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 2, 2});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {3, 3});
    setIntsAttr(pool, "strides", {2, 2});
    setIntAttr(pool, "ceil_mode", 1);
    requireSkippedBy(m.classify(), "AveragePool ceil_mode");
  }
  SECTION("AveragePool ceil_mode with a window past the input only") {
    ModelBuilder m;
    m.input("x", {1, 1, 4}).output("y", {1, 1, 3});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {1});
    setIntsAttr(pool, "strides", {2});
    setIntAttr(pool, "ceil_mode", 1);
    requireSkippedBy(m.classify(), "pooling ceil_mode window past the input");
  }
  SECTION("AveragePool with dilations") {
    ModelBuilder m(19);
    m.input("x", {1, 1, 5}).output("y", {1, 1, 3});
    auto &pool = m.node("AveragePool", {"x"}, {"y"});
    setIntsAttr(pool, "kernel_shape", {2});
    setIntsAttr(pool, "dilations", {2});
    requireSkippedBy(m.classify(), "AveragePool dilations");
  }
}

TEST_CASE("Pad, activation and reduction rules", "[conformance]") {
  const char *padRule = "Pad other than zero padding of spatial dimensions";
  SECTION("zero padding of spatial dimensions") {
    ModelBuilder m;
    m.input("x", {1, 2, 3, 3}).int64Initializer("p", {0, 0, 1, 0, 0, 0, 2, 1});
    m.output("y", {1, 2, 6, 4});
    m.node("Pad", {"x", "p"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("all-zero pads are the identity in any mode") {
    ModelBuilder m;
    m.input("x", {2, 3}).int64Initializer("p", {0, 0, 0, 0});
    m.output("y", {2, 3});
    setStringAttr(m.node("Pad", {"x", "p"}, {"y"}), "mode", "reflect");
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("reflect mode") {
    ModelBuilder m;
    m.input("x", {1, 1, 2, 4}).int64Initializer("p", {0, 0, 0, 2, 0, 0, 1, 3});
    m.output("y", {1, 1, 3, 9});
    setStringAttr(m.node("Pad", {"x", "p"}, {"y"}), "mode", "reflect");
    requireSkippedBy(m.classify(), padRule);
  }
  SECTION("a padding value other than 0 (opset 2 attribute)") {
    ModelBuilder m(6);
    m.input("x", {1, 1, 4, 4}).output("y", {1, 1, 6, 6});
    auto &pad = m.node("Pad", {"x"}, {"y"});
    setIntsAttr(pad, "pads", {0, 0, 1, 1, 0, 0, 1, 1});
    setFloatAttr(pad, "value", 2.0f);
    requireSkippedBy(m.classify(), padRule);
  }
  SECTION("a run-time constant_value") {
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).input("v", {});
    m.int64Initializer("p", {0, 0, 1, 1, 0, 0, 1, 1}).output("y", {1, 1, 6, 6});
    m.node("Pad", {"x", "p", "v"}, {"y"});
    requireSkippedBy(m.classify(), padRule);
  }
  SECTION("a constant_value of 0") {
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).floatInitializer("v", {}, {0.0f});
    m.int64Initializer("p", {0, 0, 1, 1, 0, 0, 1, 1}).output("y", {1, 1, 6, 6});
    m.node("Pad", {"x", "p", "v"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("channel padding: dimension 1 and the last") {
    ModelBuilder m;
    m.input("x", {1, 2, 3, 3}).int64Initializer("p", {0, 1, 0, 1, 0, 0, 0, 0});
    m.output("y", {1, 3, 3, 4});
    m.node("Pad", {"x", "p"}, {"y"});
    requireSkippedBy(m.classify(), padRule);
  }
  SECTION("spatial padding of a channels-last map") {
    ModelBuilder m;
    m.input("x", {1, 3, 3, 2}).int64Initializer("p", {0, 1, 1, 0, 0, 1, 1, 0});
    m.output("y", {1, 5, 5, 2});
    m.node("Pad", {"x", "p"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("negative pads") {
    ModelBuilder m;
    m.input("x", {1, 1, 4, 4}).int64Initializer("p", {0, 0, -1, 0, 0, 0, 0, 0});
    m.output("y", {1, 1, 3, 4});
    m.node("Pad", {"x", "p"}, {"y"});
    requireSkippedBy(m.classify(), padRule);
  }
  SECTION("zero padding of a static batch") {
    ModelBuilder m;
    m.input("x", {2, 3, 4, 4}).int64Initializer("p", {0, 0, 1, 1, 0, 0, 1, 1});
    m.output("y", {2, 3, 6, 6});
    m.node("Pad", {"x", "p"}, {"y"});
    requireSkippedBy(m.classify(), "static batch");
  }
  SECTION("run-time pads") {
    ModelBuilder m;
    m.input("x", {1, 3, 4, 5}).input("p", {8}, onnx::TensorProto::INT64);
    m.output("y", {1, 3, 7, 12});
    m.node("Pad", {"x", "p"}, {"y"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }
  SECTION("PRelu with an initializer slope") {
    ModelBuilder m(16);
    m.input("x", {3, 4, 5}).floatInitializer("s", {5}, {1, 2, 3, 4, 5});
    m.output("y", {3, 4, 5});
    m.node("PRelu", {"x", "s"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("PRelu with a run-time slope") {
    ModelBuilder m(16);
    m.input("x", {3, 4, 5}).input("s", {5}).output("y", {3, 4, 5});
    m.node("PRelu", {"x", "s"}, {"y"});
    requireSkippedBy(m.classify(), "run-time weights");
  }
  SECTION("PRelu-6") {
    ModelBuilder m(6);
    m.input("x", {2, 3, 4}).floatInitializer("s", {3}, {1, 2, 3});
    m.output("y", {2, 3, 4});
    m.node("PRelu", {"x", "s"}, {"y"});
    requireSkippedBy(m.classify(), "legacy operator version");
  }
  SECTION("Elu-1") {
    ModelBuilder m(5);
    m.input("x", {3}).output("y", {3});
    m.node("Elu", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "legacy operator version");
  }
  SECTION("ReduceMax of a static tensor over every axis") {
    ModelBuilder m;
    m.input("x", {3, 2, 2}).output("y", {1, 1, 1});
    m.node("ReduceMax", {"x"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("ReduceMax of a batch over other axes") {
    ModelBuilder m;
    m.input("x", {-1, 2, 2}).output("y", {-1, 2});
    auto &reduce = m.node("ReduceMax", {"x"}, {"y"});
    setIntsAttr(reduce, "axes", {-1});
    setIntAttr(reduce, "keepdims", 0);
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("ReduceMax over the batch") {
    ModelBuilder m;
    m.input("x", {-1, 2, 2}).output("y", {1, 1, 1});
    m.node("ReduceMax", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "reduction over the batch");
  }
  SECTION("ReduceMax over the batch by a negative axis") {
    ModelBuilder m;
    m.input("x", {-1, 2}).output("y", {2});
    auto &reduce = m.node("ReduceMax", {"x"}, {"y"});
    setIntsAttr(reduce, "axes", {-2});
    setIntAttr(reduce, "keepdims", 0);
    requireSkippedBy(m.classify(), "reduction over the batch");
  }
}

TEST_CASE("ReduceSum, ReduceMean, LayerNormalization and Split rules",
          "[conformance]") {
  SECTION("ReduceSum-13 with initializer axes") {
    ModelBuilder m;
    m.input("x", {-1, 3, 4}).int64Initializer("axes", {2});
    m.output("y", {-1, 3, 1});
    m.node("ReduceSum", {"x", "axes"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("ReduceSum-13 with run-time axes") {
    ModelBuilder m;
    m.input("x", {3, 4}).input("axes", {1}, onnx::TensorProto::INT64);
    m.output("y", {3, 1});
    m.node("ReduceSum", {"x", "axes"}, {"y"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }
  SECTION("ReduceSum-11 axes attribute over the batch") {
    ModelBuilder m(11);
    m.input("x", {-1, 3}).output("y", {1, 3});
    setIntsAttr(m.node("ReduceSum", {"x"}, {"y"}), "axes", {0});
    requireSkippedBy(m.classify(), "reduction over the batch");
  }
  SECTION("ReduceSum-13 over every axis of a batch") {
    ModelBuilder m;
    m.input("x", {-1, 3}).output("y", {1, 1});
    m.node("ReduceSum", {"x"}, {"y"});
    requireSkippedBy(m.classify(), "reduction over the batch");
  }
  SECTION("ReduceSum-13 with empty axes and noop_with_empty_axes") {
    ModelBuilder m;
    m.input("x", {-1, 3}).output("y", {-1, 3});
    setIntAttr(m.node("ReduceSum", {"x"}, {"y"}), "noop_with_empty_axes", 1);
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("ReduceMean-13 axes attribute over inner axes of a batch") {
    ModelBuilder m;
    m.input("x", {-1, 3, 4}).output("y", {-1, 1, 1});
    setIntsAttr(m.node("ReduceMean", {"x"}, {"y"}), "axes", {1, -1});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("ReduceMean over the batch") {
    ModelBuilder m;
    m.input("x", {-1, 3}).output("y", {3});
    auto &reduce = m.node("ReduceMean", {"x"}, {"y"});
    setIntsAttr(reduce, "axes", {-2});
    setIntAttr(reduce, "keepdims", 0);
    requireSkippedBy(m.classify(), "reduction over the batch");
  }
  SECTION("ReduceMean-18 with run-time axes") {
    ModelBuilder m(18);
    m.input("x", {3, 4}).input("axes", {1}, onnx::TensorProto::INT64);
    m.output("y", {3, 1});
    m.node("ReduceMean", {"x", "axes"}, {"y"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }

  const std::vector<float> scale = {1, 2, 3, 4}, bias = {0, 0, 1, 1};
  SECTION("LayerNormalization with initializer parameters") {
    ModelBuilder m(17);
    m.input("x", {-1, 3, 4}).floatInitializer("s", {4}, scale);
    m.floatInitializer("b", {4}, bias).output("y", {-1, 3, 4});
    m.node("LayerNormalization", {"x", "s", "b"}, {"y"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("LayerNormalization whose unused statistics are named") {
    ModelBuilder m(17);
    m.input("x", {2, 4}).floatInitializer("s", {4}, scale);
    m.output("y", {2, 4});
    m.node("LayerNormalization", {"x", "s"}, {"y", "mean", "inv"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("LayerNormalization with a run-time scale") {
    ModelBuilder m(17);
    m.input("x", {2, 4}).input("s", {4}).output("y", {2, 4});
    m.node("LayerNormalization", {"x", "s"}, {"y"});
    requireSkippedBy(m.classify(), "run-time weights");
  }
  SECTION("LayerNormalization with a run-time bias") {
    ModelBuilder m(17);
    m.input("x", {2, 4}).floatInitializer("s", {4}, scale);
    m.input("b", {4}).output("y", {2, 4});
    m.node("LayerNormalization", {"x", "s", "b"}, {"y"});
    requireSkippedBy(m.classify(), "run-time weights");
  }
  SECTION("LayerNormalization with its mean used") {
    ModelBuilder m(17);
    m.input("x", {2, 4}).floatInitializer("s", {4}, scale);
    m.output("y", {2, 4}).output("mean", {2, 1});
    m.node("LayerNormalization", {"x", "s"}, {"y", "mean"});
    requireSkippedBy(m.classify(), "LayerNormalization statistics");
  }
  SECTION("LayerNormalization with stash_type other than float32") {
    ModelBuilder m(17);
    m.input("x", {2, 4}).floatInitializer("s", {4}, scale);
    m.output("y", {2, 4});
    setIntAttr(m.node("LayerNormalization", {"x", "s"}, {"y"}), "stash_type",
               11);
    requireSkippedBy(m.classify(), "LayerNormalization statistics");
  }
  SECTION("LayerNormalization over the batch") {
    ModelBuilder m(17);
    m.input("x", {-1, 4}).floatInitializer("s", {1}, {2.0f});
    m.output("y", {-1, 4});
    setIntAttr(m.node("LayerNormalization", {"x", "s"}, {"y"}), "axis", 0);
    requireSkippedBy(m.classify(), "reduction over the batch");
  }

  SECTION("Split-13 into equal parts") {
    ModelBuilder m;
    m.input("x", {-1, 6}).output("a", {-1, 3}).output("b", {-1, 3});
    setIntAttr(m.node("Split", {"x"}, {"a", "b"}), "axis", 1);
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Split-13 with initializer sizes") {
    ModelBuilder m;
    m.input("x", {6}).int64Initializer("split", {2, 4});
    m.output("a", {2}).output("b", {4});
    m.node("Split", {"x", "split"}, {"a", "b"});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Split-13 with run-time sizes") {
    ModelBuilder m;
    m.input("x", {6}).input("split", {2}, onnx::TensorProto::INT64);
    m.output("a", {2}).output("b", {4});
    m.node("Split", {"x", "split"}, {"a", "b"});
    requireSkippedBy(m.classify(), "run-time shape operand");
  }
  SECTION("Split-11 sizes attribute") {
    ModelBuilder m(11);
    m.input("x", {6}).output("a", {2}).output("b", {4});
    setIntsAttr(m.node("Split", {"x"}, {"a", "b"}), "split", {2, 4});
    REQUIRE(m.classify().kind == Classification::Supported);
  }
  SECTION("Split-1") {
    ModelBuilder m(1);
    m.input("x", {6}).output("a", {3}).output("b", {3});
    m.node("Split", {"x"}, {"a", "b"});
    requireSkippedBy(m.classify(), "legacy operator version");
  }
  SECTION("Split of the batch") {
    ModelBuilder m;
    m.input("x", {-1, 6}).output("a", {-1, 6}).output("b", {-1, 6});
    m.node("Split", {"x"}, {"a", "b"});
    requireSkippedBy(m.classify(), "Split of the batch");
  }
  SECTION("Split of a compile-time value") {
    ModelBuilder m;
    m.input("x", {2}).floatInitializer("c", {4}, {1, 2, 3, 4});
    m.output("y", {2});
    m.node("Split", {"c"}, {"a", "b"});
    m.node("Add", {"x", "a"}, {"y"});
    requireSkippedBy(m.classify(), "Split of a compile-time value");
  }
}

TEST_CASE("ONNX tolerances", "[conformance]") {
  // |actual - expected| <= 1e-7 + 1e-3 * |expected|
  REQUIRE(closeEnough(1.0009, 1.0));
  REQUIRE_FALSE(closeEnough(1.0011, 1.0));
  REQUIRE(closeEnough(0.0, 1e-7));
  REQUIRE_FALSE(closeEnough(0.0, 1e-6));
  // Relative to the expected value, not to the actual one.
  REQUIRE(closeEnough(100.09, 100.0));
  REQUIRE_FALSE(closeEnough(100.0, 99.89));
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  REQUIRE(closeEnough(nan, nan));
  REQUIRE_FALSE(closeEnough(nan, 0.0));
  REQUIRE_FALSE(closeEnough(0.0, nan));
  REQUIRE(closeEnough(inf, inf));
  REQUIRE_FALSE(closeEnough(-inf, inf));
  REQUIRE_FALSE(closeEnough(1e38, inf));

  std::string error;
  REQUIRE(compareValues({1.0, 2.0}, {1.0f, 2.0f}, error));
  REQUIRE_FALSE(compareValues({1.0, 2.5}, {1.0f, 2.0f}, error));
  REQUIRE(error == "value 1: got 2.5, expected 2");
  REQUIRE_FALSE(compareValues({1.0}, {1.0f, 2.0f}, error));
}

TEST_CASE("CSV round trip is exact", "[conformance]") {
  std::vector<float> values = {0.1f,     -0.0f, 1e-45f, 3.4028235e38f,
                               -1.17549435e-38f, 123456.789f,
                               std::nanf(""),
                               -std::numeric_limits<float>::infinity()};
  std::string path = tempPath("roundtrip.csv"), error;
  REQUIRE(writeCsv(path, values, 4, error));
  std::vector<double> back;
  size_t width = 0;
  REQUIRE(readCsv(path, back, width, error));
  std::remove(path.c_str());
  REQUIRE(width == 4);
  REQUIRE(back.size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    INFO(i);
    float f = static_cast<float>(back[i]);
    if (std::isnan(values[i]))
      REQUIRE(std::isnan(f));
    else
      REQUIRE(std::memcmp(&f, &values[i], sizeof f) == 0);
  }
}

TEST_CASE("CSV errors are located", "[conformance]") {
  std::string path = tempPath("bad.csv"), error;
  {
    std::ofstream out(path);
    out << "# header\n1,2,3\n4,5\n";
  }
  std::vector<double> values;
  size_t width = 0;
  REQUIRE_FALSE(readCsv(path, values, width, error));
  REQUIRE(error == path + ":3: 2 values, the first row has 3");
  {
    std::ofstream out(path);
    out << "1,x\n";
  }
  values.clear();
  REQUIRE_FALSE(readCsv(path, values, width, error));
  REQUIRE(error.find(":1: not a number") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("TensorProto files", "[conformance]") {
  std::string path = tempPath("tensor.pb"), error;
  auto write = [&](const onnx::TensorProto &t) {
    std::ofstream out(path, std::ios::binary);
    REQUIRE(t.SerializeToOstream(&out));
  };
  onnx::TensorProto proto;
  proto.set_name("x");
  proto.set_data_type(onnx::TensorProto::FLOAT);
  proto.add_dims(2);
  proto.add_dims(2);
  Tensor tensor;

  SECTION("raw_data") {
    float raw[] = {1.5f, -2.0f, 0.25f, 8.0f};
    proto.set_raw_data(std::string(reinterpret_cast<char *>(raw), sizeof raw));
    write(proto);
    REQUIRE(readTensorFile(path, tensor, error));
    REQUIRE(tensor.name == "x");
    REQUIRE(tensor.dims == std::vector<int64_t>{2, 2});
    REQUIRE(tensor.values == std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f});
  }
  SECTION("float_data") {
    for (float v : {1.0f, 2.0f, 3.0f, 4.0f})
      proto.add_float_data(v);
    write(proto);
    REQUIRE(readTensorFile(path, tensor, error));
    REQUIRE(tensor.values == std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f});
  }
  SECTION("wrong element count") {
    proto.add_float_data(1.0f);
    write(proto);
    REQUIRE_FALSE(readTensorFile(path, tensor, error));
    REQUIRE(error == path + ": float_data holds 1 values for 4");
  }
  SECTION("not float32") {
    proto.set_data_type(onnx::TensorProto::INT64);
    write(proto);
    REQUIRE_FALSE(readTensorFile(path, tensor, error));
  }
  std::remove(path.c_str());
}

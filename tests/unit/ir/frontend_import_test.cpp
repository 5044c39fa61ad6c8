//===- frontend_import_test.cpp - ONNX import of supported models ---------===//
#include "frontend_test_utils.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <limits>

using namespace frontend_test;
using namespace ariadne;
namespace nn = ariadne::nn;

namespace {
std::vector<std::string> v(std::initializer_list<const char *> items) {
  return std::vector<std::string>(items.begin(), items.end());
}

/// A PyTorch-style Linear layer: Gemm(x, W, b) with transB=1.
std::string linear(const std::string &in, const std::string &out,
                   const std::string &prefix, int outF, int inF) {
  std::vector<std::string> w, b;
  for (int i = 0; i < outF * inF; ++i)
    w.push_back(std::to_string(0.125 * (i % 7) - 0.25));
  for (int i = 0; i < outF; ++i)
    b.push_back(std::to_string(0.5 * i));
  return node("Gemm", {in, prefix + ".weight", prefix + ".bias"}, {out},
              prefix + "/Gemm",
              floatAttr("alpha", "1") + floatAttr("beta", "1") +
                  intAttr("transB", 1)) +
         floatInit(prefix + ".weight", {outF, inF}, w) +
         floatInit(prefix + ".bias", {outF}, b);
}
} // namespace

TEST_CASE("a PyTorch-style MLP imports with a dynamic batch", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13, input("x", {"batch", "3"}) + linear("x", "h", "fc1", 4, 3) +
                    node("Relu", {"h"}, {"r"}, "relu") +
                    linear("r", "y", "fc2", 2, 4) + output("y", 2)));
  REQUIRE(module);
  auto func = onlyFunc(*module);
  CHECK(func.getSymName() == "test");
  CHECK(str(func.getFunctionType()) == "(tensor<?x3xf32>) -> tensor<?x2xf32>");
  CHECK(func.getArgAttrOfType<mlir::StringAttr>(0, kNameAttr).getValue() ==
        "x");
  CHECK(func.getResultAttrOfType<mlir::StringAttr>(0, kNameAttr).getValue() ==
        "y");
  CHECK(opNames(*module) ==
        v({"nn.constant", "nn.transpose", "nn.matmul", "nn.constant", "nn.add",
           "nn.activation", "nn.constant", "nn.transpose", "nn.matmul",
           "nn.constant", "nn.add"}));
  auto matmuls = opsOf<nn::MatMulOp>(*module);
  CHECK(str(matmuls[0].getRhs()) == "tensor<3x4xf32>");
  CHECK(str(matmuls[0]) == "tensor<?x4xf32>");
  // The weight stays a constant operand of the transpose, in PyTorch's
  // [out, in] layout.
  auto weight = matmuls[0].getRhs().getDefiningOp<nn::TransposeOp>();
  REQUIRE(weight);
  auto constant = weight.getInput().getDefiningOp<nn::ConstantOp>();
  REQUIRE(constant);
  CHECK(str(constant.getType()) == "tensor<4x3xf32>");
  CHECK(floats(constant.getValue())[1] == -0.125f);
  auto act = opsOf<nn::ActivationOp>(*module).front();
  CHECK(act.getActivation() == nn::ActivationKind::relu);
}

TEST_CASE("Gemm alpha, beta, transA and a runtime C", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13, input("a", {"3", "2"}) + input("b", {"3", "4"}) +
                    input("c", {"4"}) +
                    node("Gemm", {"a", "b", "c"}, {"y"}, "g",
                         floatAttr("alpha", "0.5") + floatAttr("beta", "2") +
                             intAttr("transA", 1)) +
                    output("y", 2)));
  REQUIRE(module);
  CHECK(opNames(*module) == v({"nn.transpose", "nn.matmul", "nn.constant",
                               "nn.mul", "nn.constant", "nn.mul", "nn.add"}));
  auto muls = opsOf<nn::MulOp>(*module);
  CHECK(str(muls[0]) == "tensor<2x4xf32>");
  CHECK(floats(muls[0].getRhs().getDefiningOp<nn::ConstantOp>().getValue()) ==
        std::vector<float>{0.5f});
  // beta scales C, not the product.
  CHECK(muls[1].getLhs() == onlyFunc(*module).getArgument(2));
  CHECK(str(returned(*module)) == "tensor<2x4xf32>");
}

TEST_CASE("Gemm with a constant C folds beta into the constant", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context, model(13, input("a", {"N", "2"}) +
                             floatInit("b", {2, 2}, {"1", "0", "0", "1"}) +
                             floatInit("c", {1, 2}, {"1.5", "-2"}) +
                             node("Gemm", {"a", "b", "c"}, {"y"}, "g",
                                  floatAttr("beta", "3")) +
                             output("y", 2)));
  REQUIRE(module);
  auto add = opsOf<nn::AddOp>(*module).front();
  auto bias = add.getRhs().getDefiningOp<nn::ConstantOp>();
  REQUIRE(bias);
  CHECK(floats(bias.getValue()) == std::vector<float>{4.5f, -6.0f});
  CHECK(str(add) == "tensor<?x2xf32>");
}

TEST_CASE("x.view(x.size(0), -1) folds to one reshape keeping the batch",
          "[frontend]") {
  // Opset 11 (Unsqueeze axes attribute) and 13 (axes input) exports.
  for (int opset : {11, 13}) {
    std::string unsqueeze =
        opset < 13
            ? node("Unsqueeze", {"g"}, {"u"}, "unsq", intsAttr("axes", {0}))
            : intConstant("axes", {0}) +
                  node("Unsqueeze", {"g", "axes"}, {"u"}, "unsq");
    std::string text = model(
        opset,
        input("x", {"batch", "3", "4"}) + node("Shape", {"x"}, {"s"}, "shape") +
            "node { output: \"i0\" op_type: \"Constant\" attribute { name: "
            "\"value\" type: TENSOR t { data_type: 7 int64_data: 0 } } }\n" +
            node("Gather", {"s", "i0"}, {"g"}, "gather", intAttr("axis", 0)) +
            unsqueeze + intConstant("minus1", {-1}) +
            node("Concat", {"u", "minus1"}, {"target"}, "concat",
                 intAttr("axis", 0)) +
            node("Reshape", {"x", "target"}, {"y"}, "view") + output("y", 2));
    mlir::MLIRContext context;
    auto module = importOk(context, text);
    REQUIRE(module);
    CHECK(opNames(*module) == v({"nn.reshape"}));
    CHECK(str(returned(*module)) == "tensor<?x12xf32>");
  }
}

TEST_CASE("integer shape arithmetic folds at import time", "[frontend]") {
  // y = reshape(x, [N, 12 / 2, 4 - 2]) with N the batch from Shape.
  std::string text = model(
      13, input("x", {"N", "3", "4"}) + node("Shape", {"x"}, {"s"}) +
              intConstant("i", {0, 2}) + node("Gather", {"s", "i"}, {"ni"}) +
              intConstant("one", {1}) + node("Mul", {"ni", "one"}, {"m"}) +
              intConstant("twelve", {12}) + intConstant("two", {2}) +
              node("Div", {"twelve", "two"}, {"six"}) +
              node("Slice", {"m", "one", "two"}, {"four"}) +
              node("Sub", {"four", "two"}, {"d2"}) + intConstant("zero", {0}) +
              node("Slice", {"m", "zero", "one"}, {"batch"}) +
              node("Cast", {"six"}, {"six32"}, "", intAttr("to", 6)) +
              node("Cast", {"six32"}, {"six64"}, "", intAttr("to", 7)) +
              node("Concat", {"batch", "six64", "d2"}, {"target"}, "",
                   intAttr("axis", 0)) +
              node("Reshape", {"x", "target"}, {"y"}) + output("y", 3));
  mlir::MLIRContext context;
  auto module = importOk(context, text);
  REQUIRE(module);
  CHECK(opNames(*module) == v({"nn.reshape"}));
  CHECK(str(returned(*module)) == "tensor<?x6x2xf32>");
}

TEST_CASE("Softmax before opset 13 coerces to 2-D at the axis", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(context, model(11, input("x", {"N", "3", "4"}) +
                                                node("Softmax", {"x"}, {"y"},
                                                     "sm", intAttr("axis", 1)) +
                                                output("y", 3)));
  REQUIRE(module);
  CHECK(opNames(*module) == v({"nn.reshape", "nn.softmax", "nn.reshape"}));
  auto softmax = opsOf<nn::SoftmaxOp>(*module).front();
  CHECK(str(softmax) == "tensor<?x12xf32>");
  CHECK(softmax.getAxis() == 1);
  CHECK(str(returned(*module)) == "tensor<?x3x4xf32>");

  // At the last axis (the default of opset 13) there is nothing to coerce.
  mlir::MLIRContext context2;
  auto last = importOk(context2, model(11, input("x", {"N", "3", "4"}) +
                                               node("Softmax", {"x"}, {"y"},
                                                    "sm", intAttr("axis", -1)) +
                                               output("y", 3)));
  REQUIRE(last);
  CHECK(opNames(*last) == v({"nn.softmax"}));
  CHECK(opsOf<nn::SoftmaxOp>(*last).front().getAxis() == 2);

  mlir::MLIRContext context3;
  auto single = importOk(
      context3,
      model(13, input("x", {"N", "3", "4"}) +
                    node("Softmax", {"x"}, {"y"}, "sm", intAttr("axis", 1)) +
                    output("y", 3)));
  REQUIRE(single);
  CHECK(opNames(*single) == v({"nn.softmax"}));
  CHECK(opsOf<nn::SoftmaxOp>(*single).front().getAxis() == 1);
}

TEST_CASE("Clip bounds: attributes, constants and runtime tensors",
          "[frontend]") {
  SECTION("opset 6 attributes") {
    mlir::MLIRContext context;
    auto module = importOk(
        context,
        model(6, input("x", {"N", "3"}) +
                     node("Clip", {"x"}, {"y"}, "clip",
                          floatAttr("min", "-1") + floatAttr("max", "6")) +
                     output("y", 2)));
    REQUIRE(module);
    auto act = opsOf<nn::ActivationOp>(*module).front();
    CHECK(act.getActivation() == nn::ActivationKind::clip);
    CHECK(act.getAlpha().convertToFloat() == -1.0f);
    CHECK(act.getBeta().convertToFloat() == 6.0f);
  }
  SECTION("constant inputs, max missing") {
    mlir::MLIRContext context;
    auto module = importOk(
        context,
        model(13, input("x", {"N", "3"}) +
                      "node { output: \"lo\" op_type: \"Constant\" attribute "
                      "{ name: \"value_float\" f: 0.5 type: FLOAT } }\n" +
                      node("Clip", {"x", "lo"}, {"y"}, "clip") +
                      output("y", 2)));
    REQUIRE(module);
    CHECK(opNames(*module) == v({"nn.activation"}));
    auto act = opsOf<nn::ActivationOp>(*module).front();
    CHECK(act.getAlpha().convertToFloat() == 0.5f);
    CHECK(act.getBeta().convertToFloat() == std::numeric_limits<float>::max());
  }
  SECTION("runtime bounds become max and min") {
    mlir::MLIRContext context;
    auto module = importOk(
        context,
        model(13, input("x", {"N", "3"}) + input("lo", {}) + input("hi", {}) +
                      node("Clip", {"x", "lo", "hi"}, {"y"}, "clip") +
                      output("y", 2)));
    REQUIRE(module);
    CHECK(opNames(*module) == v({"nn.max", "nn.min"}));
    CHECK(str(returned(*module)) == "tensor<?x3xf32>");
  }
}

TEST_CASE("activations carry their ONNX parameters", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13, input("x", {"N", "3"}) +
                    node("LeakyRelu", {"x"}, {"a"}, "lrelu") +
                    node("HardSigmoid", {"a"}, {"b"}, "hs",
                         floatAttr("alpha", "0.25")) +
                    node("Tanh", {"b"}, {"c"}) + node("Sigmoid", {"c"}, {"d"}) +
                    node("Softsign", {"d"}, {"y"}) + output("y", 2)));
  REQUIRE(module);
  auto acts = opsOf<nn::ActivationOp>(*module);
  REQUIRE(acts.size() == 5);
  CHECK(acts[0].getActivation() == nn::ActivationKind::leaky_relu);
  CHECK(acts[0].getAlpha().convertToFloat() == 0.01f);
  CHECK(acts[1].getActivation() == nn::ActivationKind::hard_sigmoid);
  CHECK(acts[1].getAlpha().convertToFloat() == 0.25f);
  CHECK(acts[1].getBeta().convertToFloat() == 0.5f);
  CHECK(acts[2].getActivation() == nn::ActivationKind::tanh);
  CHECK(acts[3].getActivation() == nn::ActivationKind::sigmoid);
  CHECK(acts[4].getActivation() == nn::ActivationKind::softsign);
}

TEST_CASE("BatchNormalization takes runtime or constant parameters",
          "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context, model(15, input("x", {"N", "2", "5"}) + input("scale", {"2"}) +
                             floatInit("bias", {2}, {"0", "1"}) +
                             floatInit("mean", {2}, {"0.5", "1"}) +
                             floatInit("var", {2}, {"1", "4"}) +
                             node("BatchNormalization",
                                  {"x", "scale", "bias", "mean", "var"}, {"y"},
                                  "bn", floatAttr("epsilon", "0.001")) +
                             output("y", 3)));
  REQUIRE(module);
  auto bn = opsOf<nn::BatchNormOp>(*module).front();
  CHECK(bn.getScale() == onlyFunc(*module).getArgument(1));
  CHECK(bn.getMean().getDefiningOp<nn::ConstantOp>());
  CHECK(bn.getEpsilon().convertToFloat() == 0.001f);
  CHECK(str(bn) == "tensor<?x2x5xf32>");
}

TEST_CASE("Flatten, Reshape, Squeeze and Unsqueeze shapes", "[frontend]") {
  struct Case {
    int opset;
    std::string body;
    std::string type;
  };
  std::vector<Case> cases = {
      {13,
       input("x", {"N", "3", "4"}) +
           node("Flatten", {"x"}, {"y"}, "f", intAttr("axis", 1)),
       "tensor<?x12xf32>"},
      {13,
       input("x", {"N", "1", "4"}) +
           node("Flatten", {"x"}, {"y"}, "f", intAttr("axis", -1)),
       "tensor<?x4xf32>"},
      {13,
       input("x", {"2", "3", "4"}) +
           node("Flatten", {"x"}, {"y"}, "f", intAttr("axis", 0)),
       "tensor<1x24xf32>"},
      {13,
       input("x", {"2", "3", "4"}) + intInit("s", {0, -1}) +
           node("Reshape", {"x", "s"}, {"y"}, "r"),
       "tensor<2x12xf32>"},
      {14,
       input("x", {"2", "0", "4"}) + intInit("s", {4, 0, 2}) +
           node("Reshape", {"x", "s"}, {"y"}, "r", intAttr("allowzero", 1)),
       "tensor<4x0x2xf32>"},
      {13,
       input("x", {"N", "3", "4"}) + intInit("s", {-1, 2, 6}) +
           node("Reshape", {"x", "s"}, {"y"}, "r"),
       "tensor<?x2x6xf32>"},
      {13,
       input("x", {"N", "3", "4"}) + intInit("s", {0, 2, -1}) +
           node("Reshape", {"x", "s"}, {"y"}, "r"),
       "tensor<?x2x6xf32>"},
      {11,
       input("x", {"N", "1", "4", "1"}) +
           node("Squeeze", {"x"}, {"y"}, "s", intsAttr("axes", {1, -1})),
       "tensor<?x4xf32>"},
      {13,
       input("x", {"N", "1", "4", "1"}) + intInit("a", {3}) +
           node("Squeeze", {"x", "a"}, {"y"}, "s"),
       "tensor<?x1x4xf32>"},
      {13,
       input("x", {"N", "1", "4", "1"}) + node("Squeeze", {"x"}, {"y"}, "s"),
       "tensor<?x4xf32>"},
      {11,
       input("x", {"N", "4"}) +
           node("Unsqueeze", {"x"}, {"y"}, "u", intsAttr("axes", {1, -1})),
       "tensor<?x1x4x1xf32>"},
      {13,
       input("x", {"N", "4"}) + intInit("a", {2, 1}) +
           node("Unsqueeze", {"x", "a"}, {"y"}, "u"),
       "tensor<?x1x1x4xf32>"},
  };
  for (const Case &c : cases) {
    INFO(c.body);
    mlir::MLIRContext context;
    auto module =
        importOk(context, model(c.opset, c.body + output("y", rankOf(c.type))));
    REQUIRE(module);
    CHECK(opNames(*module) == v({"nn.reshape"}));
    CHECK(str(returned(*module)) == c.type);
  }
}

TEST_CASE("Slice resolves ONNX's clamping rules", "[frontend]") {
  struct Case {
    int opset;
    std::string params;
    std::vector<int64_t> starts, steps;
    std::string type;
  };
  std::string in = input("x", {"N", "10", "5"});
  std::vector<Case> cases = {
      // Attributes before opset 10; ends past the end are clamped.
      {9,
       node("Slice", {"x"}, {"y"}, "s",
            intsAttr("starts", {1, -3}) + intsAttr("ends", {1000, -1}) +
                intsAttr("axes", {1, 2})),
       {0, 1, 2},
       {1, 1, 1},
       "tensor<?x9x2xf32>"},
      // Negative steps walk backwards from a clamped start.
      {13,
       intInit("st", {20, -1}) + intInit("en", {0, -1000}) +
           intInit("ax", {1, 2}) + intInit("sp", {-3, -2}) +
           node("Slice", {"x", "st", "en", "ax", "sp"}, {"y"}, "s"),
       {0, 9, 4},
       {1, -3, -2},
       "tensor<?x3x3xf32>"},
      // A start past the end gives an empty dimension.
      {13,
       intInit("st", {12}) + intInit("en", {20}) + intInit("ax", {-2}) +
           node("Slice", {"x", "st", "en", "ax"}, {"y"}, "s"),
       {0, 0, 0},
       {1, 1, 1},
       "tensor<?x0x5xf32>"},
      // The whole batch may pass.
      {13,
       intInit("st", {0, 2}) + intInit("en", {9223372036854775807LL, 4}) +
           node("Slice", {"x", "st", "en"}, {"y"}, "s"),
       {0, 2, 0},
       {1, 1, 1},
       "tensor<?x2x5xf32>"},
  };
  for (const Case &c : cases) {
    INFO(c.params);
    mlir::MLIRContext context;
    auto module =
        importOk(context, model(c.opset, in + c.params + output("y", 3)));
    REQUIRE(module);
    auto slices = opsOf<nn::SliceOp>(*module);
    REQUIRE(slices.size() == 1);
    CHECK(slices[0].getStarts() == llvm::ArrayRef<int64_t>(c.starts));
    CHECK(slices[0].getSteps() == llvm::ArrayRef<int64_t>(c.steps));
    CHECK(str(slices[0]) == c.type);
  }
}

TEST_CASE("Transpose, Concat, MatMul and broadcasting arithmetic",
          "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13,
            input("x", {"N", "2", "3"}) + input("z", {"N", "2", "4"}) +
                floatInit("w", {3, 4}, std::vector<std::string>(12, "1")) +
                node("MatMul", {"x", "w"}, {"m"}, "mm") +
                node("Concat", {"m", "z"}, {"c"}, "cat", intAttr("axis", -1)) +
                node("Transpose", {"c"}, {"t"}, "tr",
                     intsAttr("perm", {0, 2, 1})) +
                floatInit("k", {2}, {"1", "2"}) +
                node("Mul", {"t", "k"}, {"p"}, "mul") +
                node("Sub", {"p", "k"}, {"q"}, "sub") +
                node("Div", {"q", "k"}, {"r"}, "div") +
                node("Add", {"r", "r"}, {"y"}, "add") + output("y", 3)));
  REQUIRE(module);
  CHECK(str(opsOf<nn::MatMulOp>(*module).front()) == "tensor<?x2x4xf32>");
  auto concat = opsOf<nn::ConcatOp>(*module).front();
  CHECK(concat.getAxis() == 2);
  CHECK(str(concat) == "tensor<?x2x8xf32>");
  CHECK(str(opsOf<nn::TransposeOp>(*module).front()) == "tensor<?x8x2xf32>");
  CHECK(str(returned(*module)) == "tensor<?x8x2xf32>");
  CHECK(opsOf<nn::DivOp>(*module).size() == 1);
}

TEST_CASE("Identity and inference Dropout pass values through", "[frontend]") {
  for (int opset : {7, 12, 13}) {
    std::string dropout =
        opset >= 12
            ? floatInit("ratio", {}, {"0.3"}) +
                  node("Dropout", {"i", "ratio"}, {"y"}, "drop")
            : node("Dropout", {"i"}, {"y"}, "drop", floatAttr("ratio", "0.3"));
    mlir::MLIRContext context;
    auto module =
        importOk(context, model(opset, input("x", {"N", "3"}) +
                                           node("Identity", {"x"}, {"i"}) +
                                           dropout + output("y", 2)));
    REQUIRE(module);
    CHECK(opNames(*module).empty());
    CHECK(returned(*module) == onlyFunc(*module).getArgument(0));
  }
}

TEST_CASE("Constant attributes become nn.constant", "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13,
            input("x", {"N", "2"}) +
                "node { output: \"c\" op_type: \"Constant\" attribute { "
                "name: \"value_floats\" floats: 2 floats: -1 type: FLOATS "
                "} }\n" +
                node("Add", {"x", "c"}, {"y"}, "add") +
                "node { output: \"t\" op_type: \"Constant\" attribute { "
                "name: \"value\" type: TENSOR t { dims: 1 dims: 2 "
                "data_type: 1 raw_data: \"\\000\\000\\200?\\000\\000\\000@\" "
                "} } }\n" +
                node("Mul", {"y", "t"}, {"z"}, "mul") + output("z", 2) +
                output("t", 2)));
  REQUIRE(module);
  auto constants = opsOf<nn::ConstantOp>(*module);
  REQUIRE(constants.size() == 2);
  CHECK(floats(constants[0].getValue()) == std::vector<float>{2.0f, -1.0f});
  CHECK(floats(constants[1].getValue()) == std::vector<float>{1.0f, 2.0f});
  CHECK(str(constants[1]) == "tensor<1x2xf32>");
  // A constant graph output is returned as the constant.
  CHECK(returned(*module, 1) == constants[1].getResult());
}

TEST_CASE("multiple inputs and outputs keep graph order and names",
          "[frontend]") {
  mlir::MLIRContext context;
  auto module = importOk(
      context,
      model(13, input("b", {"N", "2"}) + input("a", {"N", "2"}) +
                    node("Sub", {"a", "b"}, {"diff"}) +
                    node("Relu", {"diff"}, {"pos"}) + output("pos", 2) +
                    output("diff", 2) + output("a", 2)));
  REQUIRE(module);
  auto func = onlyFunc(*module);
  CHECK(func.getArgAttrOfType<mlir::StringAttr>(0, kNameAttr).getValue() ==
        "b");
  CHECK(func.getArgAttrOfType<mlir::StringAttr>(1, kNameAttr).getValue() ==
        "a");
  std::vector<std::string> names;
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    names.push_back(
        func.getResultAttrOfType<mlir::StringAttr>(i, kNameAttr).str());
  CHECK(names == v({"pos", "diff", "a"}));
  CHECK(returned(*module, 2) == func.getArgument(1));
  auto sub = opsOf<nn::SubOp>(*module).front();
  CHECK(sub.getLhs() == func.getArgument(1));
}

TEST_CASE("function names come from the option or the file stem",
          "[frontend]") {
  std::string text = model(13, input("x", {"2"}) + node("Relu", {"x"}, {"y"}) +
                                   output("y", 1));
  struct Case {
    std::string source, option, expected;
  };
  for (const Case &c :
       std::vector<Case>{{"dir/my-model.v2.onnx", "", "my_model_v2"},
                         {"3net.onnxtxt", "", "_3net"},
                         {"x.onnx", "kernel_1", "kernel_1"}}) {
    mlir::MLIRContext context;
    OnnxImportOptions options;
    options.functionName = c.option;
    auto module = importText(context, text, c.source, options);
    REQUIRE(bool(module));
    CHECK(onlyFunc(**module).getSymName() == c.expected);
  }
}

TEST_CASE("binary protobuf and files import", "[frontend]") {
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  proto.add_opset_import()->set_version(13);
  onnx::GraphProto *graph = proto.mutable_graph();
  graph->set_name("g");
  auto *in = graph->add_input();
  in->set_name("x");
  auto *tensorType = in->mutable_type()->mutable_tensor_type();
  tensorType->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  tensorType->mutable_shape()->add_dim();
  tensorType->mutable_shape()->add_dim()->set_dim_value(2);
  onnx::TensorProto *w = graph->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto_DataType_FLOAT);
  w->add_dims(2);
  float values[2] = {0.25f, -4.0f};
  w->set_raw_data(std::string(reinterpret_cast<char *>(values), 8));
  onnx::NodeProto *mul = graph->add_node();
  mul->set_op_type("Mul");
  mul->add_input("x");
  mul->add_input("w");
  mul->add_output("y");
  auto *out = graph->add_output();
  out->set_name("y");
  auto *outType = out->mutable_type()->mutable_tensor_type();
  outType->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  outType->mutable_shape()->add_dim();
  outType->mutable_shape()->add_dim();
  std::string bytes;
  REQUIRE(proto.SerializeToString(&bytes));

  mlir::MLIRContext context;
  auto module = importOnnxBuffer(context, bytes, "mem.onnx", false);
  REQUIRE(bool(module));
  CHECK(str(returned(**module)) == "tensor<?x2xf32>");
  CHECK(floats(opsOf<nn::ConstantOp>(**module).front().getValue()) ==
        std::vector<float>{0.25f, -4.0f});

  // The same model from disk, in binary and in text format.
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("ariadne-frontend", dir));
  std::string binPath = (dir + "/scale.onnx").str();
  std::string textPath = (dir + "/scale.onnxtxt").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream bin(binPath, ec);
    REQUIRE(!ec);
    bin << bytes;
    llvm::raw_fd_ostream text(textPath, ec);
    REQUIRE(!ec);
    text << proto.DebugString();
  }
  for (const std::string &path : {binPath, textPath}) {
    auto fromFile = importOnnxFile(context, path);
    if (!fromFile)
      FAIL(llvm::toString(fromFile.takeError()));
    CHECK(onlyFunc(**fromFile).getSymName() == "scale");
    CHECK(opNames(**fromFile) == v({"nn.constant", "nn.mul"}));
  }
  llvm::sys::fs::remove(binPath);
  llvm::sys::fs::remove(textPath);
  llvm::sys::fs::remove(dir);
}

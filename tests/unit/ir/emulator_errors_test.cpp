//===- emulator_errors_test.cpp - models the emulator refuses -------------===//
//
// Each refusal is a one-line message that names the place in the model and
// the reason; none may crash or run with a silently wrong layout.
//
//===----------------------------------------------------------------------===//
#include "emulator_test_util.h"

using namespace emutest;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;
using Catch::Matchers::StartsWith;

TEST_CASE("an unsupported op is named with its location and node",
          "[emulator]") {
  Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
              "  %y = \"foo.bar\"(%x) : (tensor<?x3xf32>) -> tensor<?x3xf32> "
              "loc(\"conv1\"(\"m.onnx\":4:2))\n"
              "  return %y : tensor<?x3xf32>\n}\n");
  CHECK_THAT(model.createError(),
             Equals("m.onnx:4:2: 'foo.bar' (node 'conv1'): the emulator does "
                    "not support this operation"));
}

TEST_CASE("without a node name the message has the op and its line",
          "[emulator]") {
  Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
              "  %y = \"foo.bar\"(%x) : (tensor<?x3xf32>) -> tensor<?x3xf32>\n"
              "  return %y : tensor<?x3xf32>\n}\n");
  std::string error = model.createError();
  CHECK_THAT(error, StartsWith("model.mlir:2:8: 'foo.bar': "));
  CHECK(error.find('\n') == std::string::npos);
}

TEST_CASE("only f32 tensors run", "[emulator]") {
  SECTION("input") {
    Model model("func.func @k(%x: tensor<?x3xf64> {nn.name = \"x\"}) -> "
                "tensor<?x3xf64> {\n  return %x : tensor<?x3xf64>\n}\n");
    CHECK_THAT(model.createError(),
               Equals("model.mlir:1:1: function 'k': input 'x': type "
                      "tensor<?x3xf64> is not supported (the float emulator "
                      "runs ranked f32 tensors)"));
  }
  SECTION("result") {
    Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<2xf64> {\n"
                "  %c = nn.constant dense<1.0> : tensor<2xf64>\n"
                "  return %c : tensor<2xf64>\n}\n");
    CHECK_THAT(model.createError(),
               Equals("model.mlir:2:8: 'nn.constant': result type "
                      "tensor<2xf64> is not supported (the float emulator "
                      "runs ranked f32 tensors)"));
  }
}

TEST_CASE("all inputs share the batch", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x3xf32>, %y: tensor<3xf32> {nn.name "
              "= \"w\"}) -> tensor<?x3xf32> {\n"
              "  %z = nn.add %x, %y : (tensor<?x3xf32>, tensor<3xf32>) -> "
              "tensor<?x3xf32>\n  return %z : tensor<?x3xf32>\n}\n");
  CHECK_THAT(model.createError(),
             Equals("model.mlir:1:1: function 'k': input 'w' has no batch "
                    "dimension while other inputs have one; all inputs must "
                    "share the batch"));
}

TEST_CASE("a constant may not be sized along the batch", "[emulator]") {
  // The verifier lets ? broadcast against 2; events cannot.
  Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
              "  %c = nn.constant dense<1.0> : tensor<2x3xf32>\n"
              "  %y = nn.add %x, %c : (tensor<?x3xf32>, tensor<2x3xf32>) -> "
              "tensor<?x3xf32>\n  return %y : tensor<?x3xf32>\n}\n");
  CHECK_THAT(model.createError(),
             Equals("model.mlir:3:8: 'nn.add': a constant operand's leading "
                    "dimension (size 2) lines up with the event batch; it "
                    "must be 1"));
}

TEST_CASE("matmul may not contract over the batch", "[emulator]") {
  SECTION("the batch as the contracted dimension") {
    Model model("func.func @k(%x: tensor<?x2x5xf32>, %y: tensor<?x4xf32>) -> "
                "tensor<?x2x4xf32> {\n"
                "  %z = nn.matmul %x, %y : (tensor<?x2x5xf32>, "
                "tensor<?x4xf32>) -> tensor<?x2x4xf32>\n"
                "  return %z : tensor<?x2x4xf32>\n}\n");
    CHECK_THAT(model.createError(),
               Contains("'nn.matmul': the event batch dimension of the right "
                        "operand would be contracted or moved"));
  }
  SECTION("a result without the batch") {
    Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<2x3xf32> {\n"
                "  %c = nn.constant dense<1.0> : tensor<2x5xf32>\n"
                "  %z = nn.matmul %c, %x : (tensor<2x5xf32>, tensor<?x3xf32>) "
                "-> tensor<2x3xf32>\n  return %z : tensor<2x3xf32>\n}\n");
    CHECK_THAT(model.createError(),
               Equals("model.mlir:3:8: 'nn.matmul': result is computed from "
                      "the events but has no leading batch dimension"));
  }
}

TEST_CASE("a declaration has nothing to run", "[emulator]") {
  Model model("func.func private @k(tensor<3xf32>) -> tensor<3xf32>\n");
  CHECK_THAT(model.createError(),
             Equals("model.mlir:1:1: function 'k': needs a body of one block"));
}

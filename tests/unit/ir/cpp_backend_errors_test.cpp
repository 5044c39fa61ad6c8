//===- cpp_backend_errors_test.cpp - what the C++ target rejects ----------===//
#include "cpp_backend_test_util.h"

using namespace cpptest;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("cpp backend: an op without an emission pattern is an error",
          "[cpp-backend]") {
  Package pkg(R"(
func.func @odd(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = "test.mystery"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32> loc("node7")
  return %0 : tensor<?x4xf32>
}
)");
  std::string error = pkg.emitError();
  CHECK_THAT(error, Contains("'test.mystery' op has no emission pattern in "
                             "the cpp target"));
  CHECK_THAT(error, StartsWith("node 'node7': "));
  CHECK(error.find('\n') == std::string::npos);
}

TEST_CASE("cpp backend: errors name the file and line of the op",
          "[cpp-backend]") {
  Package pkg(R"(
func.func @odd(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = "test.mystery"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
)");
  CHECK_THAT(pkg.emitError(), StartsWith("model.mlir:3:8: "));
}

TEST_CASE("cpp backend: only f32 tensors", "[cpp-backend]") {
  Package pkg(R"(
func.func @ints(%x: tensor<?x4xi32>) -> tensor<?x4xi32> {
  return %x : tensor<?x4xi32>
}
)");
  CHECK_THAT(pkg.emitError(),
             Contains("input 0 has element type 'i32'; the cpp "
                      "target computes in f32"));
}

TEST_CASE("cpp backend: the kernel name must be a C identifier",
          "[cpp-backend]") {
  Package pkg(R"(
func.func @"my-net"(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
)");
  CHECK_THAT(pkg.emitError(),
             Contains("kernel name 'my-net' is not a C identifier"));
  Package keyword(R"(
func.func @int(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
)");
  CHECK_THAT(keyword.emitError(), Contains("kernel name 'int'"));
  Package libm(R"(
func.func @tanh(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
)");
  CHECK_THAT(libm.emitError(),
             Contains("kernel name 'tanh' is a C library function"));
  // Names that collide with the package's own files and targets, or that
  // the C++ implementation reserves.
  for (const char *name :
       {"tb", "csim", "parameters", "__restrict__", "_Bool", "module"}) {
    Package clash("func.func @" + std::string(name) +
                  R"((%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
)");
    CHECK_THAT(clash.emitError(),
               Contains("kernel name '" + std::string(name) + "'") &&
                   Contains("choose another name (--name)"));
  }
}

TEST_CASE("cpp backend: inputs share the batch", "[cpp-backend]") {
  Package pkg(R"(
func.func @mixed(%x: tensor<?x4xf32>, %y: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = nn.add %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
)");
  CHECK_THAT(pkg.emitError(),
             Contains("input 1 'tensor<4xf32>' lacks the dynamic batch "
                      "dimension of the other inputs"));
}

TEST_CASE("cpp backend: a constant cannot broadcast against the batch",
          "[cpp-backend]") {
  Package pkg(R"(
func.func @wide(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = nn.constant dense<1.0> : tensor<2x3xf32>
  %0 = nn.add %x, %c : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x3xf32> loc("bad_add")
  return %0 : tensor<?x3xf32>
}
)");
  std::string error = pkg.emitError();
  CHECK_THAT(error, StartsWith("node 'bad_add': 'nn.add' op"));
  CHECK_THAT(error, Contains("broadcasts its leading dimension of 2 against "
                             "the event batch"));
}

TEST_CASE("cpp backend: a product over the batch is rejected",
          "[cpp-backend]") {
  Package pkg(R"(
func.func @outer(%x: tensor<?x3xf32>, %y: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = nn.matmul %x, %y : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
)");
  CHECK_THAT(pkg.emitError(), Contains("this batching is not supported"));
}

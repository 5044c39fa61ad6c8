//===- cpp_backend_helpers_test.cpp - literals, names and the buffer plan -===//
#include "backends/cpp/CppEmitter.h"

#include "cpp_backend_test_util.h"

#include <limits>

using namespace cpptest;
using namespace ariadne::cpp;

namespace {

/// Reads a literal written by floatLiteral back as the C++ compiler would.
float parseLiteral(std::string text) {
  REQUIRE(text.back() == 'f');
  text.pop_back();
  return std::strtof(text.c_str(), nullptr);
}

} // namespace

TEST_CASE("cpp backend: float literals read back exactly", "[cpp-backend]") {
  std::mt19937 gen(1);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 100000; ++i) {
    uint32_t b = bits(gen);
    float value;
    std::memcpy(&value, &b, sizeof(value));
    if (!std::isfinite(value))
      continue;
    std::string text = floatLiteral(value);
    INFO(text);
    REQUIRE(text.size() <= 17);
    float back = parseLiteral(text);
    REQUIRE(std::memcmp(&back, &value, sizeof(value)) == 0);
  }
  CHECK(floatLiteral(0.1f) == "0.1f");
  CHECK(floatLiteral(1.0f) == "1.0f");
  CHECK(floatLiteral(-0.0f) == "-0.0f");
  CHECK(floatLiteral(1e-45f) == "1.4013e-45f");
  CHECK(floatLiteral(std::numeric_limits<float>::max()) == "3.4028235e+38f");
  CHECK(floatLiteral(std::numeric_limits<float>::infinity()) ==
        "std::numeric_limits<float>::infinity()");
  CHECK(floatLiteral(-std::numeric_limits<float>::infinity()) ==
        "-std::numeric_limits<float>::infinity()");
  CHECK(floatLiteral(std::numeric_limits<float>::quiet_NaN()) ==
        "std::numeric_limits<float>::quiet_NaN()");
}

TEST_CASE("cpp backend: identifiers from ONNX names", "[cpp-backend]") {
  CHECK(sanitizeIdentifier("/fc1/Gemm") == "fc1_Gemm");
  CHECK(sanitizeIdentifier("layers.0.weight") == "layers_0_weight");
  CHECK(sanitizeIdentifier("__x__") == "x");
  CHECK(sanitizeIdentifier("0conv") == "n0conv");
  CHECK(sanitizeIdentifier("::") == "");
}

TEST_CASE("cpp backend: the buffer plan reuses freed space", "[cpp-backend]") {
  Package pkg(R"(
func.func @chain(%x: tensor<?x20xf32>) -> tensor<?x20xf32> {
  %0 = nn.activation %x {activation = #nn<act relu>} : tensor<?x20xf32>
  %1 = nn.activation %0 {activation = #nn<act tanh>} : tensor<?x20xf32>
  %2 = nn.activation %1 {activation = #nn<act sigmoid>} : tensor<?x20xf32>
  %3 = nn.reshape %2 : (tensor<?x20xf32>) -> tensor<?x4x5xf32>
  %4 = nn.softmax %3 {axis = 2 : i64} : tensor<?x4x5xf32>
  %5 = nn.reshape %4 : (tensor<?x4x5xf32>) -> tensor<?x20xf32>
  return %5 : tensor<?x20xf32>
}
)");
  auto prepared = prepareCppModule(*pkg.module);
  REQUIRE(succeeded(prepared));
  std::vector<std::string> plan;
  for (mlir::Operation &op : prepared->getBody().front().without_terminator()) {
    auto storage = llvm::cast<mlir::DictionaryAttr>(
        op.getAttrOfType<mlir::ArrayAttr>(kStorageAttr)[0]);
    plan.push_back(
        llvm::cast<mlir::StringAttr>(storage.get("kind")).str() + "@" +
        std::to_string(
            llvm::cast<mlir::IntegerAttr>(storage.get("offset")).getInt()));
  }
  // Two buffers of 32 (20 rounded up) alternate; the reshapes alias; the
  // final reshape is an output, so softmax writes into the arena.
  CHECK(plan == std::vector<std::string>{"arena@0", "arena@32", "arena@0",
                                         "alias@0", "arena@32", "output@0"});
  CHECK(
      (*prepared)->getAttrOfType<mlir::IntegerAttr>(kArenaSizeAttr).getInt() ==
      64);
  CHECK((*prepared)->hasAttr(kBatchedAttr));
}

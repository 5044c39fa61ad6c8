//===- writer_test.cpp - ONNX writer, TensorBoard files, fixed point ------===//
#include "frontend/torch/FakeQuant.h"
#include "frontend/torch/Model.h"
#include "frontend/torch/TensorBoard.h"

#include "onnx/onnx_pb.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace ariadne::train;

TEST_CASE("CRC-32C matches the standard check value", "[train][tensorboard]") {
  const char *text = "123456789";
  // The check value of CRC-32C (RFC 3720, appendix B.4).
  CHECK(crc32c(reinterpret_cast<const uint8_t *>(text), 9) == 0xe3069283u);
  uint32_t crc = 0xe3069283u;
  CHECK(maskedCrc32c(reinterpret_cast<const uint8_t *>(text), 9) ==
        ((crc >> 15 | crc << 17) + 0xa282ead8u));
}

TEST_CASE("records frame events with their lengths and checksums",
          "[train][tensorboard]") {
  std::string event = encodeScalarEvent(1.5, 3, {{"loss", 0.25f}});
  std::string record = frameRecord(event);
  REQUIRE(record.size() == 8 + 4 + event.size() + 4);
  uint64_t length = 0;
  std::memcpy(&length, record.data(), 8);
  CHECK(length == event.size());
  CHECK(record.substr(12, event.size()) == event);
  // Event: wall_time (field 1, fixed64), step (field 2, varint 3), summary
  // (field 5) holding one value with tag "loss" and simple_value 0.25.
  CHECK(static_cast<uint8_t>(event[0]) == 0x09);
  double wall = 0;
  std::memcpy(&wall, event.data() + 1, 8);
  CHECK(wall == 1.5);
  CHECK(event.substr(9, 2) == std::string("\x10\x03", 2));
  CHECK(static_cast<uint8_t>(event[11]) == 0x2a);
  std::string value = std::string("\x0a\x04loss\x15", 7);
  float quarter = 0.25f;
  value.append(reinterpret_cast<const char *>(&quarter), 4);
  CHECK(event.substr(13) ==
        std::string("\x0a") + static_cast<char>(value.size()) + value);
}

TEST_CASE("fixed-point rounding follows TRN, RND, WRAP and SAT",
          "[train][qat]") {
  FixedFormat trnWrap, rndSat;
  std::string error;
  REQUIRE(parseFixedFormat("fixed<8,3>", trnWrap, error));
  REQUIRE(parseFixedFormat("fixed< 8, 3, RND, SAT >", rndSat, error));
  CHECK_FALSE(parseFixedFormat("fixed<8,3,RND,CLAMP>", rndSat, error));
  CHECK(error.find("CLAMP") != std::string::npos);
  REQUIRE(parseFixedFormat("fixed<8,3,RND,SAT>", rndSat, error));
  // Independent reference: 5 fractional bits, integers in [-128, 127].
  auto reference = [](double x, bool round, bool saturate) {
    double scaled = x * 32.0;
    double m = round ? std::floor(scaled + 0.5) : std::floor(scaled);
    if (saturate)
      m = std::min(127.0, std::max(-128.0, m));
    else
      m = std::fmod(std::fmod(m + 128.0, 256.0) + 256.0, 256.0) - 128.0;
    return m / 32.0;
  };
  for (double x = -9.0; x <= 9.0; x += 0.0071) {
    CHECK(quantizeValue(x, trnWrap) == reference(x, false, false));
    CHECK(quantizeValue(x, rndSat) == reference(x, true, true));
  }
  float values[3] = {0.03f, -0.05f, 5.0f};
  quantizeBuffer(values, values, 3, rndSat);
  CHECK(values[0] == 1.0f / 32);
  CHECK(values[1] == -2.0f / 32);
  CHECK(values[2] == 127.0f / 32);
}

TEST_CASE("models become checked ONNX graphs with a symbolic batch",
          "[train][onnx]") {
  MlpModel model;
  model.inputs = 2;
  model.outputs = 1;
  LayerSpec dense;
  dense.inputs = 2;
  dense.outputs = 3;
  dense.weight = {1, 2, 3, 4, 5, 6};
  dense.bias = {0.5f, 0, -0.5f};
  LayerSpec norm;
  norm.kind = LayerSpec::Kind::BatchNorm;
  norm.scale = {1, 1, 1};
  norm.shift = {0, 0, 0};
  norm.mean = {0, 1, 2};
  norm.variance = {1, 2, 3};
  LayerSpec half;
  half.kind = LayerSpec::Kind::Act;
  half.activation = Activation::TanhHalf;
  LayerSpec out;
  out.inputs = 3;
  out.outputs = 1;
  out.weight = {1, 1, 1};
  out.bias = {0};
  LayerSpec soft = half, relu = half;
  soft.activation = Activation::Softsign;
  relu.activation = Activation::Relu;
  model.layers = {dense, norm, half, out, soft, relu};
  std::string bytes, error;
  REQUIRE(serializeOnnx(model, bytes, error));
  onnx::ModelProto proto;
  REQUIRE(proto.ParseFromString(bytes));
  std::vector<std::string> ops;
  for (const onnx::NodeProto &node : proto.graph().node())
    ops.push_back(node.op_type());
  CHECK(ops == std::vector<std::string>{"Gemm", "BatchNormalization", "Mul",
                                        "Tanh", "Gemm", "Softsign", "Relu"});
  const onnx::TensorShapeProto &shape =
      proto.graph().input(0).type().tensor_type().shape();
  CHECK(shape.dim(0).dim_param() == "events");
  CHECK(shape.dim(1).dim_value() == 2);
  CHECK(proto.graph().output(0).name() == model.outputName);
  // The same model gives the same bytes.
  std::string again;
  REQUIRE(serializeOnnx(model, again, error));
  CHECK(again == bytes);

  // Sizes that do not chain are rejected.
  model.layers[3].inputs = 4;
  CHECK_FALSE(serializeOnnx(model, bytes, error));
  CHECK(error.find("layer 3") != std::string::npos);
}

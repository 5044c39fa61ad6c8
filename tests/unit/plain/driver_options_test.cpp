//===- driver_options_test.cpp - ariadnec command-line parsing -----------===//
#include "tools/ariadnec/Options.h"

#include <catch2/catch.hpp>

using namespace ariadne;

namespace {
bool parse(std::vector<std::string> args, DriverOptions &options,
           std::string &error) {
  return parseDriverOptions(args, options, error);
}
} // namespace

TEST_CASE("compile takes the model, target, output and emit stage",
          "[driver]") {
  DriverOptions o;
  std::string error;
  REQUIRE(parse({"compile", "m.onnx", "--target", "cpp", "-o", "out/",
                 "--emit=mlir-opt", "--name", "nt"},
                o, error));
  CHECK(o.command == Command::Compile);
  CHECK(o.model == "m.onnx");
  CHECK(o.target == "cpp");
  CHECK(o.output == "out/");
  CHECK(o.emit == "mlir-opt");
  CHECK(o.name == "nt");
}

TEST_CASE("emulate and validate need --input", "[driver]") {
  DriverOptions o;
  std::string error;
  CHECK_FALSE(parse({"emulate", "m.onnx"}, o, error));
  CHECK(error == "--input EVENTS.csv is required");
  DriverOptions v;
  REQUIRE(parse({"validate", "m.onnx", "--input=ev.csv", "--keep"}, v, error));
  CHECK(v.command == Command::Validate);
  CHECK(v.input == "ev.csv");
  CHECK(v.keep);
}

TEST_CASE("command-line mistakes are named", "[driver]") {
  auto errorOf = [](std::vector<std::string> args) {
    DriverOptions o;
    std::string error;
    CHECK_FALSE(parse(std::move(args), o, error));
    return error;
  };
  CHECK(errorOf({"compil", "m.onnx"}).find("unknown command 'compil'") !=
        std::string::npos);
  CHECK(errorOf({"compile", "m.onnx", "--targte", "cpp"}) ==
        "unknown option '--targte'");
  CHECK(errorOf({"compile", "m.onnx", "-o"}) == "option '-o' needs a value");
  CHECK(errorOf({"compile", "a.onnx", "b.onnx"}).find("more than one model") !=
        std::string::npos);
  CHECK(errorOf({"compile", "m.onnx", "--emit=llvm"})
            .find("unknown --emit stage 'llvm'") != std::string::npos);
  CHECK(errorOf({"emulate", "m.onnx", "--input", "x", "--emit=mlir"}) ==
        "--emit is an option of compile");
  CHECK(errorOf({"compile", "m.onnx", "--precision", "fixed<16,6>"})
            .find("unsupported precision") != std::string::npos);
}

TEST_CASE("no arguments asks for help", "[driver]") {
  DriverOptions o;
  std::string error;
  REQUIRE(parse({}, o, error));
  CHECK(o.command == Command::Help);
}

//===- driver_options_test.cpp - ariadnec command-line parsing -----------===//
#include "tools/ariadnec/Options.h"

#include <catch2/catch.hpp>

using namespace ariadne;

namespace {
/// Targets as the registry describes them (the parser knows no target by
/// itself).
const std::vector<TargetChoice> kTargets = {
    {"cpp", "C++ package", {}},
    {"fpga", "a hardware target", {"yosys"}},
};

bool parse(std::vector<std::string> args, DriverOptions &options,
           std::string &error) {
  return parseDriverOptions(args, options, error, kTargets);
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
  CHECK(errorOf({"compile", "m.onnx", "--precision", "double"})
            .find("unsupported precision 'double'") != std::string::npos);
}

TEST_CASE("precision is float, auto or shaped like a fixed-point type",
          "[driver]") {
  auto precisionOf = [](std::vector<std::string> args) {
    DriverOptions o;
    std::string error;
    bool parsed = parse(std::move(args), o, error);
    INFO(error);
    REQUIRE(parsed);
    return o.precision;
  };
  CHECK(precisionOf({"compile", "m.onnx"}) == "float");
  for (std::string spelling :
       {"float", "fixed<16,6>", "fixed<12,4,RND,SAT>", "ufixed<8,0>",
        " fixed <16, 6> ", "fixed<anything>"}) {
    INFO(spelling);
    CHECK(precisionOf({"compile", "m.onnx", "--precision", spelling}) ==
          spelling);
    CHECK(precisionOf({"emulate", "m.onnx", "--input", "e.csv",
                       "--precision=" + spelling}) == spelling);
  }
  CHECK(precisionOf({"compile", "m.onnx", "--precision", "auto",
                     "--calibration", "cal.csv"}) == "auto");

  for (std::string spelling :
       {"fixed", "fixed<", "fixed>", "fixed<>", "fixed16,6>", "afixed<8,1>",
        "ufixed 8,1", "Float", "int8"}) {
    INFO(spelling);
    DriverOptions o;
    std::string error;
    CHECK_FALSE(
        parse({"compile", "m.onnx", "--precision", spelling}, o, error));
    CHECK(error.find("unsupported precision '" + spelling + "'") !=
          std::string::npos);
    CHECK(error.find("fixed<W,I[,Q[,O]]>") != std::string::npos);
  }
}

TEST_CASE("quantization options are read and kept", "[driver]") {
  DriverOptions o;
  std::string error;
  REQUIRE(parse({"validate", "m.onnx", "--input", "ev.csv", "--precision",
                 "auto", "--config", "q.toml", "--calibration=cal.csv",
                 "--max-width", "18", "--report-overflow"},
                o, error));
  CHECK(o.precision == "auto");
  CHECK(o.config == "q.toml");
  CHECK(o.calibration == "cal.csv");
  CHECK(o.maxWidth == 18);
  CHECK(o.reportOverflow);
  CHECK(o.compare.empty());

  DriverOptions e;
  REQUIRE(parse({"emulate", "m.onnx", "--input", "ev.csv", "--precision",
                 "fixed<16,6>", "--compare", "float", "--report-overflow",
                 "--max-width=64"},
                e, error));
  CHECK(e.compare == "float");
  CHECK(e.reportOverflow);
  CHECK(e.maxWidth == 64);

  DriverOptions defaults;
  REQUIRE(parse({"compile", "m.onnx", "--config", "q.toml"}, defaults, error));
  CHECK(defaults.config == "q.toml");
  CHECK(defaults.maxWidth == 0);
  CHECK_FALSE(defaults.reportOverflow);
  CHECK(defaults.calibration.empty());

  DriverOptions low;
  REQUIRE(parse({"compile", "m.onnx", "--max-width", "2"}, low, error));
  CHECK(low.maxWidth == 2);
}

TEST_CASE("quantization option mistakes are named", "[driver]") {
  auto errorOf = [](std::vector<std::string> args) {
    DriverOptions o;
    std::string error;
    CHECK_FALSE(parse(std::move(args), o, error));
    return error;
  };
  auto has = [](const std::string &text, const std::string &part) {
    INFO(text);
    return text.find(part) != std::string::npos;
  };
  CHECK(has(errorOf({"compile", "m.onnx", "--precision", "auto"}),
            "--precision auto needs --calibration"));
  CHECK(has(errorOf({"emulate", "m.onnx", "--input", "e.csv", "--precision",
                     "auto", "--config", "q.toml"}),
            "--precision auto needs --calibration"));
  for (std::string width : {"1", "65", "0", "-3", "16x", "x", "99999999999"})
    CHECK(errorOf({"compile", "m.onnx", "--max-width", width}) ==
          "--max-width must be an integer from 2 to 64, got '" + width + "'");
  CHECK(errorOf({"compile", "m.onnx", "--max-width"}) ==
        "option '--max-width' needs a value");
  CHECK(errorOf({"compile", "m.onnx", "--config="}) ==
        "option '--config' needs a value");
  CHECK(errorOf({"compile", "m.onnx", "--calibration"}) ==
        "option '--calibration' needs a value");
  CHECK(has(
      errorOf({"emulate", "m.onnx", "--input", "e.csv", "--compare", "double"}),
      "unknown --compare reference 'double'"));
  CHECK(errorOf({"compile", "m.onnx", "--compare", "float"}) ==
        "--compare is an option of emulate");
  CHECK(errorOf({"validate", "m.onnx", "--input", "e.csv", "--compare",
                 "float"}) == "--compare is an option of emulate");
  CHECK(errorOf({"compile", "m.onnx", "--report-overflow"}) ==
        "--report-overflow is an option of emulate and validate");
  CHECK(errorOf({"emulate", "m.onnx", "--input", "e.csv",
                 "--report-overflow=yes"}) ==
        "option '--report-overflow' takes no value");
}

TEST_CASE("the usage names every option", "[driver]") {
  std::string usage = driverUsage(kTargets);
  for (const char *option :
       {"--target", "-o", "--name", "--emit", "--input", "--precision",
        "--config", "--calibration", "--max-width", "--report-overflow",
        "--compare", "--keep", "--synth yosys", "cpp|fpga",
        "fpga     a hardware target"})
    CHECK(usage.find(option) != std::string::npos);
}

TEST_CASE("targets, --emit=TARGET and --synth come from the registry",
          "[driver]") {
  DriverOptions o;
  std::string error;
  REQUIRE(parse({"compile", "m.onnx", "--emit=fpga"}, o, error));
  CHECK(o.target == "fpga");
  CHECK(o.emit == "fpga");
  DriverOptions d;
  REQUIRE(parse({"compile", "m.onnx"}, d, error));
  CHECK(d.target == "cpp");
  DriverOptions s;
  REQUIRE(parse({"compile", "m.onnx", "--target", "fpga", "--synth", "yosys"},
                s, error));
  CHECK(s.synth == "yosys");
  auto errorOf = [](std::vector<std::string> args) {
    DriverOptions bad;
    std::string message;
    CHECK_FALSE(parse(std::move(args), bad, message));
    return message;
  };
  CHECK(errorOf({"compile", "m.onnx", "--target", "hls"}) ==
        "unknown target 'hls' (available: cpp, fpga)");
  CHECK(errorOf({"compile", "m.onnx", "--synth", "yosys"}) ==
        "--synth is an option of compile --target fpga");
  CHECK(
      errorOf({"compile", "m.onnx", "--target", "fpga", "--synth", "vivado"}) ==
      "unknown --synth tool 'vivado' (available: yosys)");
  error = errorOf({"compile", "m.onnx", "--emit=verilog"});
  CHECK(error == "unknown --emit stage 'verilog' (mlir, mlir-opt, cpp, fpga)");
}

TEST_CASE("no arguments is an error; help is asked for by name", "[driver]") {
  DriverOptions o;
  std::string error;
  CHECK_FALSE(parse({}, o, error));
  CHECK(error == "no command given");
  for (const char *help : {"help", "--help", "-h"}) {
    DriverOptions h;
    REQUIRE(parse({help}, h, error));
    CHECK(h.command == Command::Help);
  }
}

TEST_CASE("the unknown-command message lists train; --emit=cpp needs the "
          "cpp target",
          "[driver]") {
  DriverOptions o;
  std::string error;
  CHECK_FALSE(parse({"trian", "x.toml"}, o, error));
  CHECK(error.find("train)") != std::string::npos);
  DriverOptions e;
  CHECK_FALSE(
      parse({"compile", "m.onnx", "--emit=cpp", "--target", "fpga"}, e, error));
  CHECK(error.find("--emit=cpp") != std::string::npos);
  CHECK(error.find("--target fpga") != std::string::npos);
}

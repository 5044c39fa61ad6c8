//===- fx_type_test.cpp - the fixed-point type and its spellings ----------===//
//
// The command-line spelling must read back what it writes and agree with the
// IR spelling; the names given to generated code and the range of a type
// are what backends and range analysis build on.
//
//===----------------------------------------------------------------------===//
#include "passes/FX/FXDialect.h"
#include "passes/FX/FXTypes.h"
#include "passes/FX/Precision.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace ariadne;
using namespace ariadne::fx;

namespace {

struct Context {
  mlir::MLIRContext context;
  Context() { context.loadDialect<FXDialect>(); }

  FixedType parse(llvm::StringRef text) {
    std::string error;
    mlir::FailureOr<FixedType> type = parsePrecision(text, &context, error);
    INFO(text.str() << ": " << error);
    REQUIRE(succeeded(type));
    CHECK(error.empty());
    return *type;
  }

  std::string parseError(llvm::StringRef text) {
    std::string error;
    mlir::FailureOr<FixedType> type = parsePrecision(text, &context, error);
    INFO(text.str());
    CHECK(failed(type));
    return error;
  }

  /// The type the IR spelling `!fx....` names, or null.
  mlir::Type parseIr(llvm::StringRef text) {
    return mlir::parseType(text, &context);
  }
};

} // namespace

TEST_CASE("precision spellings read back as they are written", "[fx]") {
  Context ctx;
  for (const char *text :
       {"fixed<16,6>", "fixed<12,4,RND,SAT>", "ufixed<8,0>",
        "ufixed<8,2,RND_CONV,SAT_SYM>", "fixed<8,-3>", "fixed<8,20>",
        "fixed<8,3,TRN,SAT>", "fixed<8,3,RND_MIN_INF>", "fixed<64,64>",
        "fixed<1,1,TRN_ZERO,SAT_ZERO>", "ufixed<4,-12,RND_INF,WRAP>"}) {
    FixedType type = ctx.parse(text);
    std::string formatted = formatPrecision(type);
    // Written without the trailing default overflow mode, where present.
    std::string expected = text;
    if (llvm::StringRef(expected).ends_with(",WRAP>"))
      expected = expected.substr(0, expected.size() - 6) + ">";
    CHECK(formatted == expected);
    CHECK(ctx.parse(formatted) == type);
  }
}

TEST_CASE("precision spelling fields become the type's parameters", "[fx]") {
  Context ctx;
  FixedType a = ctx.parse("fixed<12,4,RND,SAT>");
  CHECK(a.getWidth() == 12u);
  CHECK(a.getIntWidth() == 4);
  CHECK(a.isSigned());
  CHECK(a.getQuant() == RND);
  CHECK(a.getOverflow() == SAT);

  FixedType b = ctx.parse("ufixed<8,-2>");
  CHECK(b.getWidth() == 8u);
  CHECK(b.getIntWidth() == -2);
  CHECK_FALSE(b.isSigned());
  CHECK(b.getQuant() == TRN);
  CHECK(b.getOverflow() == WRAP);
  CHECK(b.getFracWidth() == 10);

  CHECK(ctx.parse("fixed<8,20>").getFracWidth() == -12);
}

TEST_CASE("precision spellings allow blanks and spelled-out defaults", "[fx]") {
  Context ctx;
  FixedType plain = ctx.parse("fixed<16,6>");
  CHECK(ctx.parse("  fixed < 16 , 6 >  ") == plain);
  CHECK(ctx.parse("fixed<16, 6, TRN>") == plain);
  CHECK(ctx.parse("fixed<16,6,TRN,WRAP>") == plain);
  CHECK(formatPrecision(ctx.parse("fixed<16,6,TRN,WRAP>")) == "fixed<16,6>");
  CHECK(ctx.parse("ufixed<16,6>") != plain);
  CHECK(ctx.parse("fixed<16,6,RND>") != plain);
  CHECK(ctx.parse("fixed<16,6,TRN,SAT>") != plain);
}

TEST_CASE("the precision spelling and the IR spelling name the same type",
          "[fx]") {
  Context ctx;
  CHECK(ctx.parseIr("!fx.fixed<16, 6>") == ctx.parse("fixed<16,6>"));
  CHECK(ctx.parseIr("!fx.fixed<12, 4, RND, SAT>") ==
        ctx.parse("fixed<12,4,RND,SAT>"));
  CHECK(ctx.parseIr("!fx.ufixed<8, 2, RND_CONV, SAT_SYM>") ==
        ctx.parse("ufixed<8,2,RND_CONV,SAT_SYM>"));
  CHECK(ctx.parseIr("!fx.fixed<8, -3, TRN, SAT>") ==
        ctx.parse("fixed<8,-3,TRN,SAT>"));

  // And the type prints as the IR spelling.
  std::string printed;
  llvm::raw_string_ostream os(printed);
  os << ctx.parse("ufixed<8,2,RND_CONV,SAT_SYM>") << ' '
     << ctx.parse("fixed<8,3,TRN,SAT>") << ' ' << ctx.parse("fixed<16,6>");
  CHECK(printed == "!fx.ufixed<8, 2, RND_CONV, SAT_SYM> "
                   "!fx.fixed<8, 3, TRN, SAT> !fx.fixed<16, 6>");
}

TEST_CASE("precision spelling errors say what is wrong", "[fx]") {
  Context ctx;
  const std::string quantList =
      "(TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV)";
  const std::string overflowList = "(WRAP, SAT, SAT_ZERO, SAT_SYM)";

  CHECK(ctx.parseError("float") == "expected 'fixed<W,I[,Q[,O]]>' or "
                                   "'ufixed<W,I[,Q[,O]]>', got 'float'");
  CHECK(ctx.parseError("ap_fixed<16,6>") ==
        "expected 'fixed<W,I[,Q[,O]]>' or 'ufixed<W,I[,Q[,O]]>', got "
        "'ap_fixed<16,6>'");
  CHECK(ctx.parseError(" fixed(16,6) ") ==
        "expected 'fixed<W,I[,Q[,O]]>' or 'ufixed<W,I[,Q[,O]]>', got "
        "'fixed(16,6)'");
  CHECK(ctx.parseError("fixed<16,6") ==
        "expected 'fixed<W,I[,Q[,O]]>' or 'ufixed<W,I[,Q[,O]]>', got "
        "'fixed<16,6'");
  CHECK(ctx.parseError("") == "expected 'fixed<W,I[,Q[,O]]>' or "
                              "'ufixed<W,I[,Q[,O]]>', got ''");
  CHECK(ctx.parseError("fixed<16>") ==
        "expected 'fixed<W,I[,Q[,O]]>' (2 to 4 parameters), got 'fixed<16>'");
  CHECK(ctx.parseError("ufixed<16,6,RND,SAT,3>") ==
        "expected 'ufixed<W,I[,Q[,O]]>' (2 to 4 parameters), got "
        "'ufixed<16,6,RND,SAT,3>'");
  CHECK(ctx.parseError("fixed<x,6>") ==
        "expected the width W as an integer in 'fixed<W,I[,Q[,O]]>', got 'x' "
        "in 'fixed<x,6>'");
  CHECK(ctx.parseError("ufixed<8, 1.5>") ==
        "expected the integer bits I as an integer in 'ufixed<W,I[,Q[,O]]>', "
        "got '1.5' in 'ufixed<8, 1.5>'");
  CHECK(ctx.parseError("fixed<0,0>") ==
        "fixed-point width W (all bits, sign included) must be 1 to 64, got 0");
  CHECK(ctx.parseError("fixed<65,1>") == "fixed-point width W (all bits, sign "
                                         "included) must be 1 to 64, got 65");
  CHECK(ctx.parseError("fixed<-4,1>") == "fixed-point width W (all bits, sign "
                                         "included) must be 1 to 64, got -4");
  CHECK(ctx.parseError("fixed<8,1048576>") ==
        "fixed-point integer bits I must be between -1048575 and 1048575, "
        "got 1048576");
  CHECK(ctx.parseError("fixed<8,-1048576>") ==
        "fixed-point integer bits I must be between -1048575 and 1048575, "
        "got -1048576");
  CHECK(ctx.parseError("fixed<16,6,RND_EVEN>") ==
        "unknown quantization mode 'RND_EVEN' " + quantList);
  CHECK(ctx.parseError("fixed<16,6,rnd>") ==
        "unknown quantization mode 'rnd' " + quantList);
  CHECK(ctx.parseError("fixed<16,6,RND,CLAMP>") ==
        "unknown overflow mode 'CLAMP' " + overflowList);
  CHECK(ctx.parseError("fixed<16,6,SAT>") ==
        "'SAT' is an overflow mode, but the quantization mode comes first: "
        "write TRN, SAT to keep the default quantization");
  CHECK(ctx.parseError("fixed<16,6,SAT,RND>") ==
        "'SAT' is an overflow mode, but the quantization mode comes first: "
        "write TRN, SAT to keep the default quantization");
  CHECK(ctx.parseError("fixed<16,6,TRN,RND>") ==
        "'RND' is a quantization mode, but the overflow mode comes second " +
            overflowList);
}

TEST_CASE("mode keywords are the runtime's enumerator names", "[fx]") {
  const std::pair<QuantMode, const char *> quants[] = {
      {TRN, "TRN"},
      {TRN_ZERO, "TRN_ZERO"},
      {RND, "RND"},
      {RND_ZERO, "RND_ZERO"},
      {RND_MIN_INF, "RND_MIN_INF"},
      {RND_INF, "RND_INF"},
      {RND_CONV, "RND_CONV"}};
  for (auto [mode, name] : quants) {
    CHECK(stringifyQuantMode(mode) == name);
    CHECK(symbolizeQuantMode(name) == mode);
    CHECK_FALSE(symbolizeOverflowMode(name));
  }
  const std::pair<OverflowMode, const char *> overflows[] = {
      {WRAP, "WRAP"},
      {SAT, "SAT"},
      {SAT_ZERO, "SAT_ZERO"},
      {SAT_SYM, "SAT_SYM"}};
  for (auto [mode, name] : overflows) {
    CHECK(stringifyOverflowMode(mode) == name);
    CHECK(symbolizeOverflowMode(name) == mode);
    CHECK_FALSE(symbolizeQuantMode(name));
  }
  CHECK_FALSE(symbolizeQuantMode("AP_RND"));
  CHECK(stringifyQuantMode(static_cast<QuantMode>(7)).empty());
  CHECK(stringifyOverflowMode(static_cast<OverflowMode>(4)).empty());
}

TEST_CASE("the range of a type", "[fx]") {
  Context ctx;
  auto range = [&](const char *text) {
    FixedType type = ctx.parse(text);
    return std::make_pair(type.getMinValue(), type.getMaxValue());
  };
  // m * 2^-(W-I) for the smallest and largest W-bit integer m.
  CHECK(range("fixed<16,6>") == std::make_pair(-32.0, 32.0 - 0x1p-10));
  CHECK(range("ufixed<8,0>") == std::make_pair(0.0, 255.0 / 256.0));
  CHECK(range("ufixed<8,2,RND,SAT>") == std::make_pair(0.0, 255.0 / 64.0));
  CHECK(range("fixed<8,-3>") == std::make_pair(-0.0625, 127.0 * 0x1p-11));
  CHECK(range("ufixed<4,-12>") == std::make_pair(0.0, 15.0 * 0x1p-16));
  CHECK(range("fixed<8,20>") == std::make_pair(-524288.0, 520192.0));
  CHECK(range("fixed<1,1>") == std::make_pair(-1.0, 0.0));
  CHECK(range("fixed<1,0>") == std::make_pair(-0.5, 0.0));
  CHECK(range("fixed<32,32>") == std::make_pair(-2147483648.0, 2147483647.0));
  // SAT_SYM limits what a cast produces, not the type's range.
  CHECK(range("fixed<8,8,TRN,SAT_SYM>") == std::make_pair(-128.0, 127.0));
  // Rounded to the nearest double where the type has more digits.
  CHECK(range("ufixed<64,64>") == std::make_pair(0.0, 0x1p64));
  CHECK(range("fixed<64,0>") == std::make_pair(-0.5, 0.5));
  // Beyond the range of double.
  auto huge = range("fixed<8,1048575>");
  CHECK(huge.first == -std::numeric_limits<double>::infinity());
  CHECK(huge.second == std::numeric_limits<double>::infinity());
  auto tiny = range("ufixed<8,-1048575>");
  CHECK(tiny.first == 0.0);
  CHECK(tiny.second == 0.0);
}

TEST_CASE("the runtime spec of a type", "[fx]") {
  Context ctx;
  FixedSpec spec = ctx.parse("ufixed<12,-4,RND_ZERO,SAT_SYM>").getSpec();
  CHECK(spec.width == 12);
  CHECK(spec.intWidth == -4);
  CHECK_FALSE(spec.isSigned);
  CHECK(spec.quant == RND_ZERO);
  CHECK(spec.overflow == SAT_SYM);
  CHECK(spec.fracWidth() == 16);
  CHECK(FixedType::get(&ctx.context, spec) ==
        ctx.parse("ufixed<12,-4,RND_ZERO,SAT_SYM>"));
}

TEST_CASE("type names in generated C++ and HLS code", "[fx]") {
  Context ctx;
  auto names = [&](const char *text) {
    FixedType type = ctx.parse(text);
    return std::make_pair(type.getCppTypeName(), type.getHlsTypeName());
  };
  CHECK(names("fixed<16,6>") ==
        std::make_pair(std::string("ariadne::fixed<16, 6>"),
                       std::string("ap_fixed<16, 6>")));
  CHECK(names("fixed<12,4,RND,SAT>") ==
        std::make_pair(
            std::string("ariadne::fixed<12, 4, ariadne::RND, ariadne::SAT>"),
            std::string("ap_fixed<12, 4, AP_RND, AP_SAT>")));
  CHECK(names("ufixed<8,0>") ==
        std::make_pair(std::string("ariadne::ufixed<8, 0>"),
                       std::string("ap_ufixed<8, 0>")));
  CHECK(names("ufixed<8,2,RND_CONV,SAT_SYM>") ==
        std::make_pair(
            std::string(
                "ariadne::ufixed<8, 2, ariadne::RND_CONV, ariadne::SAT_SYM>"),
            std::string("ap_ufixed<8, 2, AP_RND_CONV, AP_SAT_SYM>")));
  // The template arguments are positional: a non-default overflow mode
  // needs the quantization mode before it.
  CHECK(
      names("fixed<8,-3,TRN,SAT_ZERO>") ==
      std::make_pair(
          std::string("ariadne::fixed<8, -3, ariadne::TRN, ariadne::SAT_ZERO>"),
          std::string("ap_fixed<8, -3, AP_TRN, AP_SAT_ZERO>")));
  CHECK(
      names("fixed<8,20,RND_MIN_INF>") ==
      std::make_pair(std::string("ariadne::fixed<8, 20, ariadne::RND_MIN_INF>"),
                     std::string("ap_fixed<8, 20, AP_RND_MIN_INF>")));
}

TEST_CASE("the verifier refuses types built in C++ with bad parameters",
          "[fx]") {
  Context ctx;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&ctx.context,
                                        [&](mlir::Diagnostic &diag) {
                                          message = diag.str();
                                          return mlir::success();
                                        });
  auto emitError = [&] {
    return mlir::emitError(mlir::UnknownLoc::get(&ctx.context));
  };
  mlir::MLIRContext *context = &ctx.context;
  // Arguments of the parameters' exact types: with others (int literals),
  // overload resolution prefers the variadic getChecked of mlir::Type.

  CHECK(FixedType::getChecked(emitError, context, 16u, int64_t(6)));
  CHECK(message.empty());

  CHECK_FALSE(FixedType::getChecked(emitError, context, 0u, int64_t(0)));
  CHECK(message ==
        "fixed-point width W (all bits, sign included) must be 1 to 64, got 0");
  CHECK_FALSE(
      FixedType::getChecked(emitError, context, 65u, int64_t(0), false));
  CHECK(message == "fixed-point width W (all bits, sign included) must be 1 "
                   "to 64, got 65");
  CHECK_FALSE(FixedType::getChecked(emitError, context, 8u, int64_t(-2000000)));
  CHECK(message == "fixed-point integer bits I must be between -1048575 and "
                   "1048575, got -2000000");
  CHECK_FALSE(FixedType::getChecked(emitError, context, 8u, int64_t(0), true,
                                    static_cast<QuantMode>(7)));
  CHECK(message == "quantization mode 7 is not one of ariadne::QuantMode");
  CHECK_FALSE(FixedType::getChecked(emitError, context, 8u, int64_t(0), true,
                                    TRN, static_cast<OverflowMode>(4)));
  CHECK(message == "overflow mode 4 is not one of ariadne::OverflowMode");
}

TEST_CASE("checkFixedWidths takes the limits of fixed_bits.h", "[fx]") {
  for (int64_t width : {1, 8, 64})
    for (int64_t intWidth :
         {int64_t(-(kMaxFixedIntWidth - 1)), int64_t(-5), int64_t(0),
          int64_t(70), int64_t(kMaxFixedIntWidth - 1)}) {
      INFO(width << ", " << intWidth);
      CHECK_FALSE(checkFixedWidths(width, intWidth));
      CHECK(isValidSpec(FixedSpec{int(width), int(intWidth), true}));
    }
  for (auto [width, intWidth] : {std::pair<int64_t, int64_t>{0, 0},
                                 {65, 0},
                                 {-1, 0},
                                 {int64_t(1) << 40, 0},
                                 {8, int64_t(kMaxFixedIntWidth)},
                                 {8, int64_t(-kMaxFixedIntWidth)}}) {
    INFO(width << ", " << intWidth);
    CHECK(checkFixedWidths(width, intWidth));
    if (width == int(width) && intWidth == int(intWidth))
      CHECK_FALSE(isValidSpec(FixedSpec{int(width), int(intWidth), true}));
  }
}

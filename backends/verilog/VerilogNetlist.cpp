//===- VerilogNetlist.cpp - signals, wires and registers of the RTL -------===//
//
// The integers of the RTL (widths and literals of exact ranges) and the
// VerilogEmission state: signals bound to values, wires, registers and
// delay lines that align pipeline stages.
//
//===----------------------------------------------------------------------===//
#include "backends/verilog/VerilogArithmetic.h"

#include "backends/common/ElementSources.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace verilog {

//===----------------------------------------------------------------------===//
// Integers
//===----------------------------------------------------------------------===//

std::string decimal(Int128 value) {
  if (value == 0)
    return "0";
  bool negative = value < 0;
  unsigned __int128 magnitude =
      negative ? (unsigned __int128)0 - value : (unsigned __int128)value;
  std::string digits;
  while (magnitude) {
    digits.push_back(char('0' + int(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative)
    digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

int bitLength(unsigned __int128 v) {
  int bits = 0;
  while (v) {
    ++bits;
    v >>= 1;
  }
  return bits;
}

int signedBits(Int128 low, Int128 high) {
  int bits = 1;
  while (!(low >= -(Int128(1) << (bits - 1)) &&
           high <= (Int128(1) << (bits - 1)) - 1))
    ++bits;
  return bits;
}

std::string literal(Int128 value) {
  unsigned __int128 magnitude =
      value < 0 ? (unsigned __int128)0 - value : (unsigned __int128)value;
  int width = bitLength(magnitude) + 1;
  std::string text = std::to_string(width) + "'sd" +
                     decimal(Int128(magnitude == 0 ? 0 : magnitude));
  return value < 0 ? "-" + text : text;
}

std::pair<Int128, Int128> rangeOf(FixedType type) {
  return rawRange(int(type.getWidth()), type.isSigned());
}

int internalWidth(FixedType type) {
  return int(type.getWidth()) + (type.isSigned() ? 0 : 1);
}

//===----------------------------------------------------------------------===//
// VerilogEmission
//===----------------------------------------------------------------------===//

VerilogEmission::VerilogEmission(func::FuncOp fn, const VerilogOptions &options)
    : fn(fn), opts(options), bodyOS(bodyText), modulesOS(modulesText),
      registerOS(registerText) {
  // Names of the top module's ports and Verilog keywords a model may use.
  for (const char *reserved :
       {"clk",       "valid_in", "valid_out", "valid_pipe", "module",
        "endmodule", "input",    "output",    "inout",      "wire",
        "reg",       "assign",   "always",    "begin",      "end",
        "case",      "endcase",  "default",   "if",         "else",
        "initial",   "integer",  "parameter", "localparam", "function",
        "task",      "for",      "signed",    "unsigned",   "genvar",
        "generate",  "and",      "or",        "not",        "xor",
        "buf",       "edge",     "posedge",   "negedge",    "table",
        "logic",     "bit",      "byte",      "int",        "time",
        "real",      "event",    "do",        "while",      "repeat",
        "force"})
    identifiers.reserve(reserved);
  identifiers.reserve(fn.getSymName());
}

std::string VerilogEmission::unique(StringRef base) {
  return identifiers.unique(base);
}

std::string VerilogEmission::layerName(Operation *op) const {
  return IdentifierTable::layerName(op);
}

std::string VerilogEmission::identifier(Operation *op) {
  return identifiers.identifier(op);
}

VerilogLayerSettings VerilogEmission::settingsOf(Operation *op,
                                                 StringRef type) const {
  if (!opts.layerSettings)
    return {};
  SmallVector<std::string, 2> names;
  op->getLoc()->walk([&](Location loc) {
    if (auto name = llvm::dyn_cast<NameLoc>(loc))
      names.push_back(name.getName().str());
    return WalkResult::advance();
  });
  return opts.layerSettings(names, type);
}

const std::vector<Signal> &VerilogEmission::signalsOf(Value value) const {
  auto it = values.find(value);
  assert(it != values.end() && "value without signals");
  return it->second;
}

void VerilogEmission::bind(Value value, std::vector<Signal> signals) {
  values[value] = std::move(signals);
}

Signal VerilogEmission::wire(StringRef base, int width, const std::string &expr,
                             int64_t stage, Int128 low, Int128 high) {
  Signal s;
  s.name = unique(base);
  s.width = width;
  s.stage = stage;
  s.low = low;
  s.high = high;
  bodyOS << "  wire signed [" << width - 1 << ":0] " << s.name << " = " << expr
         << ";\n";
  return s;
}

Signal VerilogEmission::reg(StringRef base, int width, const std::string &expr,
                            int64_t stage, Int128 low, Int128 high) {
  Signal s;
  s.name = unique(base);
  s.width = width;
  s.stage = stage + 1;
  s.low = low;
  s.high = high;
  bodyOS << "  reg signed [" << width - 1 << ":0] " << s.name << ";\n";
  registerOS << "    " << s.name << " <= " << expr << ";\n";
  return s;
}

Signal VerilogEmission::at(const Signal &signal, int64_t stage) {
  if (signal.constant || signal.stage >= stage)
    return signal;
  std::vector<std::string> &chain = delays[signal.name];
  Signal current = signal;
  for (int64_t s = signal.stage; s < stage; ++s) {
    size_t index = size_t(s - signal.stage);
    if (index < chain.size()) {
      current.name = chain[index];
    } else {
      current = reg(signal.name + "_d" + std::to_string(index + 1),
                    signal.width, current.name, s, signal.low, signal.high);
      chain.push_back(current.name);
    }
    current.stage = s + 1;
  }
  return current;
}

Signal VerilogEmission::constant(Int128 value) {
  Signal s;
  s.name = literal(value);
  s.width = signedBits(value, value);
  s.constant = true;
  s.low = s.high = value;
  return s;
}

int64_t VerilogEmission::latestStage(ArrayRef<Signal> signals) {
  int64_t stage = 0;
  for (const Signal &s : signals)
    if (!s.constant)
      stage = std::max(stage, s.stage);
  return stage;
}

std::string VerilogEmission::takeBody() {
  if (!registerText.empty())
    bodyOS << "\n  always @(posedge clk) begin\n" << registerText << "  end\n";
  registerText.clear();
  return std::move(bodyText);
}

} // namespace verilog
} // namespace ariadne

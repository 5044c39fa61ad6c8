//===- VerilogBackend.cpp - the Verilog package writer --------------------===//
//
// Checks that the function is quantized, makes a port per element of each
// model input and output, runs the emission pattern of every op, aligns the
// outputs to one pipeline stage and fills the templates of
// templates/verilog: the RTL, the Verilator harness, the Yosys script, the
// README and report.json.
//
//===----------------------------------------------------------------------===//
#include "backends/verilog/VerilogBackend.h"

#include "backends/common/HardwareBoundary.h"
#include "backends/common/PackageFiles.h"
#include "backends/common/TableReport.h"
#include "backends/cpp/CppEmitter.h"
#include "backends/verilog/VerilogEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "ariadne/fixed_bits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdio>

using namespace mlir;
using ariadne::fx::FixedType;
using ariadne::verilog::Signal;

namespace ariadne {

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// A model input or output: its element ports `NAME_0`, `NAME_1`, ...
struct Port {
  std::string name, modelName;
  FixedType fixed;
  int64_t size = 0;
};

std::string portDeclaration(const Port &p, bool input) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t i = 0; i < p.size; ++i)
    os << "  " << (input ? "input" : "output") << " wire "
       << (p.fixed.isSigned() ? "signed " : "") << "[" << p.fixed.getWidth() - 1
       << ":0] " << p.name << "_" << i << ",\n";
  return os.str();
}

std::string portListing(ArrayRef<Port> inputs, ArrayRef<Port> outputs,
                        StringRef prefix, bool markdown) {
  std::string text;
  auto add = [&](const Port &p, StringRef direction) {
    std::string ports = p.size == 1 ? p.name + "_0"
                                    : p.name + "_0 .. " + p.name + "_" +
                                          std::to_string(p.size - 1);
    if (markdown)
      text += ("- " + direction + " `" + ports + "` (`" + p.modelName + "`, " +
               std::to_string(p.size) + " elements): `" +
               fx::formatPrecision(p.fixed) + "`\n")
                  .str();
    else
      text += (prefix + direction + " " + ports + " (" + p.modelName + ", " +
               std::to_string(p.size) +
               " elements): " + fx::formatPrecision(p.fixed) + ", " +
               std::to_string(p.fixed.getWidth()) + "-bit " +
               (p.fixed.isSigned() ? "signed" : "unsigned") + "\n")
                  .str();
  };
  for (const Port &p : inputs)
    add(p, "input");
  for (const Port &p : outputs)
    add(p, "output");
  return text;
}

/// The harness's per-event code: the ports from a row of raw integers,
/// and back.
std::string setInputsCode(ArrayRef<Port> inputs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  int64_t offset = 0;
  for (const Port &p : inputs)
    for (int64_t i = 0; i < p.size; ++i)
      os << "  top." << p.name << "_" << i << " = portBits(in[" << offset++
         << "], " << p.fixed.getWidth() << ");\n";
  return os.str();
}

std::string getOutputsCode(ArrayRef<Port> outputs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  int64_t offset = 0;
  for (const Port &p : outputs)
    for (int64_t i = 0; i < p.size; ++i)
      os << "  out[" << offset++ << "] = portValue(top." << p.name << "_" << i
         << ", " << p.fixed.getWidth() << ", "
         << (p.fixed.isSigned() ? "true" : "false") << ");\n";
  return os.str();
}

/// The raw input integers of the events, as fx.quantize computes them.
std::string rawInputs(const VerilogOptions &options, ArrayRef<Port> inputs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  size_t width = 0;
  for (const Port &p : inputs)
    width += size_t(p.size);
  for (size_t e = 0; e < options.events; ++e) {
    size_t column = 0;
    for (const Port &p : inputs) {
      FixedSpec spec = p.fixed.getSpec();
      for (int64_t i = 0; i < p.size; ++i, ++column) {
        uint64_t bits =
            bitsFromDouble(double((*options.inputs)[e * width + column]), spec);
        os << (column ? "," : "")
           << (p.fixed.isSigned() || p.fixed.getWidth() < 64
                   ? std::to_string(int64_t(bits))
                   : std::to_string(bits));
      }
    }
    os << "\n";
  }
  return os.str();
}

/// The adders of layer `l` if no sum were shared between its outputs.
int64_t unshared(const VerilogLayerReport &l) {
  return std::max(l.adders, l.addersUnshared);
}

std::string layerTable(const VerilogReport &report, bool markdown) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (markdown)
    os << "| layer | op | detail | stages | multipliers | adders | ROMs | "
          "ROM bits | multiplier |\n|---|---|---|---|---|---|---|---|---|\n";
  else
    os << llvm::formatv("  {0,-20} {1,-14} {2,-30} {3,6} {4,6} {5,7} {6,5} "
                        "{7,9} {8}\n",
                        "layer", "op", "detail", "stages", "mults", "adders",
                        "ROMs", "ROM bits", "multiplier");
  for (const VerilogLayerReport &l : report.layers) {
    if (markdown)
      os << "| `" << l.name << "` | `" << l.op << "` | " << l.detail << " | "
         << l.stages << " | " << l.multipliers << " | " << l.adders << " | "
         << l.roms << " | " << l.romBits << " | " << l.multiplier << " |\n";
    else
      os << llvm::formatv("  {0,-20} {1,-14} {2,-30} {3,6} {4,6} {5,7} {6,5} "
                          "{7,9} {8}\n",
                          l.name, l.op, l.detail, l.stages, l.multipliers,
                          l.adders, l.roms, l.romBits, l.multiplier);
  }
  os << (markdown ? "\n" : "  ")
     << llvm::formatv("total: latency {0} cycles, initiation interval 1, {1} "
                      "multipliers, {2} adders ({3} without shared sums)\n",
                      report.latency, report.multipliers, report.adders,
                      report.addersUnshared);
  return os.str();
}

llvm::json::Value reportJson(const VerilogReport &report,
                             const VerilogOptions &options,
                             ArrayRef<Port> inputs, ArrayRef<Port> outputs) {
  llvm::json::Array layers;
  for (const VerilogLayerReport &l : report.layers)
    layers.push_back(llvm::json::Object{{"name", l.name},
                                        {"op", l.op},
                                        {"detail", l.detail},
                                        {"type", l.type},
                                        {"pipeline_stages", l.stages},
                                        {"multipliers", l.multipliers},
                                        {"adders", l.adders},
                                        {"adders_without_sharing", unshared(l)},
                                        {"shared_sums", l.sharedSums},
                                        {"roms", l.roms},
                                        {"rom_bits", l.romBits},
                                        {"multiplier", l.multiplier}});
  auto ports = [](ArrayRef<Port> list) {
    llvm::json::Array array;
    for (const Port &p : list)
      array.push_back(
          llvm::json::Object{{"name", p.modelName},
                             {"ports", p.name + "_0.." + p.name + "_" +
                                           std::to_string(p.size - 1)},
                             {"type", fx::formatPrecision(p.fixed)},
                             {"width", int64_t(p.fixed.getWidth())},
                             {"signed", p.fixed.isSigned()},
                             {"size", p.size}});
    return array;
  };
  return llvm::json::Object{
      {"kernel", report.top},
      {"target", "verilog"},
      {"precision", options.precision},
      {"io", "one port per element, raw integers, valid_in/valid_out"},
      {"inputs", ports(inputs)},
      {"outputs", ports(outputs)},
      {"layers", std::move(layers)},
      {"totals",
       llvm::json::Object{{"latency_cycles", report.latency},
                          {"initiation_interval", 1},
                          {"multipliers", report.multipliers},
                          {"adders", report.adders},
                          {"adders_without_sharing", report.addersUnshared},
                          {"rom_bits", report.romBits}}},
      {"pipeline_model",
       "a register stage at the output of every dense layer and matmul "
       "(plus one after every N adder levels with pipeline = N), add, sub, "
       "mul, table, leaky ReLU and scale; five in a softmax (maximum, exp "
       "ROM, sum, reciprocal ROM, product); casts, ReLU, clamps and data "
       "movement are logic before the next register"},
  };
}

} // namespace

std::string formatVerilogReport(const VerilogReport &report) {
  return layerTable(report, /*markdown=*/false);
}

llvm::Error emitVerilogPackage(ModuleOp module, StringRef outDir,
                               const VerilogOptions &options,
                               VerilogReport *reportOut) {
  FirstErrorCapture errors(module.getContext());
  auto failWith = [&]() {
    return errors.take("verilog target: emission failed");
  };
  auto boundary = hardwareBoundary(module, "verilog");
  if (!boundary)
    return boundary.takeError();
  func::FuncOp fn = boundary->fn;
  std::string name = fn.getSymName().str();
  verilog::VerilogEmission emission(fn, options);

  std::vector<Port> inputs, outputs;
  std::string inputWires;
  auto portOf = [&](const BoundaryTensor &tensor,
                    bool input) -> llvm::Expected<Port> {
    if (tensor.type.getWidth() > 64)
      return makeError(Twine("verilog target: ") +
                       (input ? "input '" : "output '") + tensor.name +
                       "' is " + Twine(tensor.type.getWidth()) +
                       " bits wide; ports carry at most 64");
    Port port;
    port.modelName = tensor.name;
    port.name = emission.unique(port.modelName);
    port.fixed = tensor.type;
    port.size = tensor.size;
    return port;
  };
  for (const BoundaryTensor &tensor : boundary->inputs) {
    auto portOrError = portOf(tensor, true);
    if (!portOrError)
      return portOrError.takeError();
    Port &port = *portOrError;
    std::vector<Signal> signals;
    auto [low, high] = verilog::rangeOf(port.fixed);
    for (int64_t i = 0; i < port.size; ++i) {
      std::string portName = port.name + "_" + std::to_string(i);
      emission.unique(portName);
      if (port.fixed.isSigned()) {
        Signal s;
        s.name = portName;
        s.width = int(port.fixed.getWidth());
        s.low = low;
        s.high = high;
        signals.push_back(s);
      } else {
        signals.push_back(
            emission.wire(portName + "_s", verilog::internalWidth(port.fixed),
                          "$signed({1'b0, " + portName + "})", 0, low, high));
      }
    }
    emission.bind(tensor.value, std::move(signals));
    inputs.push_back(port);
  }
  for (const BoundaryTensor &tensor : boundary->outputs) {
    auto port = portOf(tensor, false);
    if (!port)
      return port.takeError();
    for (int64_t i = 0; i < port->size; ++i)
      emission.unique(port->name + "_" + std::to_string(i));
    outputs.push_back(*port);
  }
  auto returnOp = llvm::cast<func::ReturnOp>(fn.getBody().front().back());

  verilog::VerilogPatterns patterns;
  verilog::populateVerilogPatterns(patterns);
  for (Operation &op : fn.getBody().front().without_terminator()) {
    const auto *pattern = patterns.lookup(&op);
    if (!pattern) {
      op.emitOpError("has no emission pattern in the verilog target");
      return failWith();
    }
    if (failed((*pattern)(&op, emission)))
      return failWith();
    if (llvm::isa<fx::QuantizeOp, fx::DequantizeOp>(op))
      continue;
    if (auto fixed = llvm::dyn_cast<FixedType>(
            llvm::cast<ShapedType>(op.getResult(0).getType()).getElementType()))
      emission.setLastLayerType(fx::formatPrecision(fixed));
  }

  // Every output leaves at the same stage, at least one register after the
  // inputs.
  std::vector<std::vector<Signal>> outSignals;
  int64_t latency = 1;
  for (Value value : returnOp.getOperands()) {
    Value source = value.getDefiningOp<fx::DequantizeOp>().getInput();
    outSignals.push_back(emission.signalsOf(source));
    latency = std::max(
        latency, verilog::VerilogEmission::latestStage(outSignals.back()));
  }
  std::string assigns;
  emission.body() << "\n  // The outputs, aligned to stage " << latency
                  << ".\n";
  for (auto [port, signals] : llvm::zip(outputs, outSignals))
    for (auto [i, s] : llvm::enumerate(signals)) {
      Signal aligned = emission.at(s, latency);
      // A constant (padding that reaches an output) is registered at least
      // as wide as the port, which takes its low bits: a literal such as
      // 1'sd0 is sign-extended into it.
      if (aligned.constant)
        aligned = emission.reg(
            port.name + "_" + std::to_string(i) + "_k",
            std::max(aligned.width, verilog::internalWidth(port.fixed)),
            aligned.name, latency - 1, aligned.low, aligned.high);
      assigns += "  assign " + port.name + "_" + std::to_string(i) + " = " +
                 aligned.name + "[" +
                 std::to_string(port.fixed.getWidth() - 1) + ":0];\n";
    }

  VerilogReport report;
  report.top = name;
  report.layers = emission.layerReports();
  report.latency = latency;
  for (const VerilogLayerReport &l : report.layers) {
    report.multipliers += l.multipliers;
    report.adders += l.adders;
    report.addersUnshared += unshared(l);
    report.romBits += l.romBits * l.roms;
  }

  std::string ports;
  for (const Port &p : inputs)
    ports += portDeclaration(p, true);
  for (const Port &p : outputs)
    ports += portDeclaration(p, false);
  int64_t inputCount = 0, outputCount = 0;
  for (const Port &p : inputs)
    inputCount += p.size;
  for (const Port &p : outputs)
    outputCount += p.size;
  std::string source = locationFile(fn.getLoc());
  if (source.empty())
    source = "an MLIR module";
  std::string body = emission.takeBody();
  TemplateSlots top{
      {"BANNER",
       fileBanner(name + ".v", "the " + name + " RTL top", BannerStyle::Cpp)},
      {"NAME", name},
      {"SOURCE", source},
      {"PRECISION", options.precision},
      {"LATENCY", std::to_string(latency)},
      {"LATENCY_MINUS_ONE", std::to_string(latency - 1)},
      {"VALID_SHIFT",
       latency == 1
           ? std::string("valid_in")
           : "{valid_pipe[" + std::to_string(latency - 2) + ":0], valid_in}"},
      {"PORT_LIST", portListing(inputs, outputs, "//   ", false)},
      {"PORTS", ports},
      {"BODY", body},
      {"OUTPUT_ASSIGNS", assigns},
      {"MODULES", emission.takeModules()}};
  TemplateSlots harness{{"BANNER", fileBanner(name + "_harness.cpp",
                                              "Verilator harness of " + name)},
                        {"NAME", name},
                        {"INPUT_COUNT", std::to_string(inputCount)},
                        {"OUTPUT_COUNT", std::to_string(outputCount)},
                        {"LATENCY", std::to_string(latency)},
                        {"SET_INPUTS", setInputsCode(inputs)},
                        {"GET_OUTPUTS", getOutputsCode(outputs)}};
  TemplateSlots yosys{{"NAME", name}, {"FAMILY", kYosysFamily}};
  TemplateSlots readme{{"NAME", name},
                       {"SOURCE", source},
                       {"PRECISION", options.precision},
                       {"LATENCY", std::to_string(latency)},
                       {"PORT_LIST", portListing(inputs, outputs, "", true)},
                       {"LAYERS", layerTable(report, /*markdown=*/true)}};
  const TemplatedFile files[] = {
      {"rtl/" + name + ".v", "templates/verilog/top.v", &top},
      {"verilator/" + name + "_harness.cpp", "templates/verilog/harness.cpp",
       &harness},
      {"synth_yosys.ys", "templates/verilog/synth_yosys.ys", &yosys},
      {"README.md", "templates/verilog/README.md", &readme},
  };
  if (llvm::Error err = writeTemplatedFiles(outDir, files))
    return err;
  if (options.events > 0)
    if (llvm::Error err = writePackageFile(outDir, "tb_data/input_raw.csv",
                                           rawInputs(options, inputs)))
      return err;
  std::string json;
  llvm::raw_string_ostream os(json);
  llvm::json::Value value = reportJson(report, options, inputs, outputs);
  value.getAsObject()->try_emplace("tables", tablesJson(fn));
  os << llvm::formatv("{0:2}", value) << "\n";
  if (llvm::Error err = writePackageFile(outDir, "report.json", os.str()))
    return err;
  if (reportOut)
    *reportOut = std::move(report);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Yosys
//===----------------------------------------------------------------------===//

llvm::Expected<YosysResources> parseYosysStat(StringRef log) {
  // The last "Number of cells:" block is the statistics of the top (after
  // -flatten, of the whole design).
  size_t at = log.rfind("Number of cells:");
  if (at == StringRef::npos)
    return makeError("yosys: no 'stat' output in the log");
  YosysResources r;
  SmallVector<StringRef> lines;
  log.drop_front(at).split(lines, '\n');
  for (StringRef line : llvm::drop_begin(lines)) {
    line = line.trim();
    if (line.empty())
      continue;
    auto [cell, countText] = line.split(' ');
    int64_t count = 0;
    if (countText.trim().getAsInteger(10, count))
      break;
    if (cell.starts_with("LUT") && cell.size() == 4)
      r.luts += count;
    else if (cell == "FDRE" || cell == "FDSE" || cell == "FDCE" ||
             cell == "FDPE")
      r.flipFlops += count;
    else if (cell.starts_with("DSP48"))
      r.dsps += count;
    else if (cell == "CARRY4" || cell == "CARRY8")
      r.carries += count;
    else if (cell.starts_with("RAMB18"))
      r.brams += count;
    else if (cell.starts_with("RAMB36"))
      r.brams += 2 * count;
    else if (cell.starts_with("RAM") && cell.contains('X'))
      r.lutRams += count;
  }
  return r;
}

std::string formatYosysResources(const YosysResources &r) {
  return llvm::formatv("  {0,8} {1,8} {2,6} {3,8} {4,10} {5,9} {6,9}\n"
                       "  {7,8} {8,8} {9,6} {10,8} {11,10} {12,9} {13,9:f1}\n",
                       "LUT", "FF", "DSP", "carry", "BRAM18", "LUTRAM",
                       "time (s)", r.luts, r.flipFlops, r.dsps, r.carries,
                       r.brams, r.lutRams, r.seconds)
      .str();
}

llvm::Error addYosysToReport(StringRef dir, const YosysResources &r,
                             StringRef family) {
  std::string path = (dir + "/report.json").str();
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  auto parsed = llvm::json::parse((*buffer)->getBuffer());
  if (!parsed)
    return parsed.takeError();
  llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return makeError(path + ": not a JSON object");
  (*object)["yosys"] = llvm::json::Object{
      {"command", ("synth_xilinx -family " + family + " -flatten").str()},
      {"luts", r.luts},
      {"flip_flops", r.flipFlops},
      {"dsps", r.dsps},
      {"carry_cells", r.carries},
      {"bram18", r.brams},
      {"lutram_cells", r.lutRams},
      {"seconds", r.seconds}};
  std::string json;
  llvm::raw_string_ostream os(json);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(*parsed))) << "\n";
  return writePackageFile(dir, "report.json", os.str());
}

} // namespace ariadne

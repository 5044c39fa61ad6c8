//===- HlsBackend.cpp - the Vitis HLS project writer ----------------------===//
//
// Checks that the function is quantized, names its ports after the model's
// inputs and outputs, runs the emission pattern of every op, and fills the
// templates of templates/hls with the result, the runtime headers the
// firmware needs, the test bench data and the estimates.
//
//===----------------------------------------------------------------------===//
#include "backends/hls/HlsBackend.h"

#include "backends/common/HardwareBoundary.h"
#include "backends/common/PackageFiles.h"
#include "backends/common/TableReport.h"
#include "backends/common/Template.h"
#include "backends/cpp/CppEmitter.h"
#include "backends/hls/HlsEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

/// The runtime headers the firmware includes (hls_types.h pulls in the
/// fixed-point type when it stands in for ap_fixed).
/// How the top function's ports work, for its header.
const char *const kParallelPorts =
    "io_parallel, one event per call, every\n// input and output array fully "
    "partitioned into registers.";
const char *const kStreamPorts =
    "io_stream, one event per call, a DATAFLOW\n// region whose ports are "
    "AXI streams of words (ariadne::hls::word): an\n// input feature map one "
    "word per pixel, any other port one word per event.";

const llvm::StringRef kFirmwareRuntime[] = {
    "hls_types.h", "hls_kernels.h", "fixed.h", "fixed_bits.h", "platform.h"};

using hls::Port;

/// Compares output `p`, the array `array`, with the expected raw integers
/// from column `offset` on (and writes them to the raw output file).
void writeOutputCheck(raw_ostream &os, const Port &p, StringRef array,
                      int64_t offset) {
  os << "    for (unsigned i = 0; i < " << p.size << "; ++i) {\n"
     << "      long long got = rawOf(" << array << "[i], "
     << p.fixed.getFracWidth() << ");\n"
     << "      long long want = static_cast<long long>(expected[e][" << offset
     << " + i]);\n"
     << "      if (rawOut)\n"
     << "        std::fprintf(rawOut, \"%s%lld\", " << offset
     << " + i ? \",\" : \"\", got);\n"
     << "      if (got != want && ++mismatches <= 20)\n"
     << "        std::printf(\"tb: mismatch at event %zu, output index %u: "
        "emulator %lld, firmware %lld\\n\", e, unsigned("
     << offset << " + i), want, got);\n"
     << "    }\n";
}

/// The test bench's per-event code: quantize the inputs, call the top
/// function, compare (and write) the raw outputs.
std::string testBenchBody(StringRef top, ArrayRef<Port> inputs,
                          ArrayRef<Port> outputs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  int64_t offset = 0;
  SmallVector<std::string> args;
  for (const Port &p : inputs) {
    os << "    " << p.type << " " << p.name << "[" << p.size << "];\n"
       << "    for (unsigned i = 0; i < " << p.size << "; ++i)\n"
       << "      " << p.name << "[i] = " << p.type << "(double(float(in["
       << offset << " + i])));\n";
    offset += p.size;
    args.push_back(p.name);
  }
  for (const Port &p : outputs) {
    os << "    " << p.type << " " << p.name << "[" << p.size << "];\n";
    args.push_back(p.name);
  }
  os << "    " << top << "(" << llvm::join(args, ", ") << ");\n";
  offset = 0;
  for (const Port &p : outputs) {
    writeOutputCheck(os, p, p.name, offset);
    offset += p.size;
  }
  os << "    if (rawOut)\n      std::fputc('\\n', rawOut);";
  return os.str();
}

/// The same with stream ports: each event's words written, the top
/// function called, every input word read and one word per output.
std::string streamTestBenchBody(StringRef top, ArrayRef<Port> inputs,
                                ArrayRef<Port> outputs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  int64_t offset = 0;
  SmallVector<std::string> args;
  for (const Port &p : inputs) {
    os << "    ariadne::hls::stream<" << p.name << "_word_t> " << p.name
       << "(\"" << p.name << "\");\n"
       << "    for (unsigned w = 0; w < " << p.words << "; ++w) {\n"
       << "      " << p.name << "_word_t word;\n"
       << "      for (unsigned i = 0; i < " << p.wordSize << "; ++i)\n"
       << "        word.data[i] = " << p.type << "(double(float(in[" << offset
       << " + w * " << p.wordStride << " + i * " << p.elementStride << "])));\n"
       << "      " << p.name << ".write(word);\n    }\n";
    offset += p.size;
    args.push_back(p.name);
  }
  for (const Port &p : outputs) {
    os << "    ariadne::hls::stream<" << p.name << "_word_t> " << p.name
       << "(\"" << p.name << "\");\n";
    args.push_back(p.name);
  }
  os << "    " << top << "(" << llvm::join(args, ", ") << ");\n";
  for (const Port &p : inputs)
    os << "    if (!" << p.name << ".empty()) {\n"
       << "      std::printf(\"tb: event %zu: " << p.name
       << " has %zu words left unread\\n\", e, size_t(" << p.name
       << ".size()));\n      return 1;\n    }\n";
  offset = 0;
  for (const Port &p : outputs) {
    os << "    if (" << p.name << ".size() != 1) {\n"
       << "      std::printf(\"tb: event %zu: " << p.name
       << " holds %zu words, not 1\\n\", e, size_t(" << p.name
       << ".size()));\n      return 1;\n    }\n"
       << "    const " << p.name << "_word_t " << p.name << "_word = " << p.name
       << ".read();\n";
    writeOutputCheck(os, p, p.name + "_word.data", offset);
    offset += p.size;
  }
  os << "    if (rawOut)\n      std::fputc('\\n', rawOut);";
  return os.str();
}

std::string tbDataInputs(const HlsOptions &options, size_t width) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (size_t e = 0; e < options.events; ++e) {
    for (size_t i = 0; i < width; ++i) {
      // Nine significant digits read back to the same float.
      char value[32];
      std::snprintf(value, sizeof value, "%.9g",
                    double((*options.inputs)[e * width + i]));
      os << (i ? "," : "") << value;
    }
    os << "\n";
  }
  return os.str();
}

std::string tbDataOutputs(const HlsOptions &options, size_t width) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (size_t e = 0; e < options.events; ++e) {
    for (size_t i = 0; i < width; ++i)
      os << (i ? "," : "") << (*options.expectedRaw)[e * width + i];
    os << "\n";
  }
  return os.str();
}

std::string estimateTable(const HlsEstimate &estimate, bool markdown) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (markdown)
    os << "| layer | op | detail | multipliers | DSP | ROM bits | latency "
          "(cycles) | reuse |\n|---|---|---|---|---|---|---|---|\n";
  else
    os << llvm::formatv("  {0,-20} {1,-19} {2,-28} {3,6} {4,6} {5,9} {6,8} "
                        "{7,6}\n",
                        "layer", "op", "detail", "mults", "DSP", "ROM bits",
                        "cycles", "reuse");
  for (const HlsLayerEstimate &l : estimate.layers) {
    if (markdown)
      os << "| `" << l.name << "` | `" << l.op << "` | " << l.detail << " | "
         << l.multipliers << " | " << l.dsp << " | " << l.romBits << " | "
         << l.latency << " | " << l.reuseFactor << " |\n";
    else
      os << llvm::formatv("  {0,-20} {1,-19} {2,-28} {3,6} {4,6} {5,9} "
                          "{6,8} {7,6}\n",
                          l.name, l.op, l.detail, l.multipliers, l.dsp,
                          l.romBits, l.latency, l.reuseFactor);
  }
  double ns = double(estimate.latency) * estimate.clockPeriod;
  os << (markdown ? "\n" : "  ")
     << llvm::formatv("total: {0} DSP, {1} ROM bits, latency {2} cycles "
                      "({3:f1} ns at {4} ns), initiation interval {5}\n",
                      estimate.dsp, estimate.romBits, estimate.latency, ns,
                      estimate.clockPeriod, estimate.interval);
  return os.str();
}

llvm::json::Value reportOf(const HlsEstimate &estimate, StringRef name,
                           const HlsOptions &options, ArrayRef<Port> inputs,
                           ArrayRef<Port> outputs) {
  llvm::json::Array layers;
  int64_t adders = 0;
  for (const HlsLayerEstimate &l : estimate.layers) {
    llvm::json::Object layer{{"name", l.name},
                             {"op", l.op},
                             {"detail", l.detail},
                             {"multipliers", l.multipliers},
                             {"dsp", l.dsp},
                             {"rom_bits", l.romBits},
                             {"latency_cycles", l.latency},
                             {"reuse_factor", l.reuseFactor}};
    if (l.adders > 0) {
      layer["adders"] = l.adders;
      layer["adders_without_sharing"] = l.addersWithoutSharing;
      adders += l.adders;
    }
    layers.push_back(std::move(layer));
  }
  auto ports = [&](ArrayRef<Port> list) {
    llvm::json::Array array;
    for (const Port &p : list) {
      llvm::json::Object port{{"name", p.modelName},
                              {"port", p.name},
                              {"type", fx::formatPrecision(p.fixed)},
                              {"size", p.size}};
      if (options.stream) {
        port["words"] = p.words;
        port["word_size"] = p.wordSize;
      }
      array.push_back(std::move(port));
    }
    return array;
  };
  return llvm::json::Object{
      {"kernel", name},
      {"target", "hls"},
      {"precision", options.precision},
      {"part", options.part},
      {"clock_period_ns", options.clockPeriod},
      {"io", options.stream ? "io_stream" : "io_parallel"},
      {"inputs", ports(inputs)},
      {"outputs", ports(outputs)},
      {"layers", std::move(layers)},
      {"totals", llvm::json::Object{{"dsp", estimate.dsp},
                                    {"rom_bits", estimate.romBits},
                                    {"latency_cycles", estimate.latency},
                                    {"latency_ns", double(estimate.latency) *
                                                       options.clockPeriod},
                                    {"initiation_interval", estimate.interval},
                                    {"adders", adders}}},
      {"estimate_model",
       "dense: 1 cycle for the products plus ceil(levels * 1.0 ns / clock) "
       "for the adder tree of ceil(log2(inputs + bias)) levels, plus "
       "reuse_factor - 1; a multiplier per weight that is neither 0 nor a "
       "power of two and per row (divided by the reuse factor), each on "
       "ceil(wide/27) * ceil(narrow/18) DSP48E2 slices unless its narrower "
       "operand has at most 4 bits (LUTs); matmul of two activations: as "
       "dense over K, with a multiplier per product (batch x M x N x K, "
       "divided by the reuse factor); mul of two activations: a multiplier "
       "per element (divided by the reuse factor), 1 cycle plus "
       "reuse_factor - 1; add and sub: an adder per element, one adder "
       "level; tables: 1 cycle, entries x width ROM bits; softmax: two "
       "trees (max, sum), two ROMs and a product; casts, ReLU, clamps and "
       "data movement: 0 cycles (logic merged into the next register); "
       "leaky ReLU and scale: 1 cycle; io_stream: a window stage 1 cycle "
       "per padded pixel, a pixel stage the products of one pixel, pipelined "
       "at its reuse factor, the design's interval the longest stream "
       "(pixels x reuse factor) or the tail's, its latency the layers' plus "
       "the longest stream; dense as distributed_arithmetic: no multiplier, "
       "the adders of the canonical signed digits with shared sums, 1 cycle "
       "plus ceil(levels * 1.0 ns / clock) for the deepest shared sum and "
       "the widest output's tree"},
  };
}

} // namespace

std::string formatHlsEstimate(const HlsEstimate &estimate) {
  return estimateTable(estimate, /*markdown=*/false);
}

llvm::Error emitHlsProject(ModuleOp module, StringRef outDir,
                           const HlsOptions &options, HlsEstimate *estimate) {
  FirstErrorCapture errors(module.getContext());
  auto failWith = [&]() { return errors.take("hls target: emission failed"); };

  auto boundary = hardwareBoundary(module, "hls");
  if (!boundary)
    return boundary.takeError();
  func::FuncOp fn = boundary->fn;
  std::string name = fn.getSymName().str();
  hls::HlsEmission emission(fn, options);

  // Ports: an array of the fixed-point type per input and output, or a
  // stream of words of it.
  std::vector<Port> inputs, outputs;
  auto addPort = [&](const BoundaryTensor &tensor, std::vector<Port> &ports) {
    Port port;
    port.modelName = tensor.name;
    port.name = emission.unique(port.modelName);
    port.type = port.name + "_t";
    port.fixed = tensor.type;
    port.size = tensor.size;
    port.value = tensor.value;
    ports.push_back(port);
  };
  for (const BoundaryTensor &tensor : boundary->inputs) {
    addPort(tensor, inputs);
    emission.bindArray(tensor.value, inputs.back().name, inputs.back().type);
  }
  for (const BoundaryTensor &tensor : boundary->outputs) {
    if (tensor.type.getWidth() > 53)
      return makeError("hls target: output '" + tensor.name + "' is " +
                       Twine(tensor.type.getWidth()) +
                       " bits wide; the test bench compares up to 53");
    addPort(tensor, outputs);
  }
  auto returnOp = llvm::cast<func::ReturnOp>(fn.getBody().front().back());

  hls::StreamDesign design;
  std::string topBody;
  bool sequential = false;
  if (options.stream) {
    if (failed(hls::emitStreamDesign(emission, inputs, outputs, design)))
      return failWith();
    topBody = design.body;
    sequential = design.sequential;
  } else {
    hls::HlsPatterns patterns;
    hls::populateHlsPatterns(patterns);
    hls::TimeLoops loops(fn, options.sequentialSteps);
    sequential = !loops.empty();
    for (Operation &op : fn.getBody().front().without_terminator())
      if (failed(loops.emit(&op, emission, patterns)))
        return failWith();
    raw_ostream &body = emission.body();
    for (auto [port, value] : llvm::zip(outputs, returnOp.getOperands())) {
      Value source = value.getDefiningOp<fx::DequantizeOp>().getInput();
      body << "  // output '" << port.modelName << "'\n"
           << "  for (unsigned i = 0; i < " << port.size << "; ++i) {\n"
           << "#pragma HLS UNROLL\n"
           << "    " << port.name << "[i] = " << emission.arrayOf(source)
           << "[i];\n  }\n";
    }
    topBody = emission.takeBody();
  }

  // The estimate: layers in a row, the interval set by the most reused
  // multiplier; with streams, the longest stream adds its words and sets
  // the interval.
  HlsEstimate est;
  est.clockPeriod = options.clockPeriod;
  est.layers = emission.layerEstimates();
  for (const HlsLayerEstimate &l : est.layers) {
    est.dsp += l.dsp;
    est.romBits += l.romBits;
    est.latency += l.latency;
    est.interval = std::max(est.interval, l.reuseFactor);
  }
  if (options.stream) {
    est.latency += design.streamCycles;
    est.interval = std::max(est.interval, design.interval);
  }
  if (sequential && !options.stream)
    est.interval = est.latency;
  est.sequential = sequential;

  std::string portTypes;
  for (const Port &p : llvm::concat<const Port>(inputs, outputs))
    portTypes += "typedef " + hls::typeSpelling(p.fixed) + " " + p.type + ";\n";
  SmallVector<std::string> signature, portNames;
  std::string pragmas;
  for (const Port &p : llvm::concat<const Port>(inputs, outputs))
    portNames.push_back(p.name);
  if (options.stream) {
    for (const Port &p : llvm::concat<const Port>(inputs, outputs)) {
      portTypes += llvm::formatv("typedef ariadne::hls::word<{0}, {1}> "
                                 "{2}_word_t;\n",
                                 p.type, p.wordSize, p.name)
                       .str();
      signature.push_back("ariadne::hls::stream<" + p.name + "_word_t> &" +
                          p.name);
      pragmas += "#pragma HLS INTERFACE mode=axis port=" + p.name + "\n";
    }
    pragmas += "#pragma HLS DATAFLOW";
  } else {
    for (const Port &p : inputs)
      signature.push_back("const " + p.type + " " + p.name + "[" +
                          std::to_string(p.size) + "]");
    for (const Port &p : outputs)
      signature.push_back(p.type + " " + p.name + "[" + std::to_string(p.size) +
                          "]");
    for (const std::string &p : portNames)
      pragmas +=
          "#pragma HLS ARRAY_RESHAPE variable=" + p + " complete dim=0\n";
    pragmas +=
        "#pragma HLS INTERFACE mode=ap_vld port=" + llvm::join(portNames, ",");
    // A time loop's steps follow each other: not pipelined.
    if (!sequential)
      pragmas += "\n#pragma HLS PIPELINE II=" + std::to_string(est.interval);
  }

  int64_t inputSize = 0, outputSize = 0;
  for (const Port &p : inputs)
    inputSize += p.size;
  for (const Port &p : outputs)
    outputSize += p.size;
  std::string portList;
  auto listPort = [&](const Port &p, StringRef kind) {
    portList += ("- " + kind + " `" + p.name + "[" + Twine(p.size) + "]` (`" +
                 p.modelName + "`): `" + fx::formatPrecision(p.fixed) + "`")
                    .str();
    if (options.stream)
      portList += ", a stream of " + p.streamForm;
    portList += "\n";
  };
  for (const Port &p : inputs)
    listPort(p, "input");
  for (const Port &p : outputs)
    listPort(p, "output");

  std::string source = locationFile(fn.getLoc());
  if (source.empty())
    source = "an MLIR module";
  std::string upper = llvm::StringRef(name).upper();
  TemplateSlots common{{"NAME", name}, {"SOURCE", source}};
  TemplateSlots topH = common;
  topH.insert({{"BANNER", fileBanner(name + ".h", "the " + name + " HLS top")},
               {"IO", options.stream ? kStreamPorts : kParallelPorts},
               {"GUARD", upper + "_HLS_H"},
               {"PORT_TYPES", portTypes},
               {"SIGNATURE", llvm::join(signature, ", ")}});
  TemplateSlots topCpp = common;
  topCpp.insert(
      {{"BANNER", fileBanner(name + ".cpp", "the " + name + " HLS top")},
       {"SIGNATURE", llvm::join(signature, ", ")},
       {"PRAGMAS", pragmas},
       {"FUNCTIONS", design.functions},
       {"BODY", topBody}});
  TemplateSlots params = common;
  params.insert(
      {{"BANNER", fileBanner("parameters.h", "types and layers of " + name)},
       {"GUARD", upper + "_PARAMETERS_H"},
       {"PARAMETERS", emission.takeParameters()}});
  TemplateSlots weights = common;
  weights.insert({{"BANNER", fileBanner("weights.h", "constants of " + name)},
                  {"GUARD", upper + "_WEIGHTS_H"},
                  {"WEIGHTS", emission.takeWeights()}});
  TemplateSlots tb{
      {"NAME", name},
      {"BANNER", fileBanner(name + "_tb.cpp", "C simulation of " + name)},
      {"INPUT_SIZE", std::to_string(inputSize)},
      {"OUTPUT_SIZE", std::to_string(outputSize)},
      {"TB_BODY", options.stream ? streamTestBenchBody(name, inputs, outputs)
                                 : testBenchBody(name, inputs, outputs)}};
  std::string clock = llvm::formatv("{0}", options.clockPeriod).str();
  TemplateSlots tcl{
      {"NAME", name}, {"PART", options.part}, {"CLOCK_PERIOD", clock}};
  TemplateSlots cmake{{"NAME", name}};
  TemplateSlots readme = common;
  readme.insert({{"PRECISION", options.precision},
                 {"PART", options.part},
                 {"CLOCK_PERIOD", clock},
                 {"PORT_LIST", portList},
                 {"IO", options.stream ? "io_stream" : "io_parallel"},
                 {"ESTIMATES", estimateTable(est, /*markdown=*/true)}});

  const TemplatedFile files[] = {
      {"firmware/" + name + ".h", "templates/hls/top.h", &topH},
      {"firmware/" + name + ".cpp", "templates/hls/top.cpp", &topCpp},
      {"firmware/parameters.h", "templates/hls/parameters.h", &params},
      {"firmware/weights.h", "templates/hls/weights.h", &weights},
      {"tb/" + name + "_tb.cpp", "templates/hls/tb.cpp", &tb},
      {"build_prj.tcl", "templates/hls/build_prj.tcl", &tcl},
      {"CMakeLists.txt", "templates/hls/CMakeLists.txt", &cmake},
      {"README.md", "templates/hls/README.md", &readme},
  };
  if (llvm::Error err = writeTemplatedFiles(outDir, files))
    return err;
  if (llvm::Error err =
          copyRuntimeHeaders(outDir, "firmware/ariadne", kFirmwareRuntime))
    return err;
  if (options.events > 0) {
    if (llvm::Error err =
            writePackageFile(outDir, "tb_data/tb_input_features.dat",
                             tbDataInputs(options, size_t(inputSize))))
      return err;
    if (llvm::Error err =
            writePackageFile(outDir, "tb_data/tb_output_predictions.dat",
                             tbDataOutputs(options, size_t(outputSize))))
      return err;
  }
  std::string report;
  llvm::raw_string_ostream os(report);
  llvm::json::Value json = reportOf(est, name, options, inputs, outputs);
  json.getAsObject()->try_emplace("tables", tablesJson(fn));
  os << llvm::formatv("{0:2}", json) << "\n";
  if (llvm::Error err = writePackageFile(outDir, "report.json", os.str()))
    return err;
  if (estimate)
    *estimate = std::move(est);
  return llvm::Error::success();
}

} // namespace ariadne

//===- HlsStream.cpp - io_stream: feature maps as streams of pixels -------===//
//
// With `[hls] io = "stream"` the top function is a DATAFLOW region whose
// ports are streams. The feature maps of convolutions and pooling (maps
// of one or two spatial dimensions that start at a model input) flow
// between layers as ariadne::hls::stream of pixels, one word per pixel
// holding its channels or its receptive field, one pixel per clock:
//
//  * a window stage (nn.window) keeps line buffers of the rows its kernel
//    spans and writes each output position's field (window_stream);
//  * a pixel stage runs, once per pixel and pipelined at its reuse factor,
//    the layers that act on each pixel alone: a dense layer over the field
//    or the channels, casts, activations, tables, scales along the
//    channels, the maximum over a pooling field. It is written by the
//    io_parallel patterns themselves, on a copy of those ops whose tensors
//    hold one pixel, so both modes compute the same integers;
//  * a transpose between channels first and channels last, or a reshape
//    within a pixel, only relabels the words.
//
// The rest (the dense head after a flatten, ops on two maps, a map used
// twice, three spatial dimensions) runs in the tail function as in
// io_parallel, after collecting the maps it reads from their streams.
//
//===----------------------------------------------------------------------===//
#include "backends/common/ElementSources.h"
#include "backends/common/Naming.h"
#include "backends/hls/HlsEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace hls {

namespace {

/// How a feature map lies in its tensor: [N, C, spatial...] (channels
/// first, one word of C values per pixel) or [N, spatial..., inner...]
/// (channels last, a word of the inner values).
struct MapForm {
  bool channelsLast = false;
  int spatialRank = 0;
  int64_t pixels = 0;
};

ArrayRef<int64_t> shapeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getShape();
}

/// `v` as a channels-first map of one or two spatial dimensions.
std::optional<MapForm> channelsFirst(Value v) {
  ArrayRef<int64_t> shape = shapeOf(v);
  if ((shape.size() != 3 && shape.size() != 4) ||
      !ShapedType::isDynamic(shape[0]))
    return std::nullopt;
  return MapForm{false, int(shape.size()) - 2, product(shape.drop_front(2))};
}

/// `v` as a channels-last map of `spatialRank` spatial dimensions.
std::optional<MapForm> channelsLast(Value v, int spatialRank) {
  ArrayRef<int64_t> shape = shapeOf(v);
  if (int64_t(shape.size()) < spatialRank + 2 ||
      !ShapedType::isDynamic(shape[0]))
    return std::nullopt;
  return MapForm{true, spatialRank,
                 product(shape.slice(1, size_t(spatialRank)))};
}

/// The shape of one pixel's word.
SmallVector<int64_t> pixelShape(Value v, const MapForm &form) {
  ArrayRef<int64_t> shape = shapeOf(v);
  if (form.channelsLast)
    return SmallVector<int64_t>(shape.drop_front(1 + form.spatialRank));
  return {shape[1]};
}

/// The permutation from channels first to channels last, and back.
SmallVector<int64_t> toLast(int spatialRank) {
  SmallVector<int64_t> perm{0};
  for (int d = 0; d < spatialRank; ++d)
    perm.push_back(2 + d);
  perm.push_back(1);
  return perm;
}
SmallVector<int64_t> toFirst(int spatialRank) {
  SmallVector<int64_t> perm{0, spatialRank + 1};
  for (int d = 0; d < spatialRank; ++d)
    perm.push_back(1 + d);
  return perm;
}

bool isElementwise(Operation *op) {
  return llvm::isa<fx::CastOp, fx::ReluOp, fx::ClampOp, fx::LeakyReluOp,
                   fx::TableOp>(op);
}

/// The stages and streams of a function.
struct StreamPlan {
  struct Stream {
    std::string name;
    /// The value whose pixels the words hold (the last one written).
    Value value;
    MapForm form;
  };
  struct Stage {
    bool window = false;
    /// The window, or the pixel stage's ops in order (relabelling ones
    /// included).
    SmallVector<Operation *> ops;
    unsigned input = 0, output = 0;
  };
  std::vector<Stream> streams;
  std::vector<Stage> stages;
  llvm::DenseMap<Value, MapForm> forms;
  llvm::DenseMap<Value, unsigned> streamOf;
  /// Ops the stages compute (the tail computes the rest).
  llvm::DenseSet<Operation *> streamed;
  /// The pixel stage whose output stream is the key, while open.
  llvm::DenseMap<unsigned, unsigned> openStage;
  /// The input ports that stream a map, by stream.
  llvm::DenseMap<unsigned, Port *> ports;
};

class Planner {
public:
  explicit Planner(StreamPlan &plan) : plan(plan) {}

  /// A model input whose values are a map (itself, or through one
  /// reshape) that a window or a transpose to channels first reads: its
  /// port streams the map's pixels.
  void seed(Port &port) {
    Value value = port.value;
    Value map = value;
    Operation *reshape = nullptr;
    if (value.hasOneUse() && llvm::isa<nn::ReshapeOp>(*value.user_begin())) {
      reshape = *value.user_begin();
      map = reshape->getResult(0);
    }
    if (!map.hasOneUse())
      return;
    Operation *user = *map.user_begin();
    std::optional<MapForm> form;
    if (llvm::isa<nn::WindowOp>(user)) {
      form = channelsFirst(map);
    } else if (auto transpose = llvm::dyn_cast<nn::TransposeOp>(user)) {
      int spatialRank = int(shapeOf(map).size()) - 2;
      if (spatialRank >= 1 && spatialRank <= 2 &&
          transpose.getPerm() == ArrayRef<int64_t>(toFirst(spatialRank)))
        form = channelsLast(map, spatialRank);
    }
    if (!form)
      return;
    unsigned stream = addStream(port.name, map, *form);
    plan.ports[stream] = &port;
    plan.forms[map] = *form;
    plan.streamOf[map] = stream;
    if (reshape)
      plan.streamed.insert(reshape);
    int64_t wordSize = product(pixelShape(map, *form));
    port.words = form->pixels;
    port.wordSize = wordSize;
    port.wordStride = form->channelsLast ? wordSize : 1;
    port.elementStride = form->channelsLast ? 1 : form->pixels;
    port.streamForm =
        llvm::formatv(
            "one word per pixel: {0} pixels of {1} {2}", form->pixels, wordSize,
            form->channelsLast ? "values (channels last)" : "channels")
            .str();
  }

  /// Places `op` in a stage when it reads one map that nothing else reads
  /// and acts on it pixel by pixel.
  void visit(Operation *op) {
    if (op->getNumResults() != 1 || op->getNumOperands() != 1)
      return;
    Value in = op->getOperand(0);
    auto form = plan.forms.find(in);
    if (form == plan.forms.end() || !in.hasOneUse())
      return;
    MapForm f = form->second;
    unsigned stream = plan.streamOf.lookup(in);
    Value out = op->getResult(0);

    if (auto window = llvm::dyn_cast<nn::WindowOp>(op)) {
      if (f.channelsLast)
        return;
      std::optional<MapForm> result = channelsLast(out, f.spatialRank);
      if (!result)
        return;
      StreamPlan::Stage stage;
      stage.window = true;
      stage.ops.push_back(op);
      stage.input = stream;
      stage.output =
          addStream(IdentifierTable::layerName(op) + "_fields", out, *result);
      plan.stages.push_back(stage);
      mark(op, out, *result, stage.output);
      return;
    }
    // Relabelling: the words stay as they are.
    if (auto transpose = llvm::dyn_cast<nn::TransposeOp>(op)) {
      ArrayRef<int64_t> perm = transpose.getPerm();
      std::optional<MapForm> result;
      if (!f.channelsLast && perm == ArrayRef<int64_t>(toLast(f.spatialRank)))
        result = channelsLast(out, f.spatialRank);
      else if (f.channelsLast &&
               int64_t(shapeOf(in).size()) == f.spatialRank + 2 &&
               perm == ArrayRef<int64_t>(toFirst(f.spatialRank)))
        result = channelsFirst(out);
      if (result)
        relabel(op, out, *result, stream);
      return;
    }
    if (llvm::isa<nn::ReshapeOp>(op)) {
      if (!f.channelsLast)
        return;
      std::optional<MapForm> result = channelsLast(out, f.spatialRank);
      if (result && shapeOf(out).slice(1, size_t(f.spatialRank)) ==
                        shapeOf(in).slice(1, size_t(f.spatialRank)))
        relabel(op, out, *result, stream);
      return;
    }
    // Pixel by pixel.
    bool perPixel = isElementwise(op);
    if (llvm::isa<fx::DenseOp>(op))
      perPixel = f.channelsLast;
    if (auto scale = llvm::dyn_cast<fx::ScaleOp>(op))
      perPixel =
          f.channelsLast || (scale.getScale().getNumElements() == 1 &&
                             (!scale.getOffsetAttr() ||
                              scale.getOffsetAttr().getNumElements() == 1));
    if (llvm::isa<nn::ReduceMaxOp>(op))
      perPixel =
          f.channelsLast && int64_t(shapeOf(in).size()) >= f.spatialRank + 3;
    if (!perPixel)
      return;
    std::optional<MapForm> result =
        f.channelsLast ? channelsLast(out, f.spatialRank) : channelsFirst(out);
    if (!result)
      return;
    auto open = plan.openStage.find(stream);
    unsigned stageIndex;
    if (open != plan.openStage.end()) {
      stageIndex = open->second;
      plan.stages[stageIndex].ops.push_back(op);
    } else {
      StreamPlan::Stage stage;
      stage.ops.push_back(op);
      stage.input = stream;
      stage.output =
          addStream(IdentifierTable::layerName(op) + "_pixels", out, *result);
      stageIndex = unsigned(plan.stages.size());
      plan.stages.push_back(stage);
      plan.openStage[stage.output] = stageIndex;
    }
    unsigned output = plan.stages[stageIndex].output;
    plan.streams[output].value = out;
    plan.streams[output].form = *result;
    mark(op, out, *result, output);
  }

private:
  unsigned addStream(const std::string &name, Value value, MapForm form) {
    plan.streams.push_back({name, value, form});
    return unsigned(plan.streams.size() - 1);
  }
  void mark(Operation *op, Value out, MapForm form, unsigned stream) {
    plan.streamed.insert(op);
    plan.forms[out] = form;
    plan.streamOf[out] = stream;
  }
  /// A relabelling op joins the pixel stage that writes its stream, if
  /// one is open, so that the stage's copy of the ops sees it.
  void relabel(Operation *op, Value out, MapForm form, unsigned stream) {
    auto open = plan.openStage.find(stream);
    if (open != plan.openStage.end()) {
      plan.stages[open->second].ops.push_back(op);
      plan.streams[stream].value = out;
      plan.streams[stream].form = form;
    }
    mark(op, out, form, stream);
  }

  StreamPlan &plan;
};

/// The tensor type of one pixel of `v` (a batch of pixels).
RankedTensorType pixelType(Value v, const MapForm &form) {
  SmallVector<int64_t> shape{ShapedType::kDynamic};
  llvm::append_range(shape, pixelShape(v, form));
  return RankedTensorType::get(
      shape, llvm::cast<RankedTensorType>(v.getType()).getElementType());
}

int64_t wordSizeOf(const StreamPlan::Stream &s) {
  return product(pixelShape(s.value, s.form));
}

class StreamWriter {
public:
  StreamWriter(HlsEmission &emission, StreamPlan &plan,
               std::vector<Port> &inputs, std::vector<Port> &outputs,
               StreamDesign &design)
      : emission(emission), plan(plan), inputs(inputs), outputs(outputs),
        design(design) {
    populateHlsPatterns(patterns);
  }

  LogicalResult write() {
    func::FuncOp fn = emission.function();
    std::string top = fn.getSymName().str();
    // Stream types and names: the ports' own, the others' fresh.
    for (auto [index, stream] : llvm::enumerate(plan.streams)) {
      if (const Port *port = plan.ports.lookup(unsigned(index))) {
        wordTypes.push_back(port->name + "_word_t");
        elementTypes.push_back(port->type);
        continue;
      }
      stream.name = emission.unique(stream.name);
      FixedType type = fx::elementTypeOf(stream.value);
      std::string element = emission.typeName(stream.name + "_t", type);
      emission.parameters()
          << "typedef ariadne::hls::word<" << element << ", "
          << wordSizeOf(stream) << "> " << stream.name << "_word_t;\n\n";
      wordTypes.push_back(stream.name + "_word_t");
      elementTypes.push_back(element);
      body << "  ariadne::hls::stream<" << wordTypes.back() << "> "
           << stream.name << "(\"" << stream.name << "\");\n";
    }
    for (StreamPlan::Stage &stage : plan.stages)
      if (failed(stage.window ? writeWindow(stage) : writePixels(stage)))
        return failure();
    if (failed(writeTail(top)))
      return failure();
    design.body = body.str();
    design.functions = functions.str();
    return success();
  }

private:
  LogicalResult writeWindow(StreamPlan::Stage &stage) {
    auto op = llvm::cast<nn::WindowOp>(stage.ops.front());
    std::string id = emission.identifier(op);
    ArrayRef<int64_t> in = shapeOf(op.getInput());
    int spatialRank = int(in.size()) - 2;
    // A 1-D window is a 2-D one of height 1.
    auto at = [&](ArrayRef<int64_t> values, int d, int64_t one) {
      return spatialRank == 1 ? (d == 0 ? one : values[0]) : values[d];
    };
    ArrayRef<int64_t> kernel = op.getKernelShape(), stride = op.getStrides(),
                      dilation = op.getDilations(), pads = op.getPads();
    ArrayRef<int64_t> begin = pads.take_front(spatialRank),
                      end = pads.drop_front(spatialRank);
    int64_t channels = in[1];
    int64_t height = spatialRank == 1 ? 1 : in[2], width = in.back();
    int64_t kh = at(kernel, 0, 1), kw = at(kernel, 1, 1);
    int64_t dh = at(dilation, 0, 1), dw = at(dilation, 1, 1);
    int64_t padTop = at(begin, 0, 0), padBottom = at(end, 0, 0);
    int64_t padLeft = at(begin, 1, 0), padRight = at(end, 1, 0);
    int64_t paddedWidth = width + padLeft + padRight;
    raw_ostream &params = emission.parameters();
    params << "// " << emission.layerName(op) << ": nn.window on a stream\n"
           << "struct " << id
           << "_config : ariadne::hls::window_stream_config {\n"
           << "  static const unsigned channels = " << channels << ";\n"
           << "  static const unsigned in_height = " << height
           << ", in_width = " << width << ";\n"
           << "  static const unsigned kernel_height = " << kh
           << ", kernel_width = " << kw << ";\n"
           << "  static const unsigned stride_height = " << at(stride, 0, 1)
           << ", stride_width = " << at(stride, 1, 1) << ";\n"
           << "  static const unsigned dilation_height = " << dh
           << ", dilation_width = " << dw << ";\n"
           << "  static const unsigned pad_top = " << padTop
           << ", pad_bottom = " << padBottom << ";\n"
           << "  static const unsigned pad_left = " << padLeft
           << ", pad_right = " << padRight << ";\n};\n\n";
    FixedType type = fx::elementTypeOf(op.getInput());
    std::string element = elementTypes[stage.input];
    std::string padding = element + "(0)";
    if (op.getPadLowest()) {
      FailureOr<std::string> lowest =
          valueLiteral(op,
                       int64_t(ariadne::detail::minBits(int(type.getWidth()),
                                                        type.isSigned())),
                       type);
      if (failed(lowest))
        return failure();
      padding = element + "(" + *lowest + ")";
    }
    body << "  // " << emission.layerName(op) << "\n"
         << "  ariadne::hls::window_stream<" << element << ", " << id
         << "_config>(" << plan.streams[stage.input].name << ", "
         << plan.streams[stage.output].name << ", " << padding << ");\n";
    int64_t lines = (kh - 1) * dh;
    int64_t padded = (height + padTop + padBottom) * paddedWidth;
    HlsLayerEstimate e;
    e.name = emission.layerName(op);
    e.op = "nn.window";
    e.detail = llvm::formatv("{0} pixels, lines of {1} b", padded,
                             lines * paddedWidth * channels * type.getWidth())
                   .str();
    e.latency = 1;
    emission.addEstimate(e);
    design.streamCycles = std::max(design.streamCycles, padded);
    design.interval = std::max(design.interval, padded);
    return success();
  }

  /// A pixel stage: the io_parallel patterns on a copy of its ops whose
  /// tensors hold one pixel, in a loop over the pixels.
  LogicalResult writePixels(StreamPlan::Stage &stage) {
    StreamPlan::Stream &input = plan.streams[stage.input];
    StreamPlan::Stream &output = plan.streams[stage.output];
    Value first = stage.ops.front()->getOperand(0);
    MapForm firstForm = plan.forms.lookup(first);
    MLIRContext *context = emission.function().getContext();
    OpBuilder builder(context);
    OwningOpRef<ModuleOp> scratch = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(scratch->getBody());
    auto fnType = builder.getFunctionType({pixelType(first, firstForm)}, {});
    auto fn =
        builder.create<func::FuncOp>(builder.getUnknownLoc(), "stage", fnType);
    Block *block = fn.addEntryBlock();
    builder.setInsertionPointToEnd(block);
    IRMapping mapping;
    mapping.map(first, block->getArgument(0));
    std::string id = emission.unique(output.name + "_stage");
    emission.bindArray(block->getArgument(0), "word.data",
                       elementTypes[stage.input]);
    std::string outer = emission.takeBody();
    size_t firstEstimate = emission.layerEstimates().size();
    int64_t reuse = 1;
    for (Operation *op : stage.ops) {
      Value in = op->getOperand(0), out = op->getResult(0);
      RankedTensorType type = pixelType(out, plan.forms.lookup(out));
      Value copied = mapping.lookup(in);
      if (llvm::isa<nn::TransposeOp, nn::ReshapeOp>(op) &&
          copied.getType() == type) {
        mapping.map(out, copied);
        continue;
      }
      Operation *copy = builder.clone(*op, mapping);
      copy->getResult(0).setType(type);
      const auto *pattern = patterns.lookup(copy);
      if (!pattern)
        return op->emitOpError("has no emission pattern in the hls target");
      if (failed((*pattern)(copy, emission)))
        return failure();
    }
    for (size_t i = firstEstimate; i < emission.layerEstimates().size(); ++i) {
      HlsLayerEstimate &e = emission.layerEstimates()[i];
      reuse = std::max(reuse, e.reuseFactor);
      e.detail = "per pixel" + (e.detail.empty() ? "" : ": " + e.detail);
    }
    std::string pixel = emission.takeBody();
    Value last = mapping.lookup(output.value);
    int64_t n = wordSizeOf(output);
    int64_t pixels = input.form.pixels;
    functions << "// " << pixels << " pixels: " << output.name << "\n"
              << "static void " << id << "(ariadne::hls::stream<"
              << wordTypes[stage.input] << "> &in, ariadne::hls::stream<"
              << wordTypes[stage.output] << "> &out) {\n"
              << "Pixels:\n"
              << "  for (unsigned p = 0; p < " << pixels << "; ++p) {\n"
              << "#pragma HLS PIPELINE II=" << reuse << "\n"
              << "    const " << wordTypes[stage.input]
              << " word = in.read();\n";
    // The patterns' code, one more level in.
    for (StringRef line : llvm::split(StringRef(pixel).rtrim('\n'), '\n'))
      functions << (line.starts_with("#") || line.empty() ? "" : "  ") << line
                << "\n";
    functions << "    " << wordTypes[stage.output] << " result;\n"
              << "    for (unsigned i = 0; i < " << n << "; ++i) {\n"
              << "#pragma HLS UNROLL\n"
              << "      result.data[i] = " << emission.arrayOf(last)
              << "[i];\n    }\n"
              << "    out.write(result);\n  }\n}\n\n";
    emission.body() << outer;
    body << "  " << id << "(" << input.name << ", " << output.name << ");\n";
    design.streamCycles = std::max(design.streamCycles, pixels * reuse);
    design.interval = std::max(design.interval, pixels * reuse);
    return success();
  }

  /// The tail: everything no stage computes, as io_parallel, between
  /// reading its streams and writing the outputs' words.
  LogicalResult writeTail(const std::string &top) {
    func::FuncOp fn = emission.function();
    SmallVector<std::string> params, args;
    std::string outer = emission.takeBody();
    raw_ostream &tail = emission.body();
    int64_t words = 1;
    // A port of one word per event: a parameter of the tail.
    auto wordPerEvent = [&](Port &port) {
      port.words = 1;
      port.wordSize = port.size;
      port.wordStride = port.size;
      port.elementStride = 1;
      port.streamForm = "one word per event";
      params.push_back("ariadne::hls::stream<" + port.name + "_word_t> &" +
                       port.name);
      args.push_back(port.name);
    };
    // Input ports that stream one word per event.
    for (Port &port : inputs) {
      if (llvm::is_contained(llvm::make_second_range(plan.ports), &port))
        continue;
      wordPerEvent(port);
      tail << "  const " << port.name << "_word_t " << port.name
           << "_word = " << port.name << ".read();\n";
      emission.bindArray(port.value, port.name + "_word.data", port.type);
    }
    // Maps the tail reads: collected from their streams.
    llvm::DenseMap<unsigned, Value> collected;
    for (Operation &op : fn.getBody().front().without_terminator()) {
      if (plan.streamed.contains(&op))
        continue;
      for (Value operand : op.getOperands()) {
        auto stream = plan.streamOf.find(operand);
        if (stream == plan.streamOf.end() || !plan.forms.count(operand))
          continue;
        // A stream is read once: by a stage, or here for one value.
        auto [at, first] = collected.try_emplace(stream->second, operand);
        if (!first) {
          if (at->second == operand)
            continue;
          return op.emitOpError("reads a map whose stream the tail already "
                                "collected as another value");
        }
        const StreamPlan::Stream &s = plan.streams[stream->second];
        MapForm form = plan.forms.lookup(operand);
        int64_t n = product(pixelShape(operand, form));
        std::string array = emission.unique(s.name + "_map");
        std::string element = elementTypes[stream->second];
        params.push_back("ariadne::hls::stream<" + wordTypes[stream->second] +
                         "> &" + s.name);
        args.push_back(s.name);
        tail << "  " << element << " " << array << "[" << form.pixels * n
             << "];\n"
             << "  ariadne::hls::collect<" << wordTypes[stream->second] << ", "
             << element << ", " << form.pixels << ", " << n << ", "
             << (form.channelsLast ? "false" : "true") << ">(" << s.name << ", "
             << array << ");\n";
        emission.bindArray(operand, array, element);
        words = std::max(words, form.pixels);
      }
    }
    size_t firstEstimate = emission.layerEstimates().size();
    TimeLoops loops(fn, emission.options().sequentialSteps);
    for (Operation &op : fn.getBody().front().without_terminator())
      if (!plan.streamed.contains(&op) &&
          failed(loops.emit(&op, emission, patterns)))
        return failure();
    // Pipelined, the tail takes an event per interval of its most reused
    // multiplier; with a time loop, one per latency.
    int64_t interval = words, latency = 0;
    for (size_t i = firstEstimate; i < emission.layerEstimates().size(); ++i) {
      interval = std::max(interval, emission.layerEstimates()[i].reuseFactor);
      latency += emission.layerEstimates()[i].latency;
    }
    design.sequential = !loops.empty();
    if (design.sequential)
      interval = std::max(interval, latency);
    auto returnOp = llvm::cast<func::ReturnOp>(fn.getBody().front().back());
    for (auto [port, value] : llvm::zip(outputs, returnOp.getOperands())) {
      Value source = value.getDefiningOp<fx::DequantizeOp>().getInput();
      wordPerEvent(port);
      tail << "  // output '" << port.modelName << "'\n"
           << "  " << port.name << "_word_t " << port.name << "_word;\n"
           << "  for (unsigned i = 0; i < " << port.size << "; ++i) {\n"
           << "#pragma HLS UNROLL\n"
           << "    " << port.name
           << "_word.data[i] = " << emission.arrayOf(source) << "[i];\n  }\n"
           << "  " << port.name << ".write(" << port.name << "_word);\n";
    }
    std::string name = emission.unique(top + "_tail");
    functions << "// The layers after the streamed maps, one event per call.\n"
              << "static void " << name << "(" << llvm::join(params, ", ")
              << ") {\n"
              << (design.sequential ? std::string()
                                    : "#pragma HLS PIPELINE II=" +
                                          std::to_string(interval) + "\n")
              << emission.takeBody() << "}\n\n";
    emission.body() << outer;
    body << "  " << name << "(" << llvm::join(args, ", ") << ");\n";
    design.interval = std::max(design.interval, interval);
    return success();
  }

  HlsEmission &emission;
  StreamPlan &plan;
  std::vector<Port> &inputs, &outputs;
  StreamDesign &design;
  HlsPatterns patterns;
  std::vector<std::string> wordTypes, elementTypes;
  std::string bodyText, functionsText;
  llvm::raw_string_ostream body{bodyText}, functions{functionsText};
};

} // namespace

LogicalResult emitStreamDesign(HlsEmission &emission, std::vector<Port> &inputs,
                               std::vector<Port> &outputs,
                               StreamDesign &design) {
  StreamPlan plan;
  Planner planner(plan);
  for (Port &port : inputs)
    planner.seed(port);
  for (Operation &op :
       emission.function().getBody().front().without_terminator())
    if (!plan.streamed.contains(&op))
      planner.visit(&op);
  StreamWriter writer(emission, plan, inputs, outputs, design);
  return writer.write();
}

} // namespace hls
} // namespace ariadne

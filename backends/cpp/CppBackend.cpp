//===- CppBackend.cpp - writes the standalone C++ package -----------------===//
//
// Runs the prepare step and the emission patterns, then fills the package
// skeletons of templates/cpp with the result and copies the runtime
// headers, all from the resources embedded in the compiler.
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppBackend.h"

#include "backends/common/PackageFiles.h"
#include "backends/common/Template.h"
#include "backends/cpp/CppPackage.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ariadne::cpp;

namespace ariadne {

namespace {

/// `text` as comment lines starting with `prefix`, wrapped at 80 columns.
std::string wrapComment(StringRef text, StringRef prefix) {
  std::string out, line = prefix.str();
  SmallVector<StringRef> words;
  text.split(words, ' ', -1, false);
  for (StringRef word : words) {
    if (line.size() > prefix.size() && line.size() + 1 + word.size() > 80) {
      out += line + "\n";
      line = prefix.str();
    }
    line += " " + word.str();
  }
  return out + line;
}

/// Whether the scratch storage of one call is per thread rather than on the
/// stack: large models neither overflow the stack nor allocate.
bool perThreadScratch(int64_t floatsPerEvent) {
  // simd::kBatchLanes is at most 32 (AVX-512).
  constexpr int64_t maxLanes = 32, stackLimitBytes = 64 * 1024;
  return floatsPerEvent * maxLanes * 4 > stackLimitBytes;
}

/// The storage of scratch arrays of `floatsPerEvent` floats per event.
std::string scratchStorage(int64_t floatsPerEvent) {
  return perThreadScratch(floatsPerEvent) ? "alignas(64) static thread_local "
                                          : "alignas(64) ";
}

/// The declaration of `arena`, `elements` of `type` per event. A per-thread
/// array is read through ariadne::opaqueScratch (see there: GCC 12
/// miscompiles kernels specialized on its constant addresses).
std::string arenaDeclaration(int64_t floatsPerEvent, StringRef type,
                             int64_t elements) {
  std::string storage = scratchStorage(floatsPerEvent);
  std::string size = "[Lanes * " + std::to_string(elements) + "];\n";
  if (!perThreadScratch(floatsPerEvent))
    return "  " + storage + type.str() + " arena" + size;
  return "  " + storage + type.str() + " scratch" + size + "  " + type.str() +
         " *arena = ariadne::opaqueScratch(scratch);\n";
}

/// The raw-integer entry points of a fixed-point kernel, in NAME.h.
std::string rawDeclarations(StringRef name) {
  std::string n = name.str();
  return "\n/* The kernel computes in fixed point. " + n + "_raw and " + n +
         "_raw_batch run\n"
         " * events as " +
         n + " and " + n +
         "_batch do, but write each output's raw\n"
         " * integer (its value times 2^F, F the fractional bits of its type "
         "in the\n"
         " * table above): the integers the hardware holds, compared bit for "
         "bit\n"
         " * by `ariadnec validate`. */\n"
         "#define " +
         n +
         "_FIXED_POINT 1\n"
         "void " +
         n +
         "_raw(const float *in, int64_t *out);\n"
         "void " +
         n + "_raw_batch(const float *in, int64_t *out, size_t n);\n";
}

/// Their definitions, in NAME.cpp.
std::string rawEntries(StringRef name) {
  std::string n = name.str();
  return "\nextern \"C\" void " + n +
         "_raw(const float *in, int64_t *out) { run<1>(in, out); }\n"
         "\nextern \"C\" void " +
         n +
         "_raw_batch(const float *in, int64_t *out, size_t n) {\n"
         "  runBatch(in, out, n);\n}\n";
}

} // namespace

llvm::Error emitCppPackage(ModuleOp module, StringRef outDir) {
  // Diagnostics become the returned error: one line with the location.
  auto emitted = cpp::emitCppModule(module, "cpp");
  if (!emitted)
    return emitted.takeError();
  CppEmission &emission = **emitted;
  func::FuncOp fn = emission.function();
  std::string name = fn.getSymName().str();
  std::string source = cpp::sourceOf(module, fn);
  EventLayout layout = describeEventLayout(emission, " *");
  int64_t arena = fn->getAttrOfType<IntegerAttr>(kArenaSizeAttr).getInt();
  std::string upper = llvm::StringRef(name).upper();

  std::string summary = "\n## Layers\n\n| layer | op | event output | "
                        "MACs | parameters |\n|---|---|---|---|---|\n";
  for (const LayerReport &layer : emission.layers()) {
    std::string shapes;
    for (const auto &shape : layer.outputShapes)
      shapes += shapeDecl(shape);
    std::string layerName = layer.name;
    std::replace(layerName.begin(), layerName.end(), '|', '/');
    summary += "| `" + layerName + "` | `" + layer.op + "` | `" + shapes +
               "` | " + std::to_string(layer.macs) + " | " +
               std::to_string(layer.params) + " |\n";
  }

  std::string bodyText = emission.takeBody();
  std::string body;
  bool fixedPoint = emission.fixedPoint();
  if (arena > 0)
    body += arenaDeclaration(arena * (fixedPoint ? 2 : 1),
                             fixedPoint ? "std::uint64_t" : "float", arena);
  body += bodyText;
  std::string declarations = emission.takeDeclarations();

  while (!declarations.empty() && declarations.back() == '\n')
    declarations.pop_back();
  declarations += "\n";

  TemplateSlots common{{"NAME", name}, {"SOURCE", source}};
  TemplateSlots headerSlots = common;
  std::string eventComment = wrapComment(
      "One event is " + layout.definition +
          ". `in` holds its inputs flattened in C order and concatenated in "
          "graph order, `out` its outputs likewise:",
      " *");
  headerSlots.insert(
      {{"BANNER",
        fileBanner(name + ".h", "the " + name + " kernel", BannerStyle::C)},
       {"GUARD", upper + "_H"},
       {"EVENT_COMMENT", eventComment},
       {"TENSOR_TABLE", layout.table},
       {"TENSOR_MACROS", layout.macros},
       {"INPUT_SIZE", std::to_string(layout.inputSize)},
       {"OUTPUT_SIZE", std::to_string(layout.outputSize)},
       {"RAW_DECLARATIONS", fixedPoint ? rawDeclarations(name) : ""}});
  TemplateSlots sourceSlots = common;
  sourceSlots.insert(
      {{"BANNER", fileBanner(name + ".cpp", "the " + name + " kernel")},
       {"DECLARATIONS", declarations},
       {"BODY", body},
       {"TILE_STORAGE",
        scratchStorage(2 * (layout.inputSize + layout.outputSize))},
       {"RAW_ENTRIES", fixedPoint ? rawEntries(name) : ""}});
  TemplateSlots readmeSlots = common;
  readmeSlots.insert({{"EVENT_DEFINITION", layout.definition},
                      {"TENSOR_LIST", layout.list},
                      {"INPUT_SIZE", std::to_string(layout.inputSize)},
                      {"OUTPUT_SIZE", std::to_string(layout.outputSize)},
                      {"LAYER_SUMMARY", summary}});
  TemplateSlots nameOnly{{"NAME", name}};
  TemplateSlots benchSlots{
      {"NAME", name},
      {"BANNER",
       fileBanner("tb.cpp", "test bench of the " + name + " kernel")}};

  const TemplatedFile files[] = {
      {name + ".h", "templates/cpp/kernel.h", &headerSlots},
      {name + ".cpp", "templates/cpp/kernel.cpp", &sourceSlots},
      {"CMakeLists.txt", "templates/cpp/CMakeLists.txt", &nameOnly},
      {"tb.cpp", "templates/cpp/tb.cpp", &benchSlots},
      {"README.md", "templates/cpp/README.md", &readmeSlots},
  };
  if (llvm::Error err = writeTemplatedFiles(outDir, files))
    return err;
  if (llvm::Error err = copyRuntimeHeaders(outDir, "ariadne"))
    return err;
  return writePackageFile(outDir, "report.json",
                          packageReport(emission, source, "cpp", layout,
                                        (fixedPoint ? 8 : 4) * arena, {}));
}

} // namespace ariadne

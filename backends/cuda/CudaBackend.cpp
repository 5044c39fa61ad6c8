//===- CudaBackend.cpp - writes the CUDA package --------------------------===//
//
// Runs the C++ target's prepare step and emission patterns, puts a storage
// qualifier in front of their static arrays, and fills the skeletons of
// templates/cuda with the result; the runtime headers are the C++ target's,
// whose kernels are host and device functions.
//
//===----------------------------------------------------------------------===//
#include "backends/cuda/CudaBackend.h"

#include "backends/common/PackageFiles.h"
#include "backends/common/Template.h"
#include "backends/cpp/CppEmitter.h"
#include "backends/cpp/CppPackage.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ariadne::cpp;

namespace ariadne {

namespace {

/// Puts `qualifier` in front of every static array of `declarations` (the
/// lines that start with kStaticArrayPrefix); returns how many there are.
int64_t qualifyArrays(std::string &declarations, StringRef qualifier) {
  std::string result;
  int64_t arrays = 0;
  SmallVector<StringRef> lines;
  StringRef(declarations).split(lines, '\n');
  for (auto [index, line] : llvm::enumerate(lines)) {
    if (line.starts_with(kStaticArrayPrefix)) {
      result += "alignas(64) " + qualifier.str() + " " +
                line.drop_front(StringRef("alignas(64) ").size()).str();
      ++arrays;
    } else {
      result += line.str();
    }
    if (index + 1 < lines.size())
      result += "\n";
  }
  declarations = std::move(result);
  return arrays;
}

/// The per-event raw-integer function of a fixed-point kernel, in NAME.cuh.
std::string rawEvent(StringRef name) {
  std::string n = name.str();
  return "\n/// Runs one event as " + n +
         "_event does, but writes each output's raw\n"
         "/// integer (its value times 2^F, F the fractional bits of its "
         "type): the\n/// integers `ariadnec validate` compares bit for "
         "bit.\n"
         "ARIADNE_INLINE void " +
         n + "_event_raw(const float *in, std::int64_t *out) {\n  " + n +
         "_impl::run<1>(in, out);\n}\n";
}

} // namespace

llvm::Error emitCudaPackage(ModuleOp module, StringRef outDir) {
  auto emitted = cpp::emitCppModule(module, "cuda");
  if (!emitted)
    return emitted.takeError();
  CppEmission &emission = **emitted;
  func::FuncOp fn = emission.function();
  std::string name = fn.getSymName().str();
  std::string source = cpp::sourceOf(module, fn);
  bool fixedPoint = emission.fixedPoint();

  EventLayout layout = describeEventLayout(emission, "//");

  // The weights go to __constant__ memory when they fit (with the padding
  // of their 64-byte alignment), else to global memory.
  std::string declarations = emission.takeDeclarations();
  while (!declarations.empty() && declarations.back() == '\n')
    declarations.pop_back();
  declarations += "\n";
  int64_t arrays = qualifyArrays(declarations, name + "_WEIGHT_SPACE");
  int64_t weightBytes = 0, macs = 0;
  for (const LayerReport &layer : emission.layers()) {
    weightBytes += layer.weightBytes;
    macs += layer.macs;
  }
  bool constantMemory = weightBytes + 64 * arrays <= kCudaConstantBytes;

  int64_t arena = fn->getAttrOfType<IntegerAttr>(kArenaSizeAttr).getInt();
  int64_t scratchBytes = arena * (fixedPoint ? 8 : 4);
  std::string body;
  if (arena > 0)
    body += std::string("  alignas(64) ") +
            (fixedPoint ? "std::uint64_t" : "float") + " arena[Lanes * " +
            std::to_string(arena) + "];\n";
  body += emission.takeBody();

  std::string n = name;
  TemplateSlots headerSlots{
      {"NAME", name},
      {"SOURCE", source},
      {"BANNER",
       fileBanner(name + ".cuh", "the " + name + " kernel", BannerStyle::Cuda)},
      {"GUARD", StringRef(name).upper() + "_CUH"},
      {"RAW_COMMENT", fixedPoint ? "// " + n +
                                       "_event_raw writes the outputs' raw "
                                       "fixed-point integers\n// instead.\n"
                                 : ""},
      {"EVENT_DEFINITION", layout.definition},
      {"TENSOR_TABLE", layout.table},
      {"WEIGHT_BYTES", std::to_string(weightBytes)},
      {"WEIGHT_SPACE_TEXT",
       constantMemory ? "__constant__ memory"
                      : "global memory (__device__): more than the 64 KiB "
                        "of __constant__"},
      {"INPUT_SIZE", std::to_string(layout.inputSize)},
      {"OUTPUT_SIZE", std::to_string(layout.outputSize)},
      {"MACS", std::to_string(macs)},
      {"TENSOR_MACROS", layout.macros},
      {"FIXED_MACRO", fixedPoint ? "#define " + n + "_FIXED_POINT 1\n" : ""},
      {"WEIGHT_SPACE", constantMemory ? "__constant__" : "__device__"},
      {"DECLARATIONS", declarations},
      {"BODY", body},
      {"SCRATCH_BYTES", std::to_string(scratchBytes)},
      {"RAW_EVENT", fixedPoint ? rawEvent(name) : ""},
      {"RAW_LAUNCH_DECL",
       fixedPoint ? "\n/// As " + n +
                        "_launch, writing the outputs' raw integers.\n"
                        "void " +
                        n +
                        "_launch_raw(const float *d_in, std::int64_t *d_out, "
                        "int n,\n                       cudaStream_t stream);\n"
                  : ""}};
  TemplateSlots sourceSlots{
      {"NAME", name},
      {"BLOCK_SIZE", std::to_string(kCudaBlockSize)},
      {"SOURCE", source},
      {"BANNER",
       fileBanner(name + ".cu", "the " + name + " kernel", BannerStyle::Cuda)},
      {"RAW_LAUNCH",
       fixedPoint ? "\nvoid " + n +
                        "_launch_raw(const float *d_in, std::int64_t *d_out, "
                        "int n,\n                       cudaStream_t stream) "
                        "{\n  launch(d_in, d_out, n, stream);\n}\n"
                  : ""}};
  TemplateSlots readmeSlots{{"NAME", name},
                            {"SOURCE", source},
                            {"EVENT_DEFINITION", layout.definition},
                            {"INPUT_SIZE", std::to_string(layout.inputSize)},
                            {"OUTPUT_SIZE", std::to_string(layout.outputSize)},
                            {"TENSOR_LIST", layout.list}};
  TemplateSlots nameOnly{{"NAME", name}};
  TemplateSlots benchSlots{
      {"NAME", name},
      {"BANNER", fileBanner("tb.cu", "test bench of the " + name + " kernel",
                            BannerStyle::Cuda)}};

  const TemplatedFile files[] = {
      {name + ".cuh", "templates/cuda/kernel.cuh", &headerSlots},
      {name + ".cu", "templates/cuda/kernel.cu", &sourceSlots},
      {"CMakeLists.txt", "templates/cuda/CMakeLists.txt", &nameOnly},
      {"tb.cu", "templates/cuda/tb.cu", &benchSlots},
      {"README.md", "templates/cuda/README.md", &readmeSlots},
  };
  if (llvm::Error err = writeTemplatedFiles(outDir, files))
    return err;
  if (llvm::Error err = copyRuntimeHeaders(outDir, "ariadne"))
    return err;
  llvm::json::Object cudaFields{
      {"cuda", llvm::json::Object{
                   {"weight_space", constantMemory ? "constant" : "global"},
                   {"weight_bytes", weightBytes},
                   {"constant_memory_limit_bytes", kCudaConstantBytes},
                   {"scratch_bytes_per_thread", scratchBytes},
                   {"launch", "one thread per event"},
                   {"block_size", kCudaBlockSize}}}};
  return writePackageFile(outDir, "report.json",
                          packageReport(emission, source, "cuda", layout,
                                        scratchBytes, std::move(cudaFields)));
}

} // namespace ariadne

std::vector<std::string> ariadne::cudaEmitterOpNames() {
  cpp::CppEmitterSet patterns;
  cpp::populateCppEmitters(patterns);
  return patterns.opNames();
}

//===- OpCoverage.cpp - every op in every component -----------------------===//
//
// The op-coverage test: walks every registered nn and fx op and every
// component, and fails naming the op and the component that lacks it,
// unless tests/coverage/unsupported.txt lists the pair with a test of its
// error message.
//
//   importer        every nn op comes out of importing some ONNX file of
//                   the repository (tests/, examples/, bench/), directly or
//                   after the float passes: a real import, not a claim
//   float-emulator  every nn op has a float translator
//   cpp-float       every nn op has a cpp emission pattern
//   fx-lowering     every nn op has a fixed-point lowering
//   fixed-emulator, cpp-fixed, cuda, hls, verilog
//                   every fx op, and every nn op fx-lower keeps (data
//                   movement on fixed-point tensors), has a handler
//
// Usage: ariadne-op-coverage SOURCE_DIR
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppEmitter.h"
#include "backends/cuda/CudaBackend.h"
#include "backends/hls/HlsEmitter.h"
#include "backends/verilog/VerilogEmitter.h"
#include "emulator/Emulator.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/FX/FXDialect.h"
#include "passes/NN/NNDialect.h"
#include "passes/Quant/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace ariadne;

namespace {

using OpSet = std::set<std::string>;

OpSet toSet(const std::vector<std::string> &names) {
  return OpSet(names.begin(), names.end());
}

/// The nn ops that importing the repository's ONNX files produces, after
/// import and after the float passes; `files` counts what was imported.
OpSet importedOps(mlir::MLIRContext &context, const std::string &source,
                  int &files) {
  OpSet ops;
  // Bad-input tests hold files that must not import: silence them.
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  for (const char *dir : {"tests", "examples", "bench"}) {
    std::error_code ec;
    for (llvm::sys::fs::recursive_directory_iterator it(source + "/" + dir, ec),
         end;
         it != end && !ec; it.increment(ec)) {
      llvm::StringRef path = it->path();
      llvm::StringRef ext = llvm::sys::path::extension(path);
      if (ext != ".onnx" && ext != ".onnxtxt")
        continue;
      llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
          [&]() -> llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> {
        if (ext == ".onnx")
          return importOnnxFile(context, path, {});
        auto buffer = llvm::MemoryBuffer::getFile(path);
        if (!buffer)
          return llvm::createStringError(buffer.getError(), "unreadable");
        return importOnnxBuffer(context, (*buffer)->getBuffer(), path,
                                /*isText=*/true, {});
      }();
      if (!module) {
        llvm::consumeError(module.takeError());
        continue;
      }
      ++files;
      auto collect = [&] {
        (**module)->walk([&](mlir::Operation *op) {
          if (op->getDialect() && op->getDialect()->getNamespace() == "nn")
            ops.insert(op->getName().getStringRef().str());
        });
      };
      collect();
      mlir::PassManager pm(&context);
      buildOptimizationPipeline(pm);
      if (mlir::succeeded(pm.run(**module)))
        collect();
    }
  }
  return ops;
}

struct Unsupported {
  std::string file, message;
};

/// tests/coverage/unsupported.txt: (component, op) -> its test.
std::map<std::pair<std::string, std::string>, Unsupported>
readUnsupported(const std::string &path, int &errors) {
  std::map<std::pair<std::string, std::string>, Unsupported> entries;
  std::ifstream in(path);
  if (!in) {
    llvm::errs() << path << ": cannot read\n";
    ++errors;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string component, op, file, message;
    fields >> component >> op >> file;
    std::getline(fields, message);
    message = llvm::StringRef(message).trim().str();
    if (message.empty()) {
      llvm::errs() << path << ":" << number
                   << ": expected COMPONENT OP TEST_FILE MESSAGE\n";
      ++errors;
      continue;
    }
    entries[{component, op}] = {file, message};
  }
  return entries;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    llvm::errs() << "usage: ariadne-op-coverage SOURCE_DIR\n";
    return 2;
  }
  std::string source = argv[1];
  mlir::MLIRContext context;
  context.loadDialect<nn::NNDialect, fx::FXDialect, mlir::func::FuncDialect>();

  OpSet nnOps, fxOps;
  for (mlir::RegisteredOperationName name : context.getRegisteredOperations()) {
    llvm::StringRef op = name.getStringRef();
    if (op.starts_with("nn."))
      nnOps.insert(op.str());
    else if (op.starts_with("fx."))
      fxOps.insert(op.str());
  }
  OpSet fixedOps = fxOps;
  for (const std::string &op : quant::keptOpNames())
    fixedOps.insert(op);

  int files = 0;
  cpp::CppEmitterSet cppPatterns;
  cpp::populateCppEmitters(cppPatterns);
  hls::HlsPatterns hlsPatterns;
  hls::populateHlsPatterns(hlsPatterns);
  verilog::VerilogPatterns verilogPatterns;
  verilog::populateVerilogPatterns(verilogPatterns);
  OpSet cpp = toSet(cppPatterns.opNames());

  struct Component {
    std::string name;
    const OpSet *expected;
    OpSet handled;
  };
  std::vector<Component> components = {
      {"importer", &nnOps, importedOps(context, source, files)},
      {"float-emulator", &nnOps, toSet(floatEmulatorOpNames())},
      {"cpp-float", &nnOps, cpp},
      {"fx-lowering", &nnOps, toSet(quant::loweredOpNames())},
      {"fixed-emulator", &fixedOps, toSet(fixedEmulatorOpNames())},
      {"cpp-fixed", &fixedOps, cpp},
      {"cuda", &fixedOps, toSet(cudaEmitterOpNames())},
      {"hls", &fixedOps, toSet(hlsPatterns.opNames())},
      {"verilog", &fixedOps, toSet(verilogPatterns.opNames())},
  };

  int errors = 0;
  auto unsupported =
      readUnsupported(source + "/tests/coverage/unsupported.txt", errors);
  std::set<std::pair<std::string, std::string>> used;
  int handled = 0, excused = 0;
  for (const Component &c : components) {
    for (const std::string &op : *c.expected) {
      if (c.handled.count(op)) {
        ++handled;
        continue;
      }
      auto entry = unsupported.find({c.name, op});
      if (entry == unsupported.end()) {
        llvm::outs() << "MISSING " << op << " in " << c.name
                     << ": add its handler (docs/ADDING_AN_OP.md) or list it "
                        "in tests/coverage/unsupported.txt with the test of "
                        "its error\n";
        ++errors;
        continue;
      }
      used.insert(entry->first);
      // The listed test must exist and check this op's message: a line
      // that names both.
      auto text =
          llvm::MemoryBuffer::getFile(source + "/" + entry->second.file);
      bool tested = false;
      if (text) {
        llvm::SmallVector<llvm::StringRef> lines;
        (*text)->getBuffer().split(lines, '\n');
        for (llvm::StringRef line : lines)
          tested |= line.contains("'" + op + "'") &&
                    line.contains(entry->second.message);
      }
      if (!tested) {
        llvm::outs() << "UNTESTED " << op << " in " << c.name << ": "
                     << entry->second.file << " does not test '"
                     << entry->second.message << "' for it\n";
        ++errors;
        continue;
      }
      ++excused;
    }
  }
  for (const auto &[key, entry] : unsupported)
    if (!used.count(key)) {
      llvm::outs() << "STALE " << key.second << " in " << key.first
                   << ": listed as unsupported, but it is handled (or not an "
                      "op of the component); remove the line\n";
      ++errors;
    }
  llvm::outs() << "op coverage: " << nnOps.size() << " nn ops, " << fxOps.size()
               << " fx ops, " << components.size() << " components, " << files
               << " ONNX files imported: " << handled << " handled, " << excused
               << " deliberately unsupported (tested), " << errors
               << " problems\n";
  return errors ? 1 : 0;
}

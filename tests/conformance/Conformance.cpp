//===- Conformance.cpp - ONNX's node tests through ariadnec ---------------===//
//
// Runs the ONNX backend tests of Debian's libonnx-testdata through both the
// emulator and the generated C++ package:
//
//   1. classify each model (Classify.h): a test is `unsupported` only when
//      its model uses a listed operator or feature;
//   2. import it, run the optimization pipeline and the emulator on every
//      test_data_set, compare with ONNX's tolerances, and emit the C++
//      package;
//   3. compile the package's kernel and test bench with g++, run the bench
//      on the inputs as an event CSV and compare its output CSV.
//
// Step 2 runs in a child process (this program with --stage) so that a crash
// or a hang in the compiler counts as one failed test, not a lost run; steps
// 2 and 3 of different tests run in parallel.
//
//===----------------------------------------------------------------------===//
#include "tests/conformance/Classify.h"
#include "tests/conformance/TestData.h"

#include "backends/cpp/CppBackend.h"
#include "emulator/Emulator.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/NN/NNDialect.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace ariadne;
using namespace ariadne::conformance;

namespace {

const char *const kDefaultDataDir = "/usr/share/libonnx-testdata/data";
const char *const kSuites[] = {"node", "pytorch-converted", "pytorch-operator"};

// Limits per child process; generous for 2 loaded cores, yet a hang cannot
// stall CI.
constexpr unsigned kStageTimeoutSeconds = 120;
constexpr unsigned kCompileTimeoutSeconds = 300;
constexpr unsigned kBenchTimeoutSeconds = 60;

struct Options {
  std::string dataDir = kDefaultDataDir;
  std::string workDir = "conformance-work";
  std::string cxx = "g++";
  std::string filter;
  unsigned jobs = 2;
  bool verbose = false;
  bool keep = false;
  bool listOps = false;
  // --stage TESTDIR PKGDIR KERNEL: the child's part of one test.
  bool stage = false;
  std::string stageTest, stagePackage, stageKernel;
};

const char *const kUsage =
    "usage: ariadne-conformance [options]\n"
    "  --data DIR     libonnx-testdata's data directory (default "
    "/usr/share/libonnx-testdata/data)\n"
    "  --work DIR     where packages are generated and built (default "
    "./conformance-work)\n"
    "  --filter TEXT  run only tests whose suite/name contains TEXT\n"
    "  -j N           tests processed in parallel (default 2)\n"
    "  --cxx PROGRAM  C++ compiler for the packages (default g++)\n"
    "  --keep         keep the work directories of passing tests\n"
    "  --list-ops     list the operator types of the data and their class\n"
    "  -v             one line per test\n";

bool parseOptions(int argc, char **argv, Options &o, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (arg == "--data") {
      if (!value(o.dataDir))
        return false;
    } else if (arg == "--work") {
      if (!value(o.workDir))
        return false;
    } else if (arg == "--filter") {
      if (!value(o.filter))
        return false;
    } else if (arg == "--cxx") {
      if (!value(o.cxx))
        return false;
    } else if (arg == "-j") {
      std::string n;
      if (!value(n))
        return false;
      if (!llvm::to_integer(n, o.jobs) || o.jobs == 0) {
        error = "-j needs a positive number";
        return false;
      }
    } else if (arg == "-v") {
      o.verbose = true;
    } else if (arg == "--keep") {
      o.keep = true;
    } else if (arg == "--list-ops") {
      o.listOps = true;
    } else if (arg == "--stage") {
      if (i + 3 >= argc) {
        error = "--stage needs TESTDIR PKGDIR KERNEL";
        return false;
      }
      o.stage = true;
      o.stageTest = argv[++i];
      o.stagePackage = argv[++i];
      o.stageKernel = argv[++i];
    } else {
      error = "unknown argument '" + arg + "'";
      return false;
    }
  }
  return true;
}

bool readModel(const std::string &path, onnx::ModelProto &model,
               std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in || !model.ParseFromIstream(&in)) {
    error = path + ": cannot read an ONNX model";
    return false;
  }
  return true;
}

/// The graph inputs that are not initializers, in graph order: the
/// function's arguments and the test data's input_K.pb.
std::vector<std::string> runtimeInputNames(const onnx::GraphProto &graph) {
  std::vector<std::string> names;
  for (const auto &input : graph.input()) {
    bool isInit = std::any_of(
        graph.initializer().begin(), graph.initializer().end(),
        [&](const onnx::TensorProto &t) { return t.name() == input.name(); });
    if (!isInit)
      names.push_back(input.name());
  }
  return names;
}

/// A C identifier from a test name: the generated kernel's name.
std::string kernelName(const std::string &test) {
  std::string name;
  for (char c : test)
    name += llvm::isAlnum(c) ? c : '_';
  if (name.empty() || llvm::isDigit(name[0]))
    name = "k_" + name;
  return name;
}

std::string formatShape(llvm::ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "x" : "") + std::to_string(dims[i]);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// The child's part: import, optimize, emulate, emit
//===----------------------------------------------------------------------===//

/// Runs step 2 for one test. Prints one line, "ok" or "STEP: reason", and
/// returns the exit code. Writes PKGDIR/../in.csv (one row per data set)
/// and expected.csv next to it for the parent.
int runStage(const Options &o) {
  llvm::raw_ostream &out = llvm::outs();
  auto fail = [&](const std::string &step, const llvm::Twine &message) {
    std::string line = message.str();
    std::replace(line.begin(), line.end(), '\n', ' ');
    out << step << ": " << line << "\n";
    return 1;
  };

  std::string modelPath = o.stageTest + "/model.onnx";
  onnx::ModelProto model;
  std::string error;
  if (!readModel(modelPath, model, error))
    return fail("data", error);
  std::vector<std::string> inputNames = runtimeInputNames(model.graph());
  std::vector<DataSet> sets;
  if (!readDataSets(o.stageTest, sets, error))
    return fail("data", error);

  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<nn::NNDialect, mlir::func::FuncDialect>();
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (!diagnostics.empty())
      diagnostics += "; ";
    llvm::raw_string_ostream os(diagnostics);
    os << d.getLocation() << ": " << d.str();
    return mlir::success();
  });

  OnnxImportOptions importOptions;
  importOptions.functionName = o.stageKernel;
  auto module = importOnnxFile(context, modelPath, importOptions);
  if (!module)
    return fail("import", llvm::toString(module.takeError()));
  auto funcs = (**module).getOps<mlir::func::FuncOp>();
  if (funcs.empty())
    return fail("import", "the module holds no func.func");
  mlir::func::FuncOp fn = *funcs.begin();
  if (fn.getSymName() != o.stageKernel)
    return fail("import", "the function is named '" + fn.getSymName() +
                              "', not '" + o.stageKernel + "'");

  mlir::PassManager pm(&context);
  buildOptimizationPipeline(pm);
  if (mlir::failed(pm.run(**module)))
    return fail("optimize", diagnostics.empty() ? "pipeline failed"
                                                : diagnostics);

  auto emulator = Emulator::create(fn);
  if (!emulator)
    return fail("emulator", llvm::toString(emulator.takeError()));
  const auto &inSpecs = (*emulator)->inputs();
  const auto &outSpecs = (*emulator)->outputs();

  // The function's interface must be the graph's, in graph order.
  if (inSpecs.size() != inputNames.size())
    return fail("import", llvm::Twine(inSpecs.size()) +
                              " function arguments for " +
                              llvm::Twine(inputNames.size()) +
                              " run-time graph inputs");
  for (size_t k = 0; k < inSpecs.size(); ++k)
    if (inSpecs[k].name != inputNames[k])
      return fail("import", "argument " + llvm::Twine(k) + " is named '" +
                                inSpecs[k].name + "', graph input is '" +
                                inputNames[k] + "'");
  const auto &graphOutputs = model.graph().output();
  if (outSpecs.size() != static_cast<size_t>(graphOutputs.size()))
    return fail("import", llvm::Twine(outSpecs.size()) +
                              " function results for " +
                              llvm::Twine(graphOutputs.size()) +
                              " graph outputs");
  for (size_t k = 0; k < outSpecs.size(); ++k)
    if (outSpecs[k].name != graphOutputs[k].name())
      return fail("import", "result " + llvm::Twine(k) + " is named '" +
                                outSpecs[k].name + "', graph output is '" +
                                graphOutputs[k].name() + "'");

  // Every data set must fit the function's shapes: one event is the whole
  // of every tensor.
  auto checkShapes = [&](const std::vector<Tensor> &tensors,
                         const std::vector<TensorSpec> &specs,
                         const DataSet &set, const char *what,
                         std::string &message) {
    if (tensors.size() != specs.size()) {
      message = set.dir + " holds " + std::to_string(tensors.size()) + " " +
                what + "s, the function has " + std::to_string(specs.size());
      return false;
    }
    for (size_t k = 0; k < specs.size(); ++k)
      if (tensors[k].dims != specs[k].eventShape) {
        message = std::string(what) + " '" + specs[k].name + "' has shape " +
                  formatShape(specs[k].eventShape) + ", the data " +
                  formatShape(tensors[k].dims);
        return false;
      }
    return true;
  };

  std::vector<float> inRows, expectedRows;
  for (size_t s = 0; s < sets.size(); ++s) {
    const DataSet &set = sets[s];
    std::string message;
    if (!checkShapes(set.inputs, inSpecs, set, "input", message) ||
        !checkShapes(set.outputs, outSpecs, set, "output", message))
      return fail("import", message);
    std::vector<float> in, result((*emulator)->eventOutputSize());
    for (const Tensor &t : set.inputs)
      in.insert(in.end(), t.values.begin(), t.values.end());
    if (static_cast<int64_t>(in.size()) != (*emulator)->eventInputSize())
      return fail("emulator", "eventInputSize() is " +
                                  llvm::Twine((*emulator)->eventInputSize()) +
                                  ", the inputs hold " +
                                  llvm::Twine(in.size()) + " floats");
    (*emulator)->run(in.data(), result.data(), 1);
    size_t offset = 0;
    for (size_t k = 0; k < outSpecs.size(); ++k) {
      const std::vector<float> &expected = set.outputs[k].values;
      std::vector<double> actual(result.begin() + offset,
                                 result.begin() + offset + expected.size());
      offset += expected.size();
      if (!compareValues(actual, expected, message))
        return fail("emulator", "data set " + llvm::Twine(s) + ", output '" +
                                    outSpecs[k].name + "' " + message);
    }
    inRows.insert(inRows.end(), in.begin(), in.end());
    for (const Tensor &t : set.outputs)
      expectedRows.insert(expectedRows.end(), t.values.begin(),
                          t.values.end());
  }

  std::string work = llvm::sys::path::parent_path(o.stagePackage).str();
  if (!writeCsv(work + "/in.csv", inRows, inRows.size() / sets.size(),
                error) ||
      !writeCsv(work + "/expected.csv", expectedRows,
                expectedRows.size() / sets.size(), error))
    return fail("data", error);
  // The row layout, so that the parent can name a mismatching output.
  std::ofstream layout(work + "/outputs.txt");
  for (const TensorSpec &spec : outSpecs)
    layout << spec.eventSize << " " << spec.name << "\n";
  if (!layout.flush())
    return fail("data", "cannot write " + work + "/outputs.txt");

  if (llvm::Error err = emitCppPackage(**module, o.stagePackage))
    return fail("emit", llvm::toString(std::move(err)));
  for (const char *file : {".cpp", ".h"})
    if (!llvm::sys::fs::exists(o.stagePackage + "/" + o.stageKernel + file))
      return fail("emit", "the package has no " + o.stageKernel + file);
  if (!llvm::sys::fs::exists(o.stagePackage + "/tb.cpp"))
    return fail("emit", "the package has no tb.cpp");
  out << "ok\n";
  return 0;
}

//===----------------------------------------------------------------------===//
// The parent: classification, scheduling, g++, the test bench
//===----------------------------------------------------------------------===//

struct TestCase {
  std::string suite, name, dir;
  Classification classification;
  // Filled by the worker.
  bool passed = false;
  std::string failure;
  double stageSeconds = 0, compileSeconds = 0, benchSeconds = 0;
};

std::string firstLine(const std::string &path, bool last = false) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  if (lines.empty())
    return "";
  return (last ? lines.back() : lines.front()).trim().str();
}

/// The first line of a compiler log that reports an error.
std::string firstError(const std::string &log) {
  auto buffer = llvm::MemoryBuffer::getFile(log);
  if (!buffer)
    return "";
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines)
    if (line.contains("error"))
      return line.trim().str();
  return lines.empty() ? "" : lines.front().trim().str();
}

/// Runs a program with stdout and stderr to files; returns its exit code,
/// or -1/-2 (cannot run / crashed or timed out) with `message` set.
int runProgram(llvm::ArrayRef<std::string> argv, const std::string &outFile,
               const std::string &errFile, unsigned timeout,
               std::string &message, double &seconds) {
  auto start = std::chrono::steady_clock::now();
  llvm::SmallVector<llvm::StringRef> args(argv.begin(), argv.end());
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(outFile), llvm::StringRef(errFile)};
  int rc = llvm::sys::ExecuteAndWait(argv[0], args, std::nullopt, redirects,
                                     timeout, 0, &message);
  seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           start)
                 .count();
  return rc;
}

/// The outputs' sizes and names, as the stage wrote them.
std::vector<std::pair<size_t, std::string>>
readLayout(const std::string &work) {
  std::vector<std::pair<size_t, std::string>> layout;
  std::ifstream in(work + "/outputs.txt");
  size_t size;
  std::string name;
  while (in >> size && std::getline(in >> std::ws, name))
    layout.emplace_back(size, name);
  return layout;
}

/// Steps 2 and 3 for one supported test.
void runTest(TestCase &test, const Options &o, const std::string &self,
             const std::string &cxx) {
  std::string work = o.workDir + "/" + test.suite + "/" + test.name;
  std::string kernel = kernelName(test.name);
  std::string pkg = work + "/pkg";
  llvm::sys::fs::remove_directories(work);
  if (std::error_code ec = llvm::sys::fs::create_directories(pkg)) {
    test.failure = "harness: cannot create " + pkg + ": " + ec.message();
    return;
  }

  std::string message;
  std::string stageOut = work + "/stage.out", stageErr = work + "/stage.err";
  int rc = runProgram({self, "--stage", test.dir, pkg, kernel}, stageOut,
                      stageErr, kStageTimeoutSeconds, message,
                      test.stageSeconds);
  if (rc != 0) {
    std::string reason = firstLine(stageOut);
    if (rc < 0) {
      std::string last = firstLine(stageErr, /*last=*/true);
      reason = "crashed (" + message + ")" +
               (last.empty() ? "" : ": " + last);
    } else if (reason.empty()) {
      reason = "exit " + std::to_string(rc) + ": " + firstLine(stageErr);
    }
    test.failure = reason + " [" + work + "]";
    return;
  }

  std::string log = work + "/compile.log";
  std::string bench = pkg + "/tb";
  rc = runProgram({cxx, "-std=c++17", "-O1", "-I", pkg,
                   pkg + "/" + kernel + ".cpp", pkg + "/tb.cpp", "-o", bench},
                  log, log, kCompileTimeoutSeconds, message,
                  test.compileSeconds);
  if (rc != 0) {
    test.failure = "cpp: g++ failed" +
                   (rc < 0 ? " (" + message + ")" : "") + ": " +
                   firstError(log) + " [" + work + "]";
    return;
  }

  std::string benchLog = work + "/tb.log", outCsv = work + "/out.csv";
  rc = runProgram({bench, work + "/in.csv", outCsv}, benchLog, benchLog,
                  kBenchTimeoutSeconds, message, test.benchSeconds);
  if (rc != 0) {
    test.failure = "cpp: tb " +
                   (rc < 0 ? message : "exited " + std::to_string(rc)) +
                   ": " + firstLine(benchLog) + " [" + work + "]";
    return;
  }

  std::vector<double> actual, expectedValues;
  size_t width = 0, expectedWidth = 0;
  std::string error;
  if (!readCsv(outCsv, actual, width, error) ||
      !readCsv(work + "/expected.csv", expectedValues, expectedWidth, error)) {
    test.failure = "cpp: " + error;
    return;
  }
  if (width != expectedWidth) {
    test.failure = "cpp: tb wrote rows of " + std::to_string(width) +
                   " values, expected " + std::to_string(expectedWidth) +
                   " [" + work + "]";
    return;
  }
  if (actual.size() != expectedValues.size()) {
    test.failure = "cpp: tb wrote " + std::to_string(actual.size() / width) +
                   " rows for " +
                   std::to_string(expectedValues.size() / width) +
                   " data sets [" + work + "]";
    return;
  }
  // Compare one output of one row at a time to name what differs.
  std::vector<std::pair<size_t, std::string>> layout = readLayout(work);
  size_t layoutWidth = 0;
  for (const auto &entry : layout)
    layoutWidth += entry.first;
  if (layoutWidth != width) {
    test.failure = "harness: " + work + "/outputs.txt does not describe rows "
                   "of " + std::to_string(width) + " values";
    return;
  }
  for (size_t row = 0; row * width < actual.size(); ++row) {
    size_t offset = row * width;
    for (const auto &[size, name] : layout) {
      std::vector<double> got(actual.begin() + offset,
                              actual.begin() + offset + size);
      std::vector<float> want(expectedValues.begin() + offset,
                              expectedValues.begin() + offset + size);
      offset += size;
      if (!compareValues(got, want, error)) {
        test.failure = "cpp: data set " + std::to_string(row) +
                       ", output '" + name + "' " + error + " [" + work + "]";
        return;
      }
    }
  }
  test.passed = true;
  if (!o.keep)
    llvm::sys::fs::remove_directories(work);
}

/// The test directories of the suites, sorted, with their model read and
/// classified.
bool collectTests(const Options &o, std::vector<TestCase> &tests,
                  std::string &error) {
  for (const char *suite : kSuites) {
    std::string suiteDir = o.dataDir + "/" + suite;
    std::error_code ec;
    std::vector<std::string> names;
    for (llvm::sys::fs::directory_iterator it(suiteDir, ec), end;
         !ec && it != end; it.increment(ec))
      if (llvm::sys::fs::exists(it->path() + "/model.onnx"))
        names.push_back(llvm::sys::path::filename(it->path()).str());
    if (ec) {
      error = suiteDir + ": " + ec.message() +
              " (is libonnx-testdata installed?)";
      return false;
    }
    std::sort(names.begin(), names.end());
    for (const std::string &name : names) {
      std::string id = std::string(suite) + "/" + name;
      if (!o.filter.empty() && id.find(o.filter) == std::string::npos)
        continue;
      TestCase test;
      test.suite = suite;
      test.name = name;
      test.dir = suiteDir + "/" + name;
      onnx::ModelProto model;
      std::string readError;
      if (readModel(test.dir + "/model.onnx", model, readError))
        test.classification = classifyModel(model);
      else
        test.classification = {Classification::Unclassified, readError};
      tests.push_back(std::move(test));
    }
  }
  return true;
}

/// Prints every operator type of the data with its class and how many
/// models use it.
int listOps(const Options &o) {
  std::map<std::string, int> uses;
  for (const char *suite : kSuites) {
    std::string suiteDir = o.dataDir + "/" + suite;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(suiteDir, ec), end;
         !ec && it != end; it.increment(ec)) {
      onnx::ModelProto model;
      std::string error;
      if (!readModel(it->path() + "/model.onnx", model, error))
        continue;
      std::set<std::string> ops;
      for (const auto &node : model.graph().node())
        ops.insert(node.op_type());
      for (const std::string &op : ops)
        ++uses[op];
    }
  }
  int unclassified = 0;
  for (const auto &[op, count] : uses) {
    std::string group = "UNCLASSIFIED";
    if (llvm::is_contained(supportedOps(), op))
      group = "supported";
    for (const UnsupportedOpGroup &g : unsupportedOpGroups())
      if (llvm::any_of(g.ops, [&](const char *n) { return op == n; }))
        group = g.group;
    unclassified += group == "UNCLASSIFIED";
    llvm::outs() << llvm::left_justify(op, 28) << llvm::right_justify(
                                                      std::to_string(count), 4)
                 << "  " << group << "\n";
  }
  return unclassified ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  std::string error;
  if (!parseOptions(argc, argv, o, error)) {
    llvm::errs() << "ariadne-conformance: error: " << error << "\n" << kUsage;
    return 2;
  }
  if (o.stage)
    return runStage(o);
  if (o.listOps)
    return listOps(o);

  auto start = std::chrono::steady_clock::now();
  std::string self = llvm::sys::fs::getMainExecutable(
      argv[0], reinterpret_cast<void *>(&kernelName));
  auto cxx = llvm::sys::findProgramByName(o.cxx);
  if (!cxx) {
    llvm::errs() << "ariadne-conformance: error: C++ compiler '" << o.cxx
                 << "' not found on PATH\n";
    return 2;
  }
  llvm::SmallString<256> work(o.workDir);
  llvm::sys::fs::make_absolute(work);
  o.workDir = std::string(work);

  std::vector<TestCase> tests;
  if (!collectTests(o, tests, error)) {
    llvm::errs() << "ariadne-conformance: error: " << error << "\n";
    return 2;
  }

  std::vector<TestCase *> queue;
  for (TestCase &test : tests)
    if (test.classification.kind == Classification::Supported)
      queue.push_back(&test);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < queue.size();)
      runTest(*queue[i], o, self, *cxx);
  };
  std::vector<std::thread> workers;
  for (unsigned j = 0; j < std::min<size_t>(o.jobs, queue.size()); ++j)
    workers.emplace_back(worker);
  for (std::thread &t : workers)
    t.join();

  unsigned passed = 0, failed = 0, skipped = 0;
  double stage = 0, compile = 0, bench = 0;
  for (const TestCase &test : tests) {
    std::string id = test.suite + "/" + test.name;
    switch (test.classification.kind) {
    case Classification::Unsupported:
      ++skipped;
      if (o.verbose)
        llvm::outs() << "UNSUPPORTED " << id << ": "
                     << test.classification.reason << "\n";
      break;
    case Classification::Unclassified:
      ++failed;
      llvm::outs() << "FAIL " << id << ": " << test.classification.reason
                   << "\n";
      break;
    case Classification::Supported:
      stage += test.stageSeconds;
      compile += test.compileSeconds;
      bench += test.benchSeconds;
      if (test.passed) {
        ++passed;
        if (o.verbose)
          llvm::outs() << "PASS " << id << "\n";
      } else {
        ++failed;
        llvm::outs() << "FAIL " << id << ": " << test.failure << "\n";
      }
      break;
    }
  }
  double total = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  llvm::outs() << llvm::format(
      "onnx conformance: %zu tests in %.1f s with %u jobs (cumulative: "
      "import+emulate+emit %.1f s, g++ %.1f s, tb %.1f s)\n",
      tests.size(), total, o.jobs, stage, compile, bench);
  llvm::outs() << "onnx conformance: " << passed << " passed, " << failed
               << " failed, " << skipped << " unsupported\n";
  llvm::outs().flush();
  return failed == 0 ? 0 : 1;
}

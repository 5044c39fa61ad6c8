//===- CppTarget.cpp - the cpp target -------------------------------------===//
#include "backends/cpp/CppTarget.h"

#include "backends/common/Build.h"
#include "backends/cpp/CppBackend.h"
#include "emulator/EventCsv.h"

using namespace ariadne;

llvm::Expected<TargetRun> TestBenchTarget::run(const TargetJob &job,
                                               llvm::StringRef dir,
                                               llvm::StringRef work) const {
  std::string build = (work + "/build").str(),
              log = (work + "/build.log").str();
  std::string inCsv = (work + "/events.csv").str();
  std::string outCsv = (work + "/kernel_out.csv").str();
  // The events as the driver read them (float32), printed so that they
  // read back to the same floats.
  std::string error;
  if (!writeEventCsv(inCsv, job.inputs->data(), job.events, job.inputWidth,
                     error))
    return llvm::createStringError(std::errc::io_error, error.c_str());
  auto flags = configureFlags();
  if (!flags)
    return flags.takeError();
  if (llvm::Error err =
          buildWithCMake(dir.str(), build, log, "the package", *flags))
    return err;
  std::vector<std::string> tb = {build + "/tb", inCsv, outCsv};
  if (job.quantized)
    tb.push_back("--raw");
  if (llvm::Error err = runStep("running tb", tb, log))
    return err;
  TargetRun result;
  result.before = notes(log);
  if (job.quantized) {
    auto raw = readRawCsv(outCsv, job.outputWidth);
    if (!raw)
      return raw.takeError();
    result.raw = std::move(*raw);
  } else {
    auto values = readFloatCsv(outCsv, job.outputWidth);
    if (!values)
      return values.takeError();
    result.values = std::move(*values);
  }
  return result;
}

namespace {

class CppTarget : public TestBenchTarget {
public:
  llvm::StringRef name() const override { return "cpp"; }
  llvm::StringRef summary() const override {
    return "standalone C++ package (float or fixed point): NAME.h, "
           "NAME.cpp, CMake library and test bench";
  }
  std::string mainSource(llvm::StringRef kernel) const override {
    return (kernel + ".cpp").str();
  }
  llvm::Error emit(const TargetJob &job, llvm::StringRef dir,
                   llvm::raw_ostream &) const override {
    return emitCppPackage(job.module, dir);
  }
};

} // namespace

void ariadne::registerCppTarget() {
  TargetRegistry::add(std::make_unique<CppTarget>());
}

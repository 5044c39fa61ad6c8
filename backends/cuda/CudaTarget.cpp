//===- CudaTarget.cpp - the cuda target -----------------------------------===//
#include "backends/common/Process.h"
#include "backends/cpp/CppTarget.h"
#include "backends/cuda/CudaBackend.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace ariadne;

namespace {

class CudaTarget : public TestBenchTarget {
public:
  llvm::StringRef name() const override { return "cuda"; }
  llvm::StringRef summary() const override {
    return "CUDA package: per-event device function, batched kernel, "
           "launcher (validate runs it on the GPU, else on the host)";
  }
  std::string mainSource(llvm::StringRef kernel) const override {
    return (kernel + ".cu").str();
  }
  llvm::Error emit(const TargetJob &job, llvm::StringRef dir,
                   llvm::raw_ostream &) const override {
    return emitCudaPackage(job.module, dir);
  }
  llvm::Error checkRunTools() const override {
    auto flags = configureFlags();
    return flags ? llvm::Error::success() : flags.takeError();
  }

protected:
  /// The CUDA compiler CMake is given: none when nvcc is on PATH (CMake
  /// finds it), /usr/local/cuda/bin/nvcc where only that exists; an error
  /// without either.
  llvm::Expected<std::vector<std::string>> configureFlags() const override {
    if (!findProgram("nvcc").empty())
      return std::vector<std::string>();
    const std::string standard = "/usr/local/cuda/bin/nvcc";
    if (llvm::sys::fs::can_execute(standard))
      return std::vector<std::string>{"-DCMAKE_CUDA_COMPILER=" + standard};
    return llvm::createStringError(
        std::errc::invalid_argument,
        "cuda target: nvcc not found (neither on PATH nor at %s); install "
        "the CUDA toolkit to validate",
        standard.c_str());
  }

  /// Where the kernel ran: tb's "tb: ran ..." line in the log.
  std::vector<std::string> notes(const std::string &log) const override {
    std::string where = "tb did not say where it ran";
    if (auto buffer = llvm::MemoryBuffer::getFile(log)) {
      llvm::SmallVector<llvm::StringRef> lines;
      (*buffer)->getBuffer().split(lines, '\n');
      for (llvm::StringRef line : lines)
        if (line.starts_with("tb: ran "))
          where = "the kernel " + line.drop_front(4).trim().str();
    }
    return {"validate: " + where};
  }
};

} // namespace

namespace ariadne {
void registerCudaTarget() {
  TargetRegistry::add(std::make_unique<CudaTarget>());
}
} // namespace ariadne

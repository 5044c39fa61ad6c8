//===- Build.cpp - building and running a package -------------------------===//
#include "backends/common/Build.h"

#include "backends/common/Process.h"
#include "emulator/EventCsv.h"

#include "llvm/ADT/Twine.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>

using namespace ariadne;

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 message.str().c_str());
}
} // namespace

llvm::Error ariadne::runStep(const std::string &step,
                             llvm::ArrayRef<std::string> argv,
                             const std::string &log, const std::string &cwd) {
  ProcessResult result = runProcess({argv.begin(), argv.end()}, log, cwd);
  if (!result.started)
    return makeError(step + ": " + result.error);
  if (!result.ok())
    return makeError(step + " failed (" + result.describe() + "); see " + log);
  return llvm::Error::success();
}

llvm::Error
ariadne::buildWithCMake(const std::string &source, const std::string &build,
                        const std::string &log, const std::string &what,
                        llvm::ArrayRef<std::string> configureFlags) {
  std::vector<std::string> configure = {
      "cmake", "-S", source, "-B", build, "-DCMAKE_BUILD_TYPE=Release"};
  configure.insert(configure.end(), configureFlags.begin(),
                   configureFlags.end());
  if (llvm::Error err = runStep("configuring " + what, configure, log))
    return err;
  return runStep("building " + what, {"cmake", "--build", build, "-j", "2"},
                 log);
}

llvm::Expected<std::vector<int64_t>>
ariadne::readRawCsv(const std::string &path, size_t width) {
  std::ifstream file(path);
  if (!file)
    return makeError(path + ": cannot open");
  std::vector<int64_t> values;
  std::string line;
  for (size_t lineNumber = 1; std::getline(file, line); ++lineNumber) {
    const char *p = line.c_str();
    size_t count = 0;
    while (*p) {
      char *end = nullptr;
      errno = 0;
      long long v = std::strtoll(p, &end, 10);
      if (end == p || errno == ERANGE)
        return makeError(path + ":" + llvm::Twine(lineNumber) +
                         ": not an integer");
      values.push_back(v);
      ++count;
      p = *end == ',' ? end + 1 : end;
      if (*end != ',' && *end != '\0' && *end != '\r')
        return makeError(path + ":" + llvm::Twine(lineNumber) +
                         ": unexpected character");
      if (*end == '\r')
        break;
    }
    if (count != width)
      return makeError(path + ":" + llvm::Twine(lineNumber) + ": " +
                       llvm::Twine(count) + " values, expected " +
                       llvm::Twine(width));
  }
  return values;
}

llvm::Expected<std::vector<float>>
ariadne::readFloatCsv(const std::string &path, size_t width) {
  EventTable table;
  std::string error;
  if (!readEventCsv(path, width, table, error))
    return makeError(error);
  return std::vector<float>(table.values.begin(), table.values.end());
}

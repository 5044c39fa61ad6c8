//===- process_test.cpp - child processes, tree removal, kernel names ----===//
#include "backends/common/KernelName.h"
#include "backends/common/Process.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ariadne;

namespace {

std::string scratchDir() {
  char path[] = "/tmp/ariadne-process-XXXXXX";
  REQUIRE(mkdtemp(path) != nullptr);
  return path;
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool exists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

TEST_CASE("runProcess reports exit codes, signals and missing programs",
          "[process]") {
  CHECK(runProcess({"true"}, "").ok());
  ProcessResult failed = runProcess({"sh", "-c", "exit 3"}, "");
  CHECK(failed.started);
  CHECK(failed.exitCode == 3);
  CHECK(failed.describe() == "exit 3");
  ProcessResult killed = runProcess({"sh", "-c", "kill -9 $$"}, "");
  CHECK(killed.signal == 9);
  CHECK(killed.describe() == "killed by signal 9");
  ProcessResult missing = runProcess({"no-such-program-ariadne"}, "");
  CHECK_FALSE(missing.started);
  CHECK(missing.describe() == "'no-such-program-ariadne' not found on PATH");
}

TEST_CASE("runProcess starts the child in a process group of its own, "
          "appends to the log and honours the working directory",
          "[process]") {
  std::string dir = scratchDir();
  std::string log = dir + "/log";
  { std::ofstream(log) << "before\n"; }
  // The child prints its process id, its group and its working directory.
  REQUIRE(runProcess({"sh", "-c",
                      "echo $$ $(cut -d' ' -f5 /proc/$$/stat) $(pwd); "
                      "echo oops >&2"},
                     log, dir)
              .ok());
  std::string text = slurp(log);
  REQUIRE(text.rfind("before\n", 0) == 0);
  std::istringstream fields(text.substr(7));
  long pid = 0, pgid = 0;
  std::string cwd, err;
  fields >> pid >> pgid >> cwd >> err;
  CHECK(pid == pgid);
  CHECK(pgid != long(getpgrp()));
  CHECK(cwd == dir);
  CHECK(err == "oops");
  CHECK(removeTree(dir));
}

TEST_CASE("children get the child temporary directory as TMPDIR and the "
          "rest of the environment unchanged",
          "[process]") {
  std::string dir = scratchDir(), scratch = scratchDir();
  std::string log = dir + "/log";
  const char *saved = std::getenv("TMPDIR");
  std::string before = saved ? saved : "";
  REQUIRE(::setenv("TMPDIR", dir.c_str(), 1) == 0);
  REQUIRE(::setenv("ARIADNE_PROCESS_TEST", "kept", 1) == 0);
  auto seen = [&] {
    REQUIRE(::truncate(log.c_str(), 0) == 0);
    REQUIRE(runProcess({"sh", "-c",
                        "echo \"$TMPDIR\" \"$ARIADNE_PROCESS_TEST\"; "
                        "env | grep -c '^TMPDIR='"},
                       log)
                .ok());
    return slurp(log);
  };
  { std::ofstream(log) << ""; }
  CHECK(childTempDirectory().empty());
  CHECK(seen() == dir + " kept\n1\n");
  setChildTempDirectory(scratch);
  CHECK(childTempDirectory() == scratch);
  // Replaced, not added beside the inherited one.
  CHECK(seen() == scratch + " kept\n1\n");
  setChildTempDirectory("");
  CHECK(seen() == dir + " kept\n1\n");
  // Set in a child even where ariadnec has none.
  REQUIRE(::unsetenv("TMPDIR") == 0);
  setChildTempDirectory(scratch);
  CHECK(seen() == scratch + " kept\n1\n");
  setChildTempDirectory("");
  if (saved)
    ::setenv("TMPDIR", before.c_str(), 1);
  ::unsetenv("ARIADNE_PROCESS_TEST");
  CHECK(removeTree(dir));
  CHECK(removeTree(scratch));
}

TEST_CASE("removeTree removes trees without following links", "[process]") {
  std::string dir = scratchDir(), outside = scratchDir();
  { std::ofstream(outside + "/keep") << "x"; }
  REQUIRE(::mkdir((dir + "/a").c_str(), 0755) == 0);
  REQUIRE(::mkdir((dir + "/a/b").c_str(), 0755) == 0);
  { std::ofstream(dir + "/a/b/file") << "x"; }
  REQUIRE(::symlink(outside.c_str(), (dir + "/a/link").c_str()) == 0);
  CHECK(removeTree(dir));
  CHECK_FALSE(exists(dir));
  CHECK(exists(outside + "/keep"));
  CHECK(removeTree(dir)); // already gone
  CHECK(removeTree(outside));
}

TEST_CASE("kernel names: C identifiers that clash with nothing", "[names]") {
  for (const char *good : {"neurotrigger", "net_2", "_1model", "Tracker"})
    CHECK(kernelNameProblem(good).empty());
  CHECK(kernelNameProblem("").find("empty") != std::string::npos);
  CHECK(kernelNameProblem("my-net") ==
        "the kernel name 'my-net' is not a C identifier");
  CHECK(kernelNameProblem("2net").find("not a C identifier") !=
        std::string::npos);
  for (const char *reserved : {"__restrict__", "_Bool", "a__b", "_"})
    CHECK(kernelNameProblem(reserved).find("reserved") != std::string::npos);
  for (const char *keyword : {"int", "class", "module", "wire", "threadIdx"})
    CHECK(kernelNameProblem(keyword).find("keyword") != std::string::npos);
  CHECK(kernelNameProblem("tanh").find("C library") != std::string::npos);
  for (const char *own : {"tb", "csim", "parameters", "weights", "ariadne"})
    CHECK(kernelNameProblem(own).find("packages use themselves") !=
          std::string::npos);
  CHECK(kernelNameProblem(std::string(201, 'a')).find("longer") !=
        std::string::npos);
}

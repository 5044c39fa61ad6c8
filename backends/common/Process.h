//===- Process.h - child processes and clean interruption -------*- C++ -*-===//
//
// The tools a target runs (cmake, the C++ compiler, nvcc, Verilator, Yosys)
// start in a process group of their own, so that an interrupted ariadnec can
// end them all: ariadnec is the only one that receives a terminal's Ctrl-C
// or a `kill`, and it passes the signal on to every group it started.
//
// On SIGINT, SIGTERM or SIGHUP a watcher thread ends the running children,
// removes every path registered with CleanupOnSignal (staging directories,
// partial files, scratch build trees) and exits with 128 + the signal.
// No LLVM or MLIR here: the plain unit tests cover it.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_PROCESS_H
#define ARIADNE_BACKENDS_COMMON_PROCESS_H

#include <string>
#include <vector>

namespace ariadne {

/// Interruption handling for the whole process: `install` (early in main)
/// sets handlers for the three signals that wake a watcher thread.
class CleanupOnSignal {
public:
  static void install();
  /// Registers a file or directory tree to remove on interruption; returns
  /// a handle for `release`.
  static int add(const std::string &path);
  /// Registers a directory to remove on interruption only if it is empty
  /// then (one made on the way to an output; others may have used it since).
  static int addEmptyDirectory(const std::string &path);
  /// Forgets a registration (the path was committed or removed).
  static void release(int handle);

  /// While one lives, an interruption waits: for steps that must not be
  /// cut in half (a commit's renames).
  class CriticalSection {
  public:
    CriticalSection();
    ~CriticalSection();
    CriticalSection(const CriticalSection &) = delete;
    CriticalSection &operator=(const CriticalSection &) = delete;
  };
};

/// The directory every child started from now on gets as TMPDIR, in place
/// of the one ariadnec inherited: a scratch directory's, so that the
/// temporary files of a compiler killed by an interruption go with the
/// scratch tree. Empty: children inherit ariadnec's TMPDIR.
void setChildTempDirectory(const std::string &path);
/// The directory set by setChildTempDirectory, or empty.
std::string childTempDirectory();

/// Removes a file or a directory tree without following symbolic links;
/// returns false if something could not be removed.
bool removeTree(const std::string &path);

/// The full path of `program` found on PATH (or `program` itself when it
/// holds a '/' and is executable); empty when not found.
std::string findProgram(const std::string &program);

struct ProcessResult {
  /// The program could not be started (not found, fork failed): `error`
  /// says why.
  bool started = false;
  int exitCode = -1;
  /// The signal that ended it, or 0.
  int signal = 0;
  std::string error;
  bool ok() const { return started && signal == 0 && exitCode == 0; }
  /// "exit 2", "killed by signal 9", or the start error.
  std::string describe() const;
};

/// Runs argv[0] (looked up on PATH) with `argv`, in its own process group,
/// its standard output and error appended to `log` (or inherited when
/// `log` is empty), its standard input /dev/null, in `cwd` when given,
/// with TMPDIR set to childTempDirectory() when that is set; waits for it.
ProcessResult runProcess(const std::vector<std::string> &argv,
                         const std::string &log, const std::string &cwd = "");

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_PROCESS_H

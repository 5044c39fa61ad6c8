//===- OutputFile.h - all-or-nothing output of the examples ---*- C++ -*-===//
//
// The example simulators write their CSV into a temporary file next to the
// output and rename it at the end, so that the output is either complete
// or untouched; without a file name they write to the standard output.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EXAMPLES_COMMON_OUTPUTFILE_H
#define ARIADNE_EXAMPLES_COMMON_OUTPUTFILE_H

#include <cstdio>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace ariadne::examples {

class OutputFile {
public:
  /// Opens a temporary file for `path` (the standard output where empty);
  /// false with a message on stderr, naming `tool`, when it cannot.
  bool open(const std::string &path, const char *tool) {
    this->tool = tool;
    output = path;
    if (path.empty()) {
      file = stdout;
      return true;
    }
    temporary = path + ".XXXXXX";
    int fd = mkstemp(&temporary[0]);
    file = fd < 0 ? nullptr : fdopen(fd, "w");
    if (!file) {
      if (fd >= 0) {
        close(fd);
        std::remove(temporary.c_str());
      }
      std::fprintf(stderr, "%s: error: cannot write %s\n", tool, path.c_str());
      return false;
    }
    // mkstemp makes the file private; give it the usual permissions.
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return true;
  }

  std::FILE *get() const { return file; }

  /// Flushes and moves the file into place; false with a message (and no
  /// file left behind) when writing failed.
  bool finish() {
    bool failed = std::fflush(file) != 0 || std::ferror(file);
    if (file != stdout) {
      if (std::fclose(file) != 0)
        failed = true;
      if (!failed && std::rename(temporary.c_str(), output.c_str()) != 0)
        failed = true;
      if (failed)
        std::remove(temporary.c_str());
    }
    if (failed)
      std::fprintf(stderr, "%s: error: cannot write %s\n", tool,
                   output.empty() ? "the standard output" : output.c_str());
    return !failed;
  }

private:
  const char *tool = "";
  std::string output, temporary;
  std::FILE *file = nullptr;
};

} // namespace ariadne::examples

#endif // ARIADNE_EXAMPLES_COMMON_OUTPUTFILE_H

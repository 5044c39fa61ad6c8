//===- StagedDirectory.h - all-or-nothing outputs ----------------*- C++
//-*-===//
//
// DESIGN.md's output safety. A command writes its output under a temporary
// sibling name and renames it into place only when everything succeeded, so
// a failure or an interruption never leaves a half-written package behind.
// A package directory carries a manifest of its files (kManifestName);
// `-o DIR` replaces only an empty directory or such a package that holds
// nothing the manifest does not list, and never a directory holding an
// input, the working directory, or a symbolic link. An output file that is
// a device, a FIFO or a link to one is written through, never replaced.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H
#define ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace ariadne {

/// The file ariadnec writes into every package: one relative path per line
/// of every file the package holds, after a comment line.
constexpr const char *kManifestName = "ariadnec-manifest.txt";

class StagedDirectory {
public:
  /// Creates an empty staging directory beside `finalPath` (creating its
  /// missing parents, removed again unless committed). Fails if `finalPath`
  /// may not be replaced, or holds one of `inputs`.
  static llvm::Expected<StagedDirectory>
  create(const std::string &finalPath,
         const std::vector<std::string> &inputs = {});
  StagedDirectory(StagedDirectory &&other) noexcept;
  StagedDirectory &operator=(StagedDirectory &&) = delete;
  /// Removes the staging directory, and the parents it created while they
  /// are empty, unless committed.
  ~StagedDirectory();

  const std::string &path() const { return staging_; }
  /// Writes the manifest and replaces `finalPath` (an earlier package, if
  /// any) by the staged directory.
  llvm::Error commit();

private:
  StagedDirectory(std::string finalPath, std::string staging,
                  std::vector<std::string> createdParents,
                  std::vector<int> parentCleanups,
                  std::vector<std::string> inputs);
  std::string final_, staging_;
  /// The parent directories create() made, topmost first, and their
  /// registrations for removal (while empty) on interruption.
  std::vector<std::string> createdParents_;
  std::vector<int> parentCleanups_;
  std::vector<std::string> inputs_;
  int cleanup_ = 0;
  bool done_ = false;
};

/// A file written all or nothing: a regular file (or a new one) is staged
/// beside it and renamed over it at commit; a device or FIFO, or a link to
/// one, is written through. An output that is one of `inputs` is refused.
class StagedFile {
public:
  static llvm::Expected<StagedFile>
  create(const std::string &finalPath,
         const std::vector<std::string> &inputs = {});
  StagedFile(StagedFile &&other) noexcept;
  StagedFile &operator=(StagedFile &&) = delete;
  ~StagedFile();

  /// Where to write.
  const std::string &path() const { return writePath_; }
  llvm::Error commit();

private:
  StagedFile(std::string target, std::string writePath);
  std::string target_, writePath_;
  int cleanup_ = 0;
  bool done_ = false;
};

/// A scratch directory (a build tree and its log, under TMPDIR) removed on
/// destruction and on interruption, unless kept: with --keep, or after a
/// failed step whose log the user should read. While it lives, the child
/// processes' TMPDIR is its `tmp` subdirectory (setChildTempDirectory), so
/// that a compiler killed mid-build leaves its temporary files there.
class ScratchDirectory {
public:
  static llvm::Expected<ScratchDirectory> create(const std::string &prefix,
                                                 bool keep);
  ScratchDirectory(ScratchDirectory &&other) noexcept;
  ScratchDirectory &operator=(ScratchDirectory &&) = delete;
  ~ScratchDirectory();

  const std::string &path() const { return path_; }
  bool kept() const { return keep_; }
  void keep() { keep_ = true; }

private:
  ScratchDirectory(std::string path, bool keep);
  /// The children's TMPDIR inside the scratch directory `path`.
  static std::string childTemp(const std::string &path) {
    return path + "/tmp";
  }
  std::string path_;
  bool keep_ = false;
  int cleanup_ = 0;
  /// The children's TMPDIR before this one, restored on destruction.
  std::string previousChildTemp_;
};

} // namespace ariadne

#endif // ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H

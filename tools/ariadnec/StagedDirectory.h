//===- StagedDirectory.h - all-or-nothing output directories ----*- C++ -*-===//
//
// A command writes its output directory under a temporary sibling name and
// renames it into place only when everything succeeded, so a failure never
// leaves a half-written package behind.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H
#define ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H

#include "llvm/Support/Error.h"

#include <string>

namespace ariadne {

class StagedDirectory {
public:
  /// Creates an empty staging directory beside `finalPath`. Fails if
  /// `finalPath` exists and is neither empty nor an ariadnec package, or
  /// holds the working directory.
  static llvm::Expected<StagedDirectory> create(const std::string &finalPath);
  StagedDirectory(StagedDirectory &&other) noexcept;
  StagedDirectory &operator=(StagedDirectory &&) = delete;
  /// Removes the staging directory unless it was committed.
  ~StagedDirectory();

  const std::string &path() const { return staging_; }
  /// Replaces `finalPath` (an earlier package, if any) by the staged
  /// directory.
  llvm::Error commit();

private:
  StagedDirectory(std::string finalPath, std::string staging)
      : final_(std::move(finalPath)), staging_(std::move(staging)) {}
  std::string final_, staging_;
  bool done_ = false;
};

/// A scratch directory (a build tree and its log) removed on destruction
/// unless kept: with --keep, or after a failed step whose log the user
/// should read.
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
  ScratchDirectory(std::string path, bool keep)
      : path_(std::move(path)), keep_(keep) {}
  std::string path_;
  bool keep_ = false;
};

} // namespace ariadne

#endif // ARIADNE_TOOLS_ARIADNEC_STAGEDDIRECTORY_H

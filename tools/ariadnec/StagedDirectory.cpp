//===- StagedDirectory.cpp - all-or-nothing output directories ------------===//
#include "tools/ariadnec/StagedDirectory.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace ariadne;

/// A directory may be replaced only if it is empty or a package ariadnec
/// wrote (it holds report.json), and never if the working directory lies
/// inside it: `-o .` or `-o models/` must not delete the user's files.
static llvm::Error checkReplaceable(llvm::StringRef path) {
  if (!llvm::sys::fs::exists(path))
    return llvm::Error::success();
  if (!llvm::sys::fs::is_directory(path))
    return llvm::createStringError(std::errc::file_exists,
                                   "%s: exists and is not a directory",
                                   path.str().c_str());
  llvm::SmallString<256> cwd, real;
  if (!llvm::sys::fs::current_path(cwd) &&
      !llvm::sys::fs::real_path(path, real) &&
      (cwd == real || llvm::StringRef(cwd).starts_with((real + "/").str())))
    return llvm::createStringError(
        std::errc::file_exists,
        "%s: is the working directory or contains it; choose another output "
        "directory",
        path.str().c_str());
  std::error_code ec;
  bool empty = llvm::sys::fs::directory_iterator(path, ec) ==
               llvm::sys::fs::directory_iterator();
  if (!empty && !llvm::sys::fs::exists(path + "/report.json"))
    return llvm::createStringError(
        std::errc::file_exists,
        "%s: exists and is not a package written by ariadnec; remove it or "
        "choose another output directory",
        path.str().c_str());
  return llvm::Error::success();
}

llvm::Expected<StagedDirectory>
StagedDirectory::create(const std::string &finalPath) {
  llvm::SmallString<256> absolute(finalPath);
  if (std::error_code ec = llvm::sys::fs::make_absolute(absolute))
    return llvm::createStringError(ec, "%s: %s", finalPath.c_str(),
                                   ec.message().c_str());
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  // Refuse before any work is done, and again at commit.
  if (llvm::Error err = checkReplaceable(absolute))
    return err;
  llvm::StringRef parent = llvm::sys::path::parent_path(absolute);
  if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
    if (std::error_code ec = llvm::sys::fs::create_directories(parent))
      return llvm::createStringError(ec, "%s: cannot create directory: %s",
                                     parent.str().c_str(),
                                     ec.message().c_str());
  std::string staging =
      (absolute + ".partial-" + llvm::Twine(llvm::sys::Process::getProcessId()))
          .str();
  llvm::sys::fs::remove_directories(staging);
  if (std::error_code ec = llvm::sys::fs::create_directory(staging))
    return llvm::createStringError(ec, "%s: cannot create directory: %s",
                                   staging.c_str(), ec.message().c_str());
  return StagedDirectory(std::string(absolute), staging);
}

StagedDirectory::StagedDirectory(StagedDirectory &&other) noexcept
    : final_(std::move(other.final_)), staging_(std::move(other.staging_)),
      done_(other.done_) {
  other.done_ = true;
}

StagedDirectory::~StagedDirectory() {
  if (!done_)
    llvm::sys::fs::remove_directories(staging_);
}

llvm::Error StagedDirectory::commit() {
  if (llvm::Error err = checkReplaceable(final_))
    return err;
  // Move an earlier package aside rather than deleting it first, so that a
  // failed rename leaves it in place.
  std::string previous;
  if (llvm::sys::fs::exists(final_)) {
    previous = final_ + ".previous-" +
               std::to_string(llvm::sys::Process::getProcessId());
    llvm::sys::fs::remove_directories(previous);
    if (std::error_code ec = llvm::sys::fs::rename(final_, previous))
      return llvm::createStringError(ec, "%s: cannot replace: %s",
                                     final_.c_str(), ec.message().c_str());
  }
  if (std::error_code ec = llvm::sys::fs::rename(staging_, final_)) {
    if (!previous.empty())
      llvm::sys::fs::rename(previous, final_);
    return llvm::createStringError(ec, "%s: cannot rename into place: %s",
                                   final_.c_str(), ec.message().c_str());
  }
  if (!previous.empty())
    llvm::sys::fs::remove_directories(previous);
  done_ = true;
  return llvm::Error::success();
}

llvm::Expected<ScratchDirectory>
ScratchDirectory::create(const std::string &prefix, bool keep) {
  llvm::SmallString<128> path;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(prefix, path))
    return llvm::createStringError(
        ec, "cannot create a temporary directory: %s", ec.message().c_str());
  return ScratchDirectory(std::string(path), keep);
}

ScratchDirectory::ScratchDirectory(ScratchDirectory &&other) noexcept
    : path_(std::move(other.path_)), keep_(other.keep_) {
  other.path_.clear();
}

ScratchDirectory::~ScratchDirectory() {
  if (!path_.empty() && !keep_)
    llvm::sys::fs::remove_directories(path_);
}

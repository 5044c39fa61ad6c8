//===- StagedDirectory.cpp - all-or-nothing output directories ------------===//
#include "tools/ariadnec/StagedDirectory.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace ariadne;

llvm::Expected<StagedDirectory>
StagedDirectory::create(const std::string &finalPath) {
  llvm::SmallString<256> absolute(finalPath);
  if (std::error_code ec = llvm::sys::fs::make_absolute(absolute))
    return llvm::createStringError(ec, "%s: %s", finalPath.c_str(),
                                   ec.message().c_str());
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  llvm::StringRef parent = llvm::sys::path::parent_path(absolute);
  if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
    if (std::error_code ec = llvm::sys::fs::create_directories(parent))
      return llvm::createStringError(ec, "%s: cannot create directory: %s",
                                     parent.str().c_str(),
                                     ec.message().c_str());
  std::string staging = (absolute + ".partial-" +
                         llvm::Twine(llvm::sys::Process::getProcessId()))
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
  if (llvm::sys::fs::exists(final_)) {
    if (!llvm::sys::fs::is_directory(final_))
      return llvm::createStringError(std::errc::file_exists,
                                     "%s: exists and is not a directory",
                                     final_.c_str());
    if (std::error_code ec = llvm::sys::fs::remove_directories(final_))
      return llvm::createStringError(ec, "%s: cannot replace: %s",
                                     final_.c_str(), ec.message().c_str());
  }
  if (std::error_code ec = llvm::sys::fs::rename(staging_, final_))
    return llvm::createStringError(ec, "%s: cannot rename into place: %s",
                                   final_.c_str(), ec.message().c_str());
  done_ = true;
  return llvm::Error::success();
}

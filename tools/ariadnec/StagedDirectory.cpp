//===- StagedDirectory.cpp - all-or-nothing outputs -----------------------===//
#include "tools/ariadnec/StagedDirectory.h"

#include "backends/common/Process.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace ariadne;

namespace {

llvm::Error refuse(const llvm::Twine &path, const llvm::Twine &reason) {
  return llvm::createStringError(std::errc::file_exists, "%s: %s",
                                 path.str().c_str(), reason.str().c_str());
}

std::string pid() { return std::to_string(llvm::sys::Process::getProcessId()); }

/// The absolute path with symbolic links resolved, or "" if it does not
/// exist.
std::string realPath(llvm::StringRef path) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real))
    return "";
  return std::string(real);
}

bool isInside(llvm::StringRef path, llvm::StringRef dir) {
  return path == dir || path.starts_with((dir + "/").str());
}

/// The files of the manifest in `dir`, or nullopt when it has none.
std::optional<llvm::StringSet<>> readManifest(llvm::StringRef dir) {
  auto buffer = llvm::MemoryBuffer::getFile(dir + "/" + kManifestName);
  if (!buffer)
    return std::nullopt;
  llvm::StringSet<> files;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines)
    if (!line.starts_with("#"))
      files.insert(line);
  files.insert(kManifestName);
  return files;
}

/// Every entry under `dir`, relative, without following links: regular
/// files, directories and anything else (`other`).
struct Listing {
  std::vector<std::string> files, directories, other;
};

Listing listTree(llvm::StringRef dir) {
  Listing listing;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator
           it(dir, ec, /*follow_symlinks=*/false),
       end;
       it != end && !ec; it.increment(ec)) {
    std::string relative = it->path().substr(dir.size() + 1);
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0)
      listing.other.push_back(relative);
    else if (S_ISREG(st.st_mode))
      listing.files.push_back(relative);
    else if (S_ISDIR(st.st_mode))
      listing.directories.push_back(relative);
    else
      listing.other.push_back(relative);
  }
  if (ec)
    listing.other.push_back("(unreadable: " + ec.message() + ")");
  return listing;
}

/// Whether `path` may become an output directory: absent, or an empty
/// directory, or a package ariadnec wrote that holds nothing its manifest
/// does not list; never a link, the working directory or a directory that
/// holds it, or a directory holding one of `inputs`.
llvm::Error checkReplaceable(llvm::StringRef path,
                             const std::vector<std::string> &inputs) {
  struct stat st;
  if (::lstat(path.str().c_str(), &st) != 0)
    return llvm::Error::success();
  if (S_ISLNK(st.st_mode))
    return refuse(path, "is a symbolic link; give the directory itself");
  if (!S_ISDIR(st.st_mode))
    return refuse(path, "exists and is not a directory");
  std::string real = realPath(path);
  llvm::SmallString<256> cwd;
  if (!llvm::sys::fs::current_path(cwd) && isInside(realPath(cwd), real))
    return refuse(path, "is the working directory or contains it; choose "
                        "another output directory");
  for (const std::string &input : inputs) {
    std::string in = realPath(input);
    if (!in.empty() && isInside(in, real))
      return refuse(path, "holds the input " + input +
                              "; choose another output directory");
  }
  Listing listing = listTree(path);
  if (listing.files.empty() && listing.directories.empty() &&
      listing.other.empty())
    return llvm::Error::success();
  std::optional<llvm::StringSet<>> manifest = readManifest(path);
  if (!manifest)
    return refuse(path, llvm::Twine("exists and is not a package written by "
                                    "ariadnec (it has no ") +
                            kManifestName +
                            "); remove it or choose another output directory");
  if (!listing.other.empty())
    return refuse(path, "holds " + listing.other.front() +
                            ", which is not a regular file; remove it or "
                            "choose another output directory");
  for (const std::string &file : listing.files)
    if (!manifest->contains(file))
      return refuse(path, "holds " + file +
                              ", which is not part of the package ariadnec "
                              "wrote; remove it or choose another output "
                              "directory");
  return llvm::Error::success();
}

llvm::Error writeManifest(llvm::StringRef dir) {
  Listing listing = listTree(dir);
  std::vector<std::string> files = listing.files;
  std::sort(files.begin(), files.end());
  std::error_code ec;
  llvm::raw_fd_ostream os((dir + "/" + kManifestName).str(), ec);
  if (ec)
    return llvm::createStringError(ec, "%s: cannot write the manifest: %s",
                                   dir.str().c_str(), ec.message().c_str());
  os << "# written by ariadnec: the files of this package. ariadnec -o "
        "replaces this directory only while it holds nothing else.\n";
  for (const std::string &file : files)
    os << file << "\n";
  return llvm::Error::success();
}

/// `base`, or `base` + "-N" for the first N (from 1) that names nothing:
/// never a path someone else made.
std::string freePath(const std::string &base) {
  std::string candidate = base;
  struct stat st;
  for (int n = 1; ::lstat(candidate.c_str(), &st) == 0; ++n)
    candidate = base + "-" + std::to_string(n);
  return candidate;
}

std::string absolutePath(const std::string &path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return std::string(absolute);
}

} // namespace

StagedDirectory::StagedDirectory(std::string finalPath, std::string staging,
                                 std::vector<std::string> createdParents,
                                 std::vector<int> parentCleanups,
                                 std::vector<std::string> inputs)
    : final_(std::move(finalPath)), staging_(std::move(staging)),
      createdParents_(std::move(createdParents)),
      parentCleanups_(std::move(parentCleanups)), inputs_(std::move(inputs)) {}

llvm::Expected<StagedDirectory>
StagedDirectory::create(const std::string &finalPath,
                        const std::vector<std::string> &inputs) {
  std::string absolute = absolutePath(finalPath);
  // Refuse before any work is done, and again at commit.
  if (llvm::Error err = checkReplaceable(absolute, inputs))
    return err;
  // The parents that do not exist yet, topmost first: removed again on
  // failure or interruption, but only while empty (others may use them by
  // then).
  std::vector<std::string> createdParents;
  for (llvm::StringRef parent = llvm::sys::path::parent_path(absolute);
       !parent.empty() && !llvm::sys::fs::exists(parent);
       parent = llvm::sys::path::parent_path(parent))
    createdParents.insert(createdParents.begin(), parent.str());
  std::vector<int> parentCleanups;
  auto undoParents = [&] {
    for (auto it = createdParents.rbegin(); it != createdParents.rend(); ++it)
      ::rmdir(it->c_str());
    for (int handle : parentCleanups)
      CleanupOnSignal::release(handle);
  };
  for (const std::string &dir : createdParents) {
    parentCleanups.push_back(CleanupOnSignal::addEmptyDirectory(dir));
    if (std::error_code ec = llvm::sys::fs::create_directory(dir)) {
      undoParents();
      return llvm::createStringError(ec, "%s: cannot create directory: %s",
                                     dir.c_str(), ec.message().c_str());
    }
  }
  std::string staging = freePath(absolute + ".partial-" + pid());
  int cleanup = CleanupOnSignal::add(staging);
  if (std::error_code ec = llvm::sys::fs::create_directory(staging)) {
    CleanupOnSignal::release(cleanup);
    undoParents();
    return llvm::createStringError(ec, "%s: cannot create directory: %s",
                                   staging.c_str(), ec.message().c_str());
  }
  StagedDirectory result(absolute, staging, createdParents, parentCleanups,
                         inputs);
  result.cleanup_ = cleanup;
  return result;
}

StagedDirectory::StagedDirectory(StagedDirectory &&other) noexcept
    : final_(std::move(other.final_)), staging_(std::move(other.staging_)),
      createdParents_(std::move(other.createdParents_)),
      parentCleanups_(std::move(other.parentCleanups_)),
      inputs_(std::move(other.inputs_)), cleanup_(other.cleanup_),
      done_(other.done_) {
  other.done_ = true;
  other.cleanup_ = 0;
  other.parentCleanups_.clear();
}

StagedDirectory::~StagedDirectory() {
  if (!done_) {
    removeTree(staging_);
    for (auto it = createdParents_.rbegin(); it != createdParents_.rend(); ++it)
      ::rmdir(it->c_str());
  }
  CleanupOnSignal::release(cleanup_);
  for (int handle : parentCleanups_)
    CleanupOnSignal::release(handle);
}

llvm::Error StagedDirectory::commit() {
  if (llvm::Error err = checkReplaceable(final_, inputs_))
    return err;
  if (llvm::Error err = writeManifest(staging_))
    return err;
  // The renames are not cut in half by an interruption: it waits for them.
  CleanupOnSignal::CriticalSection whole;
  // Move an earlier package aside rather than deleting it first, so that a
  // failed rename leaves it in place.
  std::string previous;
  if (llvm::sys::fs::exists(final_)) {
    previous = freePath(final_ + ".previous-" + pid());
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
    removeTree(previous);
  // The output is in place: the parents made for it are the user's now.
  done_ = true;
  return llvm::Error::success();
}

StagedFile::StagedFile(std::string target, std::string writePath)
    : target_(std::move(target)), writePath_(std::move(writePath)) {
  if (writePath_ != target_)
    cleanup_ = CleanupOnSignal::add(writePath_);
}

llvm::Expected<StagedFile>
StagedFile::create(const std::string &finalPath,
                   const std::vector<std::string> &inputs) {
  // What the path is, following links: a device, a FIFO or the stream
  // behind /dev/stdout or /proc/self/fd/N is written through the path as
  // given; a regular file is staged beside it (beside the file a link
  // points to, the link kept).
  struct stat st;
  if (::stat(finalPath.c_str(), &st) != 0) {
    struct stat link;
    if (::lstat(finalPath.c_str(), &link) == 0)
      return refuse(finalPath, "is a symbolic link to nothing; give the "
                               "file itself");
    return StagedFile(finalPath, freePath(finalPath + ".partial-" + pid()));
  }
  if (S_ISDIR(st.st_mode))
    return refuse(finalPath, "is a directory; give a file");
  llvm::StringRef given(finalPath);
  if (!S_ISREG(st.st_mode) || given.starts_with("/dev/") ||
      given.starts_with("/proc/"))
    return StagedFile(finalPath, finalPath);
  for (const std::string &input : inputs)
    if (llvm::sys::fs::equivalent(finalPath, input))
      return refuse(finalPath,
                    "is the input " + input + "; write to another file");
  std::string target = realPath(finalPath);
  return StagedFile(target, freePath(target + ".partial-" + pid()));
}

StagedFile::StagedFile(StagedFile &&other) noexcept
    : target_(std::move(other.target_)),
      writePath_(std::move(other.writePath_)), cleanup_(other.cleanup_),
      done_(other.done_) {
  other.done_ = true;
  other.cleanup_ = 0;
}

StagedFile::~StagedFile() {
  if (!done_ && writePath_ != target_) {
    llvm::sys::fs::remove(writePath_);
    CleanupOnSignal::release(cleanup_);
  }
}

llvm::Error StagedFile::commit() {
  if (writePath_ != target_) {
    if (std::error_code ec = llvm::sys::fs::rename(writePath_, target_))
      return llvm::createStringError(ec, "%s: cannot write: %s",
                                     target_.c_str(), ec.message().c_str());
    CleanupOnSignal::release(cleanup_);
  }
  done_ = true;
  return llvm::Error::success();
}

ScratchDirectory::ScratchDirectory(std::string path, bool keep)
    : path_(std::move(path)), keep_(keep) {
  // Removed on interruption unless the user asked to keep it.
  if (!keep_)
    cleanup_ = CleanupOnSignal::add(path_);
  previousChildTemp_ = childTempDirectory();
  setChildTempDirectory(childTemp(path_));
}

llvm::Expected<ScratchDirectory>
ScratchDirectory::create(const std::string &prefix, bool keep) {
  llvm::SmallString<128> path;
  // Under TMPDIR (or /tmp).
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(prefix, path))
    return llvm::createStringError(
        ec, "cannot create a temporary directory: %s", ec.message().c_str());
  std::string tmp = childTemp(std::string(path));
  if (::mkdir(tmp.c_str(), 0700) != 0) {
    std::string reason = std::strerror(errno);
    removeTree(std::string(path));
    return llvm::createStringError(std::errc::io_error, "%s: cannot create: %s",
                                   tmp.c_str(), reason.c_str());
  }
  return ScratchDirectory(std::string(path), keep);
}

ScratchDirectory::ScratchDirectory(ScratchDirectory &&other) noexcept
    : path_(std::move(other.path_)), keep_(other.keep_),
      cleanup_(other.cleanup_),
      previousChildTemp_(std::move(other.previousChildTemp_)) {
  other.path_.clear();
  other.cleanup_ = 0;
}

ScratchDirectory::~ScratchDirectory() {
  if (!path_.empty() && childTempDirectory() == childTemp(path_))
    setChildTempDirectory(previousChildTemp_);
  if (!path_.empty() && !keep_)
    removeTree(path_);
  CleanupOnSignal::release(cleanup_);
}

//===- PackageFiles.cpp - writing the files of a generated package --------===//
#include "backends/common/PackageFiles.h"

#include "backends/common/Resources.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace ariadne {

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}
} // namespace

llvm::Error writePackageFile(llvm::StringRef dir, llvm::StringRef name,
                             llvm::StringRef contents) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  llvm::StringRef parent = llvm::sys::path::parent_path(path);
  if (std::error_code ec = llvm::sys::fs::create_directories(parent))
    return makeError("cannot create " + parent + ": " + ec.message());
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write " + path + ": " + ec.message());
  os << contents;
  os.close();
  if (os.has_error())
    return makeError("cannot write " + path + ": " + os.error().message());
  return llvm::Error::success();
}

llvm::Expected<std::string> fillResource(const std::string &path,
                                         const TemplateSlots &slots) {
  const Resource *resource = findResource(path);
  if (!resource)
    return makeError("the compiler lacks its resource " + path);
  std::string result, error;
  if (!fillTemplate(path, resource->text(), slots, result, error))
    return makeError(error);
  return result;
}

llvm::Error writeTemplatedFiles(llvm::StringRef dir,
                                llvm::ArrayRef<TemplatedFile> files) {
  for (const TemplatedFile &file : files) {
    llvm::Expected<std::string> text = fillResource(file.resource, *file.slots);
    if (!text)
      return text.takeError();
    if (llvm::Error err = writePackageFile(dir, file.file, *text))
      return err;
  }
  return llvm::Error::success();
}

llvm::Error copyRuntimeHeaders(llvm::StringRef dir, llvm::StringRef subdir,
                               llvm::ArrayRef<llvm::StringRef> only) {
  std::vector<const Resource *> headers = resourcesUnder("runtime/ariadne/");
  if (headers.empty())
    return makeError("the compiler lacks its runtime headers");
  size_t copied = 0;
  for (const Resource *header : headers) {
    llvm::StringRef name = llvm::sys::path::filename(header->path);
    if (!only.empty() && !llvm::is_contained(only, name))
      continue;
    llvm::SmallString<128> path(subdir);
    llvm::sys::path::append(path, name);
    if (llvm::Error err = writePackageFile(
            dir, path, llvm::StringRef(header->data, header->size)))
      return err;
    ++copied;
  }
  if (!only.empty() && copied != only.size())
    return makeError("the compiler lacks some of its runtime headers");
  return llvm::Error::success();
}

std::string fileBanner(llvm::StringRef file, llvm::StringRef description,
                       BannerStyle style) {
  bool c = style == BannerStyle::C;
  std::string head = (c ? "/*===- " : "//===- ") + file.str() + " - " +
                     description.str() + " ";
  std::string tail = c                            ? "-*- C -*-===*\\"
                     : style == BannerStyle::Cuda ? "-*- CUDA -*-===//"
                                                  : "-*- C++ -*-===//";
  size_t used = head.size() + tail.size();
  return head + std::string(used < 80 ? 80 - used : 1, '-') + tail;
}

} // namespace ariadne

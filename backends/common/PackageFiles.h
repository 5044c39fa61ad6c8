//===- PackageFiles.h - writing the files of a generated package -*- C++
//-*-===//
//
// What every backend does to write its output: fill an embedded template,
// write a file (creating its folder), and start a file with the LLVM-style
// banner line.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_PACKAGEFILES_H
#define ARIADNE_BACKENDS_COMMON_PACKAGEFILES_H

#include "backends/common/Template.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace ariadne {

/// Writes `contents` to `dir`/`name`, creating the folders on the way.
llvm::Error writePackageFile(llvm::StringRef dir, llvm::StringRef name,
                             llvm::StringRef contents);

/// The embedded template `path` ("templates/cpp/tb.cpp") with its slots
/// filled.
llvm::Expected<std::string> fillResource(const std::string &path,
                                         const TemplateSlots &slots);

/// A file of a package, filled from an embedded template.
struct TemplatedFile {
  std::string file;     // path in the package
  std::string resource; // the template ("templates/cpp/tb.cpp")
  const TemplateSlots *slots;
};

/// Fills and writes each file into `dir`.
llvm::Error writeTemplatedFiles(llvm::StringRef dir,
                                llvm::ArrayRef<TemplatedFile> files);

/// Copies the embedded runtime headers (runtime/ariadne/) into
/// `dir`/`subdir`: every one, or only those named (file names).
llvm::Error copyRuntimeHeaders(llvm::StringRef dir, llvm::StringRef subdir,
                               llvm::ArrayRef<llvm::StringRef> only = {});

/// The comment style of a banner: `//===- ... -*- C++ -*-===//`, the same
/// for CUDA, or a C block comment `/*===- ... -*- C -*-===*\`.
enum class BannerStyle { Cpp, Cuda, C };

/// The first line of a generated file, 80 columns wide where the name
/// allows.
std::string fileBanner(llvm::StringRef file, llvm::StringRef description,
                       BannerStyle style = BannerStyle::Cpp);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_PACKAGEFILES_H

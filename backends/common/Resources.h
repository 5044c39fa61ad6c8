//===- Resources.h - files embedded into the compiler -----------*- C++ -*-===//
//
// The runtime headers (runtime/ariadne/) and the file skeletons
// (templates/) are compiled into ariadnec as data, so that it writes
// complete packages from any working directory without its source tree.
// The build generates the table from the files (EmbedResources.cmake).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_RESOURCES_H
#define ARIADNE_BACKENDS_COMMON_RESOURCES_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne {

struct Resource {
  /// Path relative to the source root, e.g. "templates/cpp/tb.cpp".
  const char *path;
  const char *data;
  std::size_t size;

  std::string text() const { return std::string(data, size); }
};

/// Every embedded file, sorted by path.
const std::vector<Resource> &embeddedResources();

/// The embedded file at `path`, or null.
const Resource *findResource(const std::string &path);

/// The embedded files whose path starts with `prefix` (a folder with its
/// trailing '/').
std::vector<const Resource *> resourcesUnder(const std::string &prefix);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_RESOURCES_H

//===- Resources.cpp - files embedded into the compiler -------------------===//
#include "backends/common/Resources.h"

namespace ariadne {

const Resource *findResource(const std::string &path) {
  for (const Resource &resource : embeddedResources())
    if (path == resource.path)
      return &resource;
  return nullptr;
}

std::vector<const Resource *> resourcesUnder(const std::string &prefix) {
  std::vector<const Resource *> found;
  for (const Resource &resource : embeddedResources())
    if (std::string(resource.path).compare(0, prefix.size(), prefix) == 0)
      found.push_back(&resource);
  return found;
}

} // namespace ariadne

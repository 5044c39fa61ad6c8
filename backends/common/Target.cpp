//===- Target.cpp - the target registry -----------------------------------===//
#include "backends/common/Target.h"

using namespace ariadne;

namespace {
std::vector<std::unique_ptr<Target>> &registry() {
  static std::vector<std::unique_ptr<Target>> targets;
  return targets;
}
} // namespace

llvm::Error Target::synthesize(const TargetJob &, llvm::StringRef,
                               llvm::StringRef, llvm::raw_ostream &) const {
  return llvm::createStringError(std::errc::invalid_argument,
                                 "--synth is not an option of the %s target",
                                 name().str().c_str());
}

void TargetRegistry::add(std::unique_ptr<Target> target) {
  if (!lookup(target->name()))
    registry().push_back(std::move(target));
}

const Target *TargetRegistry::lookup(llvm::StringRef name) {
  for (const auto &target : registry())
    if (target->name() == name)
      return target.get();
  return nullptr;
}

std::vector<const Target *> TargetRegistry::all() {
  std::vector<const Target *> targets;
  for (const auto &target : registry())
    targets.push_back(target.get());
  return targets;
}

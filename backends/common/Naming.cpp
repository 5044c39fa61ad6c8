//===- Naming.cpp - identifiers, locations and errors of every target -----===//
#include "backends/common/Naming.h"

#include "passes/NN/NNOps.h"

#include <cctype>

using namespace mlir;

namespace ariadne {

int64_t product(ArrayRef<int64_t> shape) { return nn::elementCount(shape); }

std::string sanitizeIdentifier(StringRef text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0])))
    out = "n" + out;
  return out;
}

std::string locationName(Location loc) {
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      if (std::string name = locationName(part); !name.empty())
        return name;
  if (auto callSite = llvm::dyn_cast<CallSiteLoc>(loc))
    return locationName(callSite.getCallee());
  return "";
}

std::string IdentifierTable::unique(StringRef base) {
  std::string name = sanitizeIdentifier(base);
  if (name.empty())
    name = "v";
  std::string candidate = name;
  for (int i = 2; used.contains(candidate); ++i)
    candidate = name + "_" + std::to_string(i);
  used.insert(candidate);
  return candidate;
}

std::string IdentifierTable::identifier(Operation *op) {
  std::string name = locationName(op->getLoc());
  return unique(name.empty() ? op->getName().stripDialect() : StringRef(name));
}

std::string IdentifierTable::layerName(Operation *op) {
  std::string name = locationName(op->getLoc());
  return name.empty() ? op->getName().getStringRef().str() : name;
}

std::string locationFile(Location loc) {
  if (auto file = llvm::dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str();
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return locationFile(name.getChildLoc());
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      if (std::string file = locationFile(part); !file.empty())
        return file;
  if (auto callSite = llvm::dyn_cast<CallSiteLoc>(loc))
    return locationFile(callSite.getCallee());
  return "";
}

std::string describeLocation(Location loc) {
  std::string file = locationFile(loc);
  std::string where = file;
  if (auto fileLoc = llvm::dyn_cast<FileLineColLoc>(loc))
    if (fileLoc.getLine() != 0)
      where += ":" + std::to_string(fileLoc.getLine()) + ":" +
               std::to_string(fileLoc.getColumn());
  std::string node = locationName(loc);
  if (!node.empty())
    where += (where.empty() ? "" : ": ") + ("node '" + node + "'");
  return where;
}

FirstErrorCapture::FirstErrorCapture(MLIRContext *context)
    : handler(context, [this](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error && first.empty()) {
          std::string where = describeLocation(diag.getLocation());
          first = (where.empty() ? "" : where + ": ") + diag.str();
        }
        return success();
      }) {}

llvm::Error FirstErrorCapture::take(StringRef fallback) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 first.empty() ? fallback.str() : first);
}

} // namespace ariadne

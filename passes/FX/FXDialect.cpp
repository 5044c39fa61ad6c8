//===- FXDialect.cpp - the fx dialect -------------------------------------===//
#include "passes/FX/FXDialect.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/FXTypes.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace ariadne::fx;

#include "passes/FX/FXDialect.cpp.inc"

void FXDialect::initialize() {
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "passes/FX/FXOps.cpp.inc"
      >();
}

Type FXDialect::parseType(DialectAsmParser &parser) const {
  SMLoc loc = parser.getCurrentLocation();
  StringRef keyword;
  if (parser.parseKeyword(&keyword))
    return {};
  if (keyword == "fixed" || keyword == "ufixed")
    return FixedType::parse(parser, /*isSigned=*/keyword == "fixed");
  parser.emitError(loc, "unknown fx type '") << keyword << "' (fixed, ufixed)";
  return {};
}

void FXDialect::printType(Type type, DialectAsmPrinter &printer) const {
  llvm::cast<FixedType>(type).print(printer);
}

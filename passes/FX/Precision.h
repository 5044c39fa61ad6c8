//===- Precision.h - the --precision spelling of a type ---------*- C++ -*-===//
//
// The spelling users give on the command line and in configuration files:
// `fixed<16,6>`, `fixed<12,4,RND,SAT>`, `ufixed<8,0>` (blanks allowed), the
// names of the runtime's ariadne::fixed and ariadne::ufixed. `float` and
// `auto` are the driver's business, not a type.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_FX_PRECISION_H
#define ARIADNE_PASSES_FX_PRECISION_H

#include "passes/FX/FXTypes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace ariadne::fx {

/// The type `text` spells, or failure with a one-line reason in `error`
/// that quotes what was wrong. Loads the fx dialect into `context`.
mlir::FailureOr<FixedType> parsePrecision(llvm::StringRef text,
                                          mlir::MLIRContext *context,
                                          std::string &error);

/// The spelling of `type` that parsePrecision reads back: no blanks, and
/// the default modes (TRN, WRAP) left out where the position allows.
std::string formatPrecision(FixedType type);

} // namespace ariadne::fx

#endif // ARIADNE_PASSES_FX_PRECISION_H

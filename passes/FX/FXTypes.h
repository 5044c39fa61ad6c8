//===- FXTypes.h - fx dialect types -----------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_FX_FXTYPES_H
#define ARIADNE_PASSES_FX_FXTYPES_H

#include "ariadne/fixed_bits.h"
#include "passes/FX/FXDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

#define GET_TYPEDEF_CLASSES
#include "passes/FX/FXTypes.h.inc"

namespace ariadne::fx {

/// The keywords of the modes, as ap_fixed spells them without `AP_`.
llvm::StringRef stringifyQuantMode(QuantMode mode);
llvm::StringRef stringifyOverflowMode(OverflowMode mode);
std::optional<QuantMode> symbolizeQuantMode(llvm::StringRef keyword);
std::optional<OverflowMode> symbolizeOverflowMode(llvm::StringRef keyword);

/// The mode a keyword of a type names, in the place it stands (the
/// quantization mode comes first, as in ap_fixed's template arguments), or
/// in `error` why it names none: an unknown keyword, with the list of those
/// known, or a mode of the other kind.
mlir::FailureOr<QuantMode> parseQuantKeyword(llvm::StringRef keyword,
                                             std::string &error);
mlir::FailureOr<OverflowMode> parseOverflowKeyword(llvm::StringRef keyword,
                                                   std::string &error);

/// Why W and I cannot make a fixed-point type, or nothing when they can.
/// The one check behind the type's verifier, its parser and the
/// command-line parser, taken wide so that any number a user writes
/// reaches it unchanged.
std::optional<std::string> checkFixedWidths(int64_t width, int64_t intWidth);

} // namespace ariadne::fx

#endif // ARIADNE_PASSES_FX_FXTYPES_H

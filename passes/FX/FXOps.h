//===- FXOps.h - fx dialect operations --------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_FX_FXOPS_H
#define ARIADNE_PASSES_FX_FXOPS_H

#include "passes/FX/FXDialect.h"
#include "passes/FX/FXTypes.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "passes/FX/FXOps.h.inc"

namespace ariadne::fx {

/// On fx.table (and for the two tables of fx.softmax): the largest
/// difference between the function and the entry an input reads, in real
/// units, over the input range the table covers (an F64 attribute that
/// fx-lower sets and compile reports).
inline constexpr llvm::StringLiteral kTableErrorAttr = "fx.max_error";
inline constexpr llvm::StringLiteral kExpTableErrorAttr = "fx.exp_max_error";
inline constexpr llvm::StringLiteral kInvTableErrorAttr = "fx.inv_max_error";

/// The fixed-point element type of a ranked tensor value.
FixedType elementTypeOf(mlir::Value value);

/// The raw integers an i64 elements attribute of an fx op holds.
llvm::SmallVector<int64_t> rawValuesOf(mlir::ElementsAttr attr);

} // namespace ariadne::fx

#endif // ARIADNE_PASSES_FX_FXOPS_H

//===- NNOps.h - nn dialect operations --------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_NN_NNOPS_H
#define ARIADNE_PASSES_NN_NNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "passes/NN/NNDialect.h"

#include "passes/NN/NNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "passes/NN/NNAttrs.h.inc"

#define GET_OP_CLASSES
#include "passes/NN/NNOps.h.inc"

namespace ariadne::nn {

/// A unit attribute on the ops of a decomposed layer whose intermediate
/// values fixed point keeps exact (a layer norm's sums and squares): no
/// precision is assigned to them and no cast follows them; the layer's
/// last op casts once. Float passes must not fold these ops away.
inline constexpr llvm::StringLiteral kExactAttr = "nn.exact";

/// A unit attribute on the ops (and function arguments) whose result is an
/// index tensor: integers (the model's int32/int64 inputs and what data
/// movement makes of them) that only gathers and scatters read. They are
/// never quantized: fixed point gives them the integral type kIndexType.
inline constexpr llvm::StringLiteral kIndexAttr = "nn.index";

/// The bits of an index in fixed point: fixed<32,32,TRN,SAT>, so that an
/// input beyond 32 bits saturates and stays outside every axis.
inline constexpr int kIndexBits = 32;

/// The numpy broadcast of two shapes (dynamic dimensions as
/// ShapedType::kDynamic), or failure when they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The number of elements of a static shape.
int64_t elementCount(llvm::ArrayRef<int64_t> shape);

/// The strides of a static shape in C order.
llvm::SmallVector<int64_t, 4> stridesOf(llvm::ArrayRef<int64_t> shape);

/// Evaluates an activation on one float value, in double precision; the one
/// definition of the activation formulas that passes and tests share.
double evalActivation(ActivationKind kind, double alpha, double beta, double x);

} // namespace ariadne::nn

#endif // ARIADNE_PASSES_NN_NNOPS_H

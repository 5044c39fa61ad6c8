//===- Layers.h - what the quantization passes know of nn ops ---*- C++ -*-===//
//
// The names and kinds under which a config file addresses the layers of an
// nn function, and helpers both quantization passes share.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_QUANT_LAYERS_H
#define ARIADNE_PASSES_QUANT_LAYERS_H

#include "passes/FX/FXTypes.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace ariadne::quant {

/// The ONNX node names of an op, in the order of its location (a fused
/// dense layer names the dense node first, then the activation's).
llvm::SmallVector<std::string, 2> layerNames(mlir::Operation *op);

/// The model input names, as the importer records them (`nn.name`).
std::string inputName(mlir::func::FuncOp fn, unsigned index);

/// The index tensors of `fn`: its arguments marked nn.index and what
/// reshapes, transposes, slices and concatenations make of them. They are
/// never quantized: fixed point gives them indexType().
llvm::DenseSet<mlir::Value> indexValues(mlir::func::FuncOp fn);

/// The type of an index in fixed point: fixed<32,32,TRN,SAT>.
fx::FixedType indexType(mlir::MLIRContext *context);

/// The config's type name of an activation ("tanh", "leaky_relu", ...).
llvm::StringRef activationTypeName(nn::ActivationKind kind);

/// Whether an activation is computed by a lookup table in fixed point.
bool isTableActivation(nn::ActivationKind kind);

/// The least fixed-point type of `width` bits whose range holds [lo, hi]
/// (unsigned when lo >= 0), with the given modes; null when no type of
/// that width can (a range beyond 2^(2^20)).
fx::FixedType typeForRange(mlir::MLIRContext *context, double lo, double hi,
                           int width, QuantMode quant, OverflowMode overflow);

/// A batch normalization as y = x * scale[c] + offset[c] per channel c,
/// computed in double from its constant parameters; failure (with an error
/// on the op) when a parameter is not a constant or the input's channel
/// axis (1) is not its last (the layout fx.scale computes).
struct ChannelAffine {
  llvm::SmallVector<double> scale, offset;
  /// The channels are axis 1 of [N, C, spatial...] (a feature map) rather
  /// than the last axis.
  bool channelsFirst = false;
};
mlir::FailureOr<ChannelAffine> batchNormAffine(nn::BatchNormOp op);

/// Whether `op` is an nn.add, sub, mul or div with one constant operand.
bool hasConstantOperand(mlir::Operation *op);

/// An nn.add, sub, mul or div of an activation and a constant as y = x *
/// scale[c] + offset[c] along the result's last axis, or along axis 1 of a
/// feature map [N, C, spatial...] (`channelsFirst`; `scale` and `offset`
/// hold one value per channel, or one for all; `offset` is empty for a
/// product): x + c, x - c, c - x, x * c, x / c. Failure, with an error on
/// the op, when the constant is not f32, varies along another axis,
/// broadcasts the activation to a larger shape, or divides by the
/// activation.
struct ConstantAffine {
  mlir::Value input;
  ChannelAffine affine;
};
mlir::FailureOr<ConstantAffine> constantAffine(mlir::Operation *op);

} // namespace ariadne::quant

#endif // ARIADNE_PASSES_QUANT_LAYERS_H

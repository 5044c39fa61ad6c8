//===- HardwareBoundary.h - the ports of a hardware target ------*- C++ -*-===//
//
// The hardware targets (hls, verilog) take a quantized function whose
// inputs enter through one fx.quantize each and whose outputs leave
// through an fx.dequantize: their ports carry the raw integers of those
// fixed-point types. This checks that shape once and describes the ports.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_HARDWAREBOUNDARY_H
#define ARIADNE_BACKENDS_COMMON_HARDWAREBOUNDARY_H

#include "passes/FX/FXTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ariadne {

/// A model input or output at the boundary.
struct BoundaryTensor {
  /// The ONNX name (`nn.name`), or inputN / outputN.
  std::string name;
  /// The fixed-point type of its raw integers.
  fx::FixedType type;
  /// Inside the function: the quantized input (fx.quantize's result), or
  /// the output before fx.dequantize.
  mlir::Value value;
  /// Elements per event.
  int64_t size = 0;
};

struct HardwareBoundary {
  mlir::func::FuncOp fn;
  std::vector<BoundaryTensor> inputs, outputs;
};

/// The boundary of the one function of `module`, or an error that starts
/// with "`target` target:" and says what is missing (a function body,
/// quantization, an fx.quantize or fx.dequantize).
llvm::Expected<HardwareBoundary> hardwareBoundary(mlir::ModuleOp module,
                                                  llvm::StringRef target);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_HARDWAREBOUNDARY_H

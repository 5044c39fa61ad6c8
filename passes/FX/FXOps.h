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

#endif // ARIADNE_PASSES_FX_FXOPS_H

//===- FXDialect.h - the fx dialect -----------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_FX_FXDIALECT_H
#define ARIADNE_PASSES_FX_FXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "passes/FX/FXDialect.h.inc"

#endif // ARIADNE_PASSES_FX_FXDIALECT_H

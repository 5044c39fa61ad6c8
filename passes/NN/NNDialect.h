//===- NNDialect.h - the nn dialect -----------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_NN_NNDIALECT_H
#define ARIADNE_PASSES_NN_NNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "passes/NN/NNOpsDialect.h.inc"

#endif // ARIADNE_PASSES_NN_NNDIALECT_H

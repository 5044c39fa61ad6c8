//===- TableReport.h - lookup tables of a quantized function ---*- C++ -*-===//
//
// Every target's report.json lists the tables of the function it compiled
// (fx.table, and the exp and reciprocal tables of fx.softmax): their
// function, entries, entry type and largest error, which `compile` prints
// too.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_TABLEREPORT_H
#define ARIADNE_BACKENDS_COMMON_TABLEREPORT_H

#include "passes/FX/FXTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace ariadne {

struct TableInfo {
  /// The layer (the op's name location), and the tabulated function.
  std::string layer, function;
  int64_t entries = 0;
  fx::FixedType entry;
  /// The largest error in real units, if fx-lower recorded it.
  std::optional<double> maxError;

  /// maxError in units of the entry type's last place.
  std::optional<double> maxErrorLsb() const;
  /// "tanh, 544 entries of fixed<16,6>, max error 0.00049 (0.5 LSB)".
  std::string describe() const;
};

/// The tables of one op: one for fx.table, the exp and reciprocal tables
/// for fx.softmax, none otherwise.
std::vector<TableInfo> tablesOf(mlir::Operation *op);

/// The tables of `fn` in op order.
std::vector<TableInfo> tablesOf(mlir::func::FuncOp fn);

/// The same as report.json's "tables" array.
llvm::json::Array tablesJson(mlir::func::FuncOp fn);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_TABLEREPORT_H

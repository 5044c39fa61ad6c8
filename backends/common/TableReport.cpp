//===- TableReport.cpp - the lookup tables of a quantized function --------===//
#include "backends/common/TableReport.h"

#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace ariadne {

std::optional<double> TableInfo::maxErrorLsb() const {
  if (!maxError)
    return std::nullopt;
  return std::ldexp(*maxError, int(entry.getFracWidth()));
}

std::string TableInfo::describe() const {
  std::string text = function + ", " + std::to_string(entries) +
                     " entries of " + fx::formatPrecision(entry);
  if (maxError)
    text += llvm::formatv(", max error {0} ({1:f2} LSB)",
                          llvm::format("%.3g", *maxError), *maxErrorLsb())
                .str();
  return text;
}

static std::optional<double> errorAttr(mlir::Operation *op,
                                       llvm::StringRef name) {
  if (auto attr = op->getAttrOfType<mlir::FloatAttr>(name))
    return attr.getValueAsDouble();
  return std::nullopt;
}

std::vector<TableInfo> tablesOf(mlir::Operation *op) {
  std::string layer;
  if (auto loc =
          mlir::LocationAttr(op->getLoc()).findInstanceOf<mlir::NameLoc>())
    layer = loc.getName().str();
  if (auto table = llvm::dyn_cast<fx::TableOp>(op))
    return {{layer, table.getFunction().value_or("table").str(),
             table.getTable().getNumElements(),
             fx::elementTypeOf(table.getOutput()),
             errorAttr(op, fx::kTableErrorAttr)}};
  if (auto softmax = llvm::dyn_cast<fx::SoftmaxOp>(op))
    return {{layer, "softmax exp", softmax.getExpTable().getNumElements(),
             softmax.getExpType(), errorAttr(op, fx::kExpTableErrorAttr)},
            {layer, "softmax reciprocal",
             softmax.getInvTable().getNumElements(), softmax.getInvType(),
             errorAttr(op, fx::kInvTableErrorAttr)}};
  return {};
}

std::vector<TableInfo> tablesOf(mlir::func::FuncOp fn) {
  std::vector<TableInfo> tables;
  fn.walk([&](mlir::Operation *op) {
    for (TableInfo &info : tablesOf(op))
      tables.push_back(std::move(info));
  });
  return tables;
}

llvm::json::Array tablesJson(mlir::func::FuncOp fn) {
  llvm::json::Array array;
  for (const TableInfo &t : tablesOf(fn)) {
    llvm::json::Object entry{{"layer", t.layer},
                             {"function", t.function},
                             {"entries", t.entries},
                             {"entry_type", fx::formatPrecision(t.entry)}};
    if (t.maxError) {
      entry["max_error"] = *t.maxError;
      entry["max_error_lsb"] = *t.maxErrorLsb();
    }
    array.push_back(std::move(entry));
  }
  return array;
}

} // namespace ariadne

//===- OpHandlers.h - handlers of ops, registered by op class ---*- C++ -*-===//
//
// The one registration style of every component that acts op by op (the
// emulator's float and fixed-point translators, precision assignment, fx
// lowering, and the cpp, cuda, hls and verilog emitters): a `populate...`
// function adds one handler per op class,
//
//   handlers.add<fx::DenseOp>(emitDense);   // emitDense(fx::DenseOp, ...)
//   handlers.add<nn::SliceOp, nn::ConcatOp>(emitGather); // (Operation *, ...)
//
// and the component looks the handler up by the op; an op without one is
// the component's located error. `opNames()` is what the op-coverage test
// walks to tell which component lacks which op.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_SUPPORT_OPHANDLERS_H
#define ARIADNE_PASSES_SUPPORT_OPHANDLERS_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

namespace ariadne {

template <typename Signature> class OpHandlers;

template <typename R, typename... Args>
class OpHandlers<R(mlir::Operation *, Args...)> {
public:
  using Handler = std::function<R(mlir::Operation *, Args...)>;

  /// Registers `fn` for the op classes OpTs. With one class, `fn` may take
  /// the typed op; otherwise it takes `mlir::Operation *`.
  template <typename... OpTs, typename F> void add(F fn) {
    static_assert(sizeof...(OpTs) > 0, "name the op classes");
    (addOne<OpTs>(fn), ...);
  }

  /// The handler of `op`, or null.
  const Handler *lookup(mlir::Operation *op) const {
    auto it = handlers.find(op->getName().getStringRef());
    return it == handlers.end() ? nullptr : &it->second;
  }

  /// The names of the ops with a handler ("fx.dense"), sorted.
  std::vector<std::string> opNames() const {
    std::vector<std::string> names;
    for (const auto &entry : handlers)
      names.push_back(entry.getKey().str());
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  template <typename OpT, typename F> void addOne(F fn) {
    if constexpr (std::is_invocable_v<F, OpT, Args...>)
      handlers[OpT::getOperationName()] = [fn](mlir::Operation *op,
                                               Args... args) -> R {
        return fn(llvm::cast<OpT>(op), std::forward<Args>(args)...);
      };
    else
      handlers[OpT::getOperationName()] = Handler(fn);
  }

  llvm::StringMap<Handler> handlers;
};

} // namespace ariadne

#endif // ARIADNE_PASSES_SUPPORT_OPHANDLERS_H

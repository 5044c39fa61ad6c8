//===- HardwareBoundary.cpp - the ports of a hardware target --------------===//
#include "backends/common/HardwareBoundary.h"

#include "backends/common/ElementSources.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXDialect.h"
#include "passes/FX/FXOps.h"

using namespace mlir;

namespace ariadne {

namespace {

llvm::Error targetError(StringRef target, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (target + " target: " + message).str());
}

std::string tensorName(func::FuncOp fn, unsigned index, bool input) {
  StringAttr name = input
                        ? fn.getArgAttrOfType<StringAttr>(index, "nn.name")
                        : fn.getResultAttrOfType<StringAttr>(index, "nn.name");
  return name ? name.str()
              : (input ? "input" : "output") + std::to_string(index);
}

BoundaryTensor describe(func::FuncOp fn, unsigned index, bool input,
                        Value value) {
  BoundaryTensor tensor;
  tensor.name = tensorName(fn, index, input);
  tensor.type = llvm::cast<fx::FixedType>(
      llvm::cast<RankedTensorType>(value.getType()).getElementType());
  tensor.value = value;
  bool batched = false;
  tensor.size = product(eventShapeOf(value, batched));
  return tensor;
}

} // namespace

llvm::Expected<HardwareBoundary> hardwareBoundary(ModuleOp module,
                                                  StringRef target) {
  auto functions = llvm::to_vector(module.getOps<func::FuncOp>());
  if (functions.size() != 1 || functions.front().isExternal())
    return targetError(target, "the module must hold one function with a "
                               "body");
  HardwareBoundary boundary;
  boundary.fn = functions.front();
  bool quantized = false;
  boundary.fn.walk([&](Operation *op) {
    quantized |= llvm::isa_and_nonnull<fx::FXDialect>(op->getDialect());
  });
  if (!quantized)
    return targetError(target, "the model is not quantized; give "
                               "--precision 'fixed<W,I>', auto or a --config");
  for (BlockArgument arg : boundary.fn.getArguments()) {
    auto users = llvm::to_vector(arg.getUsers());
    auto quantize = users.size() == 1
                        ? llvm::dyn_cast<fx::QuantizeOp>(users.front())
                        : fx::QuantizeOp();
    if (!quantize)
      return targetError(target, "input " + llvm::Twine(arg.getArgNumber()) +
                                     " must enter through exactly one "
                                     "fx.quantize");
    boundary.inputs.push_back(
        describe(boundary.fn, arg.getArgNumber(), true, quantize.getResult()));
  }
  auto returnOp =
      llvm::cast<func::ReturnOp>(boundary.fn.getBody().front().back());
  for (auto [index, value] : llvm::enumerate(returnOp.getOperands())) {
    auto dequantize = value.getDefiningOp<fx::DequantizeOp>();
    if (!dequantize)
      return targetError(target, "output " + llvm::Twine(index) +
                                     " must leave through an fx.dequantize");
    boundary.outputs.push_back(
        describe(boundary.fn, unsigned(index), false, dequantize.getInput()));
  }
  return boundary;
}

} // namespace ariadne

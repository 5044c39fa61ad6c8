//===- frontend_test_utils.h - ONNX models written in tests -----*- C++ -*-===//
//
// Builds small ONNX models as protobuf text, imports them and inspects the
// resulting nn IR.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_FRONTEND_TEST_UTILS_H
#define ARIADNE_TESTS_FRONTEND_TEST_UTILS_H

#include "frontend/onnx/OnnxImporter.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace frontend_test {

/// A dimension list: numbers are fixed sizes, anything else a dim_param,
/// "" an unknown dimension.
inline std::string shapeText(const std::vector<std::string> &dims) {
  std::string text = "shape {";
  for (const std::string &d : dims) {
    if (d.empty())
      text += " dim { }";
    else if (std::isdigit(static_cast<unsigned char>(d.front())))
      text += " dim { dim_value: " + d + " }";
    else
      text += " dim { dim_param: \"" + d + "\" }";
  }
  return text + " }";
}

inline std::string input(const std::string &name,
                         const std::vector<std::string> &dims,
                         int elemType = 1) {
  return "input { name: \"" + name +
         "\" type { tensor_type { elem_type: " + std::to_string(elemType) +
         " " + shapeText(dims) + " } } }\n";
}

/// A graph output of known rank whose dimensions are left to inference.
inline std::string output(const std::string &name, int rank, int elemType = 1) {
  return "output { name: \"" + name +
         "\" type { tensor_type { elem_type: " + std::to_string(elemType) +
         " " + shapeText(std::vector<std::string>(size_t(rank), "")) +
         " } } }\n";
}

/// The rank of a printed tensor type ("tensor<?x3xf32>" is 2).
inline int rankOf(const std::string &type) {
  return int(std::count(type.begin(), type.end(), 'x'));
}

/// A node; `attrs` is the text of its attribute entries.
inline std::string node(const std::string &op,
                        const std::vector<std::string> &inputs,
                        const std::vector<std::string> &outputs,
                        const std::string &name = "",
                        const std::string &attrs = "") {
  std::string text = "node {";
  for (const std::string &in : inputs)
    text += " input: \"" + in + "\"";
  for (const std::string &out : outputs)
    text += " output: \"" + out + "\"";
  if (!name.empty())
    text += " name: \"" + name + "\"";
  return text + " op_type: \"" + op + "\" " + attrs + " }\n";
}

inline std::string intAttr(const std::string &name, long long v) {
  return "attribute { name: \"" + name + "\" i: " + std::to_string(v) +
         " type: INT } ";
}

inline std::string floatAttr(const std::string &name, const std::string &v) {
  return "attribute { name: \"" + name + "\" f: " + v + " type: FLOAT } ";
}

inline std::string intsAttr(const std::string &name,
                            const std::vector<long long> &values) {
  std::string text = "attribute { name: \"" + name + "\"";
  for (long long v : values)
    text += " ints: " + std::to_string(v);
  return text + " type: INTS } ";
}

inline std::string floatInit(const std::string &name,
                             const std::vector<long long> &dims,
                             const std::vector<std::string> &values) {
  std::string text = "initializer { name: \"" + name + "\"";
  for (long long d : dims)
    text += " dims: " + std::to_string(d);
  text += " data_type: 1";
  for (const std::string &v : values)
    text += " float_data: " + v;
  return text + " }\n";
}

inline std::string intInit(const std::string &name,
                           const std::vector<long long> &values) {
  std::string text = "initializer { name: \"" + name +
                     "\" dims: " + std::to_string(values.size()) +
                     " data_type: 7";
  for (long long v : values)
    text += " int64_data: " + std::to_string(v);
  return text + " }\n";
}

/// A 1-D int64 Constant node.
inline std::string intConstant(const std::string &out,
                               const std::vector<long long> &values) {
  std::string tensor = "attribute { name: \"value\" type: TENSOR t { dims: " +
                       std::to_string(values.size()) + " data_type: 7";
  for (long long v : values)
    tensor += " int64_data: " + std::to_string(v);
  return node("Constant", {}, {out}, "", tensor + " } }");
}

inline std::string model(int opset, const std::string &graphBody) {
  return "ir_version: 8\nopset_import { domain: \"\" version: " +
         std::to_string(opset) + " }\ngraph {\nname: \"g\"\n" + graphBody +
         "}\n";
}

inline llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importText(mlir::MLIRContext &context, const std::string &text,
           const std::string &source = "test.onnxtxt",
           const ariadne::OnnxImportOptions &options = {}) {
  return ariadne::importOnnxBuffer(context, text, source, /*isText=*/true,
                                   options);
}

/// Imports a model that must import; fails the test with the error
/// otherwise.
inline mlir::OwningOpRef<mlir::ModuleOp>
importOk(mlir::MLIRContext &context, const std::string &text,
         const std::string &source = "test.onnxtxt") {
  auto module = importText(context, text, source);
  if (!module) {
    std::string message = llvm::toString(module.takeError());
    FAIL_CHECK("import failed: " << message);
    return {};
  }
  return std::move(*module);
}

/// Imports a model that must fail, returning the error message.
inline std::string importError(const std::string &text,
                               const std::string &source = "test.onnxtxt") {
  mlir::MLIRContext context;
  auto module = importText(context, text, source);
  if (module) {
    FAIL_CHECK("import unexpectedly succeeded");
    return "";
  }
  return llvm::toString(module.takeError());
}

inline mlir::func::FuncOp onlyFunc(mlir::ModuleOp module) {
  auto funcs = llvm::to_vector(module.getOps<mlir::func::FuncOp>());
  REQUIRE(funcs.size() == 1);
  return funcs.front();
}

/// The op names of the function body in order, without the return.
inline std::vector<std::string> opNames(mlir::ModuleOp module) {
  std::vector<std::string> names;
  for (mlir::Operation &op : onlyFunc(module).getBody().front())
    if (!llvm::isa<mlir::func::ReturnOp>(op))
      names.push_back(op.getName().getStringRef().str());
  return names;
}

/// The ops of one kind in the function body, in order.
template <typename OpT> std::vector<OpT> opsOf(mlir::ModuleOp module) {
  std::vector<OpT> ops;
  for (OpT op : onlyFunc(module).getBody().front().getOps<OpT>())
    ops.push_back(op);
  return ops;
}

inline std::string str(mlir::Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return os.str();
}

inline std::string str(mlir::Value value) { return str(value.getType()); }

/// The value the function returns at `index`.
inline mlir::Value returned(mlir::ModuleOp module, unsigned index = 0) {
  auto ret = llvm::cast<mlir::func::ReturnOp>(
      onlyFunc(module).getBody().front().getTerminator());
  return ret.getOperand(index);
}

inline std::vector<float> floats(mlir::Attribute attr) {
  std::vector<float> out;
  for (float v : llvm::cast<mlir::DenseElementsAttr>(attr).getValues<float>())
    out.push_back(v);
  return out;
}

} // namespace frontend_test

#endif // ARIADNE_TESTS_FRONTEND_TEST_UTILS_H

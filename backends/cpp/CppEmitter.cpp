//===- CppEmitter.cpp - the emission state and the pattern driver ---------===//
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXTypes.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;

namespace ariadne {
namespace cpp {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string floatLiteral(float value) {
  if (std::isnan(value))
    return "std::numeric_limits<float>::quiet_NaN()";
  if (std::isinf(value))
    return value > 0 ? "std::numeric_limits<float>::infinity()"
                     : "-std::numeric_limits<float>::infinity()";
  // The shortest decimal form that reads back to the same float.
  char buffer[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits,
                  static_cast<double>(value));
    if (std::strtof(buffer, nullptr) == value)
      break;
  }
  std::string text = buffer;
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text + "f";
}

std::string intList(ArrayRef<int64_t> values) {
  std::string text = "{";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(values, os);
  os << "}";
  return text;
}

//===----------------------------------------------------------------------===//
// CppEmission
//===----------------------------------------------------------------------===//

CppEmission::CppEmission(func::FuncOp function, bool hostVectors)
    : fn(function), isBatched(function->hasAttr(kBatchedAttr)),
      forHostVectors(hostVectors), declOS(declText), bodyOS(bodyText) {}

bool CppEmission::hasBatchDim(Value value) const {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  return isBatched && type.getRank() > 0 && type.isDynamicDim(0);
}

SmallVector<int64_t> CppEmission::eventShape(Value value) const {
  auto shape = llvm::cast<RankedTensorType>(value.getType()).getShape();
  if (hasBatchDim(value))
    shape = shape.drop_front();
  return SmallVector<int64_t>(shape);
}

int64_t CppEmission::eventSize(Value value) const {
  return product(eventShape(value));
}

/// "base + offset * Lanes", or "base" for offset 0.
static std::string offsetPointer(StringRef base, int64_t offset) {
  if (offset == 0)
    return base.str();
  return (base + " + " + std::to_string(offset) + " * Lanes").str();
}

std::string CppEmission::elementType(Value value) const {
  Type element = llvm::cast<RankedTensorType>(value.getType()).getElementType();
  return llvm::isa<fx::FixedType>(element) ? "std::uint64_t" : "float";
}

std::string CppEmission::pointer(Value value) const {
  if (auto arg = llvm::dyn_cast<BlockArgument>(value)) {
    int64_t offset = 0;
    Block *block = arg.getOwner();
    for (unsigned i = 0; i < arg.getArgNumber(); ++i)
      offset += eventSize(block->getArgument(i));
    return offsetPointer("in", offset);
  }
  auto result = llvm::cast<OpResult>(value);
  Operation *owner = result.getOwner();
  auto storages = owner->getAttrOfType<ArrayAttr>(kStorageAttr);
  auto storage = llvm::cast<DictionaryAttr>(storages[result.getResultNumber()]);
  StringRef kind = llvm::cast<StringAttr>(storage.get("kind")).getValue();
  int64_t offset = llvm::cast<IntegerAttr>(storage.get("offset")).getInt();
  if (kind == "output")
    return offsetPointer("out", offset);
  if (kind == "arena")
    return offsetPointer("arena", offset);
  if (kind == "alias")
    return pointer(owner->getOperand(0));
  // A constant: the pointer variable its pattern declares in run<Lanes>.
  return identifier(owner);
}

std::string CppEmission::identifier(Operation *op) const {
  return op->getAttrOfType<StringAttr>(kLayerNameAttr).str();
}

std::string CppEmission::layerName(Operation *op) const {
  std::string name = locationName(op->getLoc());
  return name.empty() ? identifier(op) : name;
}

void CppEmission::addLayer(Operation *op, LayerReport report) {
  report.name = layerName(op);
  report.op = op->getName().getStringRef().str();
  for (Value operand : op->getOperands()) {
    auto shape = eventShape(operand);
    report.inputShapes.emplace_back(shape.begin(), shape.end());
  }
  for (Value result : op->getResults()) {
    auto shape = eventShape(result);
    report.outputShapes.emplace_back(shape.begin(), shape.end());
  }
  layerReports.push_back(std::move(report));
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult emitFunction(const CppEmitterSet &set, CppEmission &emission) {
  // Do not modify the IR here: the plan is final.
  for (Operation &op : emission.function().getBody().front()) {
    const auto *pattern = set.lookup(&op);
    if (!pattern)
      return op.emitOpError("has no emission pattern in the cpp target");
    if (failed((*pattern)(&op, emission)))
      return failure();
  }
  return success();
}

llvm::Expected<std::unique_ptr<CppEmission>> emitCppModule(ModuleOp module,
                                                           StringRef target) {
  FirstErrorCapture errors(module.getContext());
  std::string fallback = (target + " target: emission failed").str();
  FailureOr<func::FuncOp> prepared =
      prepareCppModule(module, /*readWindowsInPlace=*/target == "cpp",
                       /*fuseTables=*/target == "cpp");
  if (failed(prepared))
    return errors.take(fallback);
  CppEmitterSet patterns;
  populateCppEmitters(patterns);
  auto emission = std::make_unique<CppEmission>(*prepared, target == "cpp");
  if (failed(emitFunction(patterns, *emission)))
    return errors.take(fallback);
  return emission;
}

std::string sourceOf(ModuleOp module, func::FuncOp fn) {
  std::string source = locationFile(fn.getLoc());
  if (source.empty())
    source = locationFile(module.getLoc());
  return source.empty() ? "an nn module" : source;
}

std::string intLiteral(int64_t value) {
  if (value == INT64_MIN)
    return "(-9223372036854775807LL - 1)";
  return std::to_string(value) +
         (value > INT32_MAX || value < INT32_MIN ? "LL" : "");
}

void writeLayerComment(raw_ostream &os, CppEmission &emission, Operation *op,
                       StringRef indent, StringRef detail) {
  std::string name = emission.layerName(op);
  for (char &c : name)
    if (c == '\n' || c == '\r')
      c = ' ';
  os << indent << "// " << name << ": " << op->getName().getStringRef();
  if (!detail.empty())
    os << ", " << detail;
  os << "\n";
}

void writeStaticArray(raw_ostream &os, StringRef type, StringRef name,
                      size_t count, int64_t rowLength, int64_t perLine,
                      bool factorRows,
                      llvm::function_ref<std::string(size_t)> literal) {
  os << kStaticArrayPrefix << type << " " << name << "[";
  if (factorRows && rowLength < int64_t(count))
    os << int64_t(count) / rowLength << " * " << rowLength;
  else
    os << count;
  os << "] = {";
  for (size_t i = 0; i < count; ++i) {
    int64_t inRow = int64_t(i) % rowLength;
    os << (inRow % perLine == 0 ? "\n    " : " ") << literal(i) << ",";
  }
  os << "\n};\n";
}

ConfigWriter::ConfigWriter(raw_ostream &os, StringRef name, StringRef base)
    : os(os) {
  os << "struct " << name << " : ariadne::" << base << " {\n";
}

ConfigWriter::~ConfigWriter() { os << "};\n\n"; }

ConfigWriter &ConfigWriter::integer(StringRef name, int64_t value) {
  os << "  static constexpr int " << name << " = " << value << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::real(StringRef name, float value) {
  os << "  static constexpr float " << name << " = " << floatLiteral(value)
     << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::array(StringRef name, ArrayRef<int64_t> values) {
  os << "  static constexpr int " << name << "[" << values.size()
     << "] = " << intList(values) << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::raw(StringRef name, int64_t value) {
  os << "  static constexpr std::int64_t " << name << " = " << intLiteral(value)
     << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::type(StringRef name, fx::FixedType type) {
  os << "  using " << name << " = " << type.getCppTypeName() << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::pointer(StringRef name, StringRef type,
                                    StringRef array) {
  os << "  static constexpr const " << type << " *" << name << " = " << array
     << ";\n";
  return *this;
}

ConfigWriter &ConfigWriter::line(const Twine &text) {
  os << "  " << text << "\n";
  return *this;
}

} // namespace cpp
} // namespace ariadne

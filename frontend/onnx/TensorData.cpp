//===- TensorData.cpp - ONNX tensors as values and shapes ----------------===//
//
// Decoding ONNX tensors (raw data or typed fields, every dtype the importer
// takes) into float and integer values, and the names and shapes the
// importer's messages print.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

#include "onnx/defs/schema.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::frontend;

/// Errors are single lines even when names in the model hold control
/// characters.
static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 escapeControl(message.str()));
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

IntTensor IntTensor::vector(llvm::ArrayRef<SymInt> values, int32_t dtype) {
  IntTensor t;
  t.shape = {int64_t(values.size())};
  t.values.assign(values.begin(), values.end());
  t.dtype = dtype;
  return t;
}

std::string frontend::dataTypeName(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto_DataType_FLOAT:
    return "float32";
  case onnx::TensorProto_DataType_DOUBLE:
    return "float64";
  case onnx::TensorProto_DataType_FLOAT16:
    return "float16";
  case onnx::TensorProto_DataType_UNDEFINED:
    return "undefined";
  default:
    break;
  }
  if (!onnx::TensorProto_DataType_IsValid(dtype))
    return "unknown data type " + std::to_string(dtype);
  return llvm::StringRef(onnx::TensorProto_DataType_Name(dtype)).lower();
}

bool frontend::isIntegerDataType(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto_DataType_INT64:
  case onnx::TensorProto_DataType_INT32:
  case onnx::TensorProto_DataType_INT16:
  case onnx::TensorProto_DataType_INT8:
  case onnx::TensorProto_DataType_UINT64:
  case onnx::TensorProto_DataType_UINT32:
  case onnx::TensorProto_DataType_UINT16:
  case onnx::TensorProto_DataType_UINT8:
  case onnx::TensorProto_DataType_BOOL:
    return true;
  default:
    return false;
  }
}

SmallVector<int64_t> frontend::onnxShape(llvm::ArrayRef<int64_t> stored,
                                         int64_t batchAxis,
                                         int64_t batchFactor) {
  if (batchFactor != 1) {
    SmallVector<int64_t> out(stored.drop_front());
    out[batchAxis] = stored.front();
    return out;
  }
  if (batchAxis == 0)
    return SmallVector<int64_t>(stored);
  SmallVector<int64_t> out(stored.drop_front());
  out.insert(out.begin() + batchAxis, stored.front());
  return out;
}

SmallVector<int64_t> frontend::storedShape(llvm::ArrayRef<int64_t> onnx,
                                           int64_t batchAxis,
                                           int64_t batchFactor) {
  SmallVector<int64_t> out(onnx);
  if (batchFactor != 1) {
    out[batchAxis] = batchFactor;
    out.insert(out.begin(), onnx[batchAxis]);
    return out;
  }
  if (batchAxis == 0)
    return out;
  out.erase(out.begin() + batchAxis);
  out.insert(out.begin(), onnx[batchAxis]);
  return out;
}

std::string frontend::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += ShapedType::isDynamic(shape[i]) ? std::string("?")
                                            : std::to_string(shape[i]);
  }
  return text + "]";
}

/// The shape of a tensor proto and its element count.
static llvm::Expected<std::pair<SmallVector<int64_t>, int64_t>>
tensorShape(const onnx::TensorProto &tensor) {
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return makeError("has a negative dimension " + std::to_string(d));
    if (d != 0 && count > (int64_t(1) << 40) / d)
      return makeError("is too large");
    shape.push_back(d);
    count *= d;
  }
  if (tensor.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return makeError("is stored as external data, which is not supported");
  return std::make_pair(shape, count);
}

static llvm::Error sizeMismatch(int64_t expected, size_t got) {
  return makeError("holds " + std::to_string(got) + " values where its shape " +
                   "needs " + std::to_string(expected));
}

/// Reads `count` little-endian values of `bytes` bytes each from raw data.
template <typename T>
static llvm::Expected<std::vector<T>> readRaw(const std::string &raw,
                                              int64_t count) {
  if (raw.size() != size_t(count) * sizeof(T))
    return makeError("holds " + std::to_string(raw.size()) +
                     " bytes of raw data where its shape needs " +
                     std::to_string(size_t(count) * sizeof(T)));
  std::vector<T> out(static_cast<size_t>(count));
  if (count)
    std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

/// Appends the integers of a tensor's raw data, stored as `T`.
template <typename T>
static llvm::Error appendRaw(const std::string &raw, int64_t count,
                             IntTensor &out) {
  auto values = readRaw<T>(raw, count);
  if (!values)
    return values.takeError();
  for (T v : *values)
    out.values.push_back(SymInt::known(int64_t(v)));
  return llvm::Error::success();
}

/// Appends the integers of one of TensorProto's typed fields.
template <typename Field>
static llvm::Error appendField(const Field &field, int64_t count,
                               IntTensor &out) {
  if (field.size() != count)
    return sizeMismatch(count, size_t(field.size()));
  for (auto v : field)
    out.values.push_back(SymInt::known(int64_t(v)));
  return llvm::Error::success();
}

llvm::Expected<IntTensor>
frontend::decodeIntTensor(const onnx::TensorProto &tensor) {
  auto shape = tensorShape(tensor);
  if (!shape)
    return shape.takeError();
  IntTensor out;
  out.shape = shape->first;
  out.dtype = tensor.data_type();
  int64_t count = shape->second;
  const std::string &raw = tensor.raw_data();
  bool hasRaw = tensor.has_raw_data();
  auto append = [&]() -> llvm::Error {
    switch (tensor.data_type()) {
    case onnx::TensorProto_DataType_INT64:
      return hasRaw ? appendRaw<int64_t>(raw, count, out)
                    : appendField(tensor.int64_data(), count, out);
    case onnx::TensorProto_DataType_UINT64:
      return hasRaw ? appendRaw<uint64_t>(raw, count, out)
                    : appendField(tensor.uint64_data(), count, out);
    case onnx::TensorProto_DataType_UINT32:
      return hasRaw ? appendRaw<uint32_t>(raw, count, out)
                    : appendField(tensor.uint64_data(), count, out);
    // The narrower types keep their typed values in int32_data.
    case onnx::TensorProto_DataType_INT32:
      return hasRaw ? appendRaw<int32_t>(raw, count, out)
                    : appendField(tensor.int32_data(), count, out);
    case onnx::TensorProto_DataType_INT16:
      return hasRaw ? appendRaw<int16_t>(raw, count, out)
                    : appendField(tensor.int32_data(), count, out);
    case onnx::TensorProto_DataType_UINT16:
      return hasRaw ? appendRaw<uint16_t>(raw, count, out)
                    : appendField(tensor.int32_data(), count, out);
    case onnx::TensorProto_DataType_INT8:
      return hasRaw ? appendRaw<int8_t>(raw, count, out)
                    : appendField(tensor.int32_data(), count, out);
    default: // UINT8, BOOL
      return hasRaw ? appendRaw<uint8_t>(raw, count, out)
                    : appendField(tensor.int32_data(), count, out);
    }
  };
  if (llvm::Error err = append())
    return err;
  return out;
}

llvm::Expected<std::shared_ptr<FloatConstant>>
frontend::decodeFloatTensor(const onnx::TensorProto &tensor,
                            std::string origin) {
  auto shape = tensorShape(tensor);
  if (!shape)
    return shape.takeError();
  auto [dims, count] = *shape;
  auto out = std::make_shared<FloatConstant>();
  out->shape = dims;
  out->origin = std::move(origin);
  if (tensor.has_raw_data()) {
    auto v = readRaw<float>(tensor.raw_data(), count);
    if (!v)
      return v.takeError();
    out->data = std::move(*v);
  } else {
    if (tensor.float_data_size() != count)
      return sizeMismatch(count, tensor.float_data_size());
    out->data.assign(tensor.float_data().begin(), tensor.float_data().end());
  }
  return out;
}

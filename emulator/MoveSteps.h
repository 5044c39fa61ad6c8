//===- MoveSteps.h - data movement for any element type ---------*- C++ -*-===//
//
// The nn ops that only move or select elements (reshape, transpose, slice,
// concat, window, reduce_max) mean the same on floats and on the raw
// integers of fixed-point values, so their steps and translators are
// written once for any element type and registered by both the float and
// the fixed-point interpretations.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_MOVESTEPS_H
#define ARIADNE_EMULATOR_MOVESTEPS_H

#include "emulator/Translate.h"
#include "passes/FX/FXTypes.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/Window.h"

#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace ariadne::emu {

/// Strided gather: transpose and slice.
template <typename T> class CopyStep final : public Step<T> {
public:
  CopyStep(int out, int in, StridedNest<2> nest)
      : out(out), in(in), nest(std::move(nest)) {}

  void run(T *const *t, int64_t events) const override {
    auto rows = [&](const typename StridedNest<2>::Offsets &at, int64_t count,
                    const typename StridedNest<2>::Offsets &step) {
      T *y = t[out] + at[0];
      const T *x = t[in] + at[1];
      if (step[0] == 1 && step[1] == 1) {
        std::memcpy(y, x, count * sizeof(T));
        return;
      }
      for (int64_t i = 0; i < count; ++i)
        y[i * step[0]] = x[i * step[1]];
    };
    nest.forEachRow(events, rows);
  }

private:
  int out, in;
  StridedNest<2> nest;
};

/// nn.window: every element of an output event is the input element the
/// window map names (forEachWindowSource), or the padding value.
template <typename T> class WindowStep final : public Step<T> {
public:
  WindowStep(int out, int in, int64_t inEventStride,
             std::vector<int32_t> sources, T pad)
      : out(out), in(in), inEventStride(inEventStride),
        sources(std::move(sources)), pad(pad) {}

  void run(T *const *t, int64_t events) const override {
    int64_t outEventStride = int64_t(sources.size());
    for (int64_t e = 0; e < events; ++e) {
      T *y = t[out] + e * outEventStride;
      const T *x = t[in] + e * inEventStride;
      for (size_t i = 0; i < sources.size(); ++i)
        y[i] = sources[i] < 0 ? pad : x[sources[i]];
    }
  }

private:
  int out, in;
  int64_t inEventStride;
  std::vector<int32_t> sources;
  T pad;
};

/// nn.reduce_max: the greatest of every `length` consecutive elements.
/// Raw fixed-point values compare as the integers they hold
/// (compareIntegers), floats with `>`.
template <typename T> class ReduceMaxStep final : public Step<T> {
public:
  ReduceMaxStep(int out, int in, int64_t rows, int64_t length, bool isSigned)
      : out(out), in(in), rows(rows), length(length), isSigned(isSigned) {}

  void run(T *const *t, int64_t events) const override {
    for (int64_t r = 0, n = rows * events; r < n; ++r) {
      const T *x = t[in] + r * length;
      T best = x[0];
      for (int64_t k = 1; k < length; ++k)
        if (greater(x[k], best))
          best = x[k];
      t[out][r] = best;
    }
  }

private:
  bool greater(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      return a > b;
    else
      return ariadne::detail::compareIntegers(a, isSigned, b, isSigned) > 0;
  }

  int out, in;
  int64_t rows, length;
  bool isSigned;
};

template <typename T> class ConcatStep final : public Step<T> {
public:
  struct Part {
    int tensor;
    int64_t eventStride;
    int64_t block; // elements this input adds to each outer block
  };
  ConcatStep(int out, int64_t outEventStride, int64_t outer,
             std::vector<Part> parts)
      : out(out), outEventStride(outEventStride), outer(outer),
        parts(std::move(parts)) {
    for (const Part &p : this->parts)
      outBlock += p.block;
  }

  void run(T *const *t, int64_t events) const override {
    for (int64_t e = 0; e < events; ++e)
      for (int64_t o = 0; o < outer; ++o) {
        T *y = t[out] + e * outEventStride + o * outBlock;
        for (const Part &p : parts) {
          const T *x = t[p.tensor] + e * p.eventStride + o * p.block;
          std::memcpy(y, x, p.block * sizeof(T));
          y += p.block;
        }
      }
  }

private:
  int out;
  int64_t outEventStride, outer;
  std::vector<Part> parts;
  int64_t outBlock = 0;
};

namespace detail {

template <typename T>
using MoveStepOrError = llvm::Expected<std::unique_ptr<Step<T>>>;

/// Moving elements never converts them: every operand must have the
/// result's element type (the nn verifiers check shapes only).
template <typename T>
llvm::Error checkSameElementType(mlir::Operation *op, const Translation<T> &t) {
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op->getResult(0).getType()).getElementType();
  for (mlir::Value operand : op->getOperands())
    if (llvm::cast<mlir::ShapedType>(operand.getType()).getElementType() !=
        element)
      return t.error(op, "an operand's element type differs from the "
                         "result's; moving elements does not convert them");
  return llvm::Error::success();
}

template <typename T>
MoveStepOrError<T> translateReshape(nn::ReshapeOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  // C order is unchanged: the result is a view of the input's storage.
  if (t.info(op.getInput()).size != t.info(op.getOutput()).size)
    return t.error(op, "element count changes");
  t.program.alias(t.tensorOf(op.getOutput()), t.tensorOf(op.getInput()));
  return nullptr;
}

template <typename T>
MoveStepOrError<T> translateTranspose(nn::TransposeOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  const TensorInfo &in = t.info(op.getInput()), &out = t.info(op.getOutput());
  int64_t shift = t.axisShift(op);
  llvm::ArrayRef<int64_t> perm = op.getPerm().drop_front(shift);
  auto inStrides = stridesOf(in.shape), outStrides = stridesOf(out.shape);
  llvm::SmallVector<StridedNest<2>::Offsets, 4> strides;
  for (size_t d = 0; d < perm.size(); ++d)
    strides.push_back({outStrides[d], inStrides[perm[d] - shift]});
  StridedNest<2> nest({out.eventStride(), in.eventStride()}, out.shape,
                      strides);
  return std::make_unique<CopyStep<T>>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getInput()), std::move(nest));
}

template <typename T>
MoveStepOrError<T> translateSlice(nn::SliceOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  const TensorInfo &in = t.info(op.getInput()), &out = t.info(op.getOutput());
  int64_t shift = t.axisShift(op);
  llvm::ArrayRef<int64_t> starts = op.getStarts().drop_front(shift);
  llvm::ArrayRef<int64_t> steps = op.getSteps().drop_front(shift);
  auto inStrides = stridesOf(in.shape), outStrides = stridesOf(out.shape);
  llvm::SmallVector<StridedNest<2>::Offsets, 4> strides;
  int64_t base = 0;
  for (size_t d = 0; d < starts.size(); ++d) {
    base += starts[d] * inStrides[d];
    strides.push_back({outStrides[d], inStrides[d] * steps[d]});
  }
  StridedNest<2> nest({out.eventStride(), in.eventStride()}, out.shape, strides,
                      {0, base});
  return std::make_unique<CopyStep<T>>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getInput()), std::move(nest));
}

template <typename T>
MoveStepOrError<T> translateConcat(nn::ConcatOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  const TensorInfo &out = t.info(op.getOutput());
  int64_t axis = int64_t(op.getAxis()) - t.axisShift(op);
  if (axis < 0 || axis >= int64_t(out.shape.size()))
    return t.error(op, "concatenation along the event batch");
  llvm::ArrayRef<int64_t> shape = out.shape;
  int64_t inner = productOf(shape.drop_front(axis + 1));
  std::vector<typename ConcatStep<T>::Part> parts;
  for (mlir::Value input : op.getInputs()) {
    auto view = t.broadcastView(op, input);
    if (!view)
      return view.takeError();
    if (view->size() != shape.size())
      return t.error(op, "inputs differ in rank");
    parts.push_back({t.tensorOf(input), t.info(input).eventStride(),
                     (*view)[axis] * inner});
  }
  return std::make_unique<ConcatStep<T>>(
      t.tensorOf(op.getOutput()), out.eventStride(),
      productOf(shape.take_front(axis)), std::move(parts));
}

/// The value an nn.window pads with: 0, or the lowest value of the element
/// type (-inf; the smallest raw value of a fixed-point type).
template <typename T> T windowPadding(nn::WindowOp op) {
  if (!op.getPadLowest())
    return T(0);
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op.getInput().getType()).getElementType();
  if constexpr (std::is_floating_point_v<T>) {
    (void)element;
    return -std::numeric_limits<T>::infinity();
  } else {
    auto fixed = llvm::cast<fx::FixedType>(element);
    return T(ariadne::detail::minBits(int(fixed.getWidth()), fixed.isSigned()));
  }
}

template <typename T>
MoveStepOrError<T> translateWindow(nn::WindowOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op.getInput().getType()).getElementType();
  if (!std::is_floating_point_v<T> && !llvm::isa<fx::FixedType>(element))
    return t.error(op, "pads a tensor that is not fixed point");
  std::vector<int32_t> sources(size_t(t.info(op.getOutput()).size));
  forEachWindowSource(windowGeometry(op),
                      [&](int o, int i) { sources[size_t(o)] = i; });
  return std::make_unique<WindowStep<T>>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getInput()),
      t.info(op.getInput()).eventStride(), std::move(sources),
      windowPadding<T>(op));
}

template <typename T>
MoveStepOrError<T> translateReduceMax(nn::ReduceMaxOp op, Translation<T> &t) {
  if (auto err = checkSameElementType(op, t))
    return err;
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op.getInput().getType()).getElementType();
  bool isSigned = true;
  if constexpr (!std::is_floating_point_v<T>) {
    auto fixed = llvm::dyn_cast<fx::FixedType>(element);
    if (!fixed)
      return t.error(op, "compares a tensor that is not fixed point");
    isSigned = fixed.isSigned();
  }
  const TensorInfo &in = t.info(op.getInput()), &out = t.info(op.getOutput());
  if (in.perEvent != out.perEvent)
    return t.error(op, "reduces the batch dimension");
  int64_t length = in.shape.back();
  return std::make_unique<ReduceMaxStep<T>>(t.tensorOf(op.getOutput()),
                                            t.tensorOf(op.getInput()),
                                            in.size / length, length, isSigned);
}

} // namespace detail

/// Registers reshape, transpose, slice, concat, window and reduce_max for
/// elements of type T.
template <typename T> void registerMoveTranslators(TranslatorTable<T> &table) {
  table.template add<nn::ReshapeOp>(detail::translateReshape<T>);
  table.template add<nn::TransposeOp>(detail::translateTranspose<T>);
  table.template add<nn::SliceOp>(detail::translateSlice<T>);
  table.template add<nn::ConcatOp>(detail::translateConcat<T>);
  table.template add<nn::WindowOp>(detail::translateWindow<T>);
  table.template add<nn::ReduceMaxOp>(detail::translateReduceMax<T>);
}

} // namespace ariadne::emu

#endif // ARIADNE_EMULATOR_MOVESTEPS_H

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
#include "passes/Support/Broadcast.h"
#include "passes/Support/Window.h"

#include <cmath>
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

/// The element an index of an index tensor names on an axis of `size`
/// elements, or -1 outside it (fixed_bits.h's indexElement): a float
/// names its floor, a raw integer of an integral fixed-point type itself.
template <typename T> int64_t indexElement(T raw, int64_t size) {
  if constexpr (std::is_floating_point_v<T>) {
    // A float's floor, as the quantization of an index input (TRN) takes.
    if (!(raw >= T(-size) && raw < T(size)))
      return -1;
    return ariadne::detail::indexElement((long long)std::floor(raw), size);
  } else {
    return ariadne::detail::indexElement((long long)std::int64_t(raw), size);
  }
}

/// nn.gather_elements: output element o of an event reads the data at
/// `base[o] + j * axisStride`, j the index at `index[o]`, or 0 outside the
/// axis.
template <typename T> class GatherElementsStep final : public Step<T> {
public:
  struct Layout {
    int out, data, indices;
    int64_t dataEventStride, indexEventStride, outEventStride;
    int64_t axisSize, axisStride;
    std::vector<int64_t> base, index;
  };
  GatherElementsStep(Layout layout, OverflowCount *count)
      : l(std::move(layout)), count(count) {}

  void run(T *const *t, int64_t events) const override {
    std::uint64_t missed = 0;
    for (int64_t e = 0; e < events; ++e) {
      const T *x = t[l.data] + e * l.dataEventStride;
      const T *idx = t[l.indices] + e * l.indexEventStride;
      T *y = t[l.out] + e * l.outEventStride;
      for (size_t o = 0; o < l.base.size(); ++o) {
        int64_t j = indexElement(idx[l.index[o]], l.axisSize);
        missed += j < 0;
        y[o] = j < 0 ? T(0) : x[l.base[o] + j * l.axisStride];
      }
    }
    if (count) {
      count->values += std::uint64_t(events) * l.base.size();
      count->outOfRange += missed;
    }
  }

private:
  Layout l;
  OverflowCount *count;
};

/// nn.scatter_elements: an event's result starts as the input (zeros when
/// `input` is -1); update u
/// then goes to `base[u] + j * axisStride`, j its index, or is dropped
/// outside the axis. `add` sums into the element; `wrap` (raw fixed-point
/// integers) keeps each sum within `width` bits and counts those that did
/// not fit (fx-lower's exact type makes that impossible).
template <typename T> class ScatterElementsStep final : public Step<T> {
public:
  struct Layout {
    int out, input, indices, updates;
    int64_t inputEventStride, indexEventStride, updateEventStride,
        outEventStride;
    int64_t axisSize, axisStride;
    /// Per update element: its destination with axis coordinate 0, and
    /// its index element (indices broadcast over the updates).
    std::vector<int64_t> base, index;
    bool add = false;
    int width = 64;
    bool isSigned = true;
  };
  ScatterElementsStep(Layout layout, OverflowCount *count)
      : l(std::move(layout)), count(count) {}

  void run(T *const *t, int64_t events) const override {
    std::uint64_t missed = 0, wrapped = 0;
    for (int64_t e = 0; e < events; ++e) {
      const T *idx = t[l.indices] + e * l.indexEventStride;
      const T *u = t[l.updates] + e * l.updateEventStride;
      T *y = t[l.out] + e * l.outEventStride;
      if (l.input < 0) {
        std::fill(y, y + l.outEventStride, T(0));
      } else {
        const T *x = t[l.input] + e * l.inputEventStride;
        std::copy(x, x + l.outEventStride, y);
      }
      for (size_t k = 0; k < l.base.size(); ++k) {
        int64_t j = indexElement(idx[l.index[k]], l.axisSize);
        if (j < 0) {
          ++missed;
          continue;
        }
        T &dest = y[l.base[k] + j * l.axisStride];
        if (!l.add) {
          dest = u[k];
          continue;
        }
        if constexpr (std::is_floating_point_v<T>) {
          dest += u[k];
        } else {
          T sum = dest + u[k];
          dest = T(ariadne::detail::normalizeBits(sum, l.width, l.isSigned));
          wrapped += dest != sum;
        }
      }
    }
    if (count) {
      count->values += std::uint64_t(events * l.outEventStride);
      count->outOfRange += missed;
      count->wrapped += wrapped;
    }
  }

private:
  Layout l;
  OverflowCount *count;
};

/// Whether `order` (-1, 0 or 1: a < b, a == b, a > b) satisfies `p`.
inline bool satisfies(nn::Predicate p, int order) {
  switch (p) {
  case nn::Predicate::eq:
    return order == 0;
  case nn::Predicate::ne:
    return order != 0;
  case nn::Predicate::lt:
    return order < 0;
  case nn::Predicate::le:
    return order <= 0;
  case nn::Predicate::gt:
    return order > 0;
  case nn::Predicate::ge:
    return order >= 0;
  }
  return false;
}

/// nn.compare: 1 where `lhs <predicate> rhs` holds, else 0. Floats compare
/// as floats (with a constant: the constant itself; NaN is unordered);
/// raw fixed-point values of one type as the integers they hold, and with
/// a constant as integers against fx-lower's raw threshold.
template <typename T> class CompareStep final : public Step<T> {
public:
  struct Layout {
    int out, lhs, rhs; // rhs -1: the constant
    int64_t lhsEventStride, rhsEventStride, outEventStride, size;
    nn::Predicate predicate;
    double value;
    bool isSigned = true;
  };
  explicit CompareStep(Layout layout) : l(layout) {}

  void run(T *const *t, int64_t events) const override {
    for (int64_t e = 0; e < events; ++e) {
      const T *a = t[l.lhs] + e * l.lhsEventStride;
      const T *b = l.rhs < 0 ? nullptr : t[l.rhs] + e * l.rhsEventStride;
      T *y = t[l.out] + e * l.outEventStride;
      for (int64_t i = 0; i < l.size; ++i)
        y[i] = T(holds(a[i], b ? &b[i] : nullptr) ? 1 : 0);
    }
  }

private:
  bool holds(T a, const T *b) const {
    if constexpr (std::is_floating_point_v<T>) {
      double x = double(a), c = b ? double(*b) : l.value;
      if (std::isnan(x) || std::isnan(c))
        return l.predicate == nn::Predicate::ne;
      return satisfies(l.predicate, x < c ? -1 : x > c ? 1 : 0);
    } else {
      // The threshold is a signed integer (within +-2^53).
      return satisfies(
          l.predicate,
          b ? ariadne::detail::compareIntegers(a, l.isSigned, *b, l.isSigned)
            : ariadne::detail::compareIntegers(
                  a, l.isSigned, std::uint64_t(std::int64_t(l.value)), true));
    }
  }

  Layout l;
};

/// nn.select: `x` where the condition's integer is not 0, else `y`; a missing
/// branch is its fill (a float, or a raw integer of the result type).
/// The condition may broadcast: `cond[o]` is the offset of output
/// element o's condition within an event.
template <typename T> class SelectStep final : public Step<T> {
public:
  struct Layout {
    int out, cond, x, y; // x, y -1: the fill
    int64_t condEventStride, xEventStride, yEventStride, outEventStride;
    std::vector<int64_t> condAt;
    T xFill, yFill;
  };
  explicit SelectStep(Layout layout) : l(std::move(layout)) {}

  void run(T *const *t, int64_t events) const override {
    for (int64_t e = 0; e < events; ++e) {
      const T *c = t[l.cond] + e * l.condEventStride;
      const T *x = l.x < 0 ? nullptr : t[l.x] + e * l.xEventStride;
      const T *y = l.y < 0 ? nullptr : t[l.y] + e * l.yEventStride;
      T *out = t[l.out] + e * l.outEventStride;
      for (size_t o = 0; o < l.condAt.size(); ++o)
        out[o] = holds(c[l.condAt[o]]) ? (x ? x[o] : l.xFill)
                                      : (y ? y[o] : l.yFill);
    }
  }

private:
  /// A condition holds where its integer is not 0: a float's floor (as
  /// the quantization of an index input, TRN, takes it), a raw integer
  /// itself.
  static bool holds(T c) {
    if constexpr (std::is_floating_point_v<T>)
      return c >= T(1) || c < T(0);
    else
      return c != T(0);
  }

  Layout l;
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

/// The raw index type of an index tensor in the fixed-point
/// interpretation: integral fixed point (no fraction bits).
template <typename T>
llvm::Error checkIndexType(mlir::Operation *op, mlir::Value indices,
                           const Translation<T> &t) {
  if constexpr (!std::is_floating_point_v<T>) {
    auto fixed = llvm::dyn_cast<fx::FixedType>(
        llvm::cast<mlir::ShapedType>(indices.getType()).getElementType());
    if (!fixed || int64_t(fixed.getWidth()) != int64_t(fixed.getIntWidth()))
      return t.error(op, "the indices are not of an integral fixed-point type");
  }
  (void)op, (void)indices, (void)t;
  return llvm::Error::success();
}

/// Offsets into a per-event `shape` (broadcast dimensions of size 1 read
/// offset 0) of every element of a per-event `over` shape, in C order, with
/// the coordinate at `axis` (when not -1) set to 0.
inline std::vector<int64_t> offsetsOver(llvm::ArrayRef<int64_t> over,
                                        llvm::ArrayRef<int64_t> shape,
                                        int64_t axis) {
  auto strides = stridesWithin(shape, axis);
  std::vector<int64_t> offsets;
  offsets.reserve(size_t(productOf(over)));
  llvm::SmallVector<int64_t, 6> index(over.size(), 0);
  for (int64_t n = productOf(over), k = 0; k < n; ++k) {
    int64_t at = 0;
    for (size_t d = 0; d < over.size(); ++d)
      at += index[d] * strides[d];
    offsets.push_back(at);
    for (size_t d = over.size(); d-- > 0;) {
      if (++index[d] < over[d])
        break;
      index[d] = 0;
    }
  }
  return offsets;
}

template <typename T>
MoveStepOrError<T> translateGatherElements(nn::GatherElementsOp op,
                                           Translation<T> &t) {
  if (llvm::cast<mlir::ShapedType>(op.getInput().getType()).getElementType() !=
      llvm::cast<mlir::ShapedType>(op.getOutput().getType()).getElementType())
    return t.error(op, "the result's element type differs from the input's");
  if (auto err = checkIndexType(op, op.getIndices(), t))
    return err;
  auto data = t.broadcastView(op, op.getInput());
  if (!data)
    return data.takeError();
  auto index = t.broadcastView(op, op.getIndices());
  if (!index)
    return index.takeError();
  const TensorInfo &out = t.info(op.getOutput());
  int64_t axis = int64_t(op.getAxis()) - t.axisShift(op);
  if (axis < 0 || data->size() != out.shape.size() ||
      index->size() != out.shape.size())
    return t.error(op, "gathers along the event batch");
  typename GatherElementsStep<T>::Layout l;
  l.out = t.tensorOf(op.getOutput());
  l.data = t.tensorOf(op.getInput());
  l.indices = t.tensorOf(op.getIndices());
  l.dataEventStride = t.info(op.getInput()).eventStride();
  l.indexEventStride = t.info(op.getIndices()).eventStride();
  l.outEventStride = out.eventStride();
  l.axisSize = (*data)[size_t(axis)];
  l.axisStride = stridesOf(*data)[size_t(axis)];
  l.base = offsetsOver(out.shape, *data, axis);
  l.index = offsetsOver(out.shape, *index, -1);
  return std::make_unique<GatherElementsStep<T>>(
      std::move(l), t.overflowCounts ? t.overflowCounter(op) : nullptr);
}

template <typename T>
MoveStepOrError<T> translateScatterElements(nn::ScatterElementsOp op,
                                            Translation<T> &t) {
  if (auto err = checkIndexType(op, op.getIndices(), t))
    return err;
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op.getOutput().getType()).getElementType();
  mlir::Value start = op.getInput();
  for (mlir::Value v : {start, mlir::Value(op.getUpdates())})
    if (v &&
        llvm::cast<mlir::ShapedType>(v.getType()).getElementType() != element)
      return t.error(op, "the input, the updates and the result need one "
                         "element type");
  const TensorInfo &out = t.info(op.getOutput()),
                   &upd = t.info(op.getUpdates());
  if (start) {
    auto input = t.broadcastView(op, start);
    if (!input)
      return input.takeError();
    if (*input != llvm::ArrayRef<int64_t>(out.shape))
      return t.error(op, "the input does not line up with the result");
  }
  int64_t axis = int64_t(op.getAxis()) - t.axisShift(op);
  auto index = t.broadcastView(op, op.getIndices());
  if (!index)
    return index.takeError();
  if (axis < 0 || upd.shape.size() != out.shape.size() ||
      index->size() != upd.shape.size())
    return t.error(op, "scatters along the event batch, or its operands do "
                       "not line up with the result");
  typename ScatterElementsStep<T>::Layout l;
  l.out = t.tensorOf(op.getOutput());
  l.input = start ? t.tensorOf(start) : -1;
  l.indices = t.tensorOf(op.getIndices());
  l.updates = t.tensorOf(op.getUpdates());
  l.inputEventStride = start ? t.info(start).eventStride() : 0;
  l.indexEventStride = t.info(op.getIndices()).eventStride();
  l.updateEventStride = upd.eventStride();
  l.outEventStride = out.size;
  l.axisSize = out.shape[size_t(axis)];
  l.axisStride = stridesOf(out.shape)[size_t(axis)];
  // The destination of update element k with its axis coordinate 0: the
  // updates' coordinates in the result's strides.
  l.base = offsetsOver(upd.shape, out.shape, axis);
  l.index = offsetsOver(upd.shape, *index, -1);
  l.add = op.getAdd();
  if constexpr (!std::is_floating_point_v<T>) {
    auto fixed = llvm::dyn_cast<fx::FixedType>(element);
    if (!fixed)
      return t.error(op, "scatters a tensor that is not fixed point");
    l.width = int(fixed.getWidth());
    l.isSigned = fixed.isSigned();
  }
  return std::make_unique<ScatterElementsStep<T>>(
      std::move(l), t.overflowCounts ? t.overflowCounter(op) : nullptr);
}

/// A fill or threshold attribute as an element: the float itself, or the
/// raw integer (fx-lower's) as the bits of the type.
template <typename T> T elementOf(double v) {
  if constexpr (std::is_floating_point_v<T>)
    return T(v);
  else
    return T(std::uint64_t(std::int64_t(v)));
}

template <typename T>
MoveStepOrError<T> translateCompare(nn::CompareOp op, Translation<T> &t) {
  typename CompareStep<T>::Layout l;
  l.out = t.tensorOf(op.getOutput());
  l.lhs = t.tensorOf(op.getLhs());
  l.rhs = op.getRhs() ? t.tensorOf(op.getRhs()) : -1;
  l.lhsEventStride = t.info(op.getLhs()).eventStride();
  l.rhsEventStride = op.getRhs() ? t.info(op.getRhs()).eventStride() : 0;
  l.outEventStride = t.info(op.getOutput()).eventStride();
  l.size = t.info(op.getOutput()).size;
  if (t.info(op.getLhs()).size != t.info(op.getOutput()).size)
    return t.error(op, "the operands do not line up with the result");
  l.predicate = op.getPredicate();
  l.value = op.getValue().convertToDouble();
  if constexpr (!std::is_floating_point_v<T>) {
    mlir::Type element =
        llvm::cast<mlir::ShapedType>(op.getLhs().getType()).getElementType();
    auto fixed = llvm::dyn_cast<fx::FixedType>(element);
    if (!fixed || (op.getRhs() && llvm::cast<mlir::ShapedType>(
                                      op.getRhs().getType())
                                          .getElementType() != element))
      return t.error(op, "compares operands that are not of one fixed-point "
                         "type");
    l.isSigned = fixed.isSigned();
  }
  return std::make_unique<CompareStep<T>>(l);
}

template <typename T>
MoveStepOrError<T> translateSelect(nn::SelectOp op, Translation<T> &t) {
  mlir::Type element =
      llvm::cast<mlir::ShapedType>(op.getOutput().getType()).getElementType();
  for (mlir::Value v : {op.getX(), op.getY()})
    if (v && llvm::cast<mlir::ShapedType>(v.getType()).getElementType() !=
                 element)
      return t.error(op, "a branch's element type differs from the result's");
  auto cond = t.broadcastView(op, op.getCondition());
  if (!cond)
    return cond.takeError();
  const TensorInfo &out = t.info(op.getOutput());
  if (cond->size() != out.shape.size())
    return t.error(op, "the condition does not line up with the result");
  typename SelectStep<T>::Layout l;
  l.out = t.tensorOf(op.getOutput());
  l.cond = t.tensorOf(op.getCondition());
  l.x = op.getX() ? t.tensorOf(op.getX()) : -1;
  l.y = op.getY() ? t.tensorOf(op.getY()) : -1;
  l.condEventStride = t.info(op.getCondition()).eventStride();
  l.xEventStride = op.getX() ? t.info(op.getX()).eventStride() : 0;
  l.yEventStride = op.getY() ? t.info(op.getY()).eventStride() : 0;
  l.outEventStride = out.eventStride();
  l.condAt = offsetsOver(out.shape, *cond, -1);
  l.xFill = elementOf<T>(op.getXValue().convertToDouble());
  l.yFill = elementOf<T>(op.getYValue().convertToDouble());
  return std::make_unique<SelectStep<T>>(std::move(l));
}

} // namespace detail

/// Registers reshape, transpose, slice, concat, window, reduce_max,
/// gather_elements, scatter_elements, compare and select for elements of
/// type T.
template <typename T> void registerMoveTranslators(TranslatorTable<T> &table) {
  table.template add<nn::ReshapeOp>(detail::translateReshape<T>);
  table.template add<nn::TransposeOp>(detail::translateTranspose<T>);
  table.template add<nn::SliceOp>(detail::translateSlice<T>);
  table.template add<nn::ConcatOp>(detail::translateConcat<T>);
  table.template add<nn::WindowOp>(detail::translateWindow<T>);
  table.template add<nn::ReduceMaxOp>(detail::translateReduceMax<T>);
  table.template add<nn::GatherElementsOp>(detail::translateGatherElements<T>);
  table.template add<nn::ScatterElementsOp>(
      detail::translateScatterElements<T>);
  table.template add<nn::CompareOp>(detail::translateCompare<T>);
  table.template add<nn::SelectOp>(detail::translateSelect<T>);
}

} // namespace ariadne::emu

#endif // ARIADNE_EMULATOR_MOVESTEPS_H

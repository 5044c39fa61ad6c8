//===- ImportConditions.cpp - comparisons, logic and Where at run time ----===//
//
// Conditions are index tensors of 0 and 1 (ImportedValue::isCondition): a
// bool graph input (a padding mask), or a comparison of run-time tensors.
// Comparisons import as nn.compare; Where as nn.select; the logical ops as
// the one of the two that computes them (Not(a) = a == 0, And(a, b) =
// a ? b : 0, Or(a, b) = a ? 1 : b, Xor(a, b) = a != b); a Cast of a
// condition to float32 as a select of 1.0 and 0.0. Operands of different
// shapes are broadcast by copies (expandTensor), except the condition of a
// select, which nn.select broadcasts itself.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

/// Input `i` as one value when it is compile-time data whose elements are
/// all that value; nullopt when it is computed at run time.
static Expected<std::optional<double>> uniformConstant(NodeImporter &n,
                                                       size_t i) {
  auto in = n.value(i);
  if (!in)
    return in.takeError();
  std::vector<double> values;
  if (in->kind == ImportedValue::Kind::FloatConst) {
    values.assign(in->constant->data.begin(), in->constant->data.end());
  } else if (in->kind == ImportedValue::Kind::Int) {
    auto known = knownValues(n, in->ints, n.inputName(i));
    if (!known)
      return known.takeError();
    values.assign(known->begin(), known->end());
  } else {
    return std::optional<double>();
  }
  if (values.empty())
    return n.error("input '" + n.inputName(i).str() + "' is empty");
  if (!llvm::all_equal(values))
    return n.error("input '" + n.inputName(i).str() +
                   "' is a constant tensor of different values; only one "
                   "value repeated (or a tensor computed at run time) is "
                   "supported here");
  return std::optional<double>(values.front());
}

/// The predicate with its operands swapped: `c < x` is `x > c`.
static nn::Predicate swapped(nn::Predicate p) {
  switch (p) {
  case nn::Predicate::lt:
    return nn::Predicate::gt;
  case nn::Predicate::le:
    return nn::Predicate::ge;
  case nn::Predicate::gt:
    return nn::Predicate::lt;
  case nn::Predicate::ge:
    return nn::Predicate::le;
  default:
    return p;
  }
}

static bool holds(nn::Predicate p, double a, double b) {
  switch (p) {
  case nn::Predicate::eq:
    return a == b;
  case nn::Predicate::ne:
    return a != b;
  case nn::Predicate::lt:
    return a < b;
  case nn::Predicate::le:
    return a <= b;
  case nn::Predicate::gt:
    return a > b;
  case nn::Predicate::ge:
    return a >= b;
  }
  llvm_unreachable("unknown predicate");
}

/// The broadcast shape of inputs `inputs`, by their ONNX shapes.
static Expected<SmallVector<int64_t>> broadcastInputs(NodeImporter &n,
                                                      ArrayRef<size_t> inputs) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (size_t i : inputs) {
    auto in = n.value(i);
    if (!in)
      return in.takeError();
    // A fill of the batch size is one value in every event.
    if (in->kind == ImportedValue::Kind::FloatConst && in->constant->batchFill)
      continue;
    auto shape = valueShape(n, *in);
    if (!shape)
      return shape.takeError();
    shapes.push_back(*shape);
  }
  return broadcastBatched(n, shapes);
}

/// Input `i`, a run-time tensor, broadcast to `out`.
static Expected<Value> broadcastInput(NodeImporter &n, size_t i,
                                      ArrayRef<int64_t> out) {
  auto v = n.tensor(i);
  if (!v)
    return v.takeError();
  return expandTensor(n, *v, out);
}

/// A comparison of compile-time integers, folded (the shape arithmetic of
/// an `expand` with -1 entries); a multiple of the batch size equals only
/// itself.
static Error foldCompare(NodeImporter &n, nn::Predicate predicate) {
  auto a = n.ints(0, "A"), b = n.ints(1, "B");
  if (!a)
    return a.takeError();
  if (!b)
    return b.takeError();
  return foldInts(n, {*a, *b}, onnx::TensorProto_DataType_BOOL,
                  [&](ArrayRef<SymInt> v) -> Expected<SymInt> {
                    if (v[0].isBatch != v[1].isBatch)
                      return n.error("comparing the dynamic batch size with "
                                     "a number is not known at compile time");
                    if (v[0].isBatch && predicate != nn::Predicate::eq &&
                        predicate != nn::Predicate::ne)
                      return n.error("ordering multiples of the dynamic batch "
                                     "size is not known at compile time");
                    return SymInt::known(
                        holds(predicate, double(v[0].value), double(v[1].value))
                            ? 1
                            : 0);
                  });
}

Error importCompare(NodeImporter &n, nn::Predicate predicate) {
  if (n.isIntInput(0) && n.isIntInput(1))
    return foldCompare(n, predicate);
  auto out = broadcastInputs(n, {0, 1});
  if (!out)
    return out.takeError();
  auto c0 = uniformConstant(n, 0);
  if (!c0)
    return c0.takeError();
  auto c1 = uniformConstant(n, 1);
  if (!c1)
    return c1.takeError();
  if (*c0 && *c1)
    return n.error("compares two constants; only comparisons with a tensor "
                   "computed at run time are supported");
  // The run-time operand on the left, a constant on the right.
  size_t lhsInput = *c0 ? 1 : 0;
  if (*c0)
    predicate = swapped(predicate);
  auto lhs = broadcastInput(n, lhsInput, *out);
  if (!lhs)
    return lhs.takeError();
  Value rhs;
  double constant = 0;
  if (std::optional<double> c = *c0 ? *c0 : *c1) {
    constant = *c;
  } else {
    auto r = broadcastInput(n, 1, *out);
    if (!r)
      return r.takeError();
    rhs = *r;
  }
  n.setResultKind(true, true);
  auto &b = n.builder();
  return n.setTensor(
      0, n.create<nn::CompareOp>(
             *out, *lhs, rhs, nn::PredicateAttr::get(b.getContext(), predicate),
             b.getF64FloatAttr(constant)));
}

/// Input `i` as a run-time condition broadcast to `out`.
static Expected<Value> conditionInput(NodeImporter &n, size_t i,
                                      ArrayRef<int64_t> out,
                                      llvm::StringRef role) {
  auto c = n.indexTensor(i, role);
  if (!c)
    return c.takeError();
  return expandTensor(n, *c, out);
}

/// A condition of whether input 0 (an index tensor) is not 0 (or, `is0`,
/// is 0): Not, and a Cast of indices to bool.
static Error compareWithZero(NodeImporter &n, bool is0) {
  auto c = n.indexTensor(0, "input");
  if (!c)
    return c.takeError();
  n.setResultKind(true, true);
  auto &b = n.builder();
  return n.setTensor(
      0, n.create<nn::CompareOp>(
             shapeOf(*c), *c, Value(),
             nn::PredicateAttr::get(b.getContext(), is0 ? nn::Predicate::eq
                                                        : nn::Predicate::ne),
             b.getF64FloatAttr(0)));
}

Error importNot(NodeImporter &n) {
  if (n.isIntInput(0)) {
    auto a = n.ints(0, "X");
    if (!a)
      return a.takeError();
    return foldInts(n, {*a}, onnx::TensorProto_DataType_BOOL,
                    [&](ArrayRef<SymInt> v) -> Expected<SymInt> {
                      if (v[0].isBatch)
                        return n.error("the operand depends on the dynamic "
                                       "batch size");
                      return SymInt::known(v[0].value == 0 ? 1 : 0);
                    });
  }
  return compareWithZero(n, true);
}

Error importLogic(NodeImporter &n, Logic op) {
  if (n.isIntInput(0) && n.isIntInput(1)) {
    auto a = n.ints(0, "A"), c = n.ints(1, "B");
    if (!a)
      return a.takeError();
    if (!c)
      return c.takeError();
    return foldInts(n, {*a, *c}, onnx::TensorProto_DataType_BOOL,
                    [&](ArrayRef<SymInt> v) -> Expected<SymInt> {
                      if (v[0].isBatch || v[1].isBatch)
                        return n.error("an operand depends on the dynamic "
                                       "batch size");
                      bool x = v[0].value != 0, y = v[1].value != 0;
                      return SymInt::known(op == Logic::And  ? x && y
                                           : op == Logic::Or ? x || y
                                                             : x != y);
                    });
  }
  auto out = broadcastInputs(n, {0, 1});
  if (!out)
    return out.takeError();
  auto a = conditionInput(n, 0, *out, "A");
  if (!a)
    return a.takeError();
  auto c = conditionInput(n, 1, *out, "B");
  if (!c)
    return c.takeError();
  n.setResultKind(true, true);
  auto &b = n.builder();
  Value result;
  if (op == Logic::Xor)
    result = n.create<nn::CompareOp>(
        *out, *a, *c, nn::PredicateAttr::get(b.getContext(), nn::Predicate::ne),
        b.getF64FloatAttr(0));
  else if (op == Logic::And)
    result = n.create<nn::SelectOp>(*out, *a, *c, Value(), b.getF64FloatAttr(0),
                                    b.getF64FloatAttr(0));
  else
    result = n.create<nn::SelectOp>(*out, *a, Value(), *c, b.getF64FloatAttr(1),
                                    b.getF64FloatAttr(0));
  return n.setTensor(0, result);
}

Error importSelect(NodeImporter &n) {
  auto out = broadcastInputs(n, {0, 1, 2});
  if (!out)
    return out.takeError();
  auto c = n.indexTensor(0, "condition");
  if (!c)
    return c.takeError();
  // The condition with the result's rank; nn.select broadcasts the rest.
  Value condition = *c;
  if (shapeOf(condition).size() < out->size()) {
    SmallVector<int64_t> ranked(out->size() - shapeOf(condition).size(), 1);
    llvm::append_range(ranked, shapeOf(condition));
    condition = n.create<nn::ReshapeOp>(ranked, condition);
  }
  // Each branch: a run-time tensor broadcast to the result, or a fill.
  Value branches[2];
  double fills[2] = {0, 0};
  bool index[2], condition01[2], whole[2];
  for (size_t k = 0; k < 2; ++k) {
    auto in = n.value(k + 1);
    if (!in)
      return in.takeError();
    auto constant = uniformConstant(n, k + 1);
    if (!constant)
      return constant.takeError();
    if (*constant) {
      fills[k] = **constant;
      index[k] = in->kind == ImportedValue::Kind::Int;
      whole[k] = fills[k] == std::floor(fills[k]);
      condition01[k] = fills[k] == 0 || fills[k] == 1;
      continue;
    }
    index[k] = whole[k] = in->isIndex;
    condition01[k] = in->isCondition;
    auto v = broadcastInput(n, k + 1, *out);
    if (!v)
      return v.takeError();
    branches[k] = *v;
  }
  // Indices chosen among indices (and whole numbers) stay indices; a
  // choice between indices and activations has no single meaning.
  bool runtimeIndex = (branches[0] && index[0]) || (branches[1] && index[1]);
  bool runtimeData = (branches[0] && !index[0]) || (branches[1] && !index[1]);
  if (runtimeIndex && (runtimeData || !whole[0] || !whole[1]))
    return n.error("chooses between indices and activations (or fractions); "
                   "both branches must be one or the other");
  bool resultIndex =
      runtimeIndex || (!branches[0] && !branches[1] && index[0] && index[1]);
  n.setResultKind(resultIndex,
                  resultIndex && condition01[0] && condition01[1]);
  auto &b = n.builder();
  Value select =
      n.create<nn::SelectOp>(*out, condition, branches[0], branches[1],
                             b.getF64FloatAttr(fills[0]),
                             b.getF64FloatAttr(fills[1]));
  // A choice between two whole numbers gives indices: say so, as no
  // operand does.
  if (resultIndex && !runtimeIndex)
    select.getDefiningOp()->setAttr(nn::kIndexAttr, b.getUnitAttr());
  return n.setTensor(0, select);
}

Error castToCondition(NodeImporter &n) { return compareWithZero(n, false); }

Error castCondition(NodeImporter &n) {
  auto c = n.indexTensor(0, "input");
  if (!c)
    return c.takeError();
  n.setResultKind(false, false);
  auto &b = n.builder();
  return n.setTensor(0, n.create<nn::SelectOp>(shapeOf(*c), *c, Value(),
                                               Value(), b.getF64FloatAttr(1),
                                               b.getF64FloatAttr(0)));
}

} // namespace imports
} // namespace frontend
} // namespace ariadne

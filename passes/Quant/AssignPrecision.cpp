//===- AssignPrecision.cpp - choose the fixed-point types -----------------===//
//
// Decides, layer by layer, the types of every tensor role and the settings
// of every lookup table, and records them as `fx.precision` dictionaries
// for fx-lower. The decisions follow, field by field: the config's layer
// entry, its layer-type entry, its model defaults, then --precision; with
// `auto`, a role nobody named gets the width budget and the integer bits of
// its calibration range.
//
//===----------------------------------------------------------------------===//
#include "passes/FX/FXDialect.h"
#include "passes/FX/Precision.h"
#include "passes/Quant/Layers.h"
#include "passes/Quant/Passes.h"
#include "passes/Quant/QuantConfig.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>

namespace ariadne {
#define GEN_PASS_DEF_ASSIGNPRECISION
#include "passes/Quant/Passes.h.inc"
} // namespace ariadne

using namespace mlir;
using namespace ariadne;
using namespace ariadne::quant;
using ariadne::fx::FixedType;

namespace {

/// The default width and that of softmax's internal tables.
constexpr int kDefaultWidth = 16;
constexpr int kSoftmaxTableWidth = 18;
/// The default input range of softmax's exp table: differences from the
/// row's maximum of 0 to 8 (weights down to e^-8).
constexpr double kSoftmaxExpRange = 8.0;

/// The input range a table of `kind` covers by default: where the function
/// still differs from its limits by more than half an entry step
/// (`entryFrac` fractional bits); beyond, the clamped end entries are exact
/// to within that half step.
std::pair<double, double> defaultTableRange(nn::ActivationKind kind,
                                            int64_t entryFrac) {
  double halfStep =
      std::ldexp(0.5, -static_cast<int>(std::clamp<int64_t>(entryFrac, 0, 50)));
  double edge = 8;
  switch (kind) {
  case nn::ActivationKind::tanh:
    edge = std::atanh(std::max(0.0, 1 - halfStep));
    break;
  case nn::ActivationKind::sigmoid:
    edge = std::log((1 - halfStep) / halfStep);
    break;
  case nn::ActivationKind::softsign:
    // 1 - |x|/(1+|x|) = 1/(1+|x|) < halfStep; softsign converges slowly,
    // so the table covers at most [-64, 64].
    edge = std::min(64.0, 1 / halfStep - 1);
    break;
  case nn::ActivationKind::elu:
  case nn::ActivationKind::selu:
    // The table holds the negative side only (x >= 0 is linear, computed
    // exactly): exp(x) - 1 is within half a step of -1 below -edge.
    edge = std::log(1 / halfStep);
    return {-std::clamp(std::ceil(edge * 4) / 4, 1.0, 64.0), 0.0};
  case nn::ActivationKind::softplus:
    // The table holds log(1 + exp(-|x|)) (the rest, max(x, 0), is exact),
    // within half a step of 0 beyond edge.
    edge = std::log(1 / halfStep);
    break;
  case nn::ActivationKind::erf:
  case nn::ActivationKind::gelu:
  case nn::ActivationKind::gelu_tanh: {
    // erf is within half a step of +-1 beyond edge; GELU's table holds
    // gelu(x) - max(x, 0) (the rest is exact), within half a step of 0.
    auto rest = [&](double x) {
      if (kind == nn::ActivationKind::erf)
        return 1 - std::erf(x);
      return std::fabs(nn::evalActivation(kind, 0, 0, x) - std::max(x, 0.0));
    };
    edge = 1;
    while (edge < 64 && (rest(edge) >= halfStep || rest(-edge) >= halfStep))
      edge += 0.25;
    return {-edge, edge};
  }
  default:
    break;
  }
  edge = std::clamp(std::ceil(edge * 4) / 4, 1.0, 64.0);
  return {-edge, edge};
}

class Assigner {
public:
  Assigner(func::FuncOp fn, const QuantConfig &config, bool isAuto,
           FixedType global, int width)
      : fn(fn), context(fn.getContext()), builder(context), config(config),
        isAuto(isAuto), global(global), width(width) {}

  LogicalResult run();

  /// The types of each nn op that has roles of its own.
  using Handlers = OpHandlers<LogicalResult(Operation *, Assigner &)>;
  static const Handlers &handlers();

private:
  /// A type written in the config, already validated by its parser.
  FixedType parse(const std::string &text, Operation *where) {
    std::string error;
    auto type = fx::parsePrecision(text, context, error);
    if (failed(type)) {
      where->emitError("precision '") << text << "': " << error;
      return {};
    }
    return *type;
  }

  /// The settings of a layer with several names (a fused layer).
  LayerSettings settingsOf(llvm::ArrayRef<std::string> names,
                           llvm::StringRef type) {
    return config.resolveAll(names, type);
  }

  /// How a layer's roles default: from their calibration ranges (auto), or
  /// to one type. The config may switch a layer to auto or to a type; float
  /// is not available per layer.
  struct LayerDefault {
    bool isAuto = false;
    FixedType type;
  };
  FailureOr<LayerDefault> layerDefault(const LayerSettings &s,
                                       Operation *where) {
    if (!s.precision)
      return LayerDefault{isAuto, global};
    if (*s.precision == "auto")
      return LayerDefault{true, {}};
    if (*s.precision == "float") {
      where->emitError("a float layer inside a fixed-point model is not "
                       "supported; give the whole model --precision float");
      return failure();
    }
    FixedType type = parse(*s.precision, where);
    if (!type)
      return failure();
    return LayerDefault{false, type};
  }

  /// The calibration range recorded on `op` (or an input's), or failure.
  FailureOr<std::pair<double, double>> rangeOf(Attribute attr, Operation *where,
                                               llvm::StringRef what) {
    auto range = llvm::dyn_cast_or_null<DenseF64ArrayAttr>(attr);
    if (!range || range.size() != 2) {
      where->emitError("auto precision needs the calibration range of ")
          << what << " (an fx.range attribute); give --calibration events";
      return failure();
    }
    return std::pair(range[0], range[1]);
  }

  FixedType autoType(std::pair<double, double> range, Operation *where,
                     llvm::StringRef what) {
    FixedType type =
        typeForRange(context, range.first, range.second, width, RND, SAT);
    if (!type)
      where->emitError("the range [")
          << range.first << ", " << range.second << "] of " << what
          << " needs no fixed-point type of " << width << " bits";
    return type;
  }

  /// A role's type: the config's, else the layer default or auto from
  /// `range` (computed on demand).
  template <typename RangeFn>
  FixedType roleType(const LayerSettings &s, Role role, const LayerDefault &def,
                     Operation *where, StringRef what, RangeFn &&range) {
    auto it = s.roles.find(role);
    if (it != s.roles.end())
      return parse(it->second, where);
    if (!def.isAuto)
      return def.type;
    FailureOr<std::pair<double, double>> r = range();
    if (failed(r))
      return {};
    return autoType(*r, where, what);
  }

  /// min and max of a float constant attribute.
  static std::pair<double, double> valueRange(Attribute attr) {
    double lo = 0, hi = 0;
    if (auto dense = llvm::dyn_cast_or_null<DenseElementsAttr>(attr))
      for (float v : dense.getValues<float>()) {
        lo = std::min<double>(lo, v);
        hi = std::max<double>(hi, v);
      }
    return {lo, hi};
  }

  DictionaryAttr tableDict(const TableSettings &s, FixedType entry,
                           std::pair<double, double> range, Operation *where) {
    if (s.entry && !(entry = parse(*s.entry, where)))
      return {};
    auto [low, high] = s.range ? *s.range : range;
    NamedAttrList attrs;
    // Without a size the table is sized by its function (autoBins).
    if (s.size)
      attrs.set("size", builder.getI64IntegerAttr(*s.size));
    attrs.set("low", builder.getF64FloatAttr(low));
    attrs.set("high", builder.getF64FloatAttr(high));
    attrs.set("entry", TypeAttr::get(entry));
    return attrs.getDictionary(context);
  }

  /// The calibration range of operand `i` of `op` (recorded on the op
  /// that computes it, or on the input), or failure naming `what`.
  FailureOr<std::pair<double, double>> operandRange(Operation *op, unsigned i,
                                                    llvm::StringRef what) {
    Value v = op->getOperand(i);
    Attribute attr;
    if (Operation *def = v.getDefiningOp())
      attr = def->getAttr(kRangeAttr);
    else if (auto arg = llvm::dyn_cast<BlockArgument>(v))
      attr = fn.getArgAttr(arg.getArgNumber(), kRangeAttr);
    auto range = llvm::dyn_cast_or_null<DenseF64ArrayAttr>(attr);
    if (!range || range.size() != 2) {
      // At any precision: these tables span what calibration saw.
      op->emitError("needs the calibration range of ")
          << what << "; give --calibration events";
      return failure();
    }
    return std::pair(range[0], range[1]);
  }

  LogicalResult assignInput(unsigned index);
  LogicalResult assignDense(nn::DenseOp op);
  LogicalResult assignActivation(Operation *op, nn::ActivationKind kind,
                                 NamedAttrList &attrs, const LayerSettings &s,
                                 FixedType result);
  LogicalResult assignSoftmax(nn::SoftmaxOp op);
  LogicalResult assignResultOnly(Operation *op, llvm::StringRef type);
  LogicalResult assignAffine(Operation *op, llvm::StringRef type,
                             const ChannelAffine &affine);
  LogicalResult assignArith(Operation *op, llvm::StringRef type);
  LogicalResult assignMatMul(nn::MatMulOp op);
  LogicalResult assignDivision(Operation *op);

  func::FuncOp fn;
  MLIRContext *context;
  Builder builder;
  const QuantConfig &config;
  bool isAuto;
  FixedType global;
  int width;
  /// Layer names the config addresses that the model has.
  std::set<std::string> seenNames;
  /// The calibration range of a recurrent layer's state (or cell) over
  /// every step, by layer names and role: `auto` gives every step one type.
  std::map<std::string, std::pair<double, double>> stateRanges;

  /// The role of an op tagged `nn.state` (Role::Result for the others) and
  /// the key of its layer's steps in stateRanges.
  static std::pair<Role, std::string> stateRole(Operation *op) {
    auto tag = op->getAttrOfType<StringAttr>("nn.state");
    if (!tag)
      return {Role::Result, ""};
    std::string key = tag.str();
    for (const std::string &name : layerNames(op))
      key += "/" + name;
    return {tag.getValue() == "cell" ? Role::Cell : Role::State, key};
  }
  LogicalResult collectStateRanges();
  /// The result's type, for a recurrent state from its own role and the
  /// range of every step.
  FixedType resultType(const LayerSettings &s, const LayerDefault &def,
                       Operation *op);
};

LogicalResult Assigner::collectStateRanges() {
  WalkResult walk = fn.walk([&](Operation *op) {
    auto [role, key] = stateRole(op);
    if (key.empty() || !op->getAttr(kRangeAttr))
      return WalkResult::advance();
    FailureOr<std::pair<double, double>> r =
        rangeOf(op->getAttr(kRangeAttr), op, "the recurrent state");
    if (failed(r))
      return WalkResult::interrupt();
    auto [it, fresh] = stateRanges.try_emplace(key, *r);
    it->second.first = std::min(it->second.first, r->first);
    it->second.second = std::max(it->second.second, r->second);
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Whether every use of `v`, through data movement, is a softmax.
static bool feedsOnlySoftmax(Value v) {
  if (v.use_empty())
    return false;
  for (Operation *user : v.getUsers()) {
    if (llvm::isa<nn::SoftmaxOp>(user))
      continue;
    if (!llvm::isa<nn::ReshapeOp, nn::TransposeOp>(user) ||
        !feedsOnlySoftmax(user->getResult(0)))
      return false;
  }
  return true;
}

FixedType Assigner::resultType(const LayerSettings &s, const LayerDefault &def,
                               Operation *op) {
  auto [role, key] = stateRole(op);
  auto range = [&]() -> FailureOr<std::pair<double, double>> {
    auto it = stateRanges.find(key);
    if (!key.empty() && it != stateRanges.end())
      return it->second;
    FailureOr<std::pair<double, double>> r =
        rangeOf(op->getAttr(kRangeAttr), op, "the layer's result");
    // Scores going into a softmax: a masked score (a large negative term
    // added) only needs to lie below the row's maximum by more than the
    // exp table's range, where its weight is 0. The type covers the
    // scores' upper range and as much again below it, plus the table's
    // range twice; masked scores saturate at its lowest value (counted
    // as saturated), instead of widening the integer part until the
    // scores have no fraction bits left.
    if (succeeded(r) && op->getNumResults() == 1 &&
        feedsOnlySoftmax(op->getResult(0))) {
      double reach = std::max(std::fabs(r->second), 1.0) + 2 * kSoftmaxExpRange;
      r->first = std::max(r->first, -reach);
    }
    // An infinite end (a fill of -inf, as PyTorch writes a boolean
    // attention mask with masked_fill, and what follows it): the type
    // covers the finite values and reaches the exp table's range twice
    // beyond them, where the infinite values saturate, so that a masked
    // score lies far below its row's maximum.
    if (succeeded(r) && (std::isinf(r->first) || std::isinf(r->second))) {
      double lowest = std::isinf(r->first) ? r->second : r->first;
      double highest = std::isinf(r->second) ? r->first : r->second;
      if (std::isinf(lowest) || std::isinf(highest))
        lowest = highest = 0;
      double reach =
          std::max(highest - lowest, 1.0) + 2 * kSoftmaxExpRange;
      if (std::isinf(r->first))
        r->first = lowest - reach;
      if (std::isinf(r->second))
        r->second = highest + reach;
    }
    return r;
  };
  if (role != Role::Result)
    if (auto it = s.roles.find(role); it != s.roles.end())
      return parse(it->second, op);
  return roleType(s, Role::Result, def, op,
                  role == Role::Cell    ? "the cell"
                  : role == Role::State ? "the state"
                                        : "the result",
                  range);
}

LogicalResult Assigner::assignInput(unsigned index) {
  std::string name = inputName(fn, index);
  seenNames.insert(name);
  if (fn.getArgAttr(index, nn::kIndexAttr)) {
    // Indices are exact integers, never quantized.
    NamedAttrList attrs;
    attrs.set("result", TypeAttr::get(indexType(context)));
    fn.setArgAttr(index, kPrecisionAttr, attrs.getDictionary(context));
    return success();
  }
  LayerSettings s = config.resolve(name, "input");
  FailureOr<LayerDefault> def = layerDefault(s, fn);
  if (failed(def))
    return failure();
  std::string what = "input '" + name + "'";
  FixedType type = roleType(s, Role::Result, *def, fn, what, [&] {
    return rangeOf(fn.getArgAttr(index, kRangeAttr), fn, what);
  });
  if (!type)
    return failure();
  NamedAttrList attrs;
  attrs.set("result", TypeAttr::get(type));
  fn.setArgAttr(index, kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

LogicalResult Assigner::assignActivation(Operation *op, nn::ActivationKind kind,
                                         NamedAttrList &attrs,
                                         const LayerSettings &s,
                                         FixedType result) {
  if (kind == nn::ActivationKind::abs)
    return op->emitError("abs has no fixed-point implementation yet");
  if (!isTableActivation(kind))
    return success();
  std::pair<double, double> range;
  if (kind == nn::ActivationKind::rsqrt ||
      kind == nn::ActivationKind::reciprocal) {
    // 1/sqrt and 1/x have no range that suits every input: the table spans
    // the input's calibration range, unless the config gives one.
    if (!s.table.range) {
      std::string what = "the input of the " + activationTypeName(kind).str() +
                         " table (or give its range in the config)";
      FailureOr<std::pair<double, double>> r = operandRange(op, 0, what);
      if (failed(r))
        return failure();
      range = *r;
    } else {
      range = *s.table.range;
    }
    // Unless the config names them, the entries (which are the result)
    // take a type for the values of 1/sqrt or 1/x over that range: a
    // layer norm's 1/(N sigma) is far below the layer's other values.
    if (!s.table.entry && !s.roles.count(Role::Result)) {
      auto act = llvm::dyn_cast<nn::ActivationOp>(op);
      double alpha = act ? act.getAlpha().convertToDouble() : 0;
      double beta = act ? act.getBeta().convertToDouble() : 0;
      double a = nn::evalActivation(kind, alpha, beta, range.first);
      double b = nn::evalActivation(kind, alpha, beta, range.second);
      bool crossesZero = kind == nn::ActivationKind::reciprocal &&
                         range.first <= 0 && range.second >= 0;
      if (std::isfinite(a) && std::isfinite(b) && !crossesZero)
        if (FixedType type =
                typeForRange(context, std::min(a, b), std::max(a, b),
                             result.getWidth(), RND, SAT)) {
          result = type;
          attrs.set("result", TypeAttr::get(type));
        }
    }
  } else {
    range = defaultTableRange(kind, result.getFracWidth());
  }
  DictionaryAttr table = tableDict(s.table, result, range, op);
  if (!table)
    return failure();
  attrs.set("table", table);
  return success();
}

LogicalResult Assigner::assignDense(nn::DenseOp op) {
  auto names = layerNames(op);
  seenNames.insert(names.begin(), names.end());
  LayerSettings dense = settingsOf(names, "dense");
  nn::ActivationKind kind = op.getActivation();
  bool hasActivation = kind != nn::ActivationKind::none;
  LayerSettings act =
      hasActivation ? settingsOf(names, activationTypeName(kind)) : dense;
  FailureOr<LayerDefault> def = layerDefault(dense, op);
  if (failed(def))
    return failure();

  NamedAttrList attrs;
  FixedType weight =
      roleType(dense, Role::Weight, *def, op, "the weights", [&] {
        return FailureOr<std::pair<double, double>>(
            valueRange(op.getWeightAttr()));
      });
  if (!weight)
    return failure();
  attrs.set("weight", TypeAttr::get(weight));
  if (op.getBiasAttr()) {
    FixedType bias = roleType(dense, Role::Bias, *def, op, "the bias", [&] {
      return FailureOr<std::pair<double, double>>(valueRange(op.getBiasAttr()));
    });
    if (!bias)
      return failure();
    attrs.set("bias", TypeAttr::get(bias));
  }
  auto acc = dense.roles.find(Role::Accumulator);
  if (acc != dense.roles.end()) {
    FixedType type = parse(acc->second, op);
    if (!type)
      return failure();
    attrs.set("accumulator", TypeAttr::get(type));
  }
  // A fused activation's settings name the layer's result and table.
  FailureOr<LayerDefault> resultDefault = layerDefault(act, op);
  if (failed(resultDefault))
    return failure();
  FixedType result = resultType(act, *resultDefault, op);
  if (!result)
    return failure();
  attrs.set("result", TypeAttr::get(result));
  if (failed(assignActivation(op, kind, attrs, act, result)))
    return failure();
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

LogicalResult Assigner::assignSoftmax(nn::SoftmaxOp op) {
  auto names = layerNames(op);
  seenNames.insert(names.begin(), names.end());
  LayerSettings s = settingsOf(names, "softmax");
  FailureOr<LayerDefault> def = layerDefault(s, op);
  if (failed(def))
    return failure();
  // Softmax values lie in [0, 1]: auto needs no calibration for them.
  FixedType result = roleType(s, Role::Result, *def, op, "the result", [&] {
    return FailureOr<std::pair<double, double>>(std::pair(0.0, 1.0));
  });
  if (!result)
    return failure();
  NamedAttrList attrs;
  attrs.set("result", TypeAttr::get(result));
  FixedType unit = FixedType::get(context, kSoftmaxTableWidth, 1,
                                  /*isSigned=*/false, RND, SAT);
  // exp(-d) for d >= 0, and 1/s for s in [1, N]: the ranges are fixed.
  auto type = llvm::cast<RankedTensorType>(op.getType());
  double n = static_cast<double>(type.getShape().back());
  DictionaryAttr expTable =
      tableDict(s.expTable, unit, {0.0, kSoftmaxExpRange}, op);
  DictionaryAttr invTable =
      tableDict(s.invTable, unit, {1.0, std::max(2.0, n)}, op);
  if (!expTable || !invTable)
    return failure();
  attrs.set("exp_table", expTable);
  attrs.set("inv_table", invTable);
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

LogicalResult Assigner::assignResultOnly(Operation *op, llvm::StringRef type) {
  auto names = layerNames(op);
  seenNames.insert(names.begin(), names.end());
  LayerSettings s = settingsOf(names, type);
  FailureOr<LayerDefault> def = layerDefault(s, op);
  if (failed(def))
    return failure();
  FixedType result = resultType(s, *def, op);
  if (!result)
    return failure();
  NamedAttrList attrs;
  attrs.set("result", TypeAttr::get(result));
  if (auto act = llvm::dyn_cast<nn::ActivationOp>(op))
    if (failed(assignActivation(op, act.getActivation(), attrs, s, result)))
      return failure();
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

/// A per-channel affine map (a batch normalization, or an activation and a
/// constant): its scale and offset take the weight and bias roles.
LogicalResult Assigner::assignAffine(Operation *op, llvm::StringRef type,
                                     const ChannelAffine &affine) {
  if (failed(assignResultOnly(op, type)))
    return failure();
  LayerSettings s = settingsOf(layerNames(op), type);
  FailureOr<LayerDefault> def = layerDefault(s, op);
  if (failed(def))
    return failure();
  auto rangeOfValues = [](llvm::ArrayRef<double> values) {
    double lo = 0, hi = 0;
    for (double v : values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    return FailureOr<std::pair<double, double>>(std::pair(lo, hi));
  };
  NamedAttrList attrs(op->getAttrOfType<DictionaryAttr>(kPrecisionAttr));
  FixedType scale = roleType(s, Role::Weight, *def, op, "the scale",
                             [&] { return rangeOfValues(affine.scale); });
  if (!scale)
    return failure();
  attrs.set("weight", TypeAttr::get(scale));
  if (!affine.offset.empty()) {
    FixedType offset = roleType(s, Role::Bias, *def, op, "the offset",
                                [&] { return rangeOfValues(affine.offset); });
    if (!offset)
      return failure();
    attrs.set("bias", TypeAttr::get(offset));
  }
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

/// Add, sub, mul and div: of two activations, the result only; of an
/// activation and a constant, an affine map.
LogicalResult Assigner::assignArith(Operation *op, llvm::StringRef type) {
  if (!hasConstantOperand(op))
    return assignResultOnly(op, type);
  FailureOr<ConstantAffine> constant = constantAffine(op);
  if (failed(constant))
    return failure();
  return assignAffine(op, type, constant->affine);
}

/// A division by an activation: its result, and the table of 1/x over the
/// divisor's calibration range, whose entries take the table type (under
/// auto, the range of 1/x over that of the divisor, when it excludes 0).
LogicalResult Assigner::assignDivision(Operation *op) {
  if (hasConstantOperand(op))
    return assignArith(op, "div");
  if (failed(assignResultOnly(op, "div")))
    return failure();
  LayerSettings s = settingsOf(layerNames(op), "div");
  FailureOr<LayerDefault> def = layerDefault(s, op);
  if (failed(def))
    return failure();
  std::pair<double, double> range;
  if (s.table.range) {
    range = *s.table.range;
  } else {
    FailureOr<std::pair<double, double>> r = operandRange(
        op, 1,
        "the divisor (or give the range of its 1/x table in the config)");
    if (failed(r))
      return failure();
    range = *r;
  }
  // The entries: the config's type, else one for 1/x over the range (at
  // any precision: 1/x of a count or a sum is far from the layer's other
  // values), else, under a fixed precision, that type.
  FixedType entry = def->type;
  if (!s.table.entry) {
    bool crossesZero = range.first <= 0 && range.second >= 0;
    if (crossesZero && def->isAuto)
      return op->emitError("the divisor's range [")
             << range.first << ", " << range.second
             << "] includes 0, where 1/x has no fixed-point value; give the "
                "range and entry type of the 1/x table in the config";
    if (!crossesZero) {
      entry = autoType({std::min(1 / range.first, 1 / range.second),
                        std::max(1 / range.first, 1 / range.second)},
                       op, "the 1/x table");
      if (!entry)
        return failure();
    }
  }
  DictionaryAttr table = tableDict(s.table, entry, range, op);
  if (!table)
    return failure();
  NamedAttrList attrs(op->getAttrOfType<DictionaryAttr>(kPrecisionAttr));
  attrs.set("table", table);
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

/// A product of two activations: its result, and the config's accumulator
/// where it names one (else fx-lower computes the exact one).
LogicalResult Assigner::assignMatMul(nn::MatMulOp op) {
  if (failed(assignResultOnly(op, "matmul")))
    return failure();
  LayerSettings s = settingsOf(layerNames(op), "matmul");
  auto acc = s.roles.find(Role::Accumulator);
  if (acc == s.roles.end())
    return success();
  FixedType type = parse(acc->second, op);
  if (!type)
    return failure();
  NamedAttrList attrs(op->getAttrOfType<DictionaryAttr>(kPrecisionAttr));
  attrs.set("accumulator", TypeAttr::get(type));
  op->setAttr(kPrecisionAttr, attrs.getDictionary(context));
  return success();
}

const Assigner::Handlers &Assigner::handlers() {
  static const Handlers handlers = [] {
    Handlers h;
    h.add<nn::DenseOp>(
        [](nn::DenseOp op, Assigner &a) { return a.assignDense(op); });
    h.add<nn::SoftmaxOp>(
        [](nn::SoftmaxOp op, Assigner &a) { return a.assignSoftmax(op); });
    h.add<nn::ActivationOp>([](nn::ActivationOp op, Assigner &a) {
      return a.assignResultOnly(op, activationTypeName(op.getActivation()));
    });
    h.add<nn::BatchNormOp>([](nn::BatchNormOp op, Assigner &a) {
      FailureOr<ChannelAffine> affine = batchNormAffine(op);
      if (failed(affine))
        return LogicalResult(failure());
      return a.assignAffine(op, "batch_norm", *affine);
    });
    h.add<nn::ConcatOp>([](nn::ConcatOp op, Assigner &a) {
      return a.assignResultOnly(op, "concat");
    });
    h.add<nn::AddOp>(
        [](Operation *op, Assigner &a) { return a.assignArith(op, "add"); });
    h.add<nn::SubOp>(
        [](Operation *op, Assigner &a) { return a.assignArith(op, "sub"); });
    h.add<nn::MulOp>(
        [](Operation *op, Assigner &a) { return a.assignArith(op, "mul"); });
    h.add<nn::DivOp>(
        [](Operation *op, Assigner &a) { return a.assignDivision(op); });
    h.add<nn::MatMulOp>(
        [](nn::MatMulOp op, Assigner &a) { return a.assignMatMul(op); });
    h.add<nn::ScatterElementsOp>([](Operation *op, Assigner &a) {
      return a.assignResultOnly(op, "scatter");
    });
    h.add<nn::SelectOp>([](Operation *op, Assigner &a) {
      return a.assignResultOnly(op, "where");
    });
    return h;
  }();
  return handlers;
}

LogicalResult Assigner::run() {
  if (failed(collectStateRanges()))
    return failure();
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (failed(assignInput(i)))
      return failure();
  // Ops without a handler carry their input's type (data movement) or are
  // refused by fx-lower.
  llvm::DenseSet<Value> indices = indexValues(fn);
  WalkResult walk = fn.walk([&](Operation *op) {
    // The exact intermediates of a decomposed layer take the exact types
    // fx-lower computes; moved indices keep their type.
    if (op->hasAttr(nn::kExactAttr) ||
        (op->getNumResults() == 1 && indices.contains(op->getResult(0))))
      return WalkResult::advance();
    const Handlers::Handler *assign = handlers().lookup(op);
    if (assign && failed((*assign)(op, *this)))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  for (const std::string &name : config.layerNames())
    if (!seenNames.count(name))
      return fn.emitError(config.locationOf(name))
             << ": the config names layer '" << name
             << "', which the model does not have";
  return success();
}

struct AssignPrecisionPass
    : public ariadne::impl::AssignPrecisionBase<AssignPrecisionPass> {
  using AssignPrecisionBase::AssignPrecisionBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    QuantConfig config;
    if (!configPath.empty()) {
      auto parsed = parseQuantConfig(configPath, &getContext());
      if (!parsed) {
        fn.emitError(llvm::toString(parsed.takeError()));
        return signalPassFailure();
      }
      config = std::move(*parsed);
    }
    // --precision wins over the config's model default.
    std::string model = precision;
    if (model.empty())
      model = config.model.precision.value_or("fixed<16,6>");
    if (model == "float") {
      fn.emitError("precision float leaves the model unquantized; the "
                   "quantization passes need a fixed-point type or auto");
      return signalPassFailure();
    }
    bool isAuto = model == "auto";
    FixedType global;
    if (!isAuto) {
      std::string error;
      auto type = fx::parsePrecision(model, &getContext(), error);
      if (failed(type)) {
        fn.emitError("precision '") << model << "': " << error;
        return signalPassFailure();
      }
      global = *type;
    }
    int width =
        maxWidth > 0 ? int(maxWidth) : config.maxWidth.value_or(kDefaultWidth);
    if (failed(Assigner(fn, config, isAuto, global, width).run()))
      signalPassFailure();
  }
};

} // namespace

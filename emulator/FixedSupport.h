//===- FixedSupport.h - what the bit-accurate steps share -------*- C++ -*-===//
//
// Private to the emulator: the raw-integer representation of the
// fixed-point interpretation (Bits), reading raw constants of the IR, the
// element-wise step layout (Unary), overflow tallies, and the dispatch of
// a cast's modes to compile-time constants. FixedSteps.cpp holds the
// boundary, casts, element-wise steps and translators, FixedDense.cpp the
// dense steps.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_FIXEDSUPPORT_H
#define ARIADNE_EMULATOR_FIXEDSUPPORT_H

#include "emulator/MoveSteps.h"
#include "emulator/Translate.h"
#include "passes/FX/FXOps.h"

#include "llvm/ADT/APInt.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

namespace ariadne {
namespace emu {
namespace fixed {

using namespace mlir;

using Bits = std::uint64_t;
using FixedStep = Step<Bits>;
using StepOrError = llvm::Expected<std::unique_ptr<FixedStep>>;
using FixedTranslation = Translation<Bits>;
using Int128 = __int128;
using UInt128 = unsigned __int128;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// The fixed-point element type of a value the op verifiers typed.
inline FixedSpec fixedSpec(Value value) {
  return llvm::cast<fx::FixedType>(
             llvm::cast<ShapedType>(value.getType()).getElementType())
      .getSpec();
}

/// A raw value as the attributes hold it (an i64, the bit pattern for a
/// 64-bit ufixed), extended as fixed_bits.h carries it.
inline Bits rawBits(const APInt &value, const FixedSpec &spec) {
  return ariadne::detail::normalizeBits(value.getZExtValue(), spec.width,
                                        spec.isSigned);
}

inline Bits rawBits(IntegerAttr attr, const FixedSpec &spec) {
  return rawBits(attr.getValue(), spec);
}

/// The raw values of an attribute, in C order.
inline llvm::Expected<std::vector<Bits>>
readRaw(Operation *op, ElementsAttr attr, const FixedSpec &spec,
        const llvm::Twine &what, const FixedTranslation &t) {
  auto values = attr.tryGetValues<APInt>();
  if (!values ||
      !llvm::cast<ShapedType>(attr.getType()).getElementType().isInteger(64))
    return t.error(op, what + " does not hold i64 raw values");
  std::vector<Bits> raw;
  raw.reserve(attr.getNumElements());
  for (const APInt &value : *values)
    raw.push_back(rawBits(value, spec));
  return raw;
}

/// The integer a raw value holds, as an APInt of `bits` bits.
inline APInt wideValue(Bits raw, bool isSigned, unsigned bits) {
  APInt value(64, raw);
  return isSigned ? value.sext(bits) : value.zext(bits);
}

inline float floatOfBits(Bits bits) {
  auto pattern = static_cast<std::uint32_t>(bits);
  float value;
  std::memcpy(&value, &pattern, sizeof(value));
  return value;
}

inline Bits bitsOfFloat(float value) {
  std::uint32_t pattern;
  std::memcpy(&pattern, &value, sizeof(pattern));
  return pattern;
}

/// An element-wise step's operands: `size` elements per copy, one copy per
/// event when per event.
struct Unary {
  int in, out;
  bool perEvent;
  int64_t size;

  int64_t count(int64_t events) const { return (perEvent ? events : 1) * size; }
};

inline Unary unaryOf(Value input, Value output, const FixedTranslation &t) {
  const TensorInfo &in = t.info(input);
  return {t.tensorOf(input), t.tensorOf(output), in.perEvent, in.size};
}

/// Where a step adds the values it computed and those that overflowed,
/// which count as saturated or wrapped by the result type's overflow mode.
class Tally {
public:
  Tally(OverflowCount *count, OverflowMode mode)
      : count(count), saturating(mode != WRAP) {}

  void add(int64_t values, std::uint64_t overflowed) const {
    count->values += std::uint64_t(values);
    (saturating ? count->saturated : count->wrapped) += overflowed;
  }

private:
  OverflowCount *count;
  bool saturating;
};

inline Tally tallyOf(Operation *op, const FixedSpec &result,
                     FixedTranslation &t) {
  return Tally(t.overflowCounter(op), result.overflow);
}

/// Calls `fn(q, o)` with the modes of `spec` as std::integral_constant
/// arguments, so that a loop of castBits in `fn` on `withModes<q(), o()>`
/// is compiled once per pair of modes, its mode switches folded away.
template <typename Fn> void withConstantModes(const FixedSpec &spec, Fn &&fn) {
  auto overflow = [&](auto q) {
    switch (spec.overflow) {
    case WRAP:
      return fn(q, std::integral_constant<OverflowMode, WRAP>());
    case SAT:
      return fn(q, std::integral_constant<OverflowMode, SAT>());
    case SAT_ZERO:
      return fn(q, std::integral_constant<OverflowMode, SAT_ZERO>());
    case SAT_SYM:
      return fn(q, std::integral_constant<OverflowMode, SAT_SYM>());
    }
  };
  switch (spec.quant) {
  case TRN:
    return overflow(std::integral_constant<QuantMode, TRN>());
  case TRN_ZERO:
    return overflow(std::integral_constant<QuantMode, TRN_ZERO>());
  case RND:
    return overflow(std::integral_constant<QuantMode, RND>());
  case RND_ZERO:
    return overflow(std::integral_constant<QuantMode, RND_ZERO>());
  case RND_MIN_INF:
    return overflow(std::integral_constant<QuantMode, RND_MIN_INF>());
  case RND_INF:
    return overflow(std::integral_constant<QuantMode, RND_INF>());
  case RND_CONV:
    return overflow(std::integral_constant<QuantMode, RND_CONV>());
  }
}

/// `spec` with the modes Q and O.
template <QuantMode Q, OverflowMode O>
inline FixedSpec withModes(const FixedSpec &spec) {
  FixedSpec result = spec;
  result.quant = Q;
  result.overflow = O;
  return result;
}

/// fx.dense (FixedDense.cpp).
StepOrError translateDense(fx::DenseOp op, FixedTranslation &t);

} // namespace fixed
} // namespace emu
} // namespace ariadne

#endif // ARIADNE_EMULATOR_FIXEDSUPPORT_H

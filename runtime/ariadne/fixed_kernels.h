//===- fixed_kernels.h - the kernels of the fx dialect ----------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// One kernel per op of the fx dialect (passes/FX/FXOps.td states their
// semantics on raw integers), over `Lanes` events in the lane layout of
// lanes.h. A fixed-point tensor is an array of std::uint64_t holding raw
// values as fixed_bits.h carries them: the W-bit integer m, sign-extended
// for a signed type, zero-extended for an unsigned one. A layer's config
// names its types as ariadne::fixed / ariadne::ufixed, whose constant
// spec() gives the semantics, so that every cast folds into a few shifts
// and compares. The results are the integers the emulator computes from
// the same IR, bit for bit.
//
// Integer arithmetic is done in std::uint64_t, which is modular and has no
// undefined overflow: every intermediate value either fits 64 bits by the
// ops' constraints, or (dense) is wanted modulo 2^W with W <= 64.
//
// The element-wise kernels over uint64_t values (quantize, cast, relu,
// clamp) ask for the full vector width (ARIADNE_FULL_WIDTH, simd.h).
//
// The dense layer over a tile of events keeps a block of accumulator
// vectors in registers (GNU vector extensions, as dense.h) and multiplies
// inputs and weights that fit 32 bits with one 32x32->64 widening multiply
// per pair; elsewhere (CUDA, HLS, other compilers, ARIADNE_NO_SIMD, one
// event) the portable loops run, with the same integers.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_FIXED_KERNELS_H
#define ARIADNE_RUNTIME_FIXED_KERNELS_H

#include "ariadne/broadcast.h"
#include "ariadne/fixed.h"
#include "ariadne/fixed_bits.h"
#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <cstdint>
#include <cstring>
#include <type_traits>

#if ARIADNE_SIMD_WIDTH > 1 && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

// Names from the rest of the runtime are written ariadne::..., so that the
// header means the same wherever another ariadne::fx (the compiler's
// dialect) is in scope.
namespace ariadne {
namespace fx {

//===----------------------------------------------------------------------===//
// Layer configurations: a generated layer derives from one and overrides
// what differs. Raw values in them are std::int64_t, as in the IR's
// attributes (for a 64-bit unsigned type, the bit pattern).
//===----------------------------------------------------------------------===//

/// fx.quantize: float in, `OutT` out.
struct QuantizeConfig {
  /// Elements per event.
  static constexpr int size = 1;
  using OutT = ariadne::fixed<16, 6>;
  /// 0, or the features of each row of the event when a 16-bit dense
  /// layer alone reads the values (DenseConfig::inPairs): they then go out
  /// as int16_t in pairs of features, in the layout that layer packs its
  /// inputs into (detail::pairSlot), each row from its own start.
  static constexpr int pairedFeatures = 0;
};

/// fx.dequantize, or a raw model output: `InT` in, float or raw integers
/// out.
struct OutputConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<16, 6>;
};

/// fx.cast.
struct CastConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<32, 12>;
  using OutT = ariadne::fixed<16, 6>;
};

/// fx.add, fx.sub, fx.mul: the operands' types, their broadcast over the
/// output event shape (as ariadne::BinaryConfig: `rank` entries, a scalar
/// event rank 1 and shape {1}) and the op.
struct ArithConfig {
  static constexpr ariadne::ArithKind kind = ariadne::ArithKind::Add;
  using LhsT = ariadne::fixed<16, 6>;
  using RhsT = ariadne::fixed<16, 6>;
  static constexpr int rank = 1;
  static constexpr int shape[1] = {1};
  static constexpr int lhsStrides[1] = {1};
  static constexpr int rhsStrides[1] = {1};
};

/// fx.matmul: per event, a batch of [m, k] x [k, n] products (as
/// ariadne::MatMulConfig), into the accumulator AccT.
struct MatMulConfig {
  static constexpr int m = 1;
  static constexpr int k = 1;
  static constexpr int n = 1;
  static constexpr int batchRank = 1;
  static constexpr int batchShape[1] = {1};
  static constexpr int lhsBatchStrides[1] = {0};
  static constexpr int rhsBatchStrides[1] = {0};
  using LhsT = ariadne::fixed<16, 6>;
  using RhsT = ariadne::fixed<16, 6>;
  using AccT = ariadne::fixed<37, 13>;
};

/// fx.dense: out[r, n] = wrap(bias[n] + sum_k in[r, k] * W[n, k]).
struct DenseConfig {
  /// Rows per event: the product of the event dimensions before the last.
  static constexpr int rows = 1;
  /// K and N.
  static constexpr int inFeatures = 1;
  static constexpr int outFeatures = 1;
  using InT = ariadne::fixed<16, 6>;
  using WeightT = ariadne::fixed<16, 6>;
  /// The result type (TRN, WRAP), with frac(InT) + frac(WeightT)
  /// fractional bits.
  using AccT = ariadne::fixed<37, 17>;
  /// A C integer type holding every raw weight.
  using WeightRaw = std::int64_t;
  /// outFeatures rows of raw values of WeightT, W[n][k] at
  /// weights[n * weightStride + k]; a row may end in padding (zeros).
  static constexpr const WeightRaw *weights = nullptr;
  /// The distance between rows of `weights`: inFeatures where 0.
  static constexpr int weightStride = 0;
  /// outFeatures raw values already on the accumulator's grid (shifted
  /// left from the bias type), or null for no bias.
  static constexpr const std::int64_t *bias = nullptr;
  /// What the layer writes: the accumulator as is (void), or cast into
  /// OutT (ariadne::castBits); then, with `relu`, max(x, 0). A generated
  /// layer sets them to take in an fx.cast and an fx.relu that only read
  /// its result, which then cost no pass of their own.
  using OutT = void;
  static constexpr bool relu = false;
  /// An fx.table (a TableConfig) that alone reads what the layer writes,
  /// when the next dense layer alone reads the table: the layer then
  /// writes the table's indices instead, as int32_t packed from the start
  /// of `out` (index i at byte 4i), and the next layer, whose `InTable` is
  /// the same table, reads its inputs through them. Between two 16-bit
  /// layers the indices cost half the stores of the values and no pass of
  /// their own, and the entries are looked up where the next layer packs
  /// its inputs anyway.
  using Table = void;
  using InTable = void;
  /// The inputs come as int16_t in pairs of features, written by the
  /// fx.quantize that alone feeds the layer (QuantizeConfig::pairedFeatures).
  static constexpr bool inPairs = false;
};

/// fx.table: out = table[clamp(floor((raw(x) - inputLow) / 2^shift), 0,
/// tableSize - 1)].
struct TableConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<16, 6>;
  using OutT = ariadne::fixed<8, 1>;
  static constexpr int tableSize = 1;
  /// A raw value of InT.
  static constexpr std::int64_t inputLow = 0;
  /// 0 to 63.
  static constexpr int shift = 0;
  /// tableSize raw values of OutT (any C integer type).
  static constexpr const std::int64_t *table = nullptr;
};

/// fx.relu: max(x, 0), in the same type.
struct ReluConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<16, 6>;
};

/// fx.clamp: min(max(x, low), high), in the same type.
struct ClampConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<16, 6>;
  /// Raw values of InT, low <= high.
  static constexpr std::int64_t low = 0;
  static constexpr std::int64_t high = 0;
};

/// fx.leaky_relu: x >= 0 ? x : alpha * x, cast once into OutT.
struct LeakyReluConfig {
  static constexpr int size = 1;
  using InT = ariadne::fixed<16, 6>;
  using AlphaT = ariadne::fixed<8, 1>;
  using OutT = ariadne::fixed<16, 6>;
  /// A raw value of AlphaT.
  static constexpr std::int64_t alpha = 0;
};

/// fx.scale: x * scale[c] + offset[c] along the last axis, cast once into
/// OutT.
struct ScaleConfig {
  /// Elements per event, a multiple of `channels`.
  static constexpr int size = 1;
  /// The length of the last axis, C.
  static constexpr int channels = 1;
  using InT = ariadne::fixed<16, 6>;
  using ScaleT = ariadne::fixed<8, 0>;
  /// The offset type: no more fractional bits than InT and ScaleT together.
  using OffsetT = ariadne::fixed<8, 1>;
  using OutT = ariadne::fixed<16, 6>;
  /// C raw values of ScaleT (a broadcast single value repeated).
  static constexpr const std::int64_t *scale = nullptr;
  /// C raw values of OffsetT, or null for no offset.
  static constexpr const std::int64_t *offset = nullptr;
};

/// fx.softmax along the last axis.
struct SoftmaxConfig {
  /// Rows per event (the event dimensions before the last) and their
  /// length N.
  static constexpr int rows = 1;
  static constexpr int length = 1;
  using InT = ariadne::fixed<16, 6>;
  /// Unsigned; its width plus bitlength(N) is at most 62.
  using ExpT = ariadne::ufixed<18, 1>;
  using InvT = ariadne::ufixed<18, 1>;
  using OutT = ariadne::ufixed<16, 1>;
  /// expSize raw values of ExpT, indexed by (max - x) >> expShift.
  static constexpr const std::int64_t *expTable = nullptr;
  static constexpr int expSize = 1;
  static constexpr int expShift = 0;
  /// invSize raw values of InvT, indexed by (sum - invLow) >> invShift,
  /// invLow on ExpT's grid.
  static constexpr const std::int64_t *invTable = nullptr;
  static constexpr int invSize = 1;
  static constexpr std::int64_t invLow = 0;
  static constexpr int invShift = 0;
};

namespace detail {

/// The type of what a dense layer writes (DenseConfig::OutT).
template <class Config>
using DenseOutT =
    typename std::conditional<std::is_void<typename Config::OutT>::value,
                              typename Config::AccT,
                              typename Config::OutT>::type;

/// Whether a dense layer takes in a cast or a ReLU after its sum.
template <class Config> ARIADNE_HD constexpr bool denseFinishes() {
  return !std::is_void<typename Config::OutT>::value || Config::relu;
}

/// A dense layer's result from its accumulator's raw value: the cast and
/// the ReLU of DenseConfig, as the fx.cast and fx.relu kernels compute them.
template <class Config>
ARIADNE_HD std::uint64_t denseFinish(std::uint64_t acc) {
  if constexpr (!std::is_void<typename Config::OutT>::value)
    acc = ariadne::castBits(acc, Config::AccT::spec(), Config::OutT::spec());
  if constexpr (Config::relu && DenseOutT<Config>::spec().isSigned)
    acc = static_cast<std::int64_t>(acc) < 0 ? 0 : acc;
  return acc;
}

/// Whether every raw value of T is an int32_t.
template <class T> ARIADNE_HD constexpr bool fitsInt32() {
  return T::spec().isSigned ? T::spec().width <= 32 : T::spec().width <= 31;
}

/// Whether every raw value of T is an int16_t.
template <class T> ARIADNE_HD constexpr bool fitsInt16() {
  return T::spec().isSigned ? T::spec().width <= 16 : T::spec().width <= 15;
}

/// Where the raw value of feature k of lane t goes in a row of int16_t pairs
/// of features (QuantizeConfig::pairedFeatures): the int16_t
/// 2 ((k / 2) Lanes + t) + k % 2, so that each int32_t holds features 2p
/// and 2p + 1 of one lane, as denseRowInt16 multiplies them.
template <int Lanes> ARIADNE_HD constexpr int pairSlot(int k, int t) {
  return 2 * (k / 2 * Lanes + t) + k % 2;
}

/// The distance between rows of a dense layer's weights.
template <class Config> ARIADNE_HD constexpr int weightStride() {
  return Config::weightStride > 0 ? Config::weightStride : Config::inFeatures;
}

/// Whether a dense layer can run on 16-bit products summed in 32 bits:
/// inputs and weights are int16_t values, the weights are stored as
/// int16_t in rows of even length, and the accumulator has at most 32 bits,
/// so that the sum modulo 2^32 gives it exactly.
template <class Config> ARIADNE_HD constexpr bool denseFitsInt16() {
  return fitsInt16<typename Config::InT>() &&
         fitsInt16<typename Config::WeightT>() &&
         Config::AccT::spec().width <= 32 &&
         std::is_same<typename Config::WeightRaw, std::int16_t>::value &&
         weightStride<Config>() % 2 == 0;
}

/// Whether the interleaved inputs of denseRowInt16, on the stack, stay
/// within 128 KiB.
template <class Config, int Lanes> ARIADNE_HD constexpr bool denseInt16Fits() {
  return denseFitsInt16<Config>() &&
         (Config::inPairs || weightStride<Config>() * Lanes * 2 <= (1 << 17));
}

using ariadne::detail::rawLess;

/// A signed 64-bit type with `frac` fractional bits, for exact
/// intermediate values cast once into a result type.
ARIADNE_HD constexpr ariadne::FixedSpec wideSpec(int frac) {
  return ariadne::FixedSpec{64, 64 - frac, true};
}

/// 2^e, exactly, for |e| <= 1000.
ARIADNE_HD constexpr double pow2(int e) {
  double result = 1.0;
  for (; e > 0; --e)
    result *= 2.0;
  for (; e < 0; ++e)
    result *= 0.5;
  return result;
}

/// Whether the double with these bits is finite and below 2^62 in
/// magnitude.
ARIADNE_INLINE constexpr bool belowTwoTo62(std::uint64_t bits) {
  // Without the sign bit, the order of the bits is the order of the
  // magnitudes; 0x43d0... is 2^62.
  return (bits << 1) < (std::uint64_t(0x43d0000000000000) << 1);
}

/// Whether the float with these bits is finite and below 2^22 in
/// magnitude (0x4a80... is 2^22): a bool, or for a vector of bits a mask
/// (-1 where true).
template <class U> ARIADNE_INLINE constexpr auto belowTwoTo22(U bits) {
  return (bits & 0x7fffffffu) < 0x4a800000u;
}

/// 1 where `m` holds, 0 elsewhere, as an Int: `m` is a scalar condition
/// (a bool, or an int from bitwise operators on bools) or a vector
/// comparison's mask (-1 where true). With these, the rounding below is
/// one text for scalars and vectors.
template <class Int, class Mask> ARIADNE_INLINE Int onesWhere(Mask m) {
  if constexpr (std::is_integral<Mask>::value)
    return static_cast<Int>(m);
  else
    return -m;
}

/// The element type of a scalar or of a vector (VectorElement is
/// specialized for the vector types below).
template <class Real> struct VectorElement { using type = Real; };

/// A scalar conversion, truncating towards zero for a floating-point
/// value; specialized below for vectors, whose conversions are a builtin.
template <class To, class From> ARIADNE_INLINE To convertTo(From v) {
  return static_cast<To>(v);
}

/// The integer that v rounds to under mode Q, for a double |v| < 2^62 (Int
/// std::int64_t) or a float |v| < 2^22 (Int std::int32_t). With t =
/// trunc(v), exact (|t| below 2^53 or 2^24, or v is an integer), the rest
/// d = v - t is exact too (Sterbenz's lemma for |v| >= 1, d = v otherwise),
/// |d| < 1, and the floor and the comparison of v - floor(v) with 1/2
/// follow from comparisons of d.
/// Real may also be a vector of floats (Int then a vector of int32_t):
/// the same text computes every lane.
template <ariadne::QuantMode Q, class Int = std::int64_t, class Real>
ARIADNE_INLINE Int roundToInteger(Real v) {
  using E = typename VectorElement<Real>::type;
  const Int t = convertTo<Int>(v);
  const Real d = v - convertTo<Real>(t);
  const Int down = t - onesWhere<Int>(d < E(0)); // floor(v)
  if constexpr (Q == ariadne::TRN) {
    return down;
  } else if constexpr (Q == ariadne::TRN_ZERO) {
    return t;
  } else {
    // Whether v - floor(v) is above or at 1/2, with bitwise operators: no
    // branch, so that loops over it vectorize.
    const auto above = (d > E(0.5)) | ((d < E(0)) & (d > E(-0.5)));
    const auto tie = (d == E(0.5)) | (d == E(-0.5));
    auto up = above;
    if constexpr (Q == ariadne::RND)
      up = above | tie;
    else if constexpr (Q == ariadne::RND_ZERO)
      up = above | (tie & (v < E(0)));
    else if constexpr (Q == ariadne::RND_INF)
      up = above | (tie & (v >= E(0))); // v is finite: not negative
    else if constexpr (Q == ariadne::RND_CONV)
      up = above | (tie & ((down & 1) != 0));
    // RND_MIN_INF rounds ties down: `above` alone.
    return down + onesWhere<Int>(up);
  }
}

/// The raw value of T that the integer q (|q| < 2^62) on T's grid becomes
/// under T's overflow mode: castBits from an exact value with no bits to
/// round, spelled with selects so that loops over it vectorize.
template <class T> ARIADNE_INLINE std::uint64_t fitInteger(std::int64_t q) {
  constexpr ariadne::FixedSpec to = T::spec();
  // The range as int64_t; a bound beyond 2^62 is never reached.
  constexpr std::int64_t hi =
      to.width >= 63 ? INT64_MAX
                     : static_cast<std::int64_t>(
                           ariadne::detail::maxBits(to.width, to.isSigned));
  constexpr std::int64_t lo =
      !to.isSigned ? 0
      : to.width >= 63
          ? INT64_MIN
          : (to.overflow == ariadne::SAT_SYM && to.width > 1 ? -hi : -hi - 1);
  if constexpr (to.overflow == ariadne::WRAP) {
    return ariadne::detail::normalizeBits(static_cast<std::uint64_t>(q),
                                          to.width, to.isSigned);
  } else if constexpr (to.overflow == ariadne::SAT_ZERO) {
    return static_cast<std::uint64_t>(((q > hi) | (q < lo)) ? 0 : q);
  } else {
    return static_cast<std::uint64_t>(q > hi ? hi : (q < lo ? lo : q));
  }
}

/// Whether fx.quantize into T can take the float path: T's raw values fit
/// an int32_t, and a float times 2^frac (frac >= 0: no bit is lost, even
/// of a subnormal) is exact below 2^22.
template <class T> constexpr bool quantizesInFloat() {
  constexpr ariadne::FixedSpec to = T::spec();
  return to.fracWidth() >= 0 && to.fracWidth() <= 100 &&
         (to.isSigned ? to.width <= 32 : to.width <= 31);
}

/// The bits of `from` as a To of the same size (scalars or vectors).
template <class To, class From> ARIADNE_INLINE To sameBits(From from) {
  static_assert(sizeof(To) == sizeof(From), "sameBits keeps the size");
  To to;
  std::memcpy(&to, &from, sizeof(to));
  return to;
}

/// fitInteger in 32 bits, for a T whose raw values fit an int32_t: the
/// integer q on T's grid, or each element of a vector of them (V a vector
/// of int32_t, U its unsigned twin), under T's overflow mode.
template <class T, class V = std::int32_t, class U = std::uint32_t>
ARIADNE_INLINE V fitInteger32(V q) {
  constexpr ariadne::FixedSpec to = T::spec();
  static_assert(to.isSigned ? to.width <= 32 : to.width <= 31,
                "fitInteger32 needs raw values that fit an int32_t");
  constexpr std::int32_t hi = static_cast<std::int32_t>(
      ariadne::detail::maxBits(to.width, to.isSigned));
  constexpr std::int32_t lo =
      !to.isSigned
          ? 0
          : (to.overflow == ariadne::SAT_SYM && to.width > 1 ? -hi : -hi - 1);
  if constexpr (to.overflow == ariadne::WRAP) {
    constexpr int unused = 32 - to.width;
    const U shifted = sameBits<U>(q) << unused;
    if constexpr (to.isSigned)
      return sameBits<V>(shifted) >> unused;
    else
      return sameBits<V>(shifted >> unused);
  } else if constexpr (to.overflow == ariadne::SAT_ZERO) {
    return ((q > hi) | (q < lo)) ? 0 : q;
  } else {
    return q > hi ? hi : (q < lo ? lo : q);
  }
}

/// Whether fx.quantize's float path takes `value` into T (quantizesInFloat):
/// value times 2^frac(T) is below 2^22 in magnitude, NaN not.
template <class T> ARIADNE_INLINE bool quantizesFast(float value) {
  const float v = value * static_cast<float>(pow2(T::spec().fracWidth()));
  std::uint32_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  return belowTwoTo22(bits);
}

/// The raw value of T that `value` quantizes to on the float path (T
/// quantizesInFloat), branch-free so that loops over it vectorize; where
/// quantizesFast is false the result is meaningless and `rest` is set, for
/// the caller to redo the value.
/// Also on a vector of floats (Real), with Int and UInt vectors of int32_t
/// and uint32_t, and `rest` an Int whose lanes are set where not fast.
template <class T, class Real = float, class Int = std::int32_t,
          class UInt = std::uint32_t, class Rest = int>
ARIADNE_INLINE Int quantizeInFloat(Real value, Rest &rest) {
  Real v = value * static_cast<float>(pow2(T::spec().fracWidth()));
  UInt bits = sameBits<UInt>(v);
  const Int fast = onesWhere<Int>(belowTwoTo22(bits));
  // Zero where not fast: the conversion to an integer stays defined.
  bits &= sameBits<UInt>(Int{} - fast);
  v = sameBits<Real>(bits);
  rest |= onesWhere<Rest>(fast == Int{});
  return fitInteger32<T, Int, UInt>(roundToInteger<T::spec().quant, Int>(v));
}

/// x * w as the extended product, modulo 2^64. Both operands hold true
/// values (extended raw bits); when both fit 32 bits the product is
/// spelled as a widening 32x32->64 multiply.
template <bool Narrow>
ARIADNE_INLINE std::uint64_t mulRaw(std::uint64_t x, std::uint64_t w) {
  if constexpr (Narrow)
    return static_cast<std::uint64_t>(
        static_cast<std::int64_t>(static_cast<std::int32_t>(x)) *
        static_cast<std::int64_t>(static_cast<std::int32_t>(w)));
  else
    return x * w;
}

/// One dense row, portable loops: any lane count, any types.
template <class Config, int Lanes>
ARIADNE_HD void denseRowPortable(const std::uint64_t *in, std::uint64_t *out) {
  constexpr ariadne::FixedSpec acc = Config::AccT::spec();
  constexpr int inFeatures = Config::inFeatures;
  constexpr bool narrow = fitsInt32<typename Config::InT>() &&
                          fitsInt32<typename Config::WeightT>();
  for (int n = 0; n < Config::outFeatures; ++n) {
    std::uint64_t sum[Lanes];
    for (int t = 0; t < Lanes; ++t) {
      if constexpr (Config::bias != nullptr)
        sum[t] = static_cast<std::uint64_t>(Config::bias[n]);
      else
        sum[t] = 0;
    }
    const typename Config::WeightRaw *w =
        Config::weights + n * weightStride<Config>();
    for (int k = 0; k < inFeatures; ++k) {
      const std::uint64_t wk =
          static_cast<std::uint64_t>(static_cast<std::int64_t>(w[k]));
      for (int t = 0; t < Lanes; ++t)
        sum[t] += mulRaw<narrow>(in[k * Lanes + t], wk);
    }
    for (int t = 0; t < Lanes; ++t)
      out[n * Lanes + t] =
          ariadne::detail::normalizeBits(sum[t], acc.width, acc.isSigned);
  }
}

#if ARIADNE_SIMD_WIDTH > 1
/// 64-bit integers per native vector (the vector is as wide as simd::Vec).
constexpr int kIntWidth = ariadne::simd::kWidth / 2;

template <int Width> struct IntVectorOf {
  typedef std::uint64_t type __attribute__((vector_size(Width * 8)));
  typedef std::int64_t signedType __attribute__((vector_size(Width * 8)));
};
using IntVec = IntVectorOf<kIntWidth>::type;
using SignedIntVec = IntVectorOf<kIntWidth>::signedType;

/// Accumulator vectors a lane block keeps in registers: three quarters of
/// the register file, the rest holds a row of inputs and a weight.
constexpr int kIntAccumulators = ariadne::simd::kWidth >= 16 ? 24 : 12;

ARIADNE_INLINE IntVec loadInt(const std::uint64_t *p) {
  IntVec v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ARIADNE_INLINE void storeInt(std::uint64_t *p, IntVec v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

/// The products of the low 32 bits of each element, sign-extended: exact
/// where both operands fit 32 bits.
ARIADNE_INLINE IntVec mulInt32(IntVec a, IntVec b) {
#if defined(__AVX512F__)
  // The zero-masking form: the plain one trips GCC 12's -Wuninitialized
  // on its undefined pass-through operand. The full mask folds away.
  return reinterpret_cast<IntVec>(_mm512_maskz_mul_epi32(
      static_cast<__mmask8>(0xff), reinterpret_cast<__m512i>(a),
      reinterpret_cast<__m512i>(b)));
#elif defined(__AVX2__)
  return reinterpret_cast<IntVec>(_mm256_mul_epi32(
      reinterpret_cast<__m256i>(a), reinterpret_cast<__m256i>(b)));
#elif defined(__SSE4_1__) && !defined(__AVX__)
  return reinterpret_cast<IntVec>(_mm_mul_epi32(reinterpret_cast<__m128i>(a),
                                                reinterpret_cast<__m128i>(b)));
#else
  // The operands hold their true values: the full product is the same.
  return a * b;
#endif
}

/// Outputs [n0, n0 + Outputs) of one row of `Lanes` events: each weight is
/// broadcast once and multiplied into Lanes / kIntWidth input vectors.
template <class Config, int Lanes, int Outputs, bool Narrow>
ARIADNE_INLINE void denseLanesBlock(const std::uint64_t *in, std::uint64_t *out,
                                    int n0) {
  constexpr int perRow = Lanes / kIntWidth;
  constexpr int inFeatures = Config::inFeatures;
  constexpr ariadne::FixedSpec acc = Config::AccT::spec();
  IntVec sum[Outputs][perRow];
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      if constexpr (Config::bias != nullptr)
        sum[j][m] = IntVec{} + static_cast<std::uint64_t>(Config::bias[n0 + j]);
      else
        sum[j][m] = IntVec{};
    }
  }
  constexpr int stride = weightStride<Config>();
  const typename Config::WeightRaw *w = Config::weights + n0 * stride;
  for (int k = 0; k < inFeatures; ++k) {
    IntVec x[perRow];
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m)
      x[m] = loadInt(in + k * Lanes + m * kIntWidth);
    ARIADNE_UNROLL
    for (int j = 0; j < Outputs; ++j) {
      const IntVec wj =
          IntVec{} + static_cast<std::uint64_t>(
                         static_cast<std::int64_t>(w[j * stride + k]));
      ARIADNE_UNROLL
      for (int m = 0; m < perRow; ++m) {
        if constexpr (Narrow)
          sum[j][m] += mulInt32(x[m], wj);
        else
          sum[j][m] += x[m] * wj;
      }
    }
  }
  constexpr int unused = 64 - acc.width;
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      IntVec v = sum[j][m];
      if constexpr (unused > 0) {
        if constexpr (acc.isSigned)
          v = reinterpret_cast<IntVec>(
              reinterpret_cast<SignedIntVec>(v << unused) >> unused);
        else
          v = (v << unused) >> unused;
      }
      storeInt(out + (n0 + j) * Lanes + m * kIntWidth, v);
    }
  }
}

#if (ARIADNE_SIMD_WIDTH == 16 && defined(__AVX512BW__)) ||                     \
    (ARIADNE_SIMD_WIDTH == 8 && defined(__AVX2__)) ||                          \
    (ARIADNE_SIMD_WIDTH == 4 && defined(__SSE2__))
#define ARIADNE_DENSE_INT16 1
/// 32-bit integers per native vector, each a pair of 16-bit ones.
using Int32Vec =
    std::int32_t __attribute__((vector_size(ariadne::simd::kWidth * 4)));
using UInt32Vec =
    std::uint32_t __attribute__((vector_size(ariadne::simd::kWidth * 4)));
using Int64Vec =
    std::int64_t __attribute__((vector_size(ariadne::simd::kWidth * 8)));

// roundToInteger and quantizeInFloat on vectors of floats.
template <> struct VectorElement<ariadne::simd::Vec> { using type = float; };
template <>
ARIADNE_INLINE Int32Vec
convertTo<Int32Vec, ariadne::simd::Vec>(ariadne::simd::Vec v) {
  return __builtin_convertvector(v, Int32Vec);
}
template <>
ARIADNE_INLINE ariadne::simd::Vec
convertTo<ariadne::simd::Vec, Int32Vec>(Int32Vec v) {
  return __builtin_convertvector(v, ariadne::simd::Vec);
}

/// Whether any lane of `v` is nonzero.
ARIADNE_INLINE bool anyLane(Int32Vec v) {
  bool any = false;
  for (int i = 0; i < ariadne::simd::kWidth; ++i)
    any |= v[i] != 0;
  return any;
}

/// acc + a[2i] * b[2i] + a[2i+1] * b[2i+1] in each 32-bit element i, the
/// 16-bit halves multiplied as int16_t, modulo 2^32 (vpdpwssd; vpmaddwd
/// and an add).
ARIADNE_INLINE Int32Vec dotPairs(Int32Vec acc, Int32Vec a, Int32Vec b) {
#if ARIADNE_SIMD_WIDTH == 16 && defined(__AVX512VNNI__)
  return reinterpret_cast<Int32Vec>(_mm512_dpwssd_epi32(
      reinterpret_cast<__m512i>(acc), reinterpret_cast<__m512i>(a),
      reinterpret_cast<__m512i>(b)));
#elif ARIADNE_SIMD_WIDTH == 16
  return acc + reinterpret_cast<Int32Vec>(_mm512_madd_epi16(
                   reinterpret_cast<__m512i>(a), reinterpret_cast<__m512i>(b)));
#elif ARIADNE_SIMD_WIDTH == 8
  return acc + reinterpret_cast<Int32Vec>(_mm256_madd_epi16(
                   reinterpret_cast<__m256i>(a), reinterpret_cast<__m256i>(b)));
#else
  return acc + reinterpret_cast<Int32Vec>(_mm_madd_epi16(
                   reinterpret_cast<__m128i>(a), reinterpret_cast<__m128i>(b)));
#endif
}

/// Whether denseInt16Block computes the cast and ReLU of denseFinish in
/// its 32-bit lanes: the accumulator's value fits an int32_t, the cast
/// shifts it by a distance that keeps it in 32 bits and rounds TRN or RND,
/// into a type whose raw values fit an int32_t (any overflow mode). Other
/// casts are done by denseFinish on the 64-bit results.
template <class Config> constexpr bool finishesInt32() {
  constexpr ariadne::FixedSpec acc = Config::AccT::spec();
  if constexpr (std::is_void<typename Config::OutT>::value) {
    return acc.isSigned ? acc.width <= 32 : acc.width <= 31;
  } else {
    constexpr ariadne::FixedSpec to = Config::OutT::spec();
    constexpr int shift = acc.fracWidth() - to.fracWidth();
    constexpr bool accFits = acc.isSigned ? acc.width <= 32 : acc.width <= 31;
    constexpr bool shiftFits =
        shift >= 0 ? (to.quant == ariadne::TRN ||
                      (to.quant == ariadne::RND && acc.width <= 31))
                   : acc.width - shift <= 32;
    constexpr bool overflowFits = to.isSigned ? to.width <= 32 : to.width <= 31;
    return accFits && shift < 32 && shiftFits && overflowFits;
  }
}

/// denseFinish in 32-bit lanes (finishesInt32): `v` holds the
/// accumulator's values.
template <class Config> ARIADNE_INLINE Int32Vec finishInt32(Int32Vec v) {
  if constexpr (!std::is_void<typename Config::OutT>::value) {
    constexpr ariadne::FixedSpec acc = Config::AccT::spec();
    constexpr ariadne::FixedSpec to = Config::OutT::spec();
    constexpr int shift = acc.fracWidth() - to.fracWidth();
    if constexpr (shift > 0 && to.quant == ariadne::RND)
      v = (v + (std::int32_t(1) << (shift - 1))) >> shift;
    else if constexpr (shift > 0)
      v = v >> shift;
    else if constexpr (shift < 0)
      v = reinterpret_cast<Int32Vec>(reinterpret_cast<UInt32Vec>(v) << -shift);
    v = fitInteger32<typename Config::OutT, Int32Vec, UInt32Vec>(v);
  }
  if constexpr (Config::relu && DenseOutT<Config>::spec().isSigned)
    v = v < 0 ? 0 : v;
  return v;
}

/// Whether denseInt16Block writes the indices of Config::Table itself,
/// from the finished values in its 32-bit lanes: their type's raw values
/// (the table's input) less the table's low end fit an int32_t, and the
/// bins are at most 2^31 raw units wide.
template <class Config> constexpr bool indexesInt32() {
  if constexpr (std::is_void<typename Config::Table>::value) {
    return false;
  } else {
    constexpr ariadne::FixedSpec type = DenseOutT<Config>::spec();
    return finishesInt32<Config>() &&
           (type.isSigned ? type.width <= 31 : type.width <= 30) &&
           Config::Table::shift <= 31;
  }
}

/// ariadne::tableIndex of values whose difference from the table's low end
/// fits an int32_t (indexesInt32).
template <class Table> ARIADNE_INLINE Int32Vec tableIndicesInt32(Int32Vec v) {
  constexpr std::int32_t low = static_cast<std::int32_t>(Table::inputLow);
  constexpr std::int32_t last = Table::tableSize - 1;
  Int32Vec index = (v - low) >> Table::shift;
  index = index < 0 ? 0 : index;
  return index > last ? last : index;
}

/// Outputs [n0, n0 + Outputs) of one row of `Lanes` events from the
/// interleaved inputs `x` (see denseRowInt16).
template <class Config, int Lanes, int Outputs>
ARIADNE_INLINE void denseInt16Block(const std::int32_t *x, std::uint64_t *out,
                                    int n0) {
  constexpr int width = ariadne::simd::kWidth;
  constexpr int perRow = Lanes / width;
  constexpr int pairs = weightStride<Config>() / 2;
  constexpr ariadne::FixedSpec acc = Config::AccT::spec();
  Int32Vec sum[Outputs][perRow];
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      if constexpr (Config::bias != nullptr)
        sum[j][m] =
            Int32Vec{} + static_cast<std::int32_t>(
                             static_cast<std::uint32_t>(Config::bias[n0 + j]));
      else
        sum[j][m] = Int32Vec{};
    }
  }
  const std::int16_t *w = Config::weights + n0 * weightStride<Config>();
  for (int p = 0; p < pairs; ++p) {
    Int32Vec xv[perRow];
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m)
      __builtin_memcpy(&xv[m], x + p * Lanes + m * width, sizeof(Int32Vec));
    ARIADNE_UNROLL
    for (int j = 0; j < Outputs; ++j) {
      std::int32_t pair;
      __builtin_memcpy(&pair, w + j * weightStride<Config>() + 2 * p,
                       sizeof(pair));
      const Int32Vec wv = Int32Vec{} + pair;
      ARIADNE_UNROLL
      for (int m = 0; m < perRow; ++m)
        sum[j][m] = dotPairs(sum[j][m], xv[m], wv);
    }
  }
  // The sum modulo 2^32 is the accumulator's value modulo 2^32: keep its
  // low acc.width bits, extended as its signedness says, in 64 bits.
  constexpr int unused = 32 - acc.width;
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      Int64Vec wide;
      if constexpr (finishesInt32<Config>()) {
        // The value in 32 bits, then the cast and ReLU there: each result
        // fits an int32_t and is sign-extended.
        Int32Vec v;
        if constexpr (acc.isSigned)
          v = (sum[j][m] << unused) >> unused;
        else
          v = reinterpret_cast<Int32Vec>(
              (reinterpret_cast<UInt32Vec>(sum[j][m]) << unused) >> unused);
        if constexpr (indexesInt32<Config>()) {
          const Int32Vec index =
              tableIndicesInt32<typename Config::Table>(finishInt32<Config>(v));
          std::memcpy(reinterpret_cast<char *>(out) +
                          4 * ((n0 + j) * Lanes + m * width),
                      &index, sizeof(index));
          continue;
        }
        wide = __builtin_convertvector(finishInt32<Config>(v), Int64Vec);
      } else if constexpr (acc.isSigned)
        wide =
            __builtin_convertvector((sum[j][m] << unused) >> unused, Int64Vec);
      else
        wide = __builtin_convertvector(
            (reinterpret_cast<UInt32Vec>(sum[j][m]) << unused) >> unused,
            Int64Vec);
      __builtin_memcpy(out + (n0 + j) * Lanes + m * width, &wide, sizeof(wide));
    }
  }
}

/// Every output of one row of `Lanes` events from the interleaved inputs
/// `x`, in blocks of as many as the registers hold.
template <class Config, int Lanes>
ARIADNE_INLINE void denseInt16Blocks(const std::int32_t *x,
                                     std::uint64_t *out) {
  constexpr int perRow = Lanes / ariadne::simd::kWidth;
  constexpr int block =
      perRow >= kIntAccumulators ? 1 : kIntAccumulators / perRow;
  constexpr int outFeatures = Config::outFeatures;
  constexpr int fullEnd = outFeatures - outFeatures % block;
  for (int n0 = 0; n0 < fullEnd; n0 += block)
    denseInt16Block<Config, Lanes, block>(x, out, n0);
  if constexpr (fullEnd < outFeatures)
    denseInt16Block<Config, Lanes, outFeatures - fullEnd>(x, out, fullEnd);
}

/// One dense row of `Lanes` events (a multiple of the vector width) on
/// 16-bit products: the inputs are first interleaved in pairs of features,
/// x[p][t] = (in[2p][t], in[2p + 1][t]) as two int16_t (zero past the
/// last feature), so that one vpmaddwd or vpdpwssd multiplies a vector of
/// events by a pair of weights and adds both products.
template <class Config, int Lanes>
ARIADNE_INLINE void denseRowInt16(const std::uint64_t *in, std::uint64_t *out) {
  constexpr int inFeatures = Config::inFeatures;
  constexpr int pairs = weightStride<Config>() / 2;
  if constexpr (Config::inPairs) {
    // The fx.quantize before wrote them in this very layout.
    const std::int32_t *x = reinterpret_cast<const std::int32_t *>(in);
    denseInt16Blocks<Config, Lanes>(x, out);
    return;
  }
  alignas(64) std::int32_t x[pairs * Lanes];
  // Input i: the value, or the entry of Config::InTable at packed index i.
  auto input = [&](int i) -> std::uint32_t {
    if constexpr (std::is_void<typename Config::InTable>::value) {
      return static_cast<std::uint16_t>(in[i]);
    } else {
      std::int32_t index;
      std::memcpy(&index, reinterpret_cast<const char *>(in) + 4 * i,
                  sizeof(index));
      return static_cast<std::uint16_t>(Config::InTable::table[index]);
    }
  };
  for (int p = 0; p < pairs; ++p) {
#pragma GCC unroll 8
    for (int t = 0; t < Lanes; ++t) {
      const std::uint32_t low = input(2 * p * Lanes + t);
      const std::uint32_t high =
          2 * p + 1 < inFeatures ? input((2 * p + 1) * Lanes + t) : 0u;
      x[p * Lanes + t] = static_cast<std::int32_t>(low | (high << 16));
    }
  }
  denseInt16Blocks<Config, Lanes>(x, out);
}
#endif

/// One dense row of `Lanes` events, a multiple of kIntWidth.
template <class Config, int Lanes>
ARIADNE_INLINE void denseRowLanes(const std::uint64_t *in, std::uint64_t *out) {
  constexpr bool narrow = fitsInt32<typename Config::InT>() &&
                          fitsInt32<typename Config::WeightT>();
  constexpr int perRow = Lanes / kIntWidth;
  constexpr int block =
      perRow >= kIntAccumulators ? 1 : kIntAccumulators / perRow;
  constexpr int outFeatures = Config::outFeatures;
  constexpr int fullEnd = outFeatures - outFeatures % block;
  for (int n0 = 0; n0 < fullEnd; n0 += block)
    denseLanesBlock<Config, Lanes, block, narrow>(in, out, n0);
  if constexpr (fullEnd < outFeatures)
    denseLanesBlock<Config, Lanes, outFeatures - fullEnd, narrow>(in, out,
                                                                  fullEnd);
}
#endif

#if ARIADNE_SIMD_WIDTH > 1
/// ariadne::tableIndex of the kIntWidth values at `in`.
template <class Config>
ARIADNE_INLINE IntVec tableIndices(const std::uint64_t *in) {
  constexpr ariadne::FixedSpec from = Config::InT::spec();
  constexpr std::uint64_t low = static_cast<std::uint64_t>(Config::inputLow);
  constexpr std::uint64_t last = std::uint64_t(Config::tableSize - 1);
  const IntVec x = loadInt(in);
  if constexpr (from.width <= 62) {
    // x - low fits an int64_t: its floor over 2^shift, clamped.
    SignedIntVec bin = reinterpret_cast<SignedIntVec>(x - low) >> Config::shift;
    bin = bin < 0 ? 0 : bin;
    bin = bin > std::int64_t(last) ? std::int64_t(last) : bin;
    return reinterpret_cast<IntVec>(bin);
  } else {
    IntVec inside;
    if constexpr (from.isSigned)
      inside = reinterpret_cast<IntVec>(reinterpret_cast<SignedIntVec>(x) >=
                                        static_cast<std::int64_t>(low));
    else
      inside = reinterpret_cast<IntVec>(x >= low);
    IntVec bin = (x - low) >> Config::shift;
    bin = bin < last ? bin : last;
    return bin & inside;
  }
}

/// fx.table over `N` values, a multiple of kIntWidth: the indices first,
/// in vectors, then the entries by scalar loads, which beat a vector
/// gather on the cores measured (AMD Zen 5: 0.24 against 0.29 ns per
/// value).
template <class Config, int N>
ARIADNE_INLINE void tableLookupChunk(const std::uint64_t *in,
                                     std::uint64_t *out) {
  alignas(64) std::uint64_t index[N];
  for (int i = 0; i < N; i += kIntWidth)
    storeInt(index + i, tableIndices<Config>(in + i));
#pragma GCC unroll 16
  for (int i = 0; i < N; ++i)
    out[i] = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(Config::table[index[i]]));
}

/// The most values tableLookupChunk takes at once (16 KiB of indices).
constexpr int kTableChunk = 2048;

/// fx.table over `Count` values, a multiple of kIntWidth.
template <class Config, int Count>
ARIADNE_INLINE void tableLookup(const std::uint64_t *in, std::uint64_t *out) {
  constexpr int whole = Count / kTableChunk * kTableChunk;
  for (int c0 = 0; c0 < whole; c0 += kTableChunk)
    tableLookupChunk<Config, kTableChunk>(in + c0, out + c0);
  if constexpr (whole < Count)
    tableLookupChunk<Config, Count - whole>(in + whole, out + whole);
}
#endif

/// denseFinish over the `Count` results of a row, where the sum's kernel
/// left them as accumulators.
template <class Config, int Count>
ARIADNE_HD ARIADNE_FULL_WIDTH void finishRow(std::uint64_t *out) {
  for (int i = 0; i < Count; ++i)
    out[i] = denseFinish<Config>(out[i]);
}

/// Whether denseRow takes the 16-bit path.
template <class Config, int Lanes> constexpr bool denseRowsInt16() {
#if defined(ARIADNE_DENSE_INT16)
  return Lanes % ariadne::simd::kWidth == 0 && denseInt16Fits<Config, Lanes>();
#else
  return false;
#endif
}

/// Config::Table's indices of the `Count` values at `out`, packed in place
/// from its start (DenseConfig::Table): index i overwrites bytes [4i,
/// 4i + 4), which belong to a value at or before i, already read.
template <class Table, int Count>
ARIADNE_HD void packTableIndices(std::uint64_t *out) {
  constexpr bool isSigned = Table::InT::spec().isSigned;
  constexpr std::uint64_t low = static_cast<std::uint64_t>(Table::inputLow);
  for (int i = 0; i < Count; ++i) {
    const std::int32_t index = ariadne::tableIndex(
        out[i], low, isSigned, Table::shift, Table::tableSize - 1);
    std::memcpy(reinterpret_cast<char *>(out) + 4 * i, &index, sizeof(index));
  }
}

/// The entries of Table at the `Count` indices packed at `in`.
template <class Table, int Count>
ARIADNE_HD void lookUpPackedIndices(const std::uint64_t *in,
                                    std::uint64_t *out) {
  for (int i = 0; i < Count; ++i) {
    std::int32_t index;
    std::memcpy(&index, reinterpret_cast<const char *>(in) + 4 * i,
                sizeof(index));
    out[i] = static_cast<std::uint64_t>(
        static_cast<std::int64_t>(Table::table[index]));
  }
}

/// One dense row of `Lanes` events, on the fastest path its types and the
/// target allow: 16-bit dot products, 32x32->64 products in vectors, or
/// the portable loops; all give the same integers. With Config::Table the
/// row ends as the table's packed indices.
template <class Config, int Lanes>
ARIADNE_HD void denseRowValues(const std::uint64_t *in, std::uint64_t *out) {
  constexpr int outSize = Config::outFeatures * Lanes;
  constexpr bool hasTable = !std::is_void<typename Config::Table>::value;
  if constexpr (hasTable)
    static_assert(
        std::is_same<typename Config::Table::InT, DenseOutT<Config>>::value,
        "the table reads what the layer writes");
#if defined(ARIADNE_DENSE_INT16)
  if constexpr (denseRowsInt16<Config, Lanes>()) {
    denseRowInt16<Config, Lanes>(in, out);
    if constexpr (denseFinishes<Config>() && !finishesInt32<Config>())
      finishRow<Config, outSize>(out);
    if constexpr (hasTable && !indexesInt32<Config>())
      packTableIndices<typename Config::Table, outSize>(out);
    return;
  }
#endif
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (Lanes % kIntWidth == 0) {
    denseRowLanes<Config, Lanes>(in, out);
    if constexpr (denseFinishes<Config>())
      finishRow<Config, outSize>(out);
    if constexpr (hasTable)
      packTableIndices<typename Config::Table, outSize>(out);
    return;
  }
#endif
  denseRowPortable<Config, Lanes>(in, out);
  if constexpr (denseFinishes<Config>())
    finishRow<Config, outSize>(out);
  if constexpr (hasTable)
    packTableIndices<typename Config::Table, outSize>(out);
}

/// One dense row; with Config::InTable its inputs are that table's entries
/// at the packed indices in `in`, which the 16-bit path looks up as it
/// packs its inputs and the others first.
template <class Config, int Lanes>
ARIADNE_HD void denseRow(const std::uint64_t *in, std::uint64_t *out) {
  if constexpr (!std::is_void<typename Config::InTable>::value)
    static_assert(std::is_same<typename Config::InTable::OutT,
                               typename Config::InT>::value,
                  "the layer reads what the table gives");
  if constexpr (Config::inPairs && !denseRowsInt16<Config, Lanes>()) {
    constexpr int inSize = Config::inFeatures * Lanes;
    std::uint64_t values[inSize];
    for (int k = 0; k < Config::inFeatures; ++k)
      for (int t = 0; t < Lanes; ++t) {
        std::int16_t raw;
        std::memcpy(&raw,
                    reinterpret_cast<const char *>(in) +
                        2 * pairSlot<Lanes>(k, t),
                    sizeof(raw));
        values[k * Lanes + t] =
            static_cast<std::uint64_t>(static_cast<std::int64_t>(raw));
      }
    denseRowValues<Config, Lanes>(values, out);
  } else if constexpr (!std::is_void<typename Config::InTable>::value &&
                       !denseRowsInt16<Config, Lanes>()) {
    constexpr int inSize = Config::inFeatures * Lanes;
    std::uint64_t entries[inSize];
    lookUpPackedIndices<typename Config::InTable, inSize>(in, entries);
    denseRowValues<Config, Lanes>(entries, out);
  } else {
    denseRowValues<Config, Lanes>(in, out);
  }
}

} // namespace detail

//===----------------------------------------------------------------------===//
// The model boundary
//===----------------------------------------------------------------------===//

namespace detail {
/// fx.quantize into int16_t pairs of features (QuantizeConfig::
/// pairedFeatures): in float where the type allows and the value is below
/// 2^22 on its grid, as quantize does, else by bitsFromDouble.
template <class Config, int Lanes>
ARIADNE_HD void quantizePairs(const float *in, std::uint64_t *out) {
  constexpr ariadne::FixedSpec to = Config::OutT::spec();
  constexpr int features = Config::pairedFeatures;
  static_assert(to.isSigned ? to.width <= 16 : to.width <= 15,
                "paired values are int16_t");
  static_assert(Config::size % features == 0, "whole rows");
  constexpr int pairs = (features + 1) / 2;
  for (int r = 0; r < Config::size / features; ++r) {
    const float *x = in + r * features * Lanes;
    char *row = reinterpret_cast<char *>(out + r * features * Lanes);
    int rest = 0;
    if constexpr (quantizesInFloat<typename Config::OutT>()) {
      // Below 2^22 on the grid in float, as quantize does; the others
      // (NaN included) are redone below.
      using OutT = typename Config::OutT;
#if defined(ARIADNE_DENSE_INT16)
      if constexpr (Lanes % ariadne::simd::kWidth == 0) {
        // In vectors: GCC at -O2 does not vectorize the loop below.
        Int32Vec slow{};
        auto fast = [&](const float *values) -> UInt32Vec {
          return sameBits<UInt32Vec>(quantizeInFloat<OutT, ariadne::simd::Vec,
                                                     Int32Vec, UInt32Vec>(
                     ariadne::simd::load(values), slow)) &
                 0xffffu;
        };
        for (int p = 0; p < pairs; ++p)
          for (int t = 0; t < Lanes; t += ariadne::simd::kWidth) {
            UInt32Vec both = fast(x + 2 * p * Lanes + t);
            if (2 * p + 1 < features)
              both |= fast(x + (2 * p + 1) * Lanes + t) << 16;
            std::memcpy(row + 4 * (p * Lanes + t), &both, sizeof(both));
          }
        rest = anyLane(slow);
      } else
#endif
      {
        auto fast = [&](float value) -> std::uint32_t {
          return static_cast<std::uint16_t>(quantizeInFloat<OutT>(value, rest));
        };
        for (int p = 0; p < pairs; ++p)
          for (int t = 0; t < Lanes; ++t) {
            const std::uint32_t low = fast(x[2 * p * Lanes + t]);
            const std::uint32_t high =
                2 * p + 1 < features ? fast(x[(2 * p + 1) * Lanes + t]) : 0u;
            const std::uint32_t both = low | (high << 16);
            std::memcpy(row + 4 * (p * Lanes + t), &both, sizeof(both));
          }
      }
    } else {
      rest = 1;
    }
    if (!rest)
      continue;
    for (int k = 0; k < features; ++k)
      for (int t = 0; t < Lanes; ++t) {
        const float value = x[k * Lanes + t];
        if constexpr (quantizesInFloat<typename Config::OutT>())
          if (quantizesFast<typename Config::OutT>(value))
            continue;
        const std::int16_t raw = static_cast<std::int16_t>(
            ariadne::bitsFromDouble(static_cast<double>(value), to));
        std::memcpy(row + 2 * pairSlot<Lanes>(k, t), &raw, sizeof(raw));
      }
  }
}
} // namespace detail

/// fx.quantize: each float's exact value into OutT with its modes, as
/// bitsFromDouble. Values scaled onto OutT's grid below 2^22 (for an OutT
/// of at most 32 bits and no negative fraction) or 2^62 in magnitude take
/// a branch-free path that vectorizes, in float or in double; the others
/// (huge values, infinities, NaN) are then redone one by one.
template <class Config, int Lanes = 1>
ARIADNE_HD ARIADNE_FULL_WIDTH void quantize(const float *in,
                                            std::uint64_t *out) {
  constexpr ariadne::FixedSpec to = Config::OutT::spec();
  constexpr int frac = to.fracWidth();
  constexpr int size = Config::size * Lanes;
  if constexpr (Config::pairedFeatures > 0) {
    detail::quantizePairs<Config, Lanes>(in, out);
  } else if constexpr (detail::quantizesInFloat<typename Config::OutT>()) {
    // Sixteen values per AVX-512 vector instead of eight doubles: values
    // scaled onto OutT's grid below 2^22 in magnitude are rounded in float
    // and fitted in 32 bits; the others (NaN included) are redone below.
    using OutT = typename Config::OutT;
    int rest = 0;
    int vectorEnd = 0;
#if defined(ARIADNE_DENSE_INT16)
    // In vectors: GCC at -O2 does not vectorize the loop below.
    constexpr int width = ariadne::simd::kWidth;
    vectorEnd = size - size % width;
    detail::Int32Vec slow{};
    for (int i = 0; i < vectorEnd; i += width) {
      const detail::Int64Vec wide = __builtin_convertvector(
          detail::quantizeInFloat<OutT, ariadne::simd::Vec, detail::Int32Vec,
                                  detail::UInt32Vec>(
              ariadne::simd::load(in + i), slow),
          detail::Int64Vec);
      std::memcpy(out + i, &wide, sizeof(wide));
    }
    rest = detail::anyLane(slow);
#endif
    for (int i = vectorEnd; i < size; ++i)
      out[i] = static_cast<std::uint64_t>(static_cast<std::int64_t>(
          detail::quantizeInFloat<OutT>(in[i], rest)));
    if (!rest)
      return;
    for (int i = 0; i < size; ++i) {
      if (detail::quantizesFast<typename Config::OutT>(in[i]))
        continue;
      // Exact in double; below 2^62 the double steps, else bitsFromDouble.
      const double wide = static_cast<double>(in[i]) * detail::pow2(frac);
      std::uint64_t wideBits = 0;
      std::memcpy(&wideBits, &wide, sizeof(wideBits));
      out[i] = detail::belowTwoTo62(wideBits)
                   ? detail::fitInteger<typename Config::OutT>(
                         detail::roundToInteger<to.quant>(wide))
                   : ariadne::bitsFromDouble(static_cast<double>(in[i]), to);
    }
  } else if constexpr (frac >= -800 && frac <= 800) {
    // A float times 2^frac is exact in double for these fractions.
    constexpr double scale = detail::pow2(frac);
    int rest = 0;
    for (int i = 0; i < size; ++i) {
      double v = static_cast<double>(in[i]) * scale;
      // v is replaced by +0.0 where |v| >= 2^62 (NaN included) by masking
      // its bits: a select on the double would keep GCC from vectorizing.
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof(bits));
      const bool fast = detail::belowTwoTo62(bits);
      bits &= std::uint64_t(0) - fast;
      std::memcpy(&v, &bits, sizeof(v));
      out[i] = detail::fitInteger<typename Config::OutT>(
          detail::roundToInteger<to.quant>(v));
      rest |= !fast;
    }
    if (!rest)
      return;
    for (int i = 0; i < size; ++i) {
      const double v = static_cast<double>(in[i]) * scale;
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof(bits));
      if (!detail::belowTwoTo62(bits))
        out[i] = ariadne::bitsFromDouble(static_cast<double>(in[i]), to);
    }
  } else {
    for (int i = 0; i < size; ++i)
      out[i] = ariadne::bitsFromDouble(static_cast<double>(in[i]), to);
  }
}

/// fx.dequantize: each value as the nearest float, ties to even
/// (bitsToFloat).
template <class Config, int Lanes = 1>
ARIADNE_HD void output(const std::uint64_t *in, float *out) {
  constexpr ariadne::FixedSpec from = Config::InT::spec();
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = ariadne::bitsToFloat(in[i], from);
}

/// A raw model output: each value's integer m (for a 64-bit unsigned type,
/// its bit pattern).
template <class Config, int Lanes = 1>
ARIADNE_HD void output(const std::uint64_t *in, std::int64_t *out) {
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = static_cast<std::int64_t>(in[i]);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// fx.cast: each value into OutT with OutT's modes (castBits). `in` and
/// `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD ARIADNE_FULL_WIDTH void cast(const std::uint64_t *in,
                                        std::uint64_t *out) {
  constexpr ariadne::FixedSpec from = Config::InT::spec();
  constexpr ariadne::FixedSpec to = Config::OutT::spec();
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = ariadne::castBits(in[i], from, to);
}

/// fx.dense over `Lanes` events: the exact sum of the products and the
/// bias, kept modulo 2^W of AccT, then cast and ReLU as the config asks
/// (DenseConfig::OutT, relu). `in` and `out` must not overlap.
template <class Config, int Lanes = 1>
ARIADNE_HD void dense(const std::uint64_t *in, std::uint64_t *out) {
  static_assert(Config::AccT::spec().fracWidth() ==
                    Config::InT::spec().fracWidth() +
                        Config::WeightT::spec().fracWidth(),
                "the accumulator holds the products' fractional bits");
  constexpr int inSize = Config::inFeatures * Lanes;
  constexpr int outSize = Config::outFeatures * Lanes;
  for (int r = 0; r < Config::rows; ++r) {
    const std::uint64_t *x = in + r * inSize;
    std::uint64_t *y = out + r * outSize;
    detail::denseRow<Config, Lanes>(x, y);
  }
}

/// fx.table: each value looked up in Config::table (ariadne::tableIndex).
/// `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD void table(const std::uint64_t *in, std::uint64_t *out) {
  static_assert(Config::shift >= 0 && Config::shift <= 63, "shift is 0..63");
  static_assert(Config::tableSize >= 1, "a table has entries");
  constexpr bool isSigned = Config::InT::spec().isSigned;
  constexpr std::uint64_t low = static_cast<std::uint64_t>(Config::inputLow);
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr ((Config::size * Lanes) % detail::kIntWidth == 0) {
    detail::tableLookup<Config, Config::size * Lanes>(in, out);
    return;
  }
#endif
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = static_cast<std::uint64_t>(Config::table[ariadne::tableIndex(
        in[i], low, isSigned, Config::shift, Config::tableSize - 1)]);
}

/// fx.relu: max(x, 0). `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD ARIADNE_FULL_WIDTH void relu(const std::uint64_t *in,
                                        std::uint64_t *out) {
  for (int i = 0; i < Config::size * Lanes; ++i) {
    if constexpr (Config::InT::spec().isSigned)
      out[i] = static_cast<std::int64_t>(in[i]) < 0 ? 0 : in[i];
    else
      out[i] = in[i];
  }
}

/// fx.clamp: min(max(x, low), high). `in` and `out` may be the same
/// buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD ARIADNE_FULL_WIDTH void clamp(const std::uint64_t *in,
                                         std::uint64_t *out) {
  constexpr bool isSigned = Config::InT::spec().isSigned;
  constexpr std::uint64_t low = static_cast<std::uint64_t>(Config::low);
  constexpr std::uint64_t high = static_cast<std::uint64_t>(Config::high);
  for (int i = 0; i < Config::size * Lanes; ++i) {
    std::uint64_t x = in[i];
    x = detail::rawLess(x, low, isSigned) ? low : x;
    out[i] = detail::rawLess(high, x, isSigned) ? high : x;
  }
}

/// fx.leaky_relu (ariadne::leakyReluBits). `in` and `out` may be the same
/// buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD void leakyRelu(const std::uint64_t *in, std::uint64_t *out) {
  constexpr ariadne::FixedSpec from = Config::InT::spec();
  constexpr ariadne::FixedSpec alphaSpec = Config::AlphaT::spec();
  constexpr ariadne::FixedSpec to = Config::OutT::spec();
  constexpr std::uint64_t alpha = static_cast<std::uint64_t>(Config::alpha);
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = ariadne::leakyReluBits(in[i], from, alpha, alphaSpec, to);
}

/// fx.scale (ariadne::scaleBits): v = x * scale[c] + offset[c] * 2^(F -
/// frac(OffsetT)) with F = frac(InT) + frac(ScaleT) fractional bits, cast
/// once into OutT; c is the index along the last axis.
/// `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD void scale(const std::uint64_t *in, std::uint64_t *out) {
  static_assert(Config::size % Config::channels == 0,
                "the last axis divides the event");
  constexpr int frac =
      Config::InT::spec().fracWidth() + Config::ScaleT::spec().fracWidth();
  constexpr ariadne::FixedSpec from = detail::wideSpec(frac);
  constexpr ariadne::FixedSpec to = Config::OutT::spec();
  constexpr int channels = Config::channels;
  for (int o = 0; o < Config::size / channels; ++o)
    for (int c = 0; c < channels; ++c) {
      const std::uint64_t factor = static_cast<std::uint64_t>(Config::scale[c]);
      std::uint64_t term = 0;
      if constexpr (Config::offset != nullptr) {
        constexpr int lift = frac - Config::OffsetT::spec().fracWidth();
        static_assert(lift >= 0, "the offset has at most F fractional bits");
        // A shift by 64 or more would leave nothing of an offset that fits.
        if constexpr (lift < 64)
          term = static_cast<std::uint64_t>(Config::offset[c]) << lift;
      }
      const int base = (o * channels + c) * Lanes;
      for (int t = 0; t < Lanes; ++t)
        out[base + t] =
            ariadne::scaleBits(in[base + t], factor, term, from, to);
    }
}

/// fx.add, fx.sub, fx.mul (ariadne::arithBits) over broadcast operands.
/// `out` may be an operand's buffer only where that operand is not
/// broadcast.
template <class Config, int Lanes = 1>
ARIADNE_HD void arith(const std::uint64_t *lhs, const std::uint64_t *rhs,
                      std::uint64_t *out) {
  ariadne::broadcastBinary<Config, Lanes>(
      lhs, rhs, out, [](std::uint64_t a, std::uint64_t b) {
        return ariadne::arithBits(Config::kind, a, Config::LhsT::spec(), b,
                                  Config::RhsT::spec());
      });
}

/// fx.matmul (ariadne::dotBits per element) over `Lanes` events; `out` must
/// not overlap the operands.
template <class Config, int Lanes = 1>
ARIADNE_HD void matmul(const std::uint64_t *lhs, const std::uint64_t *rhs,
                       std::uint64_t *out) {
  constexpr ariadne::FixedSpec sa = Config::LhsT::spec();
  constexpr ariadne::FixedSpec sb = Config::RhsT::spec();
  constexpr ariadne::FixedSpec acc = Config::AccT::spec();
  constexpr int m = Config::m, k = Config::k, n = Config::n;
  constexpr int rank = Config::batchRank;
  constexpr auto batchShape = ariadne::constInts(Config::batchShape);
  constexpr auto lhsBatchStrides = ariadne::constInts(Config::lhsBatchStrides);
  constexpr auto rhsBatchStrides = ariadne::constInts(Config::rhsBatchStrides);
  int batches = 1;
  for (int d = 0; d < rank; ++d)
    batches *= batchShape[d];
  ariadne::BroadcastWalk<rank> walk;
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j)
        for (int t = 0; t < Lanes; ++t)
          out[((b * m + i) * n + j) * Lanes + t] = ariadne::dotBits(
              lhs + (walk.lhs + i * k) * Lanes + t, Lanes, sa,
              rhs + (walk.rhs + j) * Lanes + t, n * Lanes, sb, k, acc);
    walk.next(rank, batchShape, lhsBatchStrides, rhsBatchStrides);
  }
}

/// fx.softmax over the last axis (ariadne::softmaxRow), each event's rows
/// in turn. `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD void softmax(const std::uint64_t *in, std::uint64_t *out) {
  static_assert(!Config::ExpT::spec().isSigned, "exp_type is unsigned");
  static_assert(Config::expShift >= 0 && Config::expShift <= 63 &&
                    Config::invShift >= 0 && Config::invShift <= 63,
                "shifts are 0..63");
  const ariadne::SoftmaxTables<std::int64_t> tables = {
      Config::expTable,    Config::expSize,
      Config::expShift,    Config::ExpT::spec(),
      Config::invTable,    Config::invSize,
      Config::invShift,    static_cast<std::uint64_t>(Config::invLow),
      Config::InvT::spec()};
  constexpr int length = Config::length;
  for (int r = 0; r < Config::rows; ++r)
    for (int t = 0; t < Lanes; ++t)
      ariadne::softmaxRow(
          in + r * length * Lanes + t, out + r * length * Lanes + t, length,
          Lanes, Config::InT::spec().isSigned, tables, Config::OutT::spec());
}

} // namespace fx
} // namespace ariadne

#endif // ARIADNE_RUNTIME_FIXED_KERNELS_H

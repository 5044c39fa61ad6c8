//===- hls_types.h - fixed-point types of the HLS target --------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The generated Vitis HLS sources name their fixed-point types through two
// macros, so that the same files compile in two ways:
//
//  * under Vitis HLS (__SYNTHESIS__ defined), or with ARIADNE_USE_AP_TYPES
//    defined and Xilinx's headers on the include path: the real ap_fixed
//    and ap_ufixed of <ap_fixed.h>;
//  * anywhere else, with a plain C++14 compiler: ariadne::fixed and
//    ariadne::ufixed (fixed.h), which compute the same integers.
//
// ARIADNE_FIXED(W, I, Q, O) and ARIADNE_UFIXED(W, I, Q, O) take the
// quantization mode Q as one of TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF,
// RND_INF, RND_CONV and the overflow mode O as one of WRAP, SAT, SAT_ZERO,
// SAT_SYM, without a prefix:
//
//   typedef ARIADNE_FIXED(16, 6, RND, SAT) layer1_t;
//
// Code that is to compile both ways may use only what both types define:
// construction from double, from a C integer and from another fixed-point
// type (a cast with the target's modes), assignment from another
// fixed-point type, +, -, * with their exact result types, +=, -=, *=,
// comparisons, to_double() and to_int(); and the raw-integer helpers
// below, from_rom, raw_as and shl, written for each. This header is not part of
// ariadne.h: generated HLS sources include it directly.
//
// Constants (weights, biases, table entries) are held as ROM words: the
// raw integer of each value, of type ariadne::hls::rom_t<T> (ap_int<W> or
// ap_uint<W> for an ap_fixed T in synthesis, the narrowest C integer of W
// bits in every C simulation), and read with ariadne::hls::from_rom<T>(word).
// So weights.h is integer literals: the C simulation of a million weights
// compiles without a conversion from double each, and Vitis HLS sees the
// same W-bit ROMs.
//
// io_stream designs pass feature maps between layers as
// ariadne::hls::stream<word<T, N>>: one word of N elements per pixel.
// Under Vitis HLS (and with ARIADNE_USE_AP_TYPES where <hls_stream.h> is on
// the include path) the stream is Vitis's hls::stream; with a plain
// compiler it is the FIFO below, which behaves as hls::stream does in C
// simulation except that a read from an empty stream stops the program
// (hls::stream warns and returns an undefined value).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_HLS_TYPES_H
#define ARIADNE_RUNTIME_HLS_TYPES_H

#include <cstdint>
#include <type_traits>

namespace ariadne {
namespace hls {
namespace detail {
/// The narrowest C integer of at least W bits.
template <int W, bool S> struct rom_integer {
  typedef typename std::conditional<
      (W <= 8), std::int8_t,
      typename std::conditional<
          (W <= 16), std::int16_t,
          typename std::conditional<(W <= 32), std::int32_t,
                                    std::int64_t>::type>::type>::type signed_t;
  typedef typename std::make_unsigned<signed_t>::type unsigned_t;
  typedef typename std::conditional<S, signed_t, unsigned_t>::type type;
};
} // namespace detail
} // namespace hls
} // namespace ariadne

#if defined(__SYNTHESIS__) || defined(ARIADNE_USE_AP_TYPES)

#include <ap_fixed.h>

#define ARIADNE_FIXED(W, I, Q, O) ap_fixed<W, I, AP_##Q, AP_##O>
#define ARIADNE_UFIXED(W, I, Q, O) ap_ufixed<W, I, AP_##Q, AP_##O>

namespace ariadne {
namespace hls {
// Vitis HLS synthesizes W-bit ROMs of ap_int<W> words; a C simulation
// (no __SYNTHESIS__) holds the same integers in C integers, which g++
// initializes statically, where a million ap_int constructors would not
// compile in reasonable time and memory.
template <class T> struct rom_word;
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct rom_word<ap_fixed<W, I, Q, O, N>> {
#if defined(__SYNTHESIS__)
  typedef ap_int<W> type;
#else
  typedef typename detail::rom_integer<W, true>::type type;
#endif
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct rom_word<ap_ufixed<W, I, Q, O, N>> {
#if defined(__SYNTHESIS__)
  typedef ap_uint<W> type;
#else
  typedef typename detail::rom_integer<W, false>::type type;
#endif
};

/// The T whose W bits are `word`'s.
template <class T> T from_rom(const typename rom_word<T>::type &word) {
#pragma HLS INLINE
  T value;
  value.range() = ap_uint<T::width>(word);
  return value;
}

/// The T whose raw integer is x's (sign- or zero-extended), modulo 2^W.
template <class T, int W, int I, ap_q_mode Q, ap_o_mode O, int N>
T raw_as(const ap_fixed<W, I, Q, O, N> &x) {
#pragma HLS INLINE
  const ap_int<W> m = x.range();
  T value;
  value.range() = ap_uint<T::width>(ap_int<T::width>(m));
  return value;
}
template <class T, int W, int I, ap_q_mode Q, ap_o_mode O, int N>
T raw_as(const ap_ufixed<W, I, Q, O, N> &x) {
#pragma HLS INLINE
  const ap_uint<W> m = x.range();
  T value;
  value.range() = ap_uint<T::width>(m);
  return value;
}

/// x * 2^s modulo 2^W, in x's type: its bits shifted left.
template <class T> T shl(const T &x, unsigned s) {
#pragma HLS INLINE
  T value;
  value.range() = ap_uint<T::width>(x.range()) << s;
  return value;
}
} // namespace hls
} // namespace ariadne

#else

#include "ariadne/fixed.h"

#define ARIADNE_FIXED(W, I, Q, O)                                              \
  ::ariadne::fixed<W, I, ::ariadne::Q, ::ariadne::O>
#define ARIADNE_UFIXED(W, I, Q, O)                                             \
  ::ariadne::ufixed<W, I, ::ariadne::Q, ::ariadne::O>

namespace ariadne {
namespace hls {
template <class T> struct rom_word;
template <int W, int I, bool S, QuantMode Q, OverflowMode O>
struct rom_word<FixedPoint<W, I, S, Q, O>> {
  typedef typename detail::rom_integer<W, S>::type type;
};

/// The T whose W bits are `word`'s.
template <class T> constexpr T from_rom(typename rom_word<T>::type word) {
  return T::fromRaw(static_cast<typename T::RawType>(word));
}

/// The T whose raw integer is x's (sign- or zero-extended), modulo 2^W.
template <class T, class U> constexpr T raw_as(const U &x) {
  return T::fromRaw(static_cast<typename T::RawType>(x.raw()));
}

/// x * 2^s modulo 2^W, in x's type: its bits shifted left.
template <class T> constexpr T shl(const T &x, unsigned s) {
  return T::fromRaw(static_cast<typename T::RawType>(
      s >= 64 ? 0 : static_cast<std::uint64_t>(x.raw()) << s));
}
} // namespace hls
} // namespace ariadne

#endif

namespace ariadne {
namespace hls {
/// The ROM word of a fixed-point type T: its raw integer, W bits.
template <class T> using rom_t = typename rom_word<T>::type;

/// One word of a stream: N elements of T (a pixel's channels, or a whole
/// input or output vector).
template <class T, unsigned N> struct word {
  T data[N];
};
} // namespace hls
} // namespace ariadne

#if defined(__SYNTHESIS__)
#define ARIADNE_VITIS_STREAM 1
#elif defined(ARIADNE_USE_AP_TYPES) && defined(__has_include)
#if __has_include(<hls_stream.h>)
#define ARIADNE_VITIS_STREAM 1
#endif
#endif

#if defined(ARIADNE_VITIS_STREAM)

#include <hls_stream.h>

namespace ariadne {
namespace hls {
template <class T> using stream = ::hls::stream<T>;
} // namespace hls
} // namespace ariadne

#else

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>

namespace ariadne {
namespace hls {
/// A FIFO of words with hls::stream's interface for C simulation.
template <class T> class stream {
public:
  stream() = default;
  explicit stream(const char *name) : name_(name) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;

  void write(const T &value) { words_.push_back(value); }
  T read() {
    if (words_.empty()) {
      std::fprintf(stderr, "stream '%s': read while empty\n", name_);
      std::abort();
    }
    T value = words_.front();
    words_.pop_front();
    return value;
  }
  bool empty() const { return words_.empty(); }
  std::size_t size() const { return words_.size(); }

private:
  std::deque<T> words_;
  const char *name_ = "";
};
} // namespace hls
} // namespace ariadne

#endif

#endif // ARIADNE_RUNTIME_HLS_TYPES_H

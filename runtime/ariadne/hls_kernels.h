//===- hls_kernels.h - the layers of the HLS target -------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The layers of a quantized model as Vitis HLS templates in C++14 (Vitis
// HLS's default dialect), over arrays of the fixed-point types that
// hls_types.h names: ap_fixed under Vitis HLS, ariadne::fixed with a plain
// compiler. Each kernel computes what the fx op of the same name computes
// on raw integers (passes/FX/FXOps.td), written with the operations both
// types share only (see hls_types.h), so that the synthesized design, its
// C simulation, the kernels of fixed_kernels.h and the emulator give the
// same integers. Not included by ariadne.h: generated HLS sources include
// it directly. Constant operands (weights, biases,
// scales, table entries) come as ROM words, rom_t<T> of the value's type
// T, which the kernels read with from_rom<T> (see hls_types.h).
//
// Kernels with a CONFIG_T take a struct that derives from dense_config,
// table_config, softmax_config, binary_config or matmul_config and
// overrides what differs; table and softmax configs also name the index
// types of their lookups (see table()), binary and matmul configs the
// places of their operands (static functions of constant arguments once
// the loops are unrolled).
//
// Pragmas: each kernel is inlined into its caller with its loops fully
// unrolled, for the latency strategy, where the generated top function
// carries `#pragma HLS PIPELINE II=1`. A dense layer, a mul() or a matmul()
// with CONFIG_T::resource is a function of its own instead (INLINE off),
// pipelined with II = reuse_factor and limited to ceil(products /
// reuse_factor) multipliers; the top function's II must then be at least
// the largest reuse factor.
//
// With ariadne::fixed, which holds at most 64 bits, every intermediate type
// must fit in 64 bits; each kernel states its limit. ap_fixed has none of
// these limits, and the results agree wherever both compile.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_HLS_KERNELS_H
#define ARIADNE_RUNTIME_HLS_KERNELS_H

// Under -Wall, GCC and Clang warn about every `#pragma HLS`
// (-Wunknown-pragmas, which a diagnostic pragma cannot turn off before GCC
// 13) and every loop label (-Wunused-label; the labels name the loops in
// Vitis reports): outside synthesis the header is a system header.
#if defined(__GNUC__) && !defined(__SYNTHESIS__)
#pragma GCC system_header
#endif

#include "ariadne/hls_types.h"

namespace ariadne {
namespace hls {

//===----------------------------------------------------------------------===//
// Layer configurations
//===----------------------------------------------------------------------===//

/// dense(): a fully connected layer.
struct dense_config {
  /// K inputs and N outputs, of each of n_rows rows (the input holds
  /// n_rows * n_in values, row after row; every row uses the same weights).
  static const unsigned n_in = 1, n_out = 1, n_rows = 1;
  /// Resource strategy: each multiplier serves reuse_factor products.
  static const unsigned reuse_factor = 1;
  /// false: the latency strategy (fully unrolled, inlined); true: the
  /// resource strategy (a function of its own with II = reuse_factor).
  static const bool resource = false;
  /// Whether the biases take part.
  static const bool has_bias = true;
};

/// dense_da(): a dense layer as distributed arithmetic.
struct dense_da_config {
  static const unsigned n_in = 1, n_out = 1, n_rows = 1;
  /// Shared sums, and terms of the outputs (their tables hold one entry
  /// more, unused, so that none is empty).
  static const unsigned n_shared = 0, n_terms = 0;
  static const bool has_bias = true;
};

/// Shared sum (v[a] << shift_a) +/- (v[b] << shift_b) of dense_da: sources
/// below n_in are inputs, source n_in + j is shared sum j.
struct da_sum {
  unsigned a, b;
  unsigned char shift_a, shift_b, subtract;
};

/// A term of output `output` of dense_da: +/- (v[source] << shift).
struct da_term {
  unsigned output, source;
  unsigned char shift, negative;
};

/// table(): an element-wise lookup. A config also has
///   typedef ... index_t; // unsigned, TRN and SAT: ap_ufixed<B, B + shift -
///                        // F, AP_TRN, AP_SAT>, F the input's fractional
///                        // bits, bitlength(table_size - 1) <= B <= 31: its
///                        // least significant bit weighs one bin of
///                        // 2^shift input steps
///   typedef ... unit_t;  // ap_ufixed<1, 1 + F - shift>, whose one bit
///                        // weighs 2^(F - shift): index * unit is the
///                        // integer number of bins
/// The kernels take the unit's value from unit_t; a static unit() function
/// in the config, if any, is not used.
struct table_config {
  /// Elements, and the entries of the table.
  static const unsigned n = 1, table_size = 1;
};

/// softmax(): softmax along rows of `length` values, n = rows * length. A
/// config also has, as table_config describes for the input's grid,
///   typedef ... diff_index_t, diff_unit_t;
/// for the exp lookup by max - x (shift exp_shift, exp_size entries), and
/// for the reciprocal lookup by sum - inv_low (grid of exp_t, shift
/// inv_shift, inv_size entries)
///   typedef ... sum_t;    // ap_ufixed<W + L, I + L>, exp_t being
///                         // ap_ufixed<W, I> and L = bitlength(length):
///                         // holds the sum exactly
///   typedef ... sum_index_t, sum_unit_t;
///   static sum_t inv_low(); // inv_low (any type that holds it exactly
///                           // will do; where it exceeds sum_t's range,
///                           // sum_t's maximum gives the same bins)
struct softmax_config {
  static const unsigned rows = 1, length = 1;
  /// The entries of the exp and reciprocal tables.
  static const unsigned exp_size = 1, inv_size = 1;
};

/// add(), sub() and mul(): an element-wise op of two operands broadcast
/// (numpy's rule) to the result. Result element i reads the left operand's
/// element lhs_index(i) and the right operand's rhs_index(i); a generated
/// config overrides both with the broadcast strides (0 along a broadcast
/// dimension), which fold into constants once the loop is unrolled.
struct binary_config {
  /// Elements of the result and of the two operands.
  static const unsigned n = 1, n_lhs = 1, n_rhs = 1;
  /// mul() only, as dense_config: the resource strategy shares
  /// ceil(n / reuse_factor) multipliers over an II of reuse_factor.
  static const unsigned reuse_factor = 1;
  static const bool resource = false;
  static unsigned lhs_index(unsigned i) { return i; }
  static unsigned rhs_index(unsigned i) { return i; }
};

/// matmul(): `batch` matrix products of an m x k left and a k x n right
/// matrix, each stored row after row. Product t reads the left matrix from
/// element lhs_offset(t) and the right one from rhs_offset(t) (batch
/// dimensions broadcast: a generated config overrides both), and writes
/// the result's elements t * m * n to (t + 1) * m * n - 1.
struct matmul_config {
  static const unsigned batch = 1, m = 1, k = 1, n = 1;
  /// Elements of the two operands.
  static const unsigned n_lhs = 1, n_rhs = 1;
  /// As dense_config: the resource strategy shares ceil(batch * m * n * k /
  /// reuse_factor) multipliers over an II of reuse_factor.
  static const unsigned reuse_factor = 1;
  static const bool resource = false;
  static unsigned lhs_offset(unsigned) { return 0; }
  static unsigned rhs_offset(unsigned) { return 0; }
};

namespace detail {

/// The number of significant bits of v.
constexpr int bit_length(unsigned v) {
  return v == 0 ? 0 : 1 + bit_length(v >> 1);
}

/// 2^e, exactly, for |e| <= 1022, in a recursion of depth log2(|e|).
constexpr double power_of_two(int e) {
  return e < 0 ? 1.0 / power_of_two(-e)
         : e == 0
             ? 1.0
             : (e % 2 ? 2.0 : 1.0) * power_of_two(e / 2) * power_of_two(e / 2);
}

/// The number of multipliers of a resource-strategy dense layer, and the
/// words its weights are reshaped into (one per multiplier, at most one per
/// weight: the rows share the weights).
template <class CONFIG_T> struct dense_shape {
  static const unsigned weights = CONFIG_T::n_in * CONFIG_T::n_out;
  static const unsigned products = CONFIG_T::n_rows * weights;
  static const unsigned multipliers =
      (products + CONFIG_T::reuse_factor - 1) / CONFIG_T::reuse_factor;
  static const unsigned words = multipliers < weights ? multipliers : weights;
};

/// The bin of the difference d from a table's lower end: min(floor(d / bin
/// width), size - 1), and 0 for d < 0. The cast into index_t (TRN, SAT)
/// floors d to whole bins, sends negatives to 0 and stops at 2^B - 1, which
/// is at least size - 1; times unit_t's one bit, that is the integer
/// number of bins.
template <class index_t, class unit_t, class diff_t>
unsigned bin_index(const diff_t &d, unsigned size) {
#pragma HLS INLINE
  static_assert(
      index_t::width - index_t::iwidth + unit_t::width - unit_t::iwidth == 0,
      "index_t's least significant bit times unit_t's is 1");
  static_assert(unit_t::width == 1, "unit_t is a single bit");
  static_assert(index_t::width <= 31, "an index has at most 31 bits");
  const unit_t unit(power_of_two(unit_t::iwidth - unit_t::width));
  const index_t bins = d;
  const unsigned k = static_cast<unsigned>((bins * unit).to_int());
  return k < size - 1 ? k : size - 1;
}

/// out[r][n] = bias[n] + sum_k in[r][k] * weights[n * n_in + k] in acc_t,
/// for each row r. Each product is cast into acc_t before it is added:
/// acc_t has the products' fractional bits, so the cast only wraps, which
/// the modular sum cannot tell from a wrap at the end.
template <class in_t, class weight_t, class bias_t, class acc_t, class CONFIG_T>
void dense_sums(const in_t in[CONFIG_T::n_rows * CONFIG_T::n_in],
                acc_t out[CONFIG_T::n_rows * CONFIG_T::n_out],
                const rom_t<weight_t> weights[CONFIG_T::n_out * CONFIG_T::n_in],
                const rom_t<bias_t> biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
Rows:
  for (unsigned r = 0; r < CONFIG_T::n_rows; ++r) {
#pragma HLS UNROLL
  Outputs:
    for (unsigned n = 0; n < CONFIG_T::n_out; ++n) {
#pragma HLS UNROLL
      acc_t sum =
          CONFIG_T::has_bias ? acc_t(from_rom<bias_t>(biases[n])) : acc_t(0);
    Products:
      for (unsigned k = 0; k < CONFIG_T::n_in; ++k) {
#pragma HLS UNROLL
        sum += acc_t(in[r * CONFIG_T::n_in + k] *
                     from_rom<weight_t>(weights[n * CONFIG_T::n_in + k]));
      }
      out[r * CONFIG_T::n_out + n] = sum;
    }
  }
}

/// The latency strategy: every product its own multiplier (or, for a
/// constant weight, its own logic), all in the caller's pipeline.
template <class in_t, class weight_t, class bias_t, class acc_t, class CONFIG_T>
void dense_latency(
    const in_t in[CONFIG_T::n_rows * CONFIG_T::n_in],
    acc_t out[CONFIG_T::n_rows * CONFIG_T::n_out],
    const rom_t<weight_t> weights[CONFIG_T::n_out * CONFIG_T::n_in],
    const rom_t<bias_t> biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
#pragma HLS ARRAY_PARTITION variable = weights type = complete
#pragma HLS ARRAY_PARTITION variable = biases type = complete
  dense_sums<in_t, weight_t, bias_t, acc_t, CONFIG_T>(in, out, weights, biases);
}

/// The resource strategy: the products share ceil(n_rows * n_in * n_out /
/// reuse_factor) multipliers over an initiation interval of reuse_factor
/// cycles; the weights are reshaped into as many words (at most one per
/// weight).
template <class in_t, class weight_t, class bias_t, class acc_t, class CONFIG_T>
void dense_resource(
    const in_t in[CONFIG_T::n_rows * CONFIG_T::n_in],
    acc_t out[CONFIG_T::n_rows * CONFIG_T::n_out],
    const rom_t<weight_t> weights[CONFIG_T::n_out * CONFIG_T::n_in],
    const rom_t<bias_t> biases[CONFIG_T::n_out]) {
#pragma HLS INLINE off
  const unsigned multipliers = dense_shape<CONFIG_T>::multipliers;
  const unsigned words = dense_shape<CONFIG_T>::words;
  (void)multipliers;
  (void)words;
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ALLOCATION operation instances = mul limit = multipliers
#pragma HLS ARRAY_RESHAPE variable = weights type = block factor = words
#pragma HLS ARRAY_PARTITION variable = biases type = complete
  dense_sums<in_t, weight_t, bias_t, acc_t, CONFIG_T>(in, out, weights, biases);
}

/// The exact a + b, a - b and a * b of one pair of elements: ap_fixed's
/// result types, which add(), sub() and mul() require out_t to be, so the
/// conversion keeps every bit.
struct add_op {
  template <class out_t, class lhs_t, class rhs_t>
  static out_t apply(const lhs_t &a, const rhs_t &b) {
#pragma HLS INLINE
    return out_t(a + b);
  }
};
struct sub_op {
  template <class out_t, class lhs_t, class rhs_t>
  static out_t apply(const lhs_t &a, const rhs_t &b) {
#pragma HLS INLINE
    return out_t(a - b);
  }
};
struct mul_op {
  template <class out_t, class lhs_t, class rhs_t>
  static out_t apply(const lhs_t &a, const rhs_t &b) {
#pragma HLS INLINE
    return out_t(a * b);
  }
};

/// out[i] = a[lhs_index(i)] op b[rhs_index(i)], every element at once.
template <class OP_T, class lhs_t, class rhs_t, class out_t, class CONFIG_T>
void binary_elements(const lhs_t a[CONFIG_T::n_lhs],
                     const rhs_t b[CONFIG_T::n_rhs], out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    out[i] = OP_T::template apply<out_t>(a[CONFIG_T::lhs_index(i)],
                                         b[CONFIG_T::rhs_index(i)]);
  }
}

/// mul() with the resource strategy: ceil(n / reuse_factor) multipliers
/// over an initiation interval of reuse_factor cycles.
template <class lhs_t, class rhs_t, class out_t, class CONFIG_T>
void mul_resource(const lhs_t a[CONFIG_T::n_lhs],
                  const rhs_t b[CONFIG_T::n_rhs], out_t out[CONFIG_T::n]) {
#pragma HLS INLINE off
  const unsigned multipliers =
      (CONFIG_T::n + CONFIG_T::reuse_factor - 1) / CONFIG_T::reuse_factor;
  (void)multipliers;
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ALLOCATION operation instances = mul limit = multipliers
  binary_elements<mul_op, lhs_t, rhs_t, out_t, CONFIG_T>(a, b, out);
}

/// The products of matmul(): out[t][i][j] = sum_p a[t][i][p] * b[t][p][j]
/// in acc_t. As in dense_sums(), each exact product is cast into acc_t: it
/// has the products' fractional bits, so the cast only keeps the low W
/// bits (WRAP). `sum += x` is, in ap_fixed as in ariadne::fixed, the exact
/// W + 1-bit sum assigned back into acc_t, again its low W bits: every
/// step is exact modulo 2^W, so the result is the exact sum modulo 2^W
/// whatever the order of the additions (fx.matmul's rule, dotBits), and
/// no intermediate exceeds W + 1 bits.
template <class lhs_t, class rhs_t, class acc_t, class CONFIG_T>
void matmul_sums(const lhs_t a[CONFIG_T::n_lhs], const rhs_t b[CONFIG_T::n_rhs],
                 acc_t out[CONFIG_T::batch * CONFIG_T::m * CONFIG_T::n]) {
#pragma HLS INLINE
Matrices:
  for (unsigned t = 0; t < CONFIG_T::batch; ++t) {
#pragma HLS UNROLL
    const unsigned lhs = CONFIG_T::lhs_offset(t);
    const unsigned rhs = CONFIG_T::rhs_offset(t);
  Rows:
    for (unsigned i = 0; i < CONFIG_T::m; ++i) {
#pragma HLS UNROLL
    Columns:
      for (unsigned j = 0; j < CONFIG_T::n; ++j) {
#pragma HLS UNROLL
        acc_t sum(0);
      Products:
        for (unsigned p = 0; p < CONFIG_T::k; ++p) {
#pragma HLS UNROLL
          sum += acc_t(a[lhs + i * CONFIG_T::k + p] *
                       b[rhs + p * CONFIG_T::n + j]);
        }
        out[(t * CONFIG_T::m + i) * CONFIG_T::n + j] = sum;
      }
    }
  }
}

/// matmul() with the resource strategy: ceil(batch * m * n * k /
/// reuse_factor) multipliers over an initiation interval of reuse_factor
/// cycles.
template <class lhs_t, class rhs_t, class acc_t, class CONFIG_T>
void matmul_resource(const lhs_t a[CONFIG_T::n_lhs],
                     const rhs_t b[CONFIG_T::n_rhs],
                     acc_t out[CONFIG_T::batch * CONFIG_T::m * CONFIG_T::n]) {
#pragma HLS INLINE off
  const unsigned multipliers =
      (CONFIG_T::batch * CONFIG_T::m * CONFIG_T::n * CONFIG_T::k +
       CONFIG_T::reuse_factor - 1) /
      CONFIG_T::reuse_factor;
  (void)multipliers;
#pragma HLS PIPELINE II = CONFIG_T::reuse_factor
#pragma HLS ALLOCATION operation instances = mul limit = multipliers
  matmul_sums<lhs_t, rhs_t, acc_t, CONFIG_T>(a, b, out);
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// fx.dense: out[n] = bias[n] + sum_k in[k] * weights[n * n_in + k] for
/// each of the n_rows rows, exact and kept modulo 2^W of acc_t (which must
/// be TRN and WRAP, with the products' fractional bits; the bias type has
/// no more). `biases` is not read when !has_bias (any array will do). With
/// ariadne::fixed, in_t and weight_t together and acc_t alone have at most
/// 64 and 63 bits.
template <class in_t, class weight_t, class bias_t, class acc_t, class CONFIG_T>
void dense(const in_t in[CONFIG_T::n_rows * CONFIG_T::n_in],
           acc_t out[CONFIG_T::n_rows * CONFIG_T::n_out],
           const rom_t<weight_t> weights[CONFIG_T::n_out * CONFIG_T::n_in],
           const rom_t<bias_t> biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  static_assert(CONFIG_T::reuse_factor >= 1, "reuse_factor is at least 1");
  static_assert(acc_t::width - acc_t::iwidth == in_t::width - in_t::iwidth +
                                                    weight_t::width -
                                                    weight_t::iwidth,
                "the accumulator holds the products' fractional bits");
  if (CONFIG_T::resource)
    detail::dense_resource<in_t, weight_t, bias_t, acc_t, CONFIG_T>(
        in, out, weights, biases);
  else
    detail::dense_latency<in_t, weight_t, bias_t, acc_t, CONFIG_T>(
        in, out, weights, biases);
}

/// fx.dense as distributed arithmetic (the [hls] strategy
/// "distributed_arithmetic"): no multiplier. The weights are in the
/// tables: every output is its bias plus terms +/- (source << shift), the
/// canonical signed digits of its weights, over the inputs' raw integers
/// and the shared sums that recur across outputs (built once each, in
/// order). Everything is computed in acc_t, modulo 2^W as the product
/// sums of dense(); the tables are constants, so that the unrolled loops
/// leave Vitis HLS the adder graph alone, and the C simulation compiles a
/// loop.
template <class in_t, class bias_t, class acc_t, class CONFIG_T>
void dense_da(const in_t in[CONFIG_T::n_rows * CONFIG_T::n_in],
              acc_t out[CONFIG_T::n_rows * CONFIG_T::n_out],
              const da_sum shared[CONFIG_T::n_shared + 1],
              const da_term terms[CONFIG_T::n_terms + 1],
              const rom_t<bias_t> biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  // acc_t has the products' fractional bits (the inputs' and the
  // weights'): an input's raw integer times a digit 2^s of a raw weight is
  // that raw integer shifted by s on acc_t's grid.
  static_assert(acc_t::width - acc_t::iwidth >= in_t::width - in_t::iwidth,
                "the accumulator holds the inputs' fractional bits");
Rows:
  for (unsigned r = 0; r < CONFIG_T::n_rows; ++r) {
#pragma HLS UNROLL
    acc_t v[CONFIG_T::n_in + CONFIG_T::n_shared];
#pragma HLS ARRAY_PARTITION variable = v type = complete
  Inputs:
    for (unsigned i = 0; i < CONFIG_T::n_in; ++i) {
#pragma HLS UNROLL
      v[i] = raw_as<acc_t>(in[r * CONFIG_T::n_in + i]);
    }
  Shared:
    for (unsigned j = 0; j < CONFIG_T::n_shared; ++j) {
#pragma HLS UNROLL
      const acc_t a = shl(v[shared[j].a], shared[j].shift_a);
      const acc_t b = shl(v[shared[j].b], shared[j].shift_b);
      v[CONFIG_T::n_in + j] = shared[j].subtract ? acc_t(a - b) : acc_t(a + b);
    }
    acc_t sum[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable = sum type = complete
  Biases:
    for (unsigned n = 0; n < CONFIG_T::n_out; ++n) {
#pragma HLS UNROLL
      sum[n] =
          CONFIG_T::has_bias ? acc_t(from_rom<bias_t>(biases[n])) : acc_t(0);
    }
  Terms:
    for (unsigned t = 0; t < CONFIG_T::n_terms; ++t) {
#pragma HLS UNROLL
      const acc_t term = shl(v[terms[t].source], terms[t].shift);
      if (terms[t].negative)
        sum[terms[t].output] -= term;
      else
        sum[terms[t].output] += term;
    }
  Outputs:
    for (unsigned n = 0; n < CONFIG_T::n_out; ++n) {
#pragma HLS UNROLL
      out[r * CONFIG_T::n_out + n] = sum[n];
    }
  }
}

/// fx.cast: each value into out_t with out_t's modes.
template <class in_t, class out_t, unsigned N>
void cast(const in_t in[N], out_t out[N]) {
#pragma HLS INLINE
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = out_t(in[i]);
  }
}

/// fx.relu: max(x, 0), exact.
template <class T, unsigned N> void relu(const T in[N], T out[N]) {
#pragma HLS INLINE
  const T zero(0);
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = in[i] < zero ? zero : in[i];
  }
}

/// nn.reduce_max: the greatest of every L consecutive elements (the
/// fields of max pooling), exact. A chain of comparisons per row; the
/// synthesizer balances it into a tree.
template <class T, unsigned ROWS, unsigned L>
void reduce_max(const T in[ROWS * L], T out[ROWS]) {
#pragma HLS INLINE
Rows:
  for (unsigned r = 0; r < ROWS; ++r) {
#pragma HLS UNROLL
    T best = in[r * L];
  Taps:
    for (unsigned k = 1; k < L; ++k) {
#pragma HLS UNROLL
      if (in[r * L + k] > best)
        best = in[r * L + k];
    }
    out[r] = best;
  }
}

//===----------------------------------------------------------------------===//
// io_stream: feature maps as streams of pixels
//===----------------------------------------------------------------------===//

/// window_stream(): the receptive fields of a convolution or pooling layer
/// over a map of in_height x in_width pixels of `channels` values (a 1-D
/// map has in_height = 1 and a kernel of height 1), nn.window's geometry.
struct window_stream_config {
  static const unsigned channels = 1;
  static const unsigned in_height = 1, in_width = 1;
  static const unsigned kernel_height = 1, kernel_width = 1;
  static const unsigned stride_height = 1, stride_width = 1;
  static const unsigned dilation_height = 1, dilation_width = 1;
  static const unsigned pad_top = 0, pad_bottom = 0;
  static const unsigned pad_left = 0, pad_right = 0;
};

/// nn.window on a stream: reads the map's pixels in row-major order and
/// writes, in row-major order of the output positions, each position's
/// field of channels x kernel_height x kernel_width values (channel, then
/// kernel row, then kernel column: nn.window's order), padding reading
/// `pad`. One padded pixel per clock: line buffers hold the rows the
/// kernel spans above the current one, and a shift register the columns
/// of the window; a field leaves when the pixel at its lower right corner
/// arrives.
template <class T, class CONFIG_T, class in_word_t, class out_word_t>
void window_stream(stream<in_word_t> &in, stream<out_word_t> &out,
                   const T pad) {
  const unsigned C = CONFIG_T::channels;
  const unsigned KH = CONFIG_T::kernel_height, KW = CONFIG_T::kernel_width;
  const unsigned DH = CONFIG_T::dilation_height,
                 DW = CONFIG_T::dilation_width;
  const unsigned span_h = (KH - 1) * DH + 1, span_w = (KW - 1) * DW + 1;
  const unsigned height =
      CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom;
  const unsigned width =
      CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right;
  // lines[i][col]: the pixel of row r - (span_h - 1) + i at column col,
  // while row r streams in (one line at least, unused at span_h = 1).
  const unsigned n_lines = span_h > 1 ? span_h - 1 : 1;
  T lines[n_lines][width][C];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
#pragma HLS ARRAY_PARTITION variable=lines complete dim=3
  T window[span_h][span_w][C];
#pragma HLS ARRAY_PARTITION variable=window complete dim=0
Rows:
  for (unsigned r = 0; r < height; ++r) {
  Columns:
    for (unsigned col = 0; col < width; ++col) {
#pragma HLS PIPELINE II=1
      const bool inside = r >= CONFIG_T::pad_top &&
                          r < CONFIG_T::pad_top + CONFIG_T::in_height &&
                          col >= CONFIG_T::pad_left &&
                          col < CONFIG_T::pad_left + CONFIG_T::in_width;
      T pixel[C];
#pragma HLS ARRAY_PARTITION variable=pixel complete
      if (inside) {
        const in_word_t word = in.read();
        for (unsigned c = 0; c < C; ++c) {
#pragma HLS UNROLL
          pixel[c] = word.data[c];
        }
      } else {
        for (unsigned c = 0; c < C; ++c) {
#pragma HLS UNROLL
          pixel[c] = pad;
        }
      }
    Shift:
      for (unsigned i = 0; i < span_h; ++i) {
#pragma HLS UNROLL
        for (unsigned j = 0; j + 1 < span_w; ++j) {
#pragma HLS UNROLL
          for (unsigned c = 0; c < C; ++c) {
#pragma HLS UNROLL
            window[i][j][c] = window[i][j + 1][c];
          }
        }
      }
    NewColumn:
      for (unsigned c = 0; c < C; ++c) {
#pragma HLS UNROLL
        for (unsigned i = 0; i + 1 < span_h; ++i) {
#pragma HLS UNROLL
          window[i][span_w - 1][c] = lines[i][col][c];
        }
        window[span_h - 1][span_w - 1][c] = pixel[c];
        for (unsigned i = 0; i + 2 < span_h; ++i) {
#pragma HLS UNROLL
          lines[i][col][c] = lines[i + 1][col][c];
        }
        if (span_h > 1)
          lines[n_lines - 1][col][c] = pixel[c];
      }
      if (r + 1 >= span_h && col + 1 >= span_w &&
          (r + 1 - span_h) % CONFIG_T::stride_height == 0 &&
          (col + 1 - span_w) % CONFIG_T::stride_width == 0) {
        out_word_t field;
      Field:
        for (unsigned c = 0; c < C; ++c) {
#pragma HLS UNROLL
          for (unsigned kh = 0; kh < KH; ++kh) {
#pragma HLS UNROLL
            for (unsigned kw = 0; kw < KW; ++kw) {
#pragma HLS UNROLL
              field.data[(c * KH + kh) * KW + kw] = window[kh * DH][kw * DW][c];
            }
          }
        }
        out.write(field);
      }
    }
  }
}

/// The PIXELS words of N values of a stream, as the array of the map they
/// stream: pixel-major ([pixel][N], channels last) or, with
/// CHANNELS_FIRST, channel-major ([N][pixel]).
template <class word_t, class T, unsigned PIXELS, unsigned N,
          bool CHANNELS_FIRST>
void collect(stream<word_t> &in, T out[PIXELS * N]) {
#pragma HLS INLINE
Pixels:
  for (unsigned p = 0; p < PIXELS; ++p) {
    const word_t word = in.read();
    for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
      out[CHANNELS_FIRST ? i * PIXELS + p : p * N + i] = word.data[i];
    }
  }
}

/// Whether index `j` (negative ones count from the end) names element `k`
/// of an axis of `size` elements (fixed_bits.h's indexElement).
template <int size> bool names_element(int j, int k) {
#pragma HLS INLINE
  return j == k || j == k - size;
}

/// nn.gather_elements: out[i] = in[base(i) + j * axis_stride] with j the
/// integer of idx[index_at(i)], or 0 when j lies outside the axis. One
/// multiplexer of axis_size inputs per output element.
template <class T, class index_t, class CONFIG_T>
void gather_elements(const T in[CONFIG_T::n_in],
                     const index_t idx[CONFIG_T::n_index], T out[CONFIG_T::n]) {
#pragma HLS INLINE
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    const int j = idx[CONFIG_T::index_at(i)].to_int();
    T value(0);
  Candidates:
    for (int k = 0; k < CONFIG_T::axis_size; ++k) {
#pragma HLS UNROLL
      if (names_element<CONFIG_T::axis_size>(j, k))
        value = in[CONFIG_T::base(i) + k * CONFIG_T::axis_stride];
    }
    out[i] = value;
  }
}

/// nn.scatter_elements: output element o starts as start[o] (0 without a
/// start) and takes every update u whose index names it, in order: the
/// update replaces it, or with CONFIG_T::add is summed into it (T holds
/// every sum exactly: fx-lower's exact type). Updates out of the axis are
/// dropped. Per output element an adder chain over the updates that can
/// reach it (the synthesizer balances it). Update u's index is
/// idx[index_at(u)] (indices broadcast over the updates).
template <class T, class index_t, class CONFIG_T>
void scatter_elements(const T start[CONFIG_T::n],
                      const index_t idx[CONFIG_T::n_index],
                      const T updates[CONFIG_T::n_updates],
                      T out[CONFIG_T::n]) {
#pragma HLS INLINE
Elements:
  for (unsigned o = 0; o < CONFIG_T::n; ++o) {
#pragma HLS UNROLL
    T value(0);
    if (CONFIG_T::has_start)
      value = start[o];
  Updates:
    for (unsigned u = 0; u < CONFIG_T::n_updates; ++u) {
#pragma HLS UNROLL
      if (CONFIG_T::update_base(u) != CONFIG_T::out_base(o) ||
          !names_element<CONFIG_T::axis_size>(
              idx[CONFIG_T::index_at(u)].to_int(), int(CONFIG_T::axis_at(o))))
        continue;
      if (CONFIG_T::add)
        value = value + updates[u];
      else
        value = updates[u];
    }
    out[o] = value;
  }
}

/// fx.clamp: min(max(x, low), high), exact; low <= high.
template <class T, unsigned N>
void clamp(const T in[N], T out[N], T low, T high) {
#pragma HLS INLINE
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    const T lifted = in[i] < low ? low : in[i];
    out[i] = high < lifted ? high : lifted;
  }
}

/// fx.leaky_relu: x >= 0 ? x : x * alpha, cast once into out_t. With
/// ariadne::fixed, in_t and alpha_t together have at most 64 bits.
template <class in_t, class alpha_t, class out_t, unsigned N>
void leaky_relu(const in_t in[N], out_t out[N], alpha_t alpha) {
#pragma HLS INLINE
  const in_t zero(0);
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = in[i] < zero ? out_t(in[i] * alpha) : out_t(in[i]);
  }
}

/// fx.scale: x * s[c] + o[c], cast once into out_t, with c the index along
/// the last axis of C values (N a multiple of C). With ariadne::fixed, the
/// exact sum's type has at most 64 bits.
template <class in_t, class scale_t, class offset_t, class out_t, unsigned N,
          unsigned C>
void scale(const in_t in[N], out_t out[N], const rom_t<scale_t> s[C],
           const rom_t<offset_t> o[C]) {
#pragma HLS INLINE
  static_assert(C >= 1 && N % C == 0, "the last axis divides the values");
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = out_t(in[i] * from_rom<scale_t>(s[i % C]) +
                   from_rom<offset_t>(o[i % C]));
  }
}

/// fx.scale without an offset: x * s[c], cast once into out_t.
template <class in_t, class scale_t, class out_t, unsigned N, unsigned C>
void scale_only(const in_t in[N], out_t out[N], const rom_t<scale_t> s[C]) {
#pragma HLS INLINE
  static_assert(C >= 1 && N % C == 0, "the last axis divides the values");
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = out_t(in[i] * from_rom<scale_t>(s[i % C]));
  }
}

/// fx.table: out = entries[clamp(floor((raw(x) - raw(low)) / 2^shift), 0,
/// table_size - 1)], the bin computed as detail::bin_index does with the
/// config's index_t and unit_t (see table_config). With ariadne::fixed, in_t
/// has at most 63 bits.
template <class in_t, class out_t, class CONFIG_T>
void table(const in_t in[CONFIG_T::n], out_t out[CONFIG_T::n],
           const rom_t<out_t> entries[CONFIG_T::table_size], in_t low) {
#pragma HLS INLINE
  static_assert(CONFIG_T::table_size >= 1, "a table has entries");
  static_assert(CONFIG_T::index_t::width >=
                    detail::bit_length(CONFIG_T::table_size - 1),
                "index_t holds every index");
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    out[i] =
        from_rom<out_t>(entries[detail::bin_index<typename CONFIG_T::index_t,
                                                  typename CONFIG_T::unit_t>(
            in[i] - low, CONFIG_T::table_size)]);
  }
}

/// fx.softmax along rows of `length` values: m = max_j x_j, e_j =
/// exp_table[bin of m - x_j], s = sum_j e_j (exact, in sum_t), r =
/// inv_table[bin of s - inv_low], out_j = out_t(e_j * r). The bins are
/// computed as table() computes them, with the index types of the config
/// (see softmax_config). With ariadne::fixed, in_t has at most 63 bits and
/// exp_t and inv_t together at most 64.
template <class in_t, class exp_t, class inv_t, class out_t, class CONFIG_T>
void softmax(const in_t in[CONFIG_T::rows * CONFIG_T::length],
             out_t out[CONFIG_T::rows * CONFIG_T::length],
             const rom_t<exp_t> exp_table[CONFIG_T::exp_size],
             const rom_t<inv_t> inv_table[CONFIG_T::inv_size]) {
#pragma HLS INLINE
  typedef typename CONFIG_T::sum_t sum_t;
  static_assert(CONFIG_T::length >= 1 && CONFIG_T::exp_size >= 1 &&
                    CONFIG_T::inv_size >= 1,
                "rows and tables have entries");
  static_assert(sum_t::width - sum_t::iwidth == exp_t::width - exp_t::iwidth,
                "sum_t is on exp_t's grid");
  static_assert(sum_t::width >=
                    exp_t::width + detail::bit_length(CONFIG_T::length),
                "sum_t holds every sum");
  static_assert(CONFIG_T::diff_index_t::width >=
                        detail::bit_length(CONFIG_T::exp_size - 1) &&
                    CONFIG_T::sum_index_t::width >=
                        detail::bit_length(CONFIG_T::inv_size - 1),
                "the index types hold every index");
Rows:
  for (unsigned r = 0; r < CONFIG_T::rows; ++r) {
#pragma HLS UNROLL
    const unsigned base = r * CONFIG_T::length;
    in_t maximum = in[base];
  Maximum:
    for (unsigned j = 1; j < CONFIG_T::length; ++j) {
#pragma HLS UNROLL
      maximum = maximum < in[base + j] ? in[base + j] : maximum;
    }
    exp_t e[CONFIG_T::length];
#pragma HLS ARRAY_PARTITION variable = e type = complete
    sum_t sum(0);
  Exponentials:
    for (unsigned j = 0; j < CONFIG_T::length; ++j) {
#pragma HLS UNROLL
      e[j] = from_rom<exp_t>(
          exp_table[detail::bin_index<typename CONFIG_T::diff_index_t,
                                      typename CONFIG_T::diff_unit_t>(
              maximum - in[base + j], CONFIG_T::exp_size)]);
      sum += e[j];
    }
    const inv_t reciprocal = from_rom<inv_t>(
        inv_table[detail::bin_index<typename CONFIG_T::sum_index_t,
                                    typename CONFIG_T::sum_unit_t>(
            sum - CONFIG_T::inv_low(), CONFIG_T::inv_size)]);
  Outputs:
    for (unsigned j = 0; j < CONFIG_T::length; ++j) {
#pragma HLS UNROLL
      out[base + j] = out_t(e[j] * reciprocal);
    }
  }
}

/// fx.add: out[i] = a[lhs_index(i)] + b[rhs_index(i)], exact. out_t must
/// be ap_fixed's type of a + b: the finer fraction of the two, one integer
/// bit more than the wider operand (one more again where a signed operand
/// meets an unsigned one), TRN and WRAP. With ariadne::fixed, out_t has at
/// most 64 bits.
template <class lhs_t, class rhs_t, class out_t, class CONFIG_T>
void add(const lhs_t a[CONFIG_T::n_lhs], const rhs_t b[CONFIG_T::n_rhs],
         out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
  typedef decltype(lhs_t() + rhs_t()) exact_t;
  static_assert(out_t::width == exact_t::width &&
                    out_t::iwidth == exact_t::iwidth,
                "out_t is the exact type of a + b");
  detail::binary_elements<detail::add_op, lhs_t, rhs_t, out_t, CONFIG_T>(a, b,
                                                                         out);
}

/// fx.sub: out[i] = a[lhs_index(i)] - b[rhs_index(i)], exact, in ap_fixed's
/// type of a - b (as add(), always signed).
template <class lhs_t, class rhs_t, class out_t, class CONFIG_T>
void sub(const lhs_t a[CONFIG_T::n_lhs], const rhs_t b[CONFIG_T::n_rhs],
         out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
  typedef decltype(lhs_t() - rhs_t()) exact_t;
  static_assert(out_t::width == exact_t::width &&
                    out_t::iwidth == exact_t::iwidth,
                "out_t is the exact type of a - b");
  detail::binary_elements<detail::sub_op, lhs_t, rhs_t, out_t, CONFIG_T>(a, b,
                                                                         out);
}

/// fx.mul: out[i] = a[lhs_index(i)] * b[rhs_index(i)], exact, in ap_fixed's
/// type of a * b (the widths and the integer bits added). With
/// CONFIG_T::resource, the products share ceil(n / reuse_factor)
/// multipliers. With ariadne::fixed, out_t has at most 64 bits.
template <class lhs_t, class rhs_t, class out_t, class CONFIG_T>
void mul(const lhs_t a[CONFIG_T::n_lhs], const rhs_t b[CONFIG_T::n_rhs],
         out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
  typedef decltype(lhs_t() * rhs_t()) exact_t;
  static_assert(out_t::width == exact_t::width &&
                    out_t::iwidth == exact_t::iwidth,
                "out_t is the exact type of a * b");
  static_assert(CONFIG_T::reuse_factor >= 1, "reuse_factor is at least 1");
  if (CONFIG_T::resource)
    detail::mul_resource<lhs_t, rhs_t, out_t, CONFIG_T>(a, b, out);
  else
    detail::binary_elements<detail::mul_op, lhs_t, rhs_t, out_t, CONFIG_T>(a, b,
                                                                           out);
}

/// fx.matmul: out[t][i][j] = sum_p a[t][i][p] * b[t][p][j], each product
/// exact and the sum kept modulo 2^W of acc_t, which must be TRN and WRAP
/// with the products' fractional bits (an accumulator that cannot
/// overflow, or a narrower one that wraps on purpose). With
/// ariadne::fixed, lhs_t and rhs_t together have at most 64 bits and acc_t
/// at most 63.
template <class lhs_t, class rhs_t, class acc_t, class CONFIG_T>
void matmul(const lhs_t a[CONFIG_T::n_lhs], const rhs_t b[CONFIG_T::n_rhs],
            acc_t out[CONFIG_T::batch * CONFIG_T::m * CONFIG_T::n]) {
#pragma HLS INLINE
  static_assert(CONFIG_T::reuse_factor >= 1, "reuse_factor is at least 1");
  static_assert(acc_t::width - acc_t::iwidth ==
                    lhs_t::width - lhs_t::iwidth + rhs_t::width - rhs_t::iwidth,
                "the accumulator holds the products' fractional bits");
  if (CONFIG_T::resource)
    detail::matmul_resource<lhs_t, rhs_t, acc_t, CONFIG_T>(a, b, out);
  else
    detail::matmul_sums<lhs_t, rhs_t, acc_t, CONFIG_T>(a, b, out);
}

/// The predicates of nn.compare: eq, ne, lt, le, gt, ge.
template <int P, class T> bool compare_holds(const T &a, const T &b) {
#pragma HLS INLINE
  return P == 0   ? a == b
         : P == 1 ? a != b
         : P == 2 ? a < b
         : P == 3 ? a <= b
         : P == 4 ? a > b
                  : a >= b;
}

/// nn.compare of two tensors of one type T (an exact comparison): out[i]
/// is 1 where lhs[i] <predicate> rhs[i] holds, else 0. One comparator per
/// element.
template <class T, class out_t, class CONFIG_T>
void compare(const T lhs[CONFIG_T::n], const T rhs[CONFIG_T::n],
             out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    out[i] = compare_holds<CONFIG_T::predicate>(lhs[i], rhs[i]) ? out_t(1)
                                                                : out_t(0);
  }
}

/// nn.compare with a constant: against the raw threshold
/// CONFIG_T::threshold of T, or, where it lies outside T's range,
/// CONFIG_T::outcome (0 or 1) for every element (outcome -1: compare).
template <class T, class out_t, class CONFIG_T>
void compare_constant(const T lhs[CONFIG_T::n], out_t out[CONFIG_T::n]) {
#pragma HLS INLINE
  const T threshold =
      from_rom<T>(static_cast<rom_t<T>>(CONFIG_T::threshold));
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    bool holds = CONFIG_T::outcome >= 0
                     ? CONFIG_T::outcome == 1
                     : compare_holds<CONFIG_T::predicate>(lhs[i], threshold);
    out[i] = holds ? out_t(1) : out_t(0);
  }
}

/// nn.select: out[i] = cond[cond_at(i)] != 0 ? x[i] : y[i], a missing
/// branch (has_x, has_y false) being the raw fill x_fill or y_fill of T.
/// One two-input multiplexer per element.
template <class cond_t, class T, class CONFIG_T>
void select(const cond_t cond[CONFIG_T::n_cond], const T x[CONFIG_T::n],
            const T y[CONFIG_T::n], T out[CONFIG_T::n]) {
#pragma HLS INLINE
  const T x_fill = from_rom<T>(static_cast<rom_t<T>>(CONFIG_T::x_fill));
  const T y_fill = from_rom<T>(static_cast<rom_t<T>>(CONFIG_T::y_fill));
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    const T a = CONFIG_T::has_x ? x[i] : x_fill;
    const T b = CONFIG_T::has_y ? y[i] : y_fill;
    out[i] = cond[CONFIG_T::cond_at(i)] != 0 ? a : b;
  }
}

} // namespace hls
} // namespace ariadne

#endif // ARIADNE_RUNTIME_HLS_KERNELS_H

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
// it directly, after hls_types.h.
//
// Kernels with a CONFIG_T take a struct that derives from dense_config,
// table_config or softmax_config and overrides what differs; table and
// softmax configs also name the index types of their lookups (see table()).
//
// Pragmas: each kernel is inlined into its caller with its loops fully
// unrolled, for the latency strategy, where the generated top function
// carries `#pragma HLS PIPELINE II=1`. A dense layer with
// CONFIG_T::resource is a function of its own instead (INLINE off),
// pipelined with II = reuse_factor and limited to ceil(n_in * n_out /
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

namespace ariadne {
namespace hls {

//===----------------------------------------------------------------------===//
// Layer configurations
//===----------------------------------------------------------------------===//

/// dense(): a fully connected layer.
struct dense_config {
  /// K inputs and N outputs.
  static const unsigned n_in = 1, n_out = 1;
  /// Resource strategy: each multiplier serves reuse_factor products.
  static const unsigned reuse_factor = 1;
  /// false: the latency strategy (fully unrolled, inlined); true: the
  /// resource strategy (a function of its own with II = reuse_factor).
  static const bool resource = false;
  /// Whether the biases take part.
  static const bool has_bias = true;
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

namespace detail {

/// The number of significant bits of v.
constexpr int bit_length(unsigned v) {
  return v == 0 ? 0 : 1 + bit_length(v >> 1);
}

/// 2^e, exactly, for |e| <= 1022, in a recursion of depth log2(|e|).
constexpr double power_of_two(int e) {
  return e < 0    ? 1.0 / power_of_two(-e)
         : e == 0 ? 1.0
                  : (e % 2 ? 2.0 : 1.0) * power_of_two(e / 2) *
                        power_of_two(e / 2);
}

/// The number of multipliers of a resource-strategy dense layer.
template <class CONFIG_T> struct dense_shape {
  static const unsigned products = CONFIG_T::n_in * CONFIG_T::n_out;
  static const unsigned multipliers =
      (products + CONFIG_T::reuse_factor - 1) / CONFIG_T::reuse_factor;
};

/// The bin of the difference d from a table's lower end: min(floor(d / bin
/// width), size - 1), and 0 for d < 0. The cast into index_t (TRN, SAT)
/// floors d to whole bins, sends negatives to 0 and stops at 2^B - 1, which
/// is at least size - 1; times unit_t's one bit, that is the integer
/// number of bins.
template <class index_t, class unit_t, class diff_t>
unsigned bin_index(const diff_t &d, unsigned size) {
#pragma HLS INLINE
  static_assert(index_t::width - index_t::iwidth + unit_t::width -
                        unit_t::iwidth ==
                    0,
                "index_t's least significant bit times unit_t's is 1");
  static_assert(unit_t::width == 1, "unit_t is a single bit");
  static_assert(index_t::width <= 31, "an index has at most 31 bits");
  const unit_t unit(power_of_two(unit_t::iwidth - unit_t::width));
  const index_t bins = d;
  const unsigned k = static_cast<unsigned>((bins * unit).to_int());
  return k < size - 1 ? k : size - 1;
}

/// out[n] = bias[n] + sum_k in[k] * weights[n * n_in + k] in acc_t. Each
/// product is cast into acc_t before it is added: acc_t has the products'
/// fractional bits, so the cast only wraps, which the modular sum cannot
/// tell from a wrap at the end.
template <class in_t, class weight_t, class bias_t, class acc_t,
          class CONFIG_T>
void dense_sums(const in_t in[CONFIG_T::n_in], acc_t out[CONFIG_T::n_out],
                const weight_t weights[CONFIG_T::n_out * CONFIG_T::n_in],
                const bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
Outputs:
  for (unsigned n = 0; n < CONFIG_T::n_out; ++n) {
#pragma HLS UNROLL
    acc_t sum = CONFIG_T::has_bias ? acc_t(biases[n]) : acc_t(0);
  Products:
    for (unsigned k = 0; k < CONFIG_T::n_in; ++k) {
#pragma HLS UNROLL
      sum += acc_t(in[k] * weights[n * CONFIG_T::n_in + k]);
    }
    out[n] = sum;
  }
}

/// The latency strategy: every product its own multiplier (or, for a
/// constant weight, its own logic), all in the caller's pipeline.
template <class in_t, class weight_t, class bias_t, class acc_t,
          class CONFIG_T>
void dense_latency(const in_t in[CONFIG_T::n_in], acc_t out[CONFIG_T::n_out],
                   const weight_t weights[CONFIG_T::n_out * CONFIG_T::n_in],
                   const bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
#pragma HLS ARRAY_PARTITION variable=weights type=complete
#pragma HLS ARRAY_PARTITION variable=biases type=complete
  dense_sums<in_t, weight_t, bias_t, acc_t, CONFIG_T>(in, out, weights,
                                                      biases);
}

/// The resource strategy: the products share ceil(n_in * n_out /
/// reuse_factor) multipliers over an initiation interval of reuse_factor
/// cycles; the weights are reshaped into words of as many values.
template <class in_t, class weight_t, class bias_t, class acc_t,
          class CONFIG_T>
void dense_resource(const in_t in[CONFIG_T::n_in], acc_t out[CONFIG_T::n_out],
                    const weight_t weights[CONFIG_T::n_out * CONFIG_T::n_in],
                    const bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE off
  const unsigned multipliers = dense_shape<CONFIG_T>::multipliers;
  (void)multipliers;
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
#pragma HLS ALLOCATION operation instances=mul limit=multipliers
#pragma HLS ARRAY_RESHAPE variable=weights type=block factor=multipliers
#pragma HLS ARRAY_PARTITION variable=biases type=complete
  dense_sums<in_t, weight_t, bias_t, acc_t, CONFIG_T>(in, out, weights,
                                                      biases);
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// fx.dense: out[n] = bias[n] + sum_k in[k] * weights[n * n_in + k], exact
/// and kept modulo 2^W of acc_t (which must be TRN and WRAP, with the
/// products' fractional bits; the bias type has no more). `biases` is not
/// read when !has_bias (any array will do). With ariadne::fixed, in_t and
/// weight_t together and acc_t alone have at most 64 and 63 bits.
template <class in_t, class weight_t, class bias_t, class acc_t,
          class CONFIG_T>
void dense(const in_t in[CONFIG_T::n_in], acc_t out[CONFIG_T::n_out],
           const weight_t weights[CONFIG_T::n_out * CONFIG_T::n_in],
           const bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
  static_assert(CONFIG_T::reuse_factor >= 1, "reuse_factor is at least 1");
  static_assert(acc_t::width - acc_t::iwidth ==
                    in_t::width - in_t::iwidth + weight_t::width -
                        weight_t::iwidth,
                "the accumulator holds the products' fractional bits");
  if (CONFIG_T::resource)
    detail::dense_resource<in_t, weight_t, bias_t, acc_t, CONFIG_T>(
        in, out, weights, biases);
  else
    detail::dense_latency<in_t, weight_t, bias_t, acc_t, CONFIG_T>(
        in, out, weights, biases);
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
void scale(const in_t in[N], out_t out[N], const scale_t s[C],
           const offset_t o[C]) {
#pragma HLS INLINE
  static_assert(C >= 1 && N % C == 0, "the last axis divides the values");
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = out_t(in[i] * s[i % C] + o[i % C]);
  }
}

/// fx.scale without an offset: x * s[c], cast once into out_t.
template <class in_t, class scale_t, class out_t, unsigned N, unsigned C>
void scale_only(const in_t in[N], out_t out[N], const scale_t s[C]) {
#pragma HLS INLINE
  static_assert(C >= 1 && N % C == 0, "the last axis divides the values");
Elements:
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    out[i] = out_t(in[i] * s[i % C]);
  }
}

/// fx.table: out = entries[clamp(floor((raw(x) - raw(low)) / 2^shift), 0,
/// table_size - 1)], the bin computed as detail::bin_index does with the
/// config's index_t and unit_t (see table_config). With ariadne::fixed, in_t
/// has at most 63 bits.
template <class in_t, class out_t, class CONFIG_T>
void table(const in_t in[CONFIG_T::n], out_t out[CONFIG_T::n],
           const out_t entries[CONFIG_T::table_size], in_t low) {
#pragma HLS INLINE
  static_assert(CONFIG_T::table_size >= 1, "a table has entries");
  static_assert(CONFIG_T::index_t::width >=
                    detail::bit_length(CONFIG_T::table_size - 1),
                "index_t holds every index");
Elements:
  for (unsigned i = 0; i < CONFIG_T::n; ++i) {
#pragma HLS UNROLL
    out[i] = entries[detail::bin_index<typename CONFIG_T::index_t,
                                       typename CONFIG_T::unit_t>(
        in[i] - low, CONFIG_T::table_size)];
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
             const exp_t exp_table[CONFIG_T::exp_size],
             const inv_t inv_table[CONFIG_T::inv_size]) {
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
#pragma HLS ARRAY_PARTITION variable=e type=complete
    sum_t sum(0);
  Exponentials:
    for (unsigned j = 0; j < CONFIG_T::length; ++j) {
#pragma HLS UNROLL
      e[j] = exp_table[detail::bin_index<typename CONFIG_T::diff_index_t,
                                         typename CONFIG_T::diff_unit_t>(
          maximum - in[base + j], CONFIG_T::exp_size)];
      sum += e[j];
    }
    const inv_t reciprocal =
        inv_table[detail::bin_index<typename CONFIG_T::sum_index_t,
                                    typename CONFIG_T::sum_unit_t>(
            sum - CONFIG_T::inv_low(), CONFIG_T::inv_size)];
  Outputs:
    for (unsigned j = 0; j < CONFIG_T::length; ++j) {
#pragma HLS UNROLL
      out[base + j] = out_t(e[j] * reciprocal);
    }
  }
}

} // namespace hls
} // namespace ariadne

#endif // ARIADNE_RUNTIME_HLS_KERNELS_H

//===- FakeQuant.h - fixed-point rounding for training ----------*- C++ -*-===//
//
// Quantization-aware training rounds weights and activations to the
// fixed-point type the compiled model will use. The rounding is the
// runtime's (runtime/ariadne/fixed_bits.h), so that training sees exactly
// the values the emulator and the generated kernels compute.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_FAKEQUANT_H
#define ARIADNE_FRONTEND_TORCH_FAKEQUANT_H

#include <cstddef>
#include <string>

namespace ariadne::train {

/// A fixed-point type fixed<W,I,Q,O> (or ufixed) as spelled in configs.
struct FixedFormat {
  int width = 16;
  int intWidth = 6;
  bool isSigned = true;
  /// Values of ariadne::QuantMode and ariadne::OverflowMode.
  int quant = 0;
  int overflow = 0;
  /// The spelling it was parsed from.
  std::string text;
};

/// Parses `fixed<W,I>`, `fixed<W,I,Q>`, `fixed<W,I,Q,O>` or the same with
/// `ufixed`; Q is TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF or
/// RND_CONV and O is WRAP, SAT, SAT_ZERO or SAT_SYM.
bool parseFixedFormat(const std::string &text, FixedFormat &format,
                      std::string &error);

/// `value` rounded and overflowed into `format`, as a double.
double quantizeValue(double value, const FixedFormat &format);

/// out[i] = quantizeValue(in[i]) for `count` floats (in and out may alias).
void quantizeBuffer(const float *in, float *out, std::size_t count,
                    const FixedFormat &format);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_FAKEQUANT_H

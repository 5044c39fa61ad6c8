// Constants are ROM words in weights.h: each array of the raw integers of
// its fixed-point type, ariadne::hls::rom_t<T>, read by the kernels with
// from_rom<T>. The literals convert exactly to every word type: a 64-bit
// unsigned word above 2^63, the signed extremes and values past 32 bits.
// The C simulation against the emulator keeps the low 40 and 48 bits of
// each word.

// RUN: rm -rf %t && ariadnec compile %s --target hls -o %t
// RUN: FileCheck %s --check-prefix=WEIGHTS < %t/firmware/weights.h
// RUN: FileCheck %s --check-prefix=TOP < %t/firmware/rom.cpp
// RUN: printf -- '-2,-1,0\n1,1.5,-1.75\n0.25,-0.5,1.75\n' > %t.csv
// RUN: ariadnec validate %s --target hls --input %t.csv 2>&1 | FileCheck %s --check-prefix=VALID

func.func @rom(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %a = fx.quantize %x : (tensor<?x3xf32>) -> tensor<?x3x!fx.fixed<4, 2>>
  %u = fx.table %a {table = dense<[0, -1, 4294967296, 7]> : tensor<4xi64>, input_low = -8 : i64, shift = 2 : i64}
      : (tensor<?x3x!fx.fixed<4, 2>>) -> tensor<?x3x!fx.ufixed<64, 32>> loc("unsigned_words")
  %s = fx.table %a {table = dense<[-9223372036854775808, 9223372036854775807, -5, 2147483648]> : tensor<4xi64>, input_low = -8 : i64, shift = 2 : i64}
      : (tensor<?x3x!fx.fixed<4, 2>>) -> tensor<?x3x!fx.fixed<64, 40>> loc("signed_words")
  %uc = fx.cast %u : (tensor<?x3x!fx.ufixed<64, 32>>) -> tensor<?x3x!fx.ufixed<40, 8>>
  %sc = fx.cast %s : (tensor<?x3x!fx.fixed<64, 40>>) -> tensor<?x3x!fx.fixed<48, 24>>
  %o0 = fx.dequantize %uc : (tensor<?x3x!fx.ufixed<40, 8>>) -> tensor<?x3xf32>
  %o1 = fx.dequantize %sc : (tensor<?x3x!fx.fixed<48, 24>>) -> tensor<?x3xf32>
  return %o0, %o1 : tensor<?x3xf32>, tensor<?x3xf32>
}

// WEIGHTS:      // unsigned_words_t: value = raw * 2^-32
// WEIGHTS-NEXT: static const ariadne::hls::rom_t<unsigned_words_t> unsigned_words_table[4] = {
// WEIGHTS-NEXT:     0, 18446744073709551615ULL, 4294967296ULL, 7,
// WEIGHTS-NEXT: };
// WEIGHTS:      // signed_words_t: value = raw * 2^-24
// WEIGHTS-NEXT: static const ariadne::hls::rom_t<signed_words_t> signed_words_table[4] = {
// WEIGHTS-NEXT:     (-9223372036854775807LL - 1), 9223372036854775807LL, -5, 2147483648LL,
// WEIGHTS-NEXT: };

// TOP: ariadne::hls::table<{{.*}}, unsigned_words_t, unsigned_words_config>({{.*}}, unsigned_words_out, unsigned_words_table,

// VALID: validate: 3 events x 6 outputs agree bit for bit with the emulator (ufixed<40,8>, fixed<48,24>)

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
// comparisons, to_double() and to_int(). This header is not part of
// ariadne.h: generated HLS sources include it directly.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_HLS_TYPES_H
#define ARIADNE_RUNTIME_HLS_TYPES_H

#if defined(__SYNTHESIS__) || defined(ARIADNE_USE_AP_TYPES)

#include <ap_fixed.h>

#define ARIADNE_FIXED(W, I, Q, O) ap_fixed<W, I, AP_##Q, AP_##O>
#define ARIADNE_UFIXED(W, I, Q, O) ap_ufixed<W, I, AP_##Q, AP_##O>

#else

#include "ariadne/fixed.h"

#define ARIADNE_FIXED(W, I, Q, O)                                              \
  ::ariadne::fixed<W, I, ::ariadne::Q, ::ariadne::O>
#define ARIADNE_UFIXED(W, I, Q, O)                                             \
  ::ariadne::ufixed<W, I, ::ariadne::Q, ::ariadne::O>

#endif

#endif // ARIADNE_RUNTIME_HLS_TYPES_H

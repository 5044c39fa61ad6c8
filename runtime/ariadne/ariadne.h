//===- ariadne.h - every kernel of the runtime ------------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_ARIADNE_H
#define ARIADNE_RUNTIME_ARIADNE_H

#include "ariadne/activation.h"
#include "ariadne/batchnorm.h"
#include "ariadne/concat.h"
#include "ariadne/conv.h"
#include "ariadne/dense.h"
#include "ariadne/elementwise.h"
#include "ariadne/fastmath.h"
#include "ariadne/fixed_kernels.h"
#include "ariadne/gather.h"
#include "ariadne/lanes.h"
#include "ariadne/matmul.h"
#include "ariadne/platform.h"
#include "ariadne/reduce.h"
#include "ariadne/reshape.h"
#include "ariadne/select.h"
#include "ariadne/simd.h"
#include "ariadne/slice.h"
#include "ariadne/softmax.h"
#include "ariadne/transpose.h"
#include "ariadne/window.h"

#endif // ARIADNE_RUNTIME_ARIADNE_H

//===- Targets.cpp - every target ariadnec has ----------------------------===//
//
// The one place that lists the backends: each registers its Target. A new
// target adds its registration function here and its folder to
// backends/CMakeLists.txt; the driver needs no change.
//
//===----------------------------------------------------------------------===//
#include "backends/common/Target.h"

namespace ariadne {
void registerCppTarget();
void registerCudaTarget();
void registerHlsTarget();
void registerVerilogTarget();

void registerAllTargets() {
  registerCppTarget();
  registerHlsTarget();
  registerCudaTarget();
  registerVerilogTarget();
}
} // namespace ariadne

#!/usr/bin/env bash
# Installs what is missing, builds ariadnec, and runs the main job: compile
# the shipped neural z-vertex trigger model to a C++ package and validate it
# against the emulator on the shipped events.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DARIADNE_BUILD_TESTS=OFF
cmake --build build --target ariadnec
mkdir -p out
./build/tools/ariadnec/ariadnec compile examples/neurotrigger/neurotrigger.onnx \
  --target cpp -o out/neurotrigger_cpp
./build/tools/ariadnec/ariadnec validate examples/neurotrigger/neurotrigger.onnx \
  --target cpp --input examples/neurotrigger/events.csv -o out/neurotrigger_validate
# The same model in fixed point: auto precision from the events (16 bits),
# its error against float, and the package compared bit for bit.
./build/tools/ariadnec/ariadnec emulate examples/neurotrigger/neurotrigger.onnx \
  --precision auto --calibration examples/neurotrigger/events.csv \
  --input examples/neurotrigger/events.csv -o out/neurotrigger_auto.csv \
  --compare float --report-overflow
./build/tools/ariadnec/ariadnec validate examples/neurotrigger/neurotrigger.onnx \
  --target cpp --precision auto --calibration examples/neurotrigger/events.csv \
  --input examples/neurotrigger/events.csv -o out/neurotrigger_fixed

#!/usr/bin/env bash
# Installs what is missing, builds ariadnec, and runs the main job, the
# neural z-vertex trigger from simulation to firmware: simulate drift-chamber
# events, train the five experts with LibTorch, compile each to a Vitis HLS
# project and to Verilog with the example's firmware quantization (16 bits),
# validate expert 0's fixed-point C++ package bit for bit against the
# emulator, and plot its z resolution in float and fixed point.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DARIADNE_BUILD_TESTS=OFF
cmake --build build --target ariadnec neurotrigger-sim
ariadnec=./build/tools/ariadnec/ariadnec
run=out/runs/base
mkdir -p out
rm -rf "$run"

./build/examples/neurotrigger/neurotrigger-sim -n 40000 -s 1 \
  -o examples/neurotrigger/sim_events.csv
"$ariadnec" train examples/neurotrigger/neurotrigger.toml --config base \
  -o out/runs --no-progress
events="$run/expert_0_inputs.csv"
firmware=examples/neurotrigger/firmware.toml
# Every expert to an HLS project and to RTL; expert 0's HLS project with its
# test bench data.
for n in 1 2 3 4; do
  for target in hls verilog; do
    rm -rf "out/expert_${n}_$target"
    "$ariadnec" compile "$run/expert_$n.onnx" --target $target \
      --config "$firmware" -o "out/expert_${n}_$target" 2>out/compile.log ||
      { cat out/compile.log; exit 1; }
  done
done
echo "compiled experts 1-4: out/expert_N_hls/, out/expert_N_verilog/"
rm -rf out/expert_0_hls out/expert_0_verilog out/expert_0_cpp
"$ariadnec" compile "$run/expert_0.onnx" --target verilog --config "$firmware" \
  -o out/expert_0_verilog 2>&1 | grep -A100 '^ariadnec: RTL pipeline'
"$ariadnec" compile "$run/expert_0.onnx" --target hls --config "$firmware" \
  --input "$events" -o out/expert_0_hls
"$ariadnec" validate "$run/expert_0.onnx" --target cpp --config "$firmware" \
  --input "$events" -o out/expert_0_cpp
"$ariadnec" emulate "$run/expert_0.onnx" --config "$firmware" \
  --input "$events" -o "$run/expert_0_fixed.csv" --compare float
if command -v gnuplot >/dev/null; then
  gnuplot -e "run='$run'; expert=0; fixed='$run/expert_0_fixed.csv'" \
    examples/neurotrigger/plot_z.gp
fi

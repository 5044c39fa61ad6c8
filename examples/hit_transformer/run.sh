#!/bin/bash
# The whole example in one go: simulate training and test events, train
# the transformer, compile it to C++ in float and in fixed point and to a
# Vitis HLS project, build the angle program against both C++ packages and
# measure the angle resolution of both (and plot it where gnuplot is).
#
#   examples/hit_transformer/run.sh ARIADNEC HIT_SIM WORKDIR [CONFIG
#                                   [EVENTS [PRECISION]]]
#
# CONFIG is a configuration of hit_transformer.toml (base), EVENTS the
# training events (20000), PRECISION the fixed-point type (auto, from the
# training events as calibration, 18 bits). WORKDIR must not exist yet:
# everything is written there.
set -euo pipefail

ariadnec=$1 sim=$2 work=$3
config=${4:-base} events=${5:-20000} precision=${6:-auto}
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-g++}

if [ -e "$work" ]; then
  echo "run.sh: error: $work exists; give a new folder" >&2
  exit 1
fi
mkdir -p "$work"
cp "$here/hit_transformer.toml" "$work/"
"$sim" -n "$events" -s 1 -o "$work/hits.csv"
"$sim" -n 2000 -s 2 -o "$work/test.csv"
"$ariadnec" train "$work/hit_transformer.toml" --config "$config" \
  -o "$work/runs" --no-progress
run=$work/runs/$config
model=$run/expert_0.onnx
# Layer norms read tables over calibrated ranges: calibration at any
# precision.
calibration=(--calibration "$run/expert_0_inputs.csv" --max-width 18)
"$ariadnec" compile "$model" --target cpp --name angle_float \
  -o "$work/pkg_float"
"$ariadnec" compile "$model" --target cpp --precision "$precision" \
  "${calibration[@]}" --name angle_fixed -o "$work/pkg_fixed"
"$ariadnec" compile "$model" --target hls --precision "$precision" \
  "${calibration[@]}" --name angle_hls -o "$work/hls" | tail -n 1
for kind in float fixed; do
  "$cxx" -std=c++17 -O2 -c -I "$work/pkg_$kind" \
    "$work/pkg_$kind/angle_$kind.cpp" -o "$work/angle_$kind.o"
done
"$cxx" -std=c++17 -O2 "$here/Angle.cpp" "$work/angle_float.o" \
  "$work/angle_fixed.o" -o "$work/angle"
echo "fixed point: $precision (18 bits)"
"$work/angle" "$work/test.csv" -o "$work/predictions.csv"
if command -v gnuplot > /dev/null; then
  (cd "$work" && gnuplot "$here/plot_angle.gp") && \
    echo "plot: $work/angle.png"
fi

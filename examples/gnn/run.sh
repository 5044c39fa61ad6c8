#!/bin/bash
# The whole example in one go, every stage writing its file into WORKDIR:
#   hits      map_hits.csv, hits.csv, test_hits.csv   (barrel-sim)
#   map       module_map.csv                          (graph-build map)
#   graphs    {train,test}_{nodes,edges}.csv          (graph-build graphs)
#   training  runs/CONFIG/                            (ariadnec train)
#   packages  pkg_float/, pkg_fixed/, hls/            (ariadnec compile)
#   scores    scores.csv, curve.csv                   (classify)
#   plot      gnn.png                                 (gnuplot, where it is)
#
#   examples/gnn/run.sh ARIADNEC BARREL_SIM GRAPH_BUILD WORKDIR [CONFIG
#                       [EVENTS [PRECISION]]]
#
# CONFIG is a configuration of gnn.toml (base), EVENTS the training events
# (5000), PRECISION the fixed-point type (auto, calibrated on the
# validation graphs of the training). WORKDIR must not exist yet.
set -euo pipefail

ariadnec=$1 sim=$2 build=$3 work=$4
config=${5:-base} events=${6:-5000} precision=${7:-auto}
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-g++}

if [ -e "$work" ]; then
  echo "run.sh: error: $work exists; give a new folder" >&2
  exit 1
fi
mkdir -p "$work"
cp "$here/gnn.toml" "$here/firmware.toml" "$work/"
# The module map comes from its own, larger simulated sample.
"$sim" -n 50000 -s 3 -o "$work/map_hits.csv"
"$sim" -n "$events" -s 1 -o "$work/hits.csv"
"$sim" -n 1000 -s 2 -o "$work/test_hits.csv"
"$build" map "$work/map_hits.csv" -o "$work/module_map.csv"
"$build" graphs "$work/hits.csv" --map "$work/module_map.csv" \
  -o "$work/train"
"$build" graphs "$work/test_hits.csv" --map "$work/module_map.csv" \
  -o "$work/test"
"$ariadnec" train "$work/gnn.toml" --config "$config" -o "$work/runs" \
  --no-progress
run=$work/runs/$config
model=$run/expert_0.onnx
calibration=(--calibration "$run/expert_0_inputs.csv")
"$ariadnec" compile "$model" --target cpp --name gnn_float \
  -o "$work/pkg_float"
"$ariadnec" compile "$model" --target cpp --precision "$precision" \
  "${calibration[@]}" --name gnn_fixed -o "$work/pkg_fixed"
"$ariadnec" compile "$model" --target hls --precision "$precision" \
  "${calibration[@]}" --config "$work/firmware.toml" --name gnn_hls \
  -o "$work/hls" | tail -n 1
for kind in float fixed; do
  "$cxx" -std=c++17 -O2 -c -I "$work/pkg_$kind" \
    "$work/pkg_$kind/gnn_$kind.cpp" -o "$work/gnn_$kind.o"
done
"$cxx" -std=c++17 -O2 "$here/Classify.cpp" "$work/gnn_float.o" \
  "$work/gnn_fixed.o" -o "$work/classify"
echo "fixed point: $precision"
"$work/classify" "$work/test" -o "$work/scores.csv" --curve "$work/curve.csv"
if command -v gnuplot > /dev/null; then
  (cd "$work" && gnuplot "$here/plot_gnn.gp") && echo "plot: $work/gnn.png"
fi

#!/bin/bash
# The whole example in one go: simulate training tracks, train, compile the
# model to C++ in float and in fixed point, build the track follower
# against both packages, simulate events with noise and follow their
# tracks.
#
#   examples/tracknet/run.sh ARIADNEC TRACKNET_SIM WORKDIR [CONFIG [TRACKS
#                            [EVENTS [PRECISION]]]]
#
# CONFIG is a configuration of tracknet.toml (base), TRACKS the training
# tracks (20000), EVENTS the events followed (200, of 10 tracks and 20
# noise hits per station), PRECISION the fixed-point type ('fixed<16,6>').
# WORKDIR must not exist yet: everything is written there.
set -euo pipefail

ariadnec=$1 sim=$2 work=$3
config=${4:-base} tracks=${5:-20000} events=${6:-200}
precision=${7:-fixed<16,6>}
here=$(cd "$(dirname "$0")" && pwd)
cxx=${CXX:-g++}

if [ -e "$work" ]; then
  echo "run.sh: error: $work exists; give a new folder" >&2
  exit 1
fi
mkdir -p "$work"
cp "$here/tracknet.toml" "$work/"
"$sim" -n "$tracks" -S 8 --seed-frame -s 1 -o "$work/tracks.csv"
"$ariadnec" train "$work/tracknet.toml" --config "$config" -o "$work/runs" \
  --no-progress
model=$work/runs/$config/expert_0.onnx
"$ariadnec" compile "$model" --target cpp --name tracknet_float \
  -o "$work/pkg_float"
"$ariadnec" compile "$model" --target cpp --precision "$precision" \
  --name tracknet_fixed -o "$work/pkg_fixed"
for kind in float fixed; do
  "$cxx" -std=c++17 -O2 -c -I "$work/pkg_$kind" \
    "$work/pkg_$kind/tracknet_$kind.cpp" -o "$work/tracknet_$kind.o"
done
"$cxx" -std=c++17 -O2 "$here/Follow.cpp" "$work/tracknet_float.o" \
  "$work/tracknet_fixed.o" -o "$work/follow"
"$sim" --events "$events" -S 8 -s 2 -o "$work/events.csv"
echo "fixed point: $precision"
"$work/follow" "$work/events.csv" -o "$work/stations.csv"

#!/usr/bin/env bash
# GPU throughput of the generated CUDA kernels: the 27-81-2 neurotrigger and
# the 16-64-32-32-5 jet tagger, at float and fixed<16,6>, 10^7 events each
# through NAME_launch (NAME_launch_raw for fixed point), printed by the
# packages' own test bench beside the card's bounds.
#
#   bench/cuda_throughput.sh generate ARIADNEC DIR   # any machine
#   bench/cuda_throughput.sh run DIR [EVENTS]         # a machine with a GPU
#
# `generate` writes the four packages and their input events into DIR;
# `run` builds them with nvcc for the GPU it finds and runs each bench.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

case "${1:-}" in
generate)
  ariadnec="$2" dir="$3"
  mkdir -p "$dir"
  cp "$here/examples/neurotrigger/events.csv" "$dir/neurotrigger.csv"
  # The jet tagger's 16 inputs: the first 16 columns of the example events.
  grep -v '^#' "$here/examples/neurotrigger/events.csv" |
    cut -d, -f1-16 >"$dir/jet_tagger.csv"
  for model in neurotrigger:examples/neurotrigger/neurotrigger.onnx \
               jet_tagger:bench/jet_tagger.onnx; do
    name="${model%%:*}" onnx="$here/${model#*:}"
    for precision in float 'fixed<16,6>'; do
      tag=$([ "$precision" = float ] && echo float || echo fixed16_6)
      rm -rf "$dir/${name}_$tag"
      "$ariadnec" compile "$onnx" --target cuda --precision "$precision" \
        -o "$dir/${name}_$tag" >/dev/null
    done
  done
  echo "packages in $dir"
  ;;
run)
  dir="$2" events="${3:-10000000}"
  nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
  for package in "$dir"/*_float "$dir"/*_fixed16_6; do
    name="$(basename "$package")" model="${name%_*}"
    model="${model%_fixed16}"
    cmake -S "$package" -B "$package/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_CUDA_ARCHITECTURES=native \
      >/dev/null
    cmake --build "$package/build" -j >/dev/null
    raw=$([ "${name##*_}" = float ] && echo || echo --raw)
    echo "== $name"
    "$package/build/tb" "$dir/$model.csv" /dev/null $raw --bench "$events" 2>&1 |
      grep '^tb: \(bench\|bounds\)'
  done
  ;;
*)
  sed -n '2,12p' "$0" >&2
  exit 2
  ;;
esac

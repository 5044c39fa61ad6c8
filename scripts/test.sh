#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and
# runs the whole test suite; the output ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DARIADNE_WERROR=ON \
  -DARIADNE_BUILD_TESTS=ON
cmake --build build -j "$jobs"
cd build
ctest --output-on-failure -j "$jobs"

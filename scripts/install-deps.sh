#!/usr/bin/env bash
# Installs the Debian packages ariadnec needs that are not yet installed.
# Sourced by quickstart.sh and test.sh; safe to run again.
set -euo pipefail

ARIADNE_PACKAGES=(
  g++ cmake ninja-build ccache
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  catch2 python3-torch python3-onnx libtomlplusplus-dev
  libtorch-dev libgloo-dev libopenblas0-pthread gnuplot-nox
  verilator yosys
)

missing=()
for pkg in "${ARIADNE_PACKAGES[@]}" "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Installs what building kakeyalattice needs on Debian 12 (bookworm), then configures the
# build folder given as $1 (default: build). Idempotent: apt-get runs only when a package
# is missing. CUDA is used when /usr/local/cuda/bin/nvcc (or nvcc on PATH) exists.
set -euo pipefail
build=${1:-build}
packages=(g++ meson ninja-build pkg-config xtensor-dev libxsimd-dev libboost-test-dev
  libboost-math-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libfmt-dev libopenblas-dev)
bash "$(dirname "$0")/install-missing.sh" "${packages[@]}"
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" --buildtype=release
fi

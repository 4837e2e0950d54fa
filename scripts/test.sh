#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Installs the dependencies, builds everything and runs every test (CUDA tests report
# themselves skipped, exit code 77, on a machine without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
bash scripts/setup-debian.sh "$build"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
meson compile -C "$build"
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)"

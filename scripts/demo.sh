#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Installs the dependencies, builds the library and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
bash scripts/setup-debian.sh "$build"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
meson compile -C "$build" tools/kakeya/kakeya
bash examples/cli_tour.sh "$build/tools/kakeya/kakeya"

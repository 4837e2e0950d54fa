#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Installs the dependencies, builds the library and runs the main job: the DeepSeek-V4 KV
# streams example on its embedded default (docs/dsv4.md), then a tour of the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
bash scripts/setup-debian.sh "$build"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH
meson compile -C "$build" examples/dsv4_kv/dsv4_kv tools/kakeya/kakeya

# 1. The main job: V4-Flash's KV write path (sliding window, CSA ratio 4, HCA ratio 128) on the
#    embedded default input, every codec against V4's own FP8 + bf16 cache format.
echo "== dsv4_kv (DeepSeek-V4 KV streams) =="
"$build/examples/dsv4_kv/dsv4_kv" --json "$build/dsv4_kv.json" --plot "$build/dsv4_kv.svg"
echo "results: $build/dsv4_kv.json, plot: $build/dsv4_kv.svg"
echo "more: $build/examples/dsv4_kv/dsv4_kv --sweep | --passages 8 | --input heavy | --hidden H.npy | --weights DIR"

# 2. A tour of the primitives and codecs through the CLI.
echo
echo "== kakeya CLI tour =="
bash examples/cli_tour.sh "$build/tools/kakeya/kakeya"

#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# One GPU session: the CUDA tests, compute-sanitizer memcheck and racecheck over them, the CUDA
# benchmarks and the PyTorch reference, with logs under $OUT (or ./gpu-out). Takes the folder
# holding the prebuilt binaries (codec_cuda_test, primitives_cuda_test, cuda_bench).
set -uo pipefail
bin=${1:?usage: gpu_session.sh BIN_DIR [benchmark filter]}
export LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
filter=${2:-.}
out=${OUT:-gpu-out}
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/gpu.txt"
"$bin/primitives_cuda_test" > "$out/primitives_test.log" 2>&1; echo "primitives_cuda_test rc=$?"
"$bin/codec_cuda_test" > "$out/codec_test.log" 2>&1; echo "codec_cuda_test rc=$?"; tail -3 "$out/codec_test.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null)
if [ -n "$san" ]; then
  for tool in memcheck racecheck; do
    "$san" --tool $tool --error-exitcode 9 "$bin/primitives_cuda_test" > "$out/san_${tool}_primitives.log" 2>&1
    echo "compute-sanitizer $tool primitives_cuda_test rc=$?"; tail -1 "$out/san_${tool}_primitives.log"
    timeout 240 "$san" --tool $tool --error-exitcode 9 "$bin/codec_cuda_test" --quick > "$out/san_${tool}_codec.log" 2>&1
    echo "compute-sanitizer $tool codec_cuda_test --quick rc=$?"; tail -1 "$out/san_${tool}_codec.log"
  done
fi
"$bin/cuda_bench" --benchmark_filter="$filter" --benchmark_min_time=0.05 \
  --benchmark_out="$out/cuda_bench.json" --benchmark_out_format=json > "$out/cuda_bench.txt" 2>&1
echo "cuda_bench rc=$?"
python3 bench/torch_reference.py > "$out/torch_reference.json" 2> "$out/torch_reference.err"; echo "torch rc=$?"
cat "$out/torch_reference.json"

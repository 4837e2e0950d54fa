#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Hardening checks (docs/robustness.md), for CI:
#  1. the test suite built with AddressSanitizer + UndefinedBehaviorSanitizer (clang, CUDA off);
#  2. the libFuzzer targets of test/fuzz, each for FUZZ_SECONDS (default 30) from the seed corpus;
#  3. valgrind memcheck over the `kakeya` CLI (a plain build) on a small encode/decode case.
# Idempotent: installs what is missing with apt-get, reuses its build folders (build-hardening,
# build-valgrind; override with SAN_BUILD / PLAIN_BUILD). Exits nonzero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
san=${SAN_BUILD:-build-hardening}
plain=${PLAIN_BUILD:-build-valgrind}
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=$(nproc)
start=$(date +%s)
step() { echo "== hardening [$(($(date +%s) - start)) s]: $*"; }

# ---- tools ---------------------------------------------------------------------------------
# The library's dependencies (setup-debian.sh also configures $plain when it does not exist
# yet; unless PLAIN_BUILD names another build, it becomes a CLI-only debug build below).
bash scripts/setup-debian.sh "$plain" >/dev/null
bash scripts/install-missing.sh clang libclang-rt-14-dev llvm valgrind

# ---- 1. ASan + UBSan test suite ------------------------------------------------------------
# One clang build serves the tests and the fuzz targets: the library is compiled with the
# sanitizers and libFuzzer's coverage instrumentation (fuzzer-no-link; inert outside a fuzzer).
# UBSan findings abort (-fno-sanitize-recover=all), so a test with undefined behaviour fails.
if [ ! -f "$san/build.ninja" ]; then
  CXX=clang++ meson setup "$san" --buildtype=debugoptimized -Dcuda=disabled \
    -Dbenchmarks=disabled -Dexamples=disabled -Dfuzz=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false \
    "-Dcpp_args=['-fsanitize=fuzzer-no-link','-fno-sanitize-recover=all']"
fi
step "building $san (clang, ASan + UBSan)"
meson compile -C "$san" -j "$jobs"
step "tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export KAKEYA_THREADS=2
meson test -C "$san" --print-errorlogs --num-processes "$jobs" --timeout-multiplier 4 \
  --no-suite cuda

# ---- 2. fuzzing ----------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in npy code_file spec decode; do
  step "fuzz_$t for $fuzz_seconds s"
  mkdir -p "$work/$t"
  # New inputs go to the scratch folder; the seed corpus in the repository is only read.
  "$san/test/fuzz/fuzz_$t" "$work/$t" "test/fuzz/corpus/$t" -max_total_time="$fuzz_seconds" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/crash-$t-" \
    2>"$work/fuzz_$t.log" || {
    tail -n 60 "$work/fuzz_$t.log"
    ls "$work"/crash-* 2>/dev/null && echo "(inputs above: reproduce with $san/test/fuzz/fuzz_$t FILE)"
    exit 1
  }
  grep -E "stat::number_of_executed_units|cov:" "$work/fuzz_$t.log" | tail -n 2
done

# ---- 3. valgrind memcheck over the CLI -----------------------------------------------------
# A plain (unsanitized) build of the CLI: valgrind cannot run ASan binaries. Our own folder is
# a CLI-only build at -O1 (quick to compile); PLAIN_BUILD=build reuses an existing build as it
# is configured. Under valgrind the CPU shows no AVX-512, so the SIMD backend runs AVX2 code.
if [ -z "${PLAIN_BUILD:-}" ]; then
  meson configure "$plain" -Dcuda=disabled -Dtests=disabled -Dbenchmarks=disabled \
    -Dexamples=disabled -Dbuildtype=debug -Doptimization=1 >/dev/null
fi
step "building $plain/tools/kakeya/kakeya (for valgrind)"
meson compile -C "$plain" -j "$jobs" kakeya
kk="$plain/tools/kakeya/kakeya"
vg=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect -q)
d="$work/vg"
mkdir -p "$d"
"$kk" random --rows 320 --cols 128 --dist kv --seed 3 --out "$d/x.npy" # 2 SIMD ranges
run_vg() { # run_vg EXPECTED_STATUS ARGS...: memcheck errors or leaks exit 99
  local want=$1 got=0
  shift
  "${vg[@]}" "$kk" "$@" >"$d/out.txt" 2>"$d/err.txt" || got=$?
  if [ "$got" != "$want" ]; then
    cat "$d/err.txt"
    echo "valgrind: kakeya $* exited $got, expected $want"
    exit 1
  fi
}
step "valgrind memcheck over the CLI"
for spec in e8:q=38 d4:q=10 fp8:block=64,scale=ue8m0 lloyd-max:bits=4; do
  for b in scalar simd; do
    run_vg 0 encode --backend "$b" --threads 2 --codec "$spec" --in "$d/x.npy" --out "$d/c.kkc"
    run_vg 0 decode --backend "$b" --threads 2 --in "$d/c.kkc" --out "$d/y.npy"
  done
done
run_vg 0 roundtrip --backend simd --codec e8:q=10 --in "$d/x.npy" --out "$d/z.npy"
run_vg 0 eval --backend scalar --codecs e8:q=38,fp8:block=64 --in "$d/x.npy"
run_vg 0 nearest --lattice e8 --q 5 --in "$d/x.npy" --out "$d/p.npy"
# error paths: a clean refusal (status 1), no leak
head -c 100 "$d/c.kkc" >"$d/cut.kkc"
run_vg 1 decode --in "$d/cut.kkc" --out "$d/bad.npy"
run_vg 1 encode --codec e8:q=0 --in "$d/x.npy" --out "$d/bad.kkc"
run_vg 1 encode --codec e8:q=38 --in "$d/x.npy" --out "$d/no/such/dir/c.kkc"

step "all hardening checks passed"

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
status=0
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" || status=$?
# Then the checks that need builds of their own (each counts as one test below): the
# sanitizer build, fuzzing and valgrind (scripts/hardening.sh, docs/robustness.md), and a
# downstream program built against the installed library three ways (scripts/downstream.sh).
# KAKEYA_QUICK=1 skips them.
extra_passed=0
extra_failed=0
if [ "${KAKEYA_QUICK:-0}" != 1 ]; then
  for script in hardening downstream; do
    echo "== scripts/$script.sh"
    if bash "scripts/$script.sh"; then
      extra_passed=$((extra_passed + 1))
    else
      echo "scripts/$script.sh FAILED"
      extra_failed=$((extra_failed + 1))
      status=1
    fi
  done
fi
# One plain closing line: N passed, N failed, N skipped (expected failures count as passed).
python3 - "$build/meson-logs/testlog.json" "$extra_passed" "$extra_failed" <<'PY' || true
import json, sys
counts = {"OK": 0, "EXPECTEDFAIL": 0, "SKIP": 0}
failed = int(sys.argv[3])
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in counts:
        counts[r] += 1
    else:
        failed += 1
passed = counts['OK'] + counts['EXPECTEDFAIL'] + int(sys.argv[2])
print(f"{passed} passed, {failed} failed, {counts['SKIP']} skipped")
PY
exit "$status"

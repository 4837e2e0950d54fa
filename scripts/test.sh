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
# One plain closing line: N passed, N failed, N skipped (expected failures count as passed).
python3 - "$build/meson-logs/testlog.json" <<'PY' || true
import json, sys
counts = {"OK": 0, "EXPECTEDFAIL": 0, "SKIP": 0}
failed = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in counts:
        counts[r] += 1
    else:
        failed += 1
print(f"{counts['OK'] + counts['EXPECTEDFAIL']} passed, {failed} failed, {counts['SKIP']} skipped")
PY
exit "$status"

#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Nsight Compute profile of one kernel launch of cuda_bench: the full section set, the details
# page as text, and the per-line source view (SASS and CUDA lines, CSV; the kernels are built
# with -lineinfo) summarised into an opcode mix and the hottest lines, under $OUT (or ./gpu-out).
# Usage:
#   gpu_profile.sh BIN_DIR NAME KERNEL_REGEX BENCHMARK_FILTER
# e.g. gpu_profile.sh .gpu-bin e8enc encode_group_kernel encode/e8:q=38/D=128/f32/20/
set -uo pipefail
bin=${1:?usage: gpu_profile.sh BIN_DIR NAME KERNEL_REGEX BENCHMARK_FILTER}
name=${2:?name}
kernel=${3:?kernel regex}
filter=${4:?benchmark filter}
export LD_LIBRARY_PATH="$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
out=${OUT:-gpu-out}
mkdir -p "$out"
ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu 2>/dev/null)
[ -n "$ncu" ] || { echo "no ncu"; exit 1; }
"$ncu" --set full --import-source yes --kernel-name "regex:$kernel" --launch-skip 0 --launch-count 1 \
  -f -o "$out/$name" "$bin/cuda_bench" --benchmark_filter="$filter" --benchmark_min_time=0.01 \
  > "$out/$name.ncu.log" 2>&1
echo "ncu $name rc=$?"
"$ncu" -i "$out/$name.ncu-rep" --page details > "$out/$name.details.txt" 2>&1
"$ncu" -i "$out/$name.ncu-rep" --page raw --metrics sass__inst_executed_per_opcode \
  --print-metric-instances values > "$out/$name.opcodes.txt" 2>&1
"$ncu" -i "$out/$name.ncu-rep" --page source --csv --print-source sass > "$out/$name.sass.csv" 2>&1 ||
  echo "source page failed: $(head -c 300 "$out/$name.sass.csv")"
# The SASS lines that execute the most instructions and collect the most stall samples.
python3 - "$out/$name.sass.csv" > "$out/$name.hot.txt" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], errors="replace")))
head = next((i for i, r in enumerate(rows) if any("Instructions Executed" in c for c in r)), None)
if head is None:
    print("no source table"); sys.exit()
h = rows[head]; body = [r for r in rows[head + 1:] if len(r) == len(h)]
col = lambda key: next(i for i, c in enumerate(h) if key in c)
src, ex = col("Source"), col("Instructions Executed")
st = next((i for i, c in enumerate(h) if "Warp Stall Sampling (All" in c), None)
num = lambda v: float(v.replace(",", "") or 0)
tot = sum(num(r[ex]) for r in body) or 1
print("instructions", int(tot), "sass lines", len(body))
ops = {}
for r in body:
    op = r[src].split()[0] if r[src].split() else "?"
    if op.startswith("@"): op = r[src].split()[1]
    op = op.split(".")[0]
    ops[op] = ops.get(op, 0) + num(r[ex])
for op, v in sorted(ops.items(), key=lambda kv: -kv[1])[:30]: print(f"{op:10s} {100*v/tot:5.1f}%")
if st is not None:
    sst = sum(num(r[st]) for r in body) or 1
    print("top stall lines")
    for r in sorted(body, key=lambda r: -num(r[st]))[:25]: print(f"{100*num(r[st])/sst:5.1f}% {r[src][:90]}")
PY
head -45 "$out/$name.hot.txt"
# The same by CUDA source line (the kernels carry -lineinfo): where the instructions and the
# stalls are, in the library's code.
"$ncu" -i "$out/$name.ncu-rep" --page source --csv --print-source cuda,sass > "$out/$name.cuda.csv" 2>&1 ||
  echo "cuda source page failed: $(head -c 300 "$out/$name.cuda.csv")"
python3 - "$out/$name.cuda.csv" > "$out/$name.lines.txt" <<'PY'
import csv, sys
num = lambda v: float(v.replace(",", "") or 0)
agg, path, h = {}, "?", None
for r in csv.reader(open(sys.argv[1], errors="replace")):
    if len(r) >= 2 and r[0] == "File Path":
        path = r[1]; continue
    if any("Instructions Executed" in c for c in r):
        h = r; ex = r.index("Instructions Executed")
        st = next((i for i, c in enumerate(r) if "Warp Stall Sampling (All" in c), None); continue
    if h is None or len(r) != len(h) or not r[0].strip().isdigit():
        continue
    key = (path.split("/")[-1], int(r[0]))
    a = agg.setdefault(key, [0.0, 0.0, r[1].strip()])
    a[0] += num(r[ex]); a[1] += num(r[st]) if st is not None else 0
tot = sum(a[0] for a in agg.values()) or 1
sst = sum(a[1] for a in agg.values()) or 1
print("instructions executed %, stall samples %, file:line, source")
for k, a in sorted(agg.items(), key=lambda kv: -kv[1][0])[:30]:
    print(f"{100*a[0]/tot:5.1f} {100*a[1]/sst:5.1f}  {k[0]}:{k[1]}  {a[2][:90]}")
print("by stall samples")
for k, a in sorted(agg.items(), key=lambda kv: -kv[1][1])[:15]:
    print(f"{100*a[0]/tot:5.1f} {100*a[1]/sst:5.1f}  {k[0]}:{k[1]}  {a[2][:90]}")
PY
rm -f "$out/$name.ncu-rep" "$out/$name.sass.csv" "$out/$name.cuda.csv"
grep -E "Duration|Registers Per|Achieved Occupancy|Executed Ipc Active|Issue Slots Busy|Memory Throughput|Local" \
  "$out/$name.details.txt" | head -12

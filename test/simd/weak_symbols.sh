#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# The per-instruction-set kernel libraries must not emit weak symbols that other objects also
# emit: the linker keeps one copy of each, and were it an AVX-512 object's, the scalar backend
# would run AVX-512 code on a CPU without it (kernels/simd/kernels.hpp). Allowed: symbols that
# name an xsimd architecture (distinct per instruction set) and the C++ personality reference.
# The kernels rely on the optimiser inlining the library functions they call: in sanitizer and
# unoptimised builds (MODE skip) it does not, and the check reports itself skipped (77).
# Usage: weak_symbols.sh NM check|skip LIB...   Exit 77 (skipped) without nm.
set -uo pipefail
nm_tool=${1:?usage: weak_symbols.sh NM check|skip LIB...}
mode=${2:?usage: weak_symbols.sh NM check|skip LIB...}
shift 2
[ "$mode" = check ] || { echo "sanitizer or unoptimised build: the kernels' calls are not all inlined; skipped"; exit 77; }
command -v "$nm_tool" > /dev/null || { echo "no nm: skipped"; exit 77; }
bad=0
for lib in "$@"; do
  leaked=$("$nm_tool" -C "$lib" | grep -E ' [WwVv] ' | grep -v 'xsimd::' | grep -v 'DW.ref.__gxx_personality_v0')
  if [ -n "$leaked" ]; then
    echo "$lib: weak symbols shared with other objects:"
    echo "$leaked"
    bad=1
  else
    echo "$lib: no shared weak symbols"
  fi
done
exit $bad

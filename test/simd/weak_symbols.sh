#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# The per-instruction-set kernel libraries must not define global symbols that other objects
# also define: the linker keeps one copy of an inline function, and were it an AVX-512 object's,
# the scalar backend would run AVX-512 code on a CPU without it (kernels/simd/kernels.hpp).
# Allowed: the table function, symbols that name an xsimd architecture (distinct per
# instruction set) and the C++ personality reference. kernels/simd/meson.build makes the
# libraries private where it can (then only the table function is global).
# Sanitizer builds keep plain libraries, whose kernels leave some library functions out of line
# (MODE skip): the check reports itself skipped (77).
# Usage: weak_symbols.sh NM check|skip LIB...   Exit 77 (skipped) without nm.
set -uo pipefail
nm_tool=${1:?usage: weak_symbols.sh NM check|skip LIB...}
mode=${2:?usage: weak_symbols.sh NM check|skip LIB...}
shift 2
[ "$mode" = check ] || { echo "sanitizer or unoptimised build: the kernels' calls are not all inlined; skipped"; exit 77; }
command -v "$nm_tool" > /dev/null || { echo "no nm: skipped"; exit 77; }
bad=0
for lib in "$@"; do
  # Defined global symbols (weak or strong) other than the table function and xsimd's
  # per-architecture templates.
  leaked=$("$nm_tool" -C "$lib" | grep -E ' [A-TV-Z] ' | grep -v 'simd_kernels::table_' | grep -v 'xsimd::' |
    grep -v 'DW.ref.__gxx_personality_v0')
  if [ -n "$leaked" ]; then
    echo "$lib: global symbols other objects may also define:"
    echo "$leaked"
    bad=1
  else
    echo "$lib: no global symbols but its table"
  fi
done
exit $bad

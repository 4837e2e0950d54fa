#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# Builds kakeyalattice the way another project would consume it, and a tiny program against
# it (test/downstream/main.cpp) three ways, running each:
#   1. install into a temporary prefix (tests, benchmarks, examples off) and check the tree:
#      `kakeya --version`, every installed header compiles on its own with the pkg-config
#      flags and includes no xsimd / xtensor / CUDA header;
#   2. pkg-config (test/downstream/Makefile);
#   3. CMake find_package(kakeyalattice) (test/downstream/CMakeLists.txt);
#   4. meson subproject: subprojects/kakeyalattice -> this checkout (test/downstream/meson.build);
#   5. the Doxygen API reference (`ninja docs`), which must build without warnings.
# Environment: DOWNSTREAM_DIR (work folder; default a new temporary one, removed on success),
# DOWNSTREAM_CUDA (the cuda option of both library builds; default disabled, for speed),
# DOWNSTREAM_DOCS=0 skips step 5.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
start=$SECONDS

# What the consumers need beyond scripts/setup-debian.sh: CMake, and Doxygen for the docs.
need=(cmake pkg-config)
[ "${DOWNSTREAM_DOCS:-1}" = 0 ] || need+=(doxygen)
bash "$src/scripts/install-missing.sh" "${need[@]}"
[ -x /usr/local/cuda/bin/nvcc ] && export PATH=$PATH:/usr/local/cuda/bin

work=${DOWNSTREAM_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kakeya-downstream.XXXXXX")}
mkdir -p "$work"
cuda=${DOWNSTREAM_CUDA:-disabled}
prefix=$work/prefix
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }

step "1. install into $prefix"
if [ ! -f "$work/lib/build.ninja" ]; then
  meson setup "$work/lib" "$src" --buildtype=release --prefix="$prefix" -Dcuda="$cuda" \
    -Dtests=disabled -Dbenchmarks=disabled -Dexamples=disabled >"$work/lib-setup.log" ||
    { cat "$work/lib-setup.log"; exit 1; }
fi
meson install -C "$work/lib" --quiet >"$work/lib-install.log" 2>&1 || { cat "$work/lib-install.log"; exit 1; }
"$prefix/bin/kakeya" --version
pc=$(dirname "$(find "$prefix" -name kakeyalattice.pc | head -n 1)")
export PKG_CONFIG_PATH=$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
echo "pkg-config: $(pkg-config --modversion kakeyalattice): $(pkg-config --cflags --libs kakeyalattice)"
failures=()
if grep -rlE '#include *[<"](xsimd|xtensor|cuda|cuda_runtime)[/._]' "$prefix/include/kakeya"; then
  echo "FAILED: an installed header includes a private dependency (listed above)"
  failures+=("installed headers include private dependencies")
fi
# Each installed header on its own (what a user's first #include does); all are tried, and the
# steps below run even when one fails, so that one run reports every problem.
(cd "$prefix/include" && find kakeya -name '*.hpp' | sort) >"$work/headers.txt"
if xargs -P "$(nproc)" -I{} sh -c 'printf "#include <%s>\n" "$1" | c++ -std=c++20 -fsyntax-only \
    $2 -x c++ - 2>"$3/header-$(echo "$1" | tr / _).log" || { echo "FAILED: <$1> does not compile on its own:";
    head -n 5 "$3/header-$(echo "$1" | tr / _).log"; exit 1; }' _ {} "$(pkg-config --cflags kakeyalattice)" \
    "$work" <"$work/headers.txt"; then
  echo "$(wc -l <"$work/headers.txt") installed headers compile on their own"
else
  failures+=("installed headers that do not compile on their own")
fi

step "2. pkg-config"
mkdir -p "$work/pkgconfig"
make -s -B -C "$work/pkgconfig" -f "$src/test/downstream/Makefile"
"$work/pkgconfig/downstream"

step "3. CMake find_package"
cmake -S "$src/test/downstream" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/cmake-configure.log" || { cat "$work/cmake-configure.log"; exit 1; }
cmake --build "$work/cmake" >"$work/cmake-build.log" || { cat "$work/cmake-build.log"; exit 1; }
"$work/cmake/downstream"

step "4. meson subproject"
sub=$work/subproject
mkdir -p "$sub/subprojects"
cp "$src/test/downstream/meson.build" "$src/test/downstream/main.cpp" "$sub/"
ln -sfn "$src" "$sub/subprojects/kakeyalattice"
if [ ! -f "$sub/build/build.ninja" ]; then
  meson setup "$sub/build" "$sub" --force-fallback-for=kakeyalattice \
    -Dkakeyalattice:cuda="$cuda" >"$work/sub-setup.log" || { cat "$work/sub-setup.log"; exit 1; }
fi
# As a subproject, kakeyalattice builds its library only: no tests, benchmarks, examples, CLI.
if meson introspect "$sub/build" --targets | python3 -c '
import json, sys
extra = [t["name"] for t in json.load(sys.stdin)
         if t["type"] == "executable" and t["name"] != "downstream"]
print("executables the subproject should not build:", extra) if extra else None
sys.exit(1 if extra else 0)'; then :; else exit 1; fi
meson compile -C "$sub/build" >"$work/sub-build.log" || { cat "$work/sub-build.log"; exit 1; }
"$sub/build/downstream"

if [ "${DOWNSTREAM_DOCS:-1}" != 0 ]; then
  step "5. API reference (Doxygen)"
  ninja -C "$work/lib" docs >/dev/null
  warnings=$work/lib/docs/doxygen-warnings.txt
  if [ -s "$warnings" ]; then
    cat "$warnings"; echo "Doxygen warnings (above)"; exit 1
  fi
  echo "$work/lib/docs/api/html/index.html"
fi

if ((${#failures[@]})); then
  step "downstream: FAILED: $(IFS=';'; echo "${failures[*]}")"
  exit 1
fi
step "downstream: all passed"
[ -n "${DOWNSTREAM_DIR:-}" ] || rm -rf "$work"

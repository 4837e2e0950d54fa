// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to kernels/simd: the table of kernels one instruction set provides. Each
// isa_<name>.cpp (compiled with that ISA's flags) instantiates kernels_impl.hpp for its xsimd
// architecture and exports its table; dispatch.cpp (plain flags) picks a table at run time and
// splits the vectors over threads. Every kernel works on a contiguous range of vectors on the
// calling thread and never throws. No xsimd type crosses this interface.

#include <cstddef>
#include <cstdint>

#include "kakeya/backend/simd.hpp"

namespace kakeya::detail::simd_kernels {

struct isa_table {
  const char* name;
  /// Vectors per chunk (the float lanes of one batch).
  std::size_t lanes;
  /// Whether this table has a kernel for d (else the caller runs the per-vector code).
  bool (*supports)(const simd_codec_desc& d);
  void (*encode)(const simd_codec_desc& d, const float* x, std::uint8_t* codes, std::size_t n);
  void (*decode)(const simd_codec_desc& d, const std::uint8_t* codes, float* x, std::size_t n);
  void (*roundtrip)(const simd_codec_desc& d, const float* x, float* out, std::size_t n);
  bool (*has_nonfinite)(const float* x, std::size_t count);
  /// n rows of dim floats, dim a power of two in [2, 32768].
  void (*hadamard)(float* x, std::size_t n, std::size_t dim);
  /// n blocks; q == 0: the unbounded lattice.
  void (*closest)(simd_lattice l, const float* in, float* out, std::size_t n, int q);
};

// One per compiled instruction set (kernels/simd/isa_*.cpp); the only symbols those objects
// export. An inline function that a kernel does not inline is emitted as a weak symbol by its
// object and by every generic object that uses it, and the linker keeps one copy: were it an
// AVX-512 object's, the scalar backend would run AVX-512 code. So each instruction set's
// objects are compiled with hidden visibility and made private (meson.build,
// private_objects.sh); test/simd/weak_symbols.sh checks the libraries.
[[gnu::visibility("default")]] const isa_table& table_avx512();
[[gnu::visibility("default")]] const isa_table& table_avx2();
[[gnu::visibility("default")]] const isa_table& table_sse4();

} // namespace kakeya::detail::simd_kernels

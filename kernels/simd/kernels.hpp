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
#include "kakeya/lattice/ball.hpp"

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

/// The ball codes' rank and unrank (lattice/ball.hpp), compiled with the plain flags
/// (dispatch.cpp) and called out of line by the kernels. Inline functions that a kernel does
/// not inline are emitted as weak symbols by every object that uses them, and the linker keeps
/// one copy: were it an AVX-512 object's, the scalar backend would run AVX-512 code. The
/// kernels therefore inline everything else (test/simd/weak_symbols.sh checks the objects).
void ball_rank(const ball_code_view<e8>& code, const float* t, word* out) noexcept;
/// The rank from the blocks' bins and indices in their bins (ball_code_view::rank_blocks).
void ball_rank_of(const ball_code_view<e8>& code, const int* bins, const std::uint64_t* idx,
                  word* out) noexcept;
void ball_unrank(const ball_code_view<e8>& code, const word* in, float* t) noexcept;

// One per compiled instruction set (kernels/simd/isa_*.cpp); the only symbols those objects
// export (they are compiled with hidden visibility: meson.build).
[[gnu::visibility("default")]] const isa_table& table_avx512();
[[gnu::visibility("default")]] const isa_table& table_avx2();
[[gnu::visibility("default")]] const isa_table& table_sse4();

} // namespace kakeya::detail::simd_kernels

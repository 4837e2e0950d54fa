// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The SIMD kernels for SSE4.2 and POPCNT (x86-64-v2), compiled with that instruction set's flags
// (kernels/simd/meson.build) and reached only after a run-time CPU check (dispatch.cpp).
#include "kernels_impl.hpp"

namespace kakeya::detail::simd_kernels {

const isa_table& table_sse4() {
  static const isa_table t = make_table<xsimd::sse4_2>("sse4");
  return t;
}

} // namespace kakeya::detail::simd_kernels

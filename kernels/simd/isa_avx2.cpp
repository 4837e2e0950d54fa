// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The SIMD kernels for AVX2 with FMA, BMI2, F16C (x86-64-v3), compiled with that instruction set's
// flags (kernels/simd/meson.build) and reached only after a run-time CPU check (dispatch.cpp).
#include "kernels_impl.hpp"

namespace kakeya::detail::simd_kernels {

const isa_table& table_avx2() {
  static const isa_table t = make_table<xsimd::avx2>("avx2");
  return t;
}

} // namespace kakeya::detail::simd_kernels

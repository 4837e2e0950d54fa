// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to kernels/simd: the few operations xsimd 8.1 lacks (or provides only as scalar
// loops on some architectures), one specialisation per instruction set, written with the
// intrinsics of exactly that set. None performs floating-point arithmetic that could round:
// data movement, table lookups, exact conversions between float, double and integers.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include <immintrin.h>
#include <xsimd/xsimd.hpp>

namespace kakeya::detail::simd_kernels {

template <class A>
struct arch_ops;

// Shared helpers of the x86 specialisations.
template <class A>
struct arch_common {
  using bf = xsimd::batch<float, A>;
  using bi = xsimd::batch<std::int32_t, A>;
  using bd = xsimd::batch<double, A>;
  static constexpr std::size_t W = bf::size;
  /// max over the lanes (signed 32-bit).
  static std::int32_t hmax(bi v) noexcept {
    alignas(64) std::int32_t t[W];
    v.store_aligned(t);
    std::int32_t m = t[0];
    for (std::size_t i = 1; i < W; ++i) m = t[i] > m ? t[i] : m;
    return m;
  }
};

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
template <>
struct arch_ops<xsimd::avx512bw> : arch_common<xsimd::avx512bw> {
  /// dst row i (stride ds) = column i of the 16 x 16 tile at src (row stride ss).
  static void transpose(const float* src, std::size_t ss, float* dst, std::size_t ds) noexcept {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * ss);
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
      r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // r[4g + j] holds, in each 128-bit lane k, row 4g..4g+3 of column 4k + j.
    for (int g = 0; g < 16; g += 8) {
      for (int j = 0; j < 4; ++j) {
        t[g + j] = _mm512_shuffle_f32x4(r[g + j], r[g + 4 + j], _MM_SHUFFLE(2, 0, 2, 0));
        t[g + 4 + j] = _mm512_shuffle_f32x4(r[g + j], r[g + 4 + j], _MM_SHUFFLE(3, 1, 3, 1));
      }
    }
    for (int j = 0; j < 8; ++j) {
      r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], _MM_SHUFFLE(2, 0, 2, 0));
      r[j + 8] = _mm512_shuffle_f32x4(t[j], t[8 + j], _MM_SHUFFLE(3, 1, 3, 1));
    }
    for (int c = 0; c < 16; ++c) _mm512_storeu_ps(dst + c * ds, r[c]); // r[c] is column c
  }
  static std::pair<bd, bd> widen(bf x) noexcept {
    const __m512 v = x;
    return {_mm512_cvtps_pd(_mm512_castps512_ps256(v)),
            _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)))};
  }
  static bf narrow(bd lo, bd hi) noexcept {
    const __m256 a = _mm512_cvtpd_ps(lo), b = _mm512_cvtpd_ps(hi);
    return _mm512_castpd_ps(
        _mm512_insertf64x4(_mm512_castps_pd(_mm512_castps256_ps512(a)), _mm256_castps_pd(b), 1));
  }
  /// Unsigned 32-bit lanes to doubles (exact).
  static std::pair<bd, bd> widen_u32(bi x) noexcept {
    const __m512i v = x;
    return {_mm512_cvtepu32_pd(_mm512_castsi512_si256(v)),
            _mm512_cvtepu32_pd(_mm512_extracti64x4_epi64(v, 1))};
  }
  /// Integer-valued doubles in [0, 2^32) to unsigned 32-bit lanes (exact).
  static bi narrow_u32(bd lo, bd hi) noexcept {
    const __m256i a = _mm512_cvtpd_epu32(lo), b = _mm512_cvtpd_epu32(hi);
    return _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
  }
  /// Lane l <- lane l ^ h, for h < 16.
  template <int H>
  static bf partner(bf x) noexcept {
    const __m512 v = x;
    if constexpr (H == 1)
      return _mm512_permute_ps(v, 0xB1);
    else if constexpr (H == 2)
      return _mm512_permute_ps(v, 0x4E);
    else if constexpr (H == 4)
      return _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1));
    else
      return _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2));
  }
  /// src[idx_l] per lane (xsimd 8.1's batch::gather never reaches the hardware gather).
  static bf gather(const float* src, bi idx) noexcept { return _mm512_i32gather_ps(idx, src, 4); }
  /// A table of n floats for lookup(): in registers up to 32 entries, else gathered.
  struct lut {
    __m512 a, b;
    std::size_t n;
    const float* src;
  };
  static lut make_lut(const float* t, std::size_t n) noexcept {
    alignas(64) float pad[32] = {};
    for (std::size_t i = 0; i < n && i < 32; ++i) pad[i] = t[i];
    return {_mm512_load_ps(pad), _mm512_load_ps(pad + 16), n, t};
  }
  /// table[idx_l] per lane; idx_l < n.
  static bf lookup(const lut& l, bi idx) noexcept {
    if (l.n <= 16) return _mm512_permutexvar_ps(idx, l.a);
    if (l.n <= 32) return _mm512_permutex2var_ps(l.a, idx, l.b);
    return gather(l.src, idx);
  }
  static std::int32_t hmax(bi v) noexcept { return _mm512_reduce_max_epi32(v); }
  /// The low bytes of the 16 lanes, to dst[0, 16).
  static void store_u8(std::uint8_t* dst, bi x) noexcept {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi32_epi8(x));
  }
  static bi load_u8(const std::uint8_t* src) noexcept {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
  }
};
#endif

#if defined(__AVX2__)
template <>
struct arch_ops<xsimd::avx2> : arch_common<xsimd::avx2> {
  static void transpose(const float* src, std::size_t ss, float* dst, std::size_t ds) noexcept {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ss);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; ++j) {
      _mm256_storeu_ps(dst + j * ds, _mm256_permute2f128_ps(r[j], r[j + 4], 0x20));
      _mm256_storeu_ps(dst + (j + 4) * ds, _mm256_permute2f128_ps(r[j], r[j + 4], 0x31));
    }
  }
  static std::pair<bd, bd> widen(bf x) noexcept {
    const __m256 v = x;
    return {_mm256_cvtps_pd(_mm256_castps256_ps128(v)),
            _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))};
  }
  static bf narrow(bd lo, bd hi) noexcept {
    return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
  }
  static std::pair<bd, bd> widen_u32(bi x) noexcept {
    const __m256i v = _mm256_xor_si256(x, _mm256_set1_epi32(INT32_MIN));
    const __m256d bias = _mm256_set1_pd(2147483648.0);
    return {_mm256_add_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(v)), bias),
            _mm256_add_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(v, 1)), bias)};
  }
  static bi narrow_u32(bd lo, bd hi) noexcept {
    const __m256d bias = _mm256_set1_pd(2147483648.0);
    const __m128i a = _mm256_cvtpd_epi32(_mm256_sub_pd(lo, bias));
    const __m128i b = _mm256_cvtpd_epi32(_mm256_sub_pd(hi, bias));
    return _mm256_xor_si256(_mm256_set_m128i(b, a), _mm256_set1_epi32(INT32_MIN));
  }
  template <int H>
  static bf partner(bf x) noexcept {
    const __m256 v = x;
    if constexpr (H == 1)
      return _mm256_permute_ps(v, 0xB1);
    else if constexpr (H == 2)
      return _mm256_permute_ps(v, 0x4E);
    else
      return _mm256_permute2f128_ps(v, v, 0x01);
  }
  static bf gather(const float* src, bi idx) noexcept { return _mm256_i32gather_ps(src, idx, 4); }
  struct lut {
    __m256 a, b;
    std::size_t n;
    const float* src;
  };
  static lut make_lut(const float* t, std::size_t n) noexcept {
    alignas(32) float pad[16] = {};
    for (std::size_t i = 0; i < n && i < 16; ++i) pad[i] = t[i];
    return {_mm256_load_ps(pad), _mm256_load_ps(pad + 8), n, t};
  }
  static bf lookup(const lut& l, bi idx) noexcept {
    if (l.n <= 8) return _mm256_permutevar8x32_ps(l.a, idx);
    if (l.n <= 16) {
      const __m256 lo = _mm256_permutevar8x32_ps(l.a, idx), hi = _mm256_permutevar8x32_ps(l.b, idx);
      return _mm256_blendv_ps(lo, hi,
                              _mm256_castsi256_ps(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(7))));
    }
    return gather(l.src, idx);
  }
  static void store_u8(std::uint8_t* dst, bi x) noexcept {
    const __m256i pick =
        _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12,
                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i b = _mm256_shuffle_epi8(x, pick);
    const __m256i c = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(dst), _mm256_castsi256_si128(c));
  }
  static bi load_u8(const std::uint8_t* src) noexcept {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(src)));
  }
};
#endif

#if defined(__SSE4_2__)
template <>
struct arch_ops<xsimd::sse4_2> : arch_common<xsimd::sse4_2> {
  static void transpose(const float* src, std::size_t ss, float* dst, std::size_t ds) noexcept {
    __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + ss), r2 = _mm_loadu_ps(src + 2 * ss),
           r3 = _mm_loadu_ps(src + 3 * ss);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(dst, r0);
    _mm_storeu_ps(dst + ds, r1);
    _mm_storeu_ps(dst + 2 * ds, r2);
    _mm_storeu_ps(dst + 3 * ds, r3);
  }
  static std::pair<bd, bd> widen(bf x) noexcept {
    const __m128 v = x;
    return {_mm_cvtps_pd(v), _mm_cvtps_pd(_mm_movehl_ps(v, v))};
  }
  static bf narrow(bd lo, bd hi) noexcept {
    return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
  }
  static std::pair<bd, bd> widen_u32(bi x) noexcept {
    const __m128i v = _mm_xor_si128(x, _mm_set1_epi32(INT32_MIN));
    const __m128d bias = _mm_set1_pd(2147483648.0);
    return {_mm_add_pd(_mm_cvtepi32_pd(v), bias),
            _mm_add_pd(_mm_cvtepi32_pd(_mm_srli_si128(v, 8)), bias)};
  }
  static bi narrow_u32(bd lo, bd hi) noexcept {
    const __m128d bias = _mm_set1_pd(2147483648.0);
    const __m128i a = _mm_cvtpd_epi32(_mm_sub_pd(lo, bias));
    const __m128i b = _mm_cvtpd_epi32(_mm_sub_pd(hi, bias));
    return _mm_xor_si128(_mm_unpacklo_epi64(a, b), _mm_set1_epi32(INT32_MIN));
  }
  template <int H>
  static bf partner(bf x) noexcept {
    const __m128 v = x;
    if constexpr (H == 1)
      return _mm_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1));
    else
      return _mm_shuffle_ps(v, v, _MM_SHUFFLE(1, 0, 3, 2));
  }
  static bf gather(const float* src, bi idx) noexcept {
    alignas(16) std::int32_t i[4];
    idx.store_aligned(i);
    return _mm_setr_ps(src[i[0]], src[i[1]], src[i[2]], src[i[3]]);
  }
  struct lut {
    std::size_t n;
    const float* src;
  };
  static lut make_lut(const float* t, std::size_t n) noexcept { return {n, t}; }
  static bf lookup(const lut& l, bi idx) noexcept { return gather(l.src, idx); }
  static void store_u8(std::uint8_t* dst, bi x) noexcept {
    const __m128i b = _mm_shuffle_epi8(
        x, _mm_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const int v = _mm_cvtsi128_si32(b);
    std::memcpy(dst, &v, 4);
  }
  static bi load_u8(const std::uint8_t* src) noexcept {
    int v;
    std::memcpy(&v, src, 4);
    return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(v));
  }
};
#endif

} // namespace kakeya::detail::simd_kernels

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file float_formats.hpp
/// Exact conversions between float and the small floating-point formats the library stores:
/// fp32 (identity), IEEE binary16 (fp16), bfloat16 (bf16), OCP FP8 E4M3FN and E5M2, and the
/// exponent-only scale format UE8M0 (OCP MX E8M0). Each format is a type modelling
/// `kakeya::ScalarFormat`.
///
/// Every conversion is integer bit manipulation (plus, when widening a subnormal, one exact
/// integer-to-float conversion of its mantissa), `constexpr`, `noexcept` and
/// `KAKEYA_HOST_DEVICE`: it neither uses the host's `_Float16` nor depends on the FPU rounding
/// mode or on flush-to-zero, so the scalar reference, the SIMD backend and CUDA kernels produce
/// the same bits. Narrowing is one correct rounding of the float value, round to nearest, ties
/// to even (IEEE 754-2008 §4.3.1); there is never a double rounding through an intermediate
/// format. docs/components/float_formats.md gives the bit layouts, the exact overflow
/// thresholds, the NaN codes produced and how each conversion relates to the GPU's.

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "kakeya/config.hpp"

namespace kakeya {

namespace detail {

/// `std::bit_cast` without relying on `--expt-relaxed-constexpr` under nvcc.
template <class To, class From>
KAKEYA_HOST_DEVICE constexpr To bit_cast(const From& from) noexcept {
  static_assert(sizeof(To) == sizeof(From));
  return __builtin_bit_cast(To, from);
}

KAKEYA_HOST_DEVICE constexpr std::uint32_t float_bits(float x) noexcept {
  return bit_cast<std::uint32_t>(x);
}

KAKEYA_HOST_DEVICE constexpr float float_from_bits(std::uint32_t u) noexcept {
  return bit_cast<float>(u);
}

/// `c ? a : b` as a mask operation: no branch, so the loops around it vectorise.
KAKEYA_HOST_DEVICE constexpr std::uint32_t select(bool c, std::uint32_t a,
                                                  std::uint32_t b) noexcept {
  return b ^ ((a ^ b) & (0u - static_cast<std::uint32_t>(c)));
}

inline constexpr std::uint32_t f32_abs_mask = 0x7FFF'FFFFu;
inline constexpr std::uint32_t f32_inf_bits = 0x7F80'0000u;
inline constexpr std::uint32_t f32_quiet_nan_bits = 0x7FC0'0000u;

/// The magnitude of a finite float rounded to nearest, ties to even, onto a binary format with
/// `M` stored mantissa bits and exponent bias `B`, with an exponent range unbounded above.
/// `a` is the float's bit pattern without its sign (a finite value, a <= 0x7F800000; +Inf is
/// accepted and rounds like 2^128). The result is the target magnitude code
/// `(biased_exponent << M) | mantissa`; a carry out of the mantissa moves into the exponent,
/// so the codes are ordered like the values and callers detect overflow by comparing with their
/// largest finite code. Subnormal results (biased exponent 0) are rounded at their fixed
/// spacing 2^(1 - B - M). Requires 1 <= M <= 22 and B <= 127.
template <int M, int B>
KAKEYA_HOST_DEVICE constexpr std::uint32_t round_magnitude_rne(std::uint32_t a) noexcept {
  static_assert(M >= 1 && M <= 22 && B <= 127);
  const std::uint32_t fe = a >> 23;
  const int te = static_cast<int>(fe != 0 ? fe : 1u) - 127 + B; // target exponent if normal
  const bool normal = te >= 1;
  // Normal result: re-bias the exponent field in place; the carry of the rounding below then
  // moves from the mantissa into the exponent. Subnormal result: the significand with its
  // implicit bit, shifted further so that the spacing becomes 2^(1 - B - M).
  const std::uint32_t x = normal ? a - (static_cast<std::uint32_t>(127 - B) << 23)
                                 : (a & 0x7F'FFFFu) | (fe != 0 ? 0x80'0000u : 0u);
  int s = normal ? 23 - M : 24 - M - te;
  s = s < 31 ? s : 31; // x < 2^24 here, so any shift >= 25 rounds to 0
  // Round to nearest, ties to even: add half - 1, plus 1 when the lowest kept bit is odd.
  return (x + ((1u << (s - 1)) - 1u) + ((x >> s) & 1u)) >> s;
}

/// Float bits of the finite, non-negative value of magnitude code `c` of a binary format with
/// `M` mantissa bits and bias `B`. Branch-free (selects only), so loops over it vectorise. A
/// subnormal code m * 2^(1 - B - M) is normalised by converting the integer m to float, which
/// is exact (m < 2^M), and re-biasing the exponent field. Requires B + M <= 126 so that every
/// value is a normal float.
template <int M, int B>
KAKEYA_HOST_DEVICE constexpr std::uint32_t widen_magnitude(std::uint32_t c) noexcept {
  static_assert(M <= 23 && B + M <= 126);
  const std::uint32_t m = c & ((1u << M) - 1u);
  const std::uint32_t normal = (c << (23 - M)) + (static_cast<std::uint32_t>(127 - B) << 23);
  const std::uint32_t sub_m =
      float_bits(static_cast<float>(m)) - (static_cast<std::uint32_t>(B + M - 1) << 23);
  return select((c >> M) != 0, normal, select(m != 0, sub_m, 0u));
}


#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
/// The GPU's saturating FP8 conversion (sm_89+): cvt.rn.satfinite.{e4m3,e5m2}x2.f32, round
/// to nearest even. For every non-NaN float it gives the bits of the software encode
/// (test/cuda/primitives_test.cu checks all 2^32 inputs); NaN keeps the software path.
template <bool E4M3>
__device__ inline std::uint8_t cvt_fp8_satfinite(float x) noexcept {
  unsigned short r;
  if constexpr (E4M3)
    asm("cvt.rn.satfinite.e4m3x2.f32 %0, %1, %2;" : "=h"(r) : "f"(0.0f), "f"(x));
  else
    asm("cvt.rn.satfinite.e5m2x2.f32 %0, %1, %2;" : "=h"(r) : "f"(0.0f), "f"(x));
  return static_cast<std::uint8_t>(r & 0xFFu);
}
#define KAKEYA_HW_FP8 1
#else
#define KAKEYA_HW_FP8 0
#endif

} // namespace detail

/// What a narrowing FP8 conversion does with finite values beyond its range and with ±Inf.
enum class fp8_overflow {
  saturate,    ///< ±max_finite, like `__nv_cvt_float_to_fp8(x, __NV_SATFINITE, ...)`
  no_saturate, ///< E4M3: NaN (0x7F | sign); E5M2: ±Inf; like `__NV_NOSAT` and PyTorch's `.to()`
};

/// IEEE 754 binary32 stored as its bit pattern: the identity format (a 32-bit scale costs 32
/// bits). encode/decode are exact and keep every NaN payload.
struct fp32 {
  using storage = std::uint32_t;
  static constexpr int bits = 32;
  static constexpr float max_finite = 0x1.FFFFFEp127f;
  static constexpr std::string_view name = "fp32";

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
    return detail::float_bits(x);
  }
  KAKEYA_HOST_DEVICE static constexpr float decode(storage s) noexcept {
    return detail::float_from_bits(s);
  }
};

/// IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits; max 65504, smallest
/// normal 2^-14, subnormals in steps of 2^-24.
/// encode: round to nearest, ties to even; |x| >= 65520 (max + half an ulp) gives ±Inf; NaN
/// gives a quiet NaN with the float's sign and the top 9 bits of its payload
/// (`sign | 0x7E00 | payload`), as x86 F16C `vcvtps2ph` does. decode is exact; a NaN widens to
/// a quiet float NaN with the sign and payload kept.
struct fp16 {
  using storage = std::uint16_t;
  static constexpr int bits = 16;
  static constexpr float max_finite = 65504.0f;
  static constexpr float min_normal = 0x1p-14f;
  static constexpr float min_subnormal = 0x1p-24f;
  static constexpr std::string_view name = "fp16";

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
    const std::uint32_t u = detail::float_bits(x);
    const auto sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
    const std::uint32_t a = u & detail::f32_abs_mask;
    if (a > detail::f32_inf_bits)
      return static_cast<storage>(sign | 0x7E00u | ((a >> 13) & 0x1FFu));
    std::uint32_t c = detail::round_magnitude_rne<10, 15>(a); // +Inf rounds above 0x7C00 too
    if (c > 0x7C00u) c = 0x7C00u;
    return static_cast<storage>(sign | c);
  }

  KAKEYA_HOST_DEVICE static constexpr float decode(storage h) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t c = h & 0x7FFFu;
    const std::uint32_t payload = (c & 0x3FFu) << 13;
    const std::uint32_t special = // Inf, or a quiet NaN with the payload
        detail::f32_inf_bits | detail::select(payload != 0, 0x40'0000u | payload, 0u);
    const std::uint32_t finite = detail::widen_magnitude<10, 15>(c);
    return detail::float_from_bits(sign | detail::select(c >= 0x7C00u, special, finite));
  }
};

/// bfloat16: the top 16 bits of a float (1 sign, 8 exponent with bias 127, 7 mantissa bits);
/// max 0x1.FEp127 ≈ 3.3895e38, subnormals in steps of 2^-133.
/// encode: round to nearest, ties to even, overflow to ±Inf (as CUDA `__float2bfloat16_rn`);
/// NaN gives a quiet NaN with the sign and the top 6 payload bits (`sign | 0x7FC0 | payload`,
/// what AVX512-BF16 `vcvtneps2bf16` produces). decode is exact (a shift).
struct bf16 {
  using storage = std::uint16_t;
  static constexpr int bits = 16;
  static constexpr float max_finite = 0x1.FEp127f;
  static constexpr float min_normal = 0x1p-126f;
  static constexpr float min_subnormal = 0x1p-133f;
  static constexpr std::string_view name = "bf16";

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
    const std::uint32_t u = detail::float_bits(x);
    if ((u & detail::f32_abs_mask) > detail::f32_inf_bits)
      return static_cast<storage>((u >> 16) | 0x0040u);
    // Round to nearest even on the 16 dropped bits: add 0x7FFF plus the lowest kept bit. A
    // carry ripples into the exponent, and from 0x7F7F into +Inf (0x7F80), as it should.
    const std::uint32_t r = u + 0x7FFFu + ((u >> 16) & 1u);
    return static_cast<storage>(r >> 16);
  }

  KAKEYA_HOST_DEVICE static constexpr float decode(storage b) noexcept {
    return detail::float_from_bits(static_cast<std::uint32_t>(b) << 16);
  }
};

/// OCP OFP8 E4M3 ("e4m3fn"): 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities,
/// S.1111.111 (0x7F, 0xFF) is the only NaN; max ±448 (S.1111.110), smallest normal 2^-6,
/// subnormals in steps of 2^-9.
/// encode: round to nearest, ties to even, directly from the float. Magnitudes up to 464 (the
/// midpoint 448 + 16, a tie that goes to 448's even mantissa) round to at most 448; above 464
/// and for ±Inf the result is ±448 when `O` is `saturate`, NaN (0x7F | sign) when `O` is
/// `no_saturate`. NaN gives 0x7F | sign. -0 gives 0x80. decode is exact; 0x7F/0xFF widen to a
/// quiet float NaN with that sign.
/// @tparam O overflow behaviour; `fp8_e4m3` saturates, `fp8_e4m3_nosat` does not.
template <fp8_overflow O = fp8_overflow::saturate>
struct basic_fp8_e4m3 {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr int exponent_bits = 4;
  static constexpr int mantissa_bits = 3;
  static constexpr int exponent_bias = 7;
  static constexpr fp8_overflow overflow = O;
  static constexpr float max_finite = 448.0f;
  static constexpr float min_normal = 0x1p-6f;
  static constexpr float min_subnormal = 0x1p-9f;
  static constexpr storage max_code = 0x7E; ///< +448
  static constexpr storage nan_code = 0x7F; ///< the positive NaN; 0xFF is the negative one
  static constexpr std::string_view name =
      O == fp8_overflow::saturate ? "fp8_e4m3" : "fp8_e4m3_nosat";

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
#if KAKEYA_HW_FP8
    if constexpr (O == fp8_overflow::saturate) {
      if (!std::is_constant_evaluated() && (detail::float_bits(x) & detail::f32_abs_mask) <= detail::f32_inf_bits)
        return detail::cvt_fp8_satfinite<true>(x);
    }
#endif
    return encode_soft(x);
  }
  /// encode by bit manipulation: what encode computes on every backend (on sm_89+ GPUs the
  /// saturating variant takes the hardware conversion for non-NaN input, bit for bit the same).
  KAKEYA_HOST_DEVICE static constexpr storage encode_soft(float x) noexcept {
    const std::uint32_t u = detail::float_bits(x);
    const auto sign = static_cast<std::uint32_t>((u >> 24) & 0x80u);
    const std::uint32_t a = u & detail::f32_abs_mask;
    if (a > detail::f32_inf_bits) return static_cast<storage>(sign | nan_code);
    std::uint32_t c = detail::round_magnitude_rne<3, 7>(a);
    if (c > max_code) c = (O == fp8_overflow::saturate) ? max_code : nan_code;
    return static_cast<storage>(sign | c);
  }

  KAKEYA_HOST_DEVICE static constexpr float decode(storage b) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(b & 0x80u) << 24;
    const std::uint32_t c = b & 0x7Fu;
    const std::uint32_t finite = detail::widen_magnitude<3, 7>(c);
    return detail::float_from_bits(
        sign | detail::select(c == nan_code, detail::f32_quiet_nan_bits, finite));
  }
};

/// OCP OFP8 E5M2: 1 sign, 5 exponent (bias 15), 2 mantissa bits, IEEE-like: ±Inf is
/// S.11111.00 (0x7C, 0xFC), NaN is S.11111.{01,10,11}; max ±57344 (S.11110.11), smallest
/// normal 2^-14, subnormals in steps of 2^-16. The code is the top byte of the fp16 code.
/// encode: round to nearest, ties to even, directly from the float. Magnitudes below 61440
/// (57344 + half an ulp) round to at most 57344; 61440 itself is a tie that goes to the even
/// mantissa, i.e. overflows. Overflow and ±Inf give ±57344 when `O` is `saturate`, ±Inf when
/// `O` is `no_saturate`. NaN gives 0x7F | sign. -0 gives 0x80. decode is exact; NaN codes
/// widen to quiet float NaNs keeping sign and payload.
/// @tparam O overflow behaviour; `fp8_e5m2` saturates, `fp8_e5m2_nosat` does not.
template <fp8_overflow O = fp8_overflow::saturate>
struct basic_fp8_e5m2 {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr int exponent_bits = 5;
  static constexpr int mantissa_bits = 2;
  static constexpr int exponent_bias = 15;
  static constexpr fp8_overflow overflow = O;
  static constexpr float max_finite = 57344.0f;
  static constexpr float min_normal = 0x1p-14f;
  static constexpr float min_subnormal = 0x1p-16f;
  static constexpr storage max_code = 0x7B; ///< +57344
  static constexpr storage inf_code = 0x7C; ///< +Inf
  static constexpr storage nan_code = 0x7F; ///< the NaN encode produces (with the sign)
  static constexpr std::string_view name =
      O == fp8_overflow::saturate ? "fp8_e5m2" : "fp8_e5m2_nosat";

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
#if KAKEYA_HW_FP8
    if constexpr (O == fp8_overflow::saturate) {
      if (!std::is_constant_evaluated() && (detail::float_bits(x) & detail::f32_abs_mask) <= detail::f32_inf_bits)
        return detail::cvt_fp8_satfinite<false>(x);
    }
#endif
    return encode_soft(x);
  }
  /// encode by bit manipulation: what encode computes on every backend (on sm_89+ GPUs the
  /// saturating variant takes the hardware conversion for non-NaN input, bit for bit the same).
  KAKEYA_HOST_DEVICE static constexpr storage encode_soft(float x) noexcept {
    const std::uint32_t u = detail::float_bits(x);
    const auto sign = static_cast<std::uint32_t>((u >> 24) & 0x80u);
    const std::uint32_t a = u & detail::f32_abs_mask;
    if (a > detail::f32_inf_bits) return static_cast<storage>(sign | nan_code);
    std::uint32_t c = detail::round_magnitude_rne<2, 15>(a);
    if (c > max_code) c = (O == fp8_overflow::saturate) ? max_code : inf_code;
    return static_cast<storage>(sign | c);
  }

  KAKEYA_HOST_DEVICE static constexpr float decode(storage b) noexcept {
    return fp16::decode(static_cast<fp16::storage>(static_cast<std::uint32_t>(b) << 8));
  }
};

/// FP8 E4M3FN, saturating (`__NV_SATFINITE`): the library's default FP8 element format.
using fp8_e4m3 = basic_fp8_e4m3<fp8_overflow::saturate>;
/// FP8 E4M3FN, overflow to NaN (`__NV_NOSAT`, PyTorch `x.to(torch.float8_e4m3fn)`).
using fp8_e4m3_nosat = basic_fp8_e4m3<fp8_overflow::no_saturate>;
/// FP8 E5M2, saturating (`__NV_SATFINITE`).
using fp8_e5m2 = basic_fp8_e5m2<fp8_overflow::saturate>;
/// FP8 E5M2, overflow to ±Inf (`__NV_NOSAT`, PyTorch `x.to(torch.float8_e5m2)`).
using fp8_e5m2_nosat = basic_fp8_e5m2<fp8_overflow::no_saturate>;

/// UE8M0 (OCP MX "E8M0"): an unsigned power-of-two scale, value 2^(e - 127) for code
/// e in [0, 254] (2^-127 ... 2^127); e = 255 is NaN; there is no zero. 8 bits per scale.
/// encode rounds *up* to a power of two, 2^ceil(log2 x), so that a scale never shrinks and
/// x / scale never grows (DeepSeek's `fast_round_scale`): exact powers of two map to
/// themselves; x >= 2^127 and +Inf saturate to code 254; x <= 2^-127, +0, -0, every negative
/// value and -Inf give code 0 (2^-127); NaN gives 255. decode is exact, 2^-127 included (a
/// float subnormal, 0x00400000); 255 decodes to a quiet NaN.
struct ue8m0 {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr float max_finite = 0x1p127f;
  static constexpr float min_value = 0x1p-127f;
  static constexpr storage max_code = 254;
  static constexpr storage nan_code = 255;
  static constexpr std::string_view name = "ue8m0";
  /// Every finite value is a power of two (fp8_block divides by it as a product).
  static constexpr bool powers_of_two = true;

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
    // Branch-free (selects only), so that loops over it vectorise.
    const std::uint32_t u = detail::float_bits(x);
    const std::uint32_t fe = (u >> 23) & 0xFFu;
    const std::uint32_t fm = u & 0x7F'FFFFu;
    // Normal: 2^(fe-127) <= x < 2^(fe-126); round up unless x is that power exactly.
    // Subnormal x = fm * 2^-149: x <= 2^-127 (fm <= 2^22) takes code 0, otherwise 2^-126.
    std::uint32_t c = fe != 0 ? fe + (fm != 0 ? 1u : 0u) : (fm > 0x40'0000u ? 1u : 0u);
    c = c > max_code ? max_code : c;                                      // > 2^127, +Inf
    c = (u >> 31) != 0 ? 0u : c;                                          // -0, negatives
    c = (u & detail::f32_abs_mask) > detail::f32_inf_bits ? nan_code : c; // NaN
    return static_cast<storage>(c);
  }

  KAKEYA_HOST_DEVICE static constexpr float decode(storage e) noexcept {
    const std::uint32_t pattern = detail::select(e == nan_code, detail::f32_quiet_nan_bits,
                                                 static_cast<std::uint32_t>(e) << 23);
    return detail::float_from_bits(detail::select(e == 0, 0x0040'0000u, pattern)); // 0: 2^-127
  }
};

} // namespace kakeya

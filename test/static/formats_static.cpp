// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compile-time checks of the scalar formats and the FP8 block quantiser: every format models
// ScalarFormat, malformed types are rejected, and known values encode and decode in constexpr.
#include <array>
#include <cstdint>
#include <span>

#include "kakeya/core/concepts.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/scalar/fp8_block.hpp"

namespace {
using namespace kakeya;

// --- every format is a ScalarFormat ------------------------------------------------------
static_assert(ScalarFormat<fp32>);
static_assert(ScalarFormat<fp16>);
static_assert(ScalarFormat<bf16>);
static_assert(ScalarFormat<fp8_e4m3>);
static_assert(ScalarFormat<fp8_e4m3_nosat>);
static_assert(ScalarFormat<fp8_e5m2>);
static_assert(ScalarFormat<fp8_e5m2_nosat>);
static_assert(ScalarFormat<ue8m0>);
static_assert(fp32::bits == 32 && fp16::bits == 16 && bf16::bits == 16);
static_assert(fp8_e4m3::bits == 8 && fp8_e5m2::bits == 8 && ue8m0::bits == 8);

// --- malformed types are rejected --------------------------------------------------------
struct signed_storage {
  using storage = std::int8_t;
  static constexpr int bits = 8;
  static constexpr storage encode(float) noexcept { return 0; }
  static constexpr float decode(storage) noexcept { return 0; }
};
struct too_many_bits {
  using storage = std::uint8_t;
  static constexpr int bits = 9;
  static constexpr storage encode(float) noexcept { return 0; }
  static constexpr float decode(storage) noexcept { return 0; }
};
struct throwing_encode {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static storage encode(float) { return 0; }
  static constexpr float decode(storage) noexcept { return 0; }
};
struct double_decode {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr storage encode(float) noexcept { return 0; }
  static constexpr double decode(storage) noexcept { return 0; }
};
struct wide_encode {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr unsigned encode(float) noexcept { return 0; }
  static constexpr float decode(storage) noexcept { return 0; }
};
struct no_storage {
  static constexpr int bits = 8;
};
static_assert(!ScalarFormat<signed_storage>);
static_assert(!ScalarFormat<too_many_bits>);
static_assert(!ScalarFormat<throwing_encode>);
static_assert(!ScalarFormat<double_decode>);
static_assert(!ScalarFormat<wide_encode>);
static_assert(!ScalarFormat<no_storage>);
static_assert(!ScalarFormat<float>);

// fp8_block's element and scale requirements.
static_assert(Fp8ElementFormat<fp8_e4m3> && Fp8ElementFormat<fp8_e5m2>);
static_assert(!Fp8ElementFormat<fp8_e4m3_nosat> && !Fp8ElementFormat<fp8_e5m2_nosat>);
static_assert(!Fp8ElementFormat<fp16> && !Fp8ElementFormat<ue8m0> && !Fp8ElementFormat<fp32>);
static_assert(BlockScaleFormat<fp32> && BlockScaleFormat<fp16> && BlockScaleFormat<bf16>);
static_assert(BlockScaleFormat<ue8m0>);
static_assert(!BlockScaleFormat<signed_storage>);
struct eight_bit_no_max {
  using storage = std::uint8_t;
  static constexpr int bits = 8;
  static constexpr storage encode(float) noexcept { return 0; }
  static constexpr float decode(storage) noexcept { return 0; }
};
static_assert(ScalarFormat<eight_bit_no_max> && !BlockScaleFormat<eight_bit_no_max>);

template <class F, std::size_t B, class S>
concept Instantiable = requires {
  typename fp8_block<F, B, S>;
};
static_assert(Instantiable<fp8_e4m3, 64, ue8m0>);
static_assert(Instantiable<fp8_e5m2, 1, fp16>);
static_assert(!Instantiable<fp8_e4m3_nosat, 64, ue8m0>);
static_assert(!Instantiable<fp8_e4m3, 0, ue8m0>);
static_assert(!Instantiable<fp8_e4m3, 64, eight_bit_no_max>);
static_assert(!Instantiable<fp16, 64, ue8m0>);

// --- fp32 -------------------------------------------------------------------------------
static_assert(fp32::encode(1.0f) == 0x3F80'0000u);
static_assert(fp32::encode(-0.0f) == 0x8000'0000u);
static_assert(fp32::decode(0x4049'0FDBu) == 3.14159274f);

// --- fp16 -------------------------------------------------------------------------------
static_assert(fp16::encode(1.0f) == 0x3C00);
static_assert(fp16::encode(-2.0f) == 0xC000);
static_assert(fp16::encode(65504.0f) == 0x7BFF);
static_assert(fp16::encode(65519.996f) == 0x7BFF); // just below max + half ulp
static_assert(fp16::encode(65520.0f) == 0x7C00);   // the tie goes to the even "2^16": Inf
static_assert(fp16::encode(0x1p-24f) == 0x0001);   // smallest subnormal
static_assert(fp16::encode(0x1p-25f) == 0x0000);   // tie with 0 goes to even 0
static_assert(fp16::encode(0x1.000002p-25f) == 0x0001);
static_assert(fp16::encode(-0.0f) == 0x8000);
static_assert(fp16::encode(1.0f + 0x1p-11f) == 0x3C00);     // tie to even
static_assert(fp16::encode(1.0f + 3 * 0x1p-11f) == 0x3C02); // tie to even, up
static_assert(fp16::encode(__builtin_inff()) == 0x7C00);
static_assert(fp16::encode(-__builtin_nanf("")) == 0xFE00);
static_assert(fp16::decode(0x3555) == 0x1.554p-2f);
static_assert(fp16::decode(0x0001) == 0x1p-24f);
static_assert(fp16::decode(0x03FF) == 0x1.FF8p-15f);
static_assert(fp16::decode(0xFBFF) == -65504.0f);

// --- bf16 -------------------------------------------------------------------------------
static_assert(bf16::encode(1.0f) == 0x3F80);
static_assert(bf16::encode(1.0f + 0x1p-8f) == 0x3F80);     // tie to even
static_assert(bf16::encode(1.0f + 3 * 0x1p-8f) == 0x3F82); // tie to even, up
static_assert(bf16::encode(0x1.FFFFFEp127f) == 0x7F80);    // overflow to +Inf
static_assert(bf16::encode(0x1.FEFFFEp127f) == 0x7F7F);    // below max + half ulp
static_assert(bf16::encode(__builtin_nanf("")) == 0x7FC0);
static_assert(bf16::decode(0x4049) == 3.140625f);
static_assert(bf16::decode(0x0001) == 0x1p-133f);

// --- fp8 e4m3 ---------------------------------------------------------------------------
static_assert(fp8_e4m3::encode(1.0f) == 0x38);
static_assert(fp8_e4m3::encode(448.0f) == 0x7E);
static_assert(fp8_e4m3::encode(464.0f) == 0x7E);     // the tie 448|480 goes to even 448
static_assert(fp8_e4m3::encode(464.00003f) == 0x7E); // saturates
static_assert(fp8_e4m3_nosat::encode(464.0f) == 0x7E);
static_assert(fp8_e4m3_nosat::encode(464.00003f) == 0x7F);
static_assert(fp8_e4m3_nosat::encode(-1e30f) == 0xFF);
static_assert(fp8_e4m3::encode(-__builtin_inff()) == 0xFE);
static_assert(fp8_e4m3::encode(__builtin_nanf("")) == 0x7F);
static_assert(fp8_e4m3::encode(-__builtin_nanf("")) == 0xFF);
static_assert(fp8_e4m3::encode(0x1p-9f) == 0x01);
static_assert(fp8_e4m3::encode(0x1p-10f) == 0x00); // tie with 0
static_assert(fp8_e4m3::encode(0x3p-10f) == 0x02); // tie 1|2 subnormal steps goes to 2
static_assert(fp8_e4m3::encode(-0.0f) == 0x80);
static_assert(fp8_e4m3::decode(0x7E) == 448.0f);
static_assert(fp8_e4m3::decode(0x01) == 0x1p-9f);
static_assert(fp8_e4m3::decode(0x08) == 0x1p-6f);
static_assert(fp8_e4m3::decode(0xB5) == -0.8125f);
static_assert(fp8_e4m3::decode(0x7F) != fp8_e4m3::decode(0x7F)); // NaN

// --- fp8 e5m2 ---------------------------------------------------------------------------
static_assert(fp8_e5m2::encode(1.0f) == 0x3C);
static_assert(fp8_e5m2::encode(57344.0f) == 0x7B);
static_assert(fp8_e5m2::encode(61439.996f) == 0x7B);
static_assert(fp8_e5m2_nosat::encode(61439.996f) == 0x7B);
static_assert(fp8_e5m2_nosat::encode(61440.0f) == 0x7C); // the tie goes to even: overflow
static_assert(fp8_e5m2::encode(61440.0f) == 0x7B);
static_assert(fp8_e5m2_nosat::encode(-__builtin_inff()) == 0xFC);
static_assert(fp8_e5m2::encode(__builtin_inff()) == 0x7B);
static_assert(fp8_e5m2::encode(-__builtin_nanf("")) == 0xFF);
static_assert(fp8_e5m2::encode(0x1p-16f) == 0x01);
static_assert(fp8_e5m2::decode(0x7B) == 57344.0f);
static_assert(fp8_e5m2::decode(0xFC) == -__builtin_inff());
static_assert(fp8_e5m2::decode(0x01) == 0x1p-16f);

// --- ue8m0 ------------------------------------------------------------------------------
static_assert(ue8m0::encode(1.0f) == 127);
static_assert(ue8m0::encode(1.0000001f) == 128); // rounds up
static_assert(ue8m0::encode(0.75f) == 127);
static_assert(ue8m0::encode(0x1p127f) == 254);
static_assert(ue8m0::encode(0x1p-127f) == 0);
static_assert(ue8m0::encode(0x1.000004p-127f) == 1); // just above 2^-127 (subnormal)
static_assert(ue8m0::encode(0.0f) == 0 && ue8m0::encode(-1.0f) == 0);
static_assert(ue8m0::encode(__builtin_inff()) == 254);
static_assert(ue8m0::encode(__builtin_nanf("")) == 255);
static_assert(ue8m0::decode(0) == 0x1p-127f);
static_assert(ue8m0::decode(127) == 1.0f);
static_assert(ue8m0::decode(254) == 0x1p127f);

// --- fp8_block in constexpr -------------------------------------------------------------
using dsv4_block = fp8_block<fp8_e4m3, 64, ue8m0>;
static_assert(dsv4_block::bits == 64 * 8 + 8);
static_assert(fp8_block<fp8_e5m2, 32, fp32>::bits == 32 * 8 + 32);
static_assert(fp8_block<fp8_e4m3, 128, bf16>::bits == 128 * 8 + 16);

constexpr bool block_round_trip() {
  std::array<float, 4> x{3.0f, -1.5f, 0.0f, 1e-3f};
  std::array<std::uint8_t, 4> codes{};
  std::array<float, 4> y{};
  std::uint8_t s = 0;
  fp8_block<fp8_e4m3, 4, ue8m0>::quantise(x, s, codes);
  fp8_block<fp8_e4m3, 4, ue8m0>::dequantise(s, codes, y);
  // amax 3, 3/448 -> 2^-7 (code 120); 3 * 2^7 = 384 = 0x7C; -1.5 * 2^7 = -192 = 0xF4.
  return s == 120 && codes[0] == 0x7C && codes[1] == 0xF4 && codes[2] == 0 && y[0] == 3.0f &&
         y[1] == -1.5f && y[2] == 0.0f && y[3] == 0x1p-10f; // 0.128 rounds to 0.125
}
static_assert(block_round_trip());

constexpr bool zero_block_is_zero() {
  std::array<float, 3> x{0.0f, -0.0f, 0.0f};
  std::array<std::uint8_t, 3> codes{1, 2, 3};
  std::array<float, 3> y{1, 1, 1};
  std::uint16_t s = 1;
  fp8_block<fp8_e5m2, 3, fp16>::quantise(x, s, codes);
  fp8_block<fp8_e5m2, 3, fp16>::dequantise(s, codes, y);
  return s == 0 && codes[0] == 0 && codes[1] == 0 && codes[2] == 0 && y[0] == 0.0f &&
         y[1] == 0.0f && y[2] == 0.0f;
}
static_assert(zero_block_is_zero());
} // namespace

int main() { return 0; }

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compile-time checks of codec composition: the stage and quantiser concepts accept the
// library's components and reject malformed ones; preset budgets are constexpr.
#include <span>
#include <type_traits>

#include "kakeya/codec/presets.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {
using namespace kakeya;

// Stages
static_assert(GainStage<unit_norm, 128> && GainStage<absmax, 128> && GainStage<pow2_scale, 64>);
static_assert(CodecStage<hadamard<128>, 128>);
static_assert(!CodecStage<hadamard<64>, 128>); // a rotation of the wrong dimension
static_assert(CodecStage<randomized_hadamard<128>, 128>);
static_assert(GainRefinement<refine_gain> && CodecStage<refine_gain, 128>);
static_assert(!GainStage<hadamard<128>, 128>);
struct throwing_gain {
  template <std::size_t D> float normalise(std::span<float, D>) const { return 1.0f; } // not noexcept
};
static_assert(!GainStage<throwing_gain, 8>);
struct int_gain {
  template <std::size_t D> int normalise(std::span<float, D>) const noexcept { return 1; }
};
static_assert(!GainStage<int_gain, 8>);

// Block quantisers
static_assert(BlockQuantiser<lattice_block<truncated<e8>>>);
static_assert(BlockQuantiser<lattice_block<truncated<d4, 38>>>);
static_assert(BlockQuantiser<scalar_block<lloyd_max>>);
static_assert(BlockQuantiser<fp8_blocks<fp8_block<fp8_e4m3, 64, ue8m0>>>);
struct no_reconstruct {
  static constexpr std::size_t block = 4, max_bits = 8;
  std::size_t bits() const noexcept { return 8; }
  void encode(std::span<const float, 4>, bit_writer&) const noexcept {}
  void decode(bit_reader&, std::span<float, 4>) const noexcept {}
};
static_assert(!BlockQuantiser<no_reconstruct>);
struct with_reconstruct : no_reconstruct {
  void reconstruct(std::span<const float, 4>, std::span<float, 4>) const noexcept {}
};
static_assert(BlockQuantiser<with_reconstruct>);

// Codecs: a user composition and the presets
using my_codec = codec<256, lattice_block<truncated<d8, 20>>, randomized_hadamard<256>, absmax, refine_gain>;
static_assert(Codec<my_codec>);
static_assert(my_codec{}.bits_per_vector() == 32 + 32 * bits_for_count(d8::box_count(20)));
static_assert(Codec<kakeya_e8<512>> && Codec<fp8_codec<512>> && Codec<lloyd_max_codec<128>>);
static_assert(kakeya_e8<128, 38>{}.bits_per_vector() == 848);
static_assert(kakeya_e8<128, 10>{}.bits_per_vector() == 592);
static_assert(kakeya_d4<128, 38>{}.bits_per_vector() == 832);
static_assert(kakeya_d4<512, 38>{}.bits_per_vector() == 3232);
static_assert(kakeya_e8<512, 38>{}.bits_per_vector() == 3296);
static_assert(fp8_codec<512>{}.bits_per_vector() == 4224);
static_assert(fp8_codec<512, fp8_e4m3, 64, ue8m0>{}.bits_per_vector() == 512 * 8 + 8 * 8);
static_assert(!kakeya_e8<128, 38>::has_gain || kakeya_e8<128, 38>::gain_bits == 32);
static_assert(!fp8_codec<128>::has_gain);
static_assert(!Codec<int>);

// Voronoi codes (voronoi_block.hpp, rms_scale.hpp, presets e8v / d4v)
static_assert(VoronoiLattice<e8> && VoronoiLattice<d4> && VoronoiLattice<z8> && VoronoiLattice<dn<6>>);
static_assert(!VoronoiLattice<int>);
static_assert(BlockQuantiser<voronoi_block<e8>> && BlockQuantiser<voronoi_block<d4, 2>>);
static_assert(voronoi_block<e8>::block == 8 && voronoi_block<d4, 2>::block == 8);
static_assert(voronoi_block<e8>::max_bits <= 128 && voronoi_block<d4, 2>::max_bits <= 128);
static_assert(std::is_trivially_copyable_v<voronoi_block<e8>>);
static_assert(GainStage<rms_scale<voronoi_gain>, 128> && ScalarFormat<ue8m<2>> && ScalarFormat<ue8m<0>>);
static_assert(Codec<voronoi_e8<128>> && Codec<voronoi_d4<1024>>);
static_assert(voronoi_e8<128>::gain_bits == 11 && voronoi_d4<64>::gain_bits == 11);
// the scale profile is coded over up to 16 scale blocks (128 values)
static_assert(voronoi_e8<128>::quantiser_type::scales == 16 && voronoi_e8<1024>::quantiser_type::block == 512 && voronoi_e8<512>::quantiser_type::scales == 64);
static_assert(voronoi_e8<16>::quantiser_type::scales == 2 && voronoi_d4<64>::quantiser_type::scales == 8);
static_assert(std::is_trivially_copyable_v<voronoi_block<e8, 1, 16>> && std::is_trivially_copyable_v<voronoi_block<e8, 1, 64>>);
static_assert(ue8m<2>::encode(1.0f) == 127u << 2 && ue8m<2>::decode(ue8m<2>::encode(1.25f)) == 1.25f);
static_assert(ue8m<2>::decode(ue8m<2>::encode(1.125f)) == 1.0f);  // tie -> even mantissa
static_assert(ue8m<2>::decode(ue8m<2>::encode(1.375f)) == 1.5f);  // tie -> even mantissa

// Ball codes (lattice/ball.hpp, codec/ball_block.hpp, preset e8b): the views the CUDA backend
// copies into kernels are trivially copyable; the owning block is a BlockQuantiser too.
static_assert(BallLattice<e8> && BallLattice<d4> && BallLattice<dn<8>> && BallLattice<zn<4>>);
static_assert(!BallLattice<zn<3>> && !BallLattice<dn<3>> && !BallLattice<int>); // empty shells below 4 dims
static_assert(BlockQuantiser<ball_block<e8, 16>> && BlockQuantiser<ball_block_ref<e8, 64>>);
static_assert(std::is_trivially_copyable_v<ball_block_ref<e8, 64>> && std::is_trivially_copyable_v<ball_code_view<e8>>);
static_assert(std::is_trivially_copyable_v<shell_view<d4>>);
static_assert(Codec<ball_e8<128>> && Codec<ball_e8<1024>>);
static_assert(ball_e8<128>::quantiser_type::block == 128 && ball_e8<512>::quantiser_type::block == 512 &&
              ball_e8<1024>::quantiser_type::block == 512 && ball_e8<64>::quantiser_type::block == 64);
static_assert(ball_e8<128>::gain_bits == 13);
} // namespace

int main() { return 0; }

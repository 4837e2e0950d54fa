// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The program of docs/tutorial.md: every code block of the tutorial is a piece of this file
// (test doc_snippets checks it), and CI builds and runs it.
#include <cstdio>
#include <span>
#include <vector>

#include <kakeya/backend/scalar.hpp>
#include <kakeya/codec/any_codec.hpp>
#include <kakeya/codec/blocks.hpp>
#include <kakeya/codec/codec.hpp>
#include <kakeya/codec/presets.hpp>
#include <kakeya/core/random.hpp>
#include <kakeya/lattice/dn.hpp>
#include <kakeya/lattice/e8.hpp>
#include <kakeya/lattice/truncated.hpp>
#include <kakeya/metrics/harness.hpp>
#include <kakeya/metrics/rel_mse.hpp>
#include <kakeya/scale/absmax.hpp>
#include <kakeya/scale/gain_format.hpp>
#include <kakeya/scale/pow2_scale.hpp>
#include <kakeya/scale/refine_gain.hpp>
#include <kakeya/transform/hadamard.hpp>
#include <kakeya/transform/sign_flip.hpp>

using namespace kakeya;

// Step 3: a codec is a type.
constexpr std::size_t D = 128;
using my_e8 = codec<D,                                // 128 floats per vector
                    lattice_block<truncated<e8, 38>>, // E8 ∩ [-38, 38]^8 per 8 values
                    pow2_scale,                       // divide by a power of two (exact)
                    hadamard<D>,                      // rotate: spread outliers over all values
                    absmax,                           // divide by the largest magnitude
                    refine_gain>;                     // least-squares gain, 2 passes
static_assert(my_e8{}.bits_per_vector() == 32 + 16 * 51); // one fp32 gain, 16 indices of 51 bits
static_assert(my_e8{}.bytes_per_vector() == 106);

// Step 4: change a stage, get another codec.
using my_d4 = codec<D,
                    lattice_block<truncated<d4, 20>>, // D4 ∩ [-20, 20]^4 per 4 values
                    randomized_hadamard<D>,           // seeded random signs, then Hadamard
                    absmax, refine_gain,
                    gain_as<bf16>>;                   // the gain in 16 bits
static_assert(my_d4{}.bits_per_vector() == 16 + 32 * 21); // 21-bit D4 indices

int main() {
  // Step 2: data, a preset codec, encode, decode, measure.
  const std::size_t n = 1000;
  std::vector<float> x(n * D), y(n * D);
  random_stream rng(42);
  for (float& v : x) v = static_cast<float>(rng.laplace());

  auto preset = make_kakeya<D, e8>(38);
  std::vector<std::uint8_t> codes(n * preset.bytes_per_vector());
  encode(cpu, preset, x, codes); // n * 106 bytes
  decode(cpu, preset, codes, y);
  quality q = measure_quality(x, y, n, D);
  std::printf("preset: %zu bits, rel-MSE %.3e, cosine %.6f\n", preset.bits_per_vector(),
              q.rel_mse, q.cosine);

  // Step 3: the static composition gives the same bytes as the preset.
  my_e8 mine;
  std::vector<std::uint8_t> my_codes(n * mine.bytes_per_vector());
  encode(cpu, mine, x, my_codes);
  const bool same = my_codes == codes;
  std::printf("my_e8 codes %s the preset's\n", same ? "equal" : "DIFFER FROM");

  // Step 4: build the variant (the randomised rotation takes its seed at run time).
  my_d4 variant(lattice_block<truncated<d4, 20>>{}, randomized_hadamard<D>{0x5eed}, absmax{},
                refine_gain{2}, gain_as<bf16>{});

  // Step 5: measure them side by side, with presets by spec string.
  std::vector<codec_report> rows = {
      measure_codec("my_e8", mine, x),
      measure_codec("my_d4 (bf16 gain)", variant, x),
      measure_codec(any_codec::make("lloyd-max:bits=5", D), x),
      measure_codec(any_codec::make("fp8:block=64", D), x),
  };
  print_reports(stdout, rows);

  // Step 6: the lattice on its own.
  const float v[8] = {0.9f, -2.2f, 0.4f, 1.6f, -0.3f, 0.2f, 3.1f, -0.6f};
  float p[8];
  e8::closest_point(std::span<const float, 8>(v), std::span<float, 8>(p));
  truncated<e8> box(4); // E8 ∩ [-4, 4]^8: 29 911 969 points
  const uint128 index = box.to_index(std::span<const float, 8>(p));
  std::printf("closest E8 point: (%g %g %g %g %g %g %g %g), index %llu of %d bits\n", p[0], p[1],
              p[2], p[3], p[4], p[5], p[6], p[7], static_cast<unsigned long long>(index),
              box.index_bits());

  return same && q.rel_mse < 1e-3 && rows[1].distortion.rel_mse < 1e-2 ? 0 : 1;
}

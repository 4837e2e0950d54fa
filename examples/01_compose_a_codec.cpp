// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compose a codec from the library's stages, then use it: a randomised Hadamard rotation,
// max scaling with a least-squares gain refinement, D8 blocks in the box [-20, 20]^8, and the
// per-vector gain stored as bf16. Its size is known at compile time.
#include <cstdio>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/codec.hpp"
#include "kakeya/codec/blocks.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/truncated.hpp"
#include "kakeya/metrics/rel_mse.hpp"
#include "kakeya/scale/absmax.hpp"
#include "kakeya/scale/gain_format.hpp"
#include "kakeya/scale/refine_gain.hpp"
#include "kakeya/transform/sign_flip.hpp"

using namespace kakeya;

constexpr std::size_t D = 256;
using my_codec = codec<D,                                  // vectors of 256 floats
                       lattice_block<truncated<d8, 20>>,   // D8 ∩ [-20, 20]^8 per 8 values
                       randomized_hadamard<D>,             // x <- H diag(s) x / 16
                       absmax,                             // divide by max |x_i|
                       refine_gain,                        // least-squares gain, 2 passes
                       gain_as<bf16>>;                     // the gain in 16 bits

static_assert(my_codec{}.bits_per_vector() == 16 + 32 * 42); // |D8 ∩ box| = (41^8 + 1) / 2: 42 bits
static_assert(my_codec{}.bytes_per_vector() == 170);

int main() {
  my_codec c(lattice_block<truncated<d8, 20>>{}, randomized_hadamard<D>{0x5eed}, absmax{},
             refine_gain{2}, gain_as<bf16>{});
  const std::size_t n = 1000;
  std::vector<float> x(n * D), y(n * D);
  random_stream rng(1);
  for (auto& v : x) v = static_cast<float>(rng.laplace());

  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  encode(cpu, c, x, codes);
  decode(cpu, c, codes, y);
  quality q = measure_quality(x, y, n, D);
  std::printf("codec: randomised Hadamard + absmax + D8 q=20 + bf16 gain, D = %zu\n", D);
  std::printf("%zu bits per vector (%.3f bits per value), %zu bytes\n", c.bits_per_vector(),
              double(c.bits_per_vector()) / D, c.bytes_per_vector());
  std::printf("rel-MSE %.3e, mean cosine %.6f, SNR %.2f dB on %zu Laplace vectors\n", q.rel_mse,
              q.cosine, q.snr_db, n);
  return q.rel_mse < 1e-2 ? 0 : 1;
}

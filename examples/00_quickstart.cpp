// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The README's example, verbatim (test doc_snippets checks that it stays so).
#include <cstdio>
#include <vector>

#include <kakeya/backend/scalar.hpp>
#include <kakeya/codec/presets.hpp>
#include <kakeya/core/random.hpp>
#include <kakeya/metrics/rel_mse.hpp>

int main() {
  constexpr std::size_t n = 1000, dim = 128;                  // 1000 vectors of 128 floats
  std::vector<float> x(n * dim), y(n * dim);
  kakeya::random_stream rng(1);
  for (float& v : x) v = static_cast<float>(rng.gaussian());

  auto codec = kakeya::make_kakeya<dim, kakeya::e8>(/*q=*/38); // Hadamard + E8 blocks
  std::vector<std::uint8_t> codes(n * codec.bytes_per_vector()); // 106 bytes per vector
  kakeya::encode(kakeya::cpu, codec, x, codes);
  kakeya::decode(kakeya::cpu, codec, codes, y);

  double rel_mse = kakeya::measure_quality(x, y, n, dim).rel_mse;
  std::printf("%zu bits per vector, rel-MSE %.2e\n", codec.bits_per_vector(), rel_mse);
  return rel_mse < 1e-3 ? 0 : 1;
}

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// A program outside the library, built against an installed or embedded kakeyalattice three
// ways (pkg-config, CMake, meson subproject) by scripts/downstream.sh. It uses the headers
// (a typed preset, the scalar backend, the metrics), the compiled library (any_codec) and the
// generated version header, and fails when any of them disagree.
#include <cstdio>
#include <cstring>
#include <vector>

#include <kakeya/backend/scalar.hpp>
#include <kakeya/codec/any_codec.hpp>
#include <kakeya/codec/presets.hpp>
#include <kakeya/core/random.hpp>
#include <kakeya/metrics/rel_mse.hpp>
#include <kakeya/version.hpp>

static_assert(KAKEYA_VERSION == KAKEYA_VERSION_MAJOR * 10000 + KAKEYA_VERSION_MINOR * 100 +
                                    KAKEYA_VERSION_PATCH);

int main() {
  constexpr std::size_t dim = 128, n = 64;
  std::vector<float> x(n * dim), y(n * dim);
  kakeya::random_stream rng(7);
  for (auto& v : x) v = static_cast<float>(rng.gaussian());

  // The compiled preset (libkakeyalattice) and the same codec instantiated here (headers).
  auto any = kakeya::any_codec::make("e8:q=38", dim);
  auto typed = kakeya::make_kakeya<dim, kakeya::e8>(38);
  std::vector<std::uint8_t> a(n * any.bytes_per_vector()), b(n * typed.bytes_per_vector());
  any.encode(x, a);
  kakeya::encode(kakeya::cpu, typed, x, b);
  any.decode(a, y);
  const double rel_mse = kakeya::measure_quality(x, y, n, dim).rel_mse;

  const bool same = a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
  std::printf("kakeyalattice %s: %s, %zu bits per vector, rel-MSE %.3e, library and header "
              "codes %s\n",
              KAKEYA_VERSION_STRING, any.spec().c_str(), any.bits_per_vector(), rel_mse,
              same ? "identical" : "DIFFER");
  return same && rel_mse > 0 && rel_mse < 2e-3 ? 0 : 1;
}

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file harness.hpp
/// A small benchmark harness for codecs: rate (bits), distortion (rel-MSE, cosine, SNR) and
/// speed of any type that models `kakeya::Codec` — the library's presets, a codec composed
/// from its stages, or a quantiser of your own — and of run-time `any_codec`s, on data you
/// supply, printed as one Markdown table.
///
///   std::vector<kakeya::codec_report> rows;
///   rows.push_back(kakeya::measure_codec("mine", my_codec, x));
///   rows.push_back(kakeya::measure_codec(kakeya::any_codec::make("e8:q=10", 128), x));
///   kakeya::print_reports(stdout, rows);
///
/// Speed is the fastest of several timed repetitions (at least `min_seconds` in all), in
/// vectors per second on the calling thread (scalar backend) unless a backend tag is passed.
/// Distortion is measured on what decode(encode(x)) returns, so a codec whose decode does not
/// invert its encode shows it.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/metrics/rel_mse.hpp"

namespace kakeya {

/// One row of a comparison: a codec's rate, distortion and speed on one data set.
struct codec_report {
  std::string name;                  ///< as given, or the any_codec's spec
  std::size_t dim = 0;               ///< values per vector
  std::size_t vectors = 0;           ///< vectors measured
  std::size_t bits_per_vector = 0;   ///< the codec's exact budget
  std::size_t bytes_per_vector = 0;  ///< bytes of one code
  double bits_per_value = 0;         ///< bits_per_vector / dim
  quality distortion;                ///< rel_mse, cosine, snr_db, max_abs_error (rel_mse.hpp)
  double encode_vectors_per_s = 0;   ///< fastest repetition
  double decode_vectors_per_s = 0;   ///< fastest repetition
};

/// How long to time each operation.
struct harness_options {
  double min_seconds = 0.05; ///< keep repeating until this much time is spent per operation
  int min_repeats = 1;       ///< at least this many repetitions
  int max_repeats = 100;     ///< at most this many repetitions
};

namespace detail {
/// Vectors per second of the fastest repetition of f() on n vectors.
template <class F>
double best_rate(std::size_t n, const harness_options& o, F&& f) {
  using clock = std::chrono::steady_clock;
  double best = 0, total = 0;
  for (int r = 0; r < std::max(o.max_repeats, 1); ++r) {
    const auto t0 = clock::now();
    f();
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    total += s;
    if (s > 0) best = std::max(best, static_cast<double>(n) / s);
    if (r + 1 >= o.min_repeats && total >= o.min_seconds) break;
  }
  return best;
}
} // namespace detail

/// Measures a typed codec on `x` (n * C::dim finite floats) with the backend `tag` (kakeya::cpu,
/// or kakeya::simd when backend/simd.hpp is included).
/// @throws kakeya::error errc::invalid_dimension when x is not whole vectors, and whatever the
/// backend throws (non-finite input)
template <Codec C, class Backend = cpu_t>
codec_report measure_codec(std::string name, const C& c, std::span<const float> x,
                           harness_options o = {}, Backend tag = {}) {
  require(x.size() % C::dim == 0 && !x.empty(), errc::invalid_dimension,
          "measure_codec: " + std::to_string(x.size()) + " values are not whole vectors of " +
              std::to_string(C::dim));
  const std::size_t n = x.size() / C::dim;
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  std::vector<float> y(x.size());
  codec_report r;
  r.name = std::move(name);
  r.dim = C::dim;
  r.vectors = n;
  r.bits_per_vector = c.bits_per_vector();
  r.bytes_per_vector = c.bytes_per_vector();
  r.bits_per_value = static_cast<double>(r.bits_per_vector) / static_cast<double>(C::dim);
  r.encode_vectors_per_s = detail::best_rate(n, o, [&] {
    std::fill(codes.begin(), codes.end(), std::uint8_t{0});
    encode(tag, c, x, std::span<std::uint8_t>(codes));
  });
  r.decode_vectors_per_s = detail::best_rate(
      n, o, [&] { decode(tag, c, std::span<const std::uint8_t>(codes), std::span<float>(y)); });
  r.distortion = measure_quality(x, y, n, C::dim);
  return r;
}

/// Measures a run-time codec on `x` (n * c.dim() finite floats) on backend `b`; the row is
/// named by the codec's spec.
inline codec_report measure_codec(const any_codec& c, std::span<const float> x,
                                  backend b = backend::scalar, harness_options o = {}) {
  require(x.size() % c.dim() == 0 && !x.empty(), errc::invalid_dimension,
          "measure_codec: " + std::to_string(x.size()) + " values are not whole vectors of " +
              std::to_string(c.dim()));
  const std::size_t n = x.size() / c.dim();
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  std::vector<float> y(x.size());
  codec_report r;
  r.name = c.spec();
  r.dim = c.dim();
  r.vectors = n;
  r.bits_per_vector = c.bits_per_vector();
  r.bytes_per_vector = c.bytes_per_vector();
  r.bits_per_value = static_cast<double>(r.bits_per_vector) / static_cast<double>(c.dim());
  r.encode_vectors_per_s = detail::best_rate(n, o, [&] { c.encode(x, codes, b); });
  r.decode_vectors_per_s = detail::best_rate(n, o, [&] { c.decode(codes, y, b); });
  r.distortion = measure_quality(x, y, n, c.dim());
  return r;
}

/// Prints the reports as a Markdown table, one row each, in the given order.
inline void print_reports(std::FILE* out, std::span<const codec_report> rows) {
  std::fprintf(out, "| codec | bits/vector | bits/value | rel-MSE | cosine | SNR dB | "
                    "encode vec/s | decode vec/s |\n");
  std::fprintf(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const codec_report& r : rows)
    std::fprintf(out, "| %s | %zu | %.3f | %.3e | %.5f | %.2f | %.3g | %.3g |\n", r.name.c_str(),
                 r.bits_per_vector, r.bits_per_value, r.distortion.rel_mse, r.distortion.cosine,
                 r.distortion.snr_db, r.encode_vectors_per_s, r.decode_vectors_per_s);
}

} // namespace kakeya

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "evaluate.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/metrics/rel_mse.hpp"
#include "model.hpp"
#include "v4_cache.hpp"

namespace dsv4 {

std::vector<std::string> table_specs(const std::vector<int>& q_values) {
  std::vector<std::string> s = {std::string(v4_cache_spec), "fp8:block=64",
                                "fp8:block=64,scale=ue8m0"};
  for (int q : q_values) {
    s.push_back("e8:q=" + std::to_string(q));
    s.push_back("d4:q=" + std::to_string(q));
    s.push_back("z:q=" + std::to_string(q));
  }
  for (int bits : {3, 4, 5}) s.push_back("lloyd-max:bits=" + std::to_string(bits));
  // E8 ball codes (docs/components/ball.md): 44 % and 61.8 % of V4's cache bits.
  for (const char* ball : {"e8b:rate=4", "e8b:rate=5.6"}) s.push_back(ball);
  return s;
}

namespace {

std::size_t worker_count(std::size_t rows) {
  return std::max<std::size_t>(1, std::min<std::size_t>(std::thread::hardware_concurrency(), rows));
}

void roundtrip(const kakeya::any_codec& c, std::span<const float> x, std::span<float> out,
               std::size_t rows, kakeya::backend b) {
  if (b != kakeya::backend::scalar) {
    c.roundtrip(x, out, b); // the SIMD and CUDA backends spread the work themselves
    return;
  }
  const std::size_t parts = worker_count(rows);
  parallel_for(parts, [&](std::size_t p) {
    const std::size_t r0 = rows * p / parts, r1 = rows * (p + 1) / parts;
    c.roundtrip(x.subspan(r0 * head_dim, (r1 - r0) * head_dim),
                out.subspan(r0 * head_dim, (r1 - r0) * head_dim), b);
  });
}

} // namespace

codec_result evaluate_codec(const std::string& spec, std::span<const float> x, std::size_t rows,
                            kakeya::backend b) {
  if (x.size() != rows * head_dim) throw std::invalid_argument("evaluate_codec: size mismatch");
  std::vector<float> out(x.size());
  codec_result r;
  if (spec == v4_cache_spec) {
    r.codec = spec;
    r.bits_per_vector = v4_cache_bits;
    r.bytes_per_vector = v4_cache_bytes;
    const std::size_t parts = worker_count(rows);
    parallel_for(parts, [&](std::size_t p) {
      const std::size_t r0 = rows * p / parts, r1 = rows * (p + 1) / parts;
      v4_cache_roundtrip(x.subspan(r0 * head_dim, (r1 - r0) * head_dim),
                         std::span<float>(out).subspan(r0 * head_dim, (r1 - r0) * head_dim));
    });
  } else {
    const auto c = kakeya::any_codec::make(spec, head_dim);
    r.codec = c.spec();
    r.bits_per_vector = c.bits_per_vector();
    r.bytes_per_vector = c.bytes_per_vector();
    roundtrip(c, x, out, rows, b);
  }
  const auto q = kakeya::measure_quality(x, out, rows, head_dim);
  r.rel_mse = q.rel_mse;
  r.cosine = q.cosine;
  return r;
}

std::vector<codec_result> e8_sweep(std::span<const float> x, std::size_t rows, kakeya::backend b,
                                   int q_max, const std::function<void(int)>& progress) {
  std::vector<codec_result> out;
  for (int q = 1; q <= q_max; ++q) {
    out.push_back(evaluate_codec("e8:q=" + std::to_string(q), x, rows, b));
    if (progress) progress(q);
  }
  return out;
}

stream_weights weights_by_layers() {
  return {{double(layers_window_only), double(layers_csa), double(layers_hca)},
          "by layers (2 + 21 + 20)"};
}

stream_weights weights_by_study_layers() {
  return {{double(study_layers_window_only), double(study_layers_csa), double(study_layers_hca)},
          "by layers, study's counts (3 + 20 + 20)"};
}

stream_weights weights_by_bytes(std::size_t context) {
  const double win = double(layers_total) * double(std::min(context, window));
  return {{win, double(layers_csa) * double(context / csa_ratio),
           double(layers_hca) * double(context / hca_ratio)},
          "by bytes at context " + std::to_string(context)};
}

double weighted_mean(const stream_weights& w, const std::array<double, stream_count>& v) {
  double num = 0, den = 0;
  for (int s = 0; s < stream_count; ++s) {
    num += w.w[s] * v[s];
    den += w.w[s];
  }
  return num / den;
}

double weighted_compression(const stream_weights& w, const std::array<double, stream_count>& bits,
                            double ref_bits) {
  double num = 0, den = 0;
  for (int s = 0; s < stream_count; ++s) {
    num += w.w[s] * ref_bits;
    den += w.w[s] * bits[s];
  }
  return num / den;
}

} // namespace dsv4

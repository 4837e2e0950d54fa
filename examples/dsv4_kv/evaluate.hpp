// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file evaluate.hpp
/// Codecs on a stream: the table rows (spec strings through kakeya::any_codec, plus the V4
/// cache baseline), the e8 q sweep, and the 43-layer weighting.

#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "config.hpp"
#include "kakeya/backend/backend.hpp"

namespace dsv4 {

/// One codec on one stream. rel_mse = ‖X − X̂‖²_F / ‖X − mean X‖²_F and cosine = mean row cosine
/// (kakeya::measure_quality).
struct codec_result {
  std::string codec;
  std::size_t bits_per_vector = 0;
  std::size_t bytes_per_vector = 0;
  double rel_mse = 0;
  double cosine = 0;
};

/// The table's rows, in order: v4-cache, fp8:block=64, fp8:block=64,scale=ue8m0, then for each
/// q: e8:q, d4:q, z:q (the cube ablation), then lloyd-max:bits=3..5.
std::vector<std::string> table_specs(const std::vector<int>& q_values);

/// Round-trips rows·512 floats through `spec` ("v4-cache" or a library spec) and measures it.
/// The table uses the round trip (no bitstream), bit-identical to decode(encode(x)). With the
/// scalar backend the rows are split over the cores (each vector is coded independently, so
/// the result does not depend on the split).
codec_result evaluate_codec(const std::string& spec, std::span<const float> x, std::size_t rows,
                            kakeya::backend b);

/// e8:q for q = 1..q_max (every q), rel-MSE on the stream. `progress(q)` is called after each q.
std::vector<codec_result> e8_sweep(std::span<const float> x, std::size_t rows, kakeya::backend b,
                                   int q_max, const std::function<void(int)>& progress);

/// Weights of the three streams in a 43-layer figure.
struct stream_weights {
  std::array<double, stream_count> w{};
  std::string label;
};
/// By layers: 2 window-only, 21 ratio-4, 20 ratio-128 layers (config.hpp).
stream_weights weights_by_layers();
/// The study's layer counts 3 + 20 + 20, for comparison.
stream_weights weights_by_study_layers();
/// By bytes at context length `context`: the cache entries of each kind over the 43 layers,
/// 43·min(context, 128) sliding-window entries (every layer keeps its 128-token window),
/// 21·context/4 CSA and 20·context/128 HCA entries.
stream_weights weights_by_bytes(std::size_t context);

/// Σ w_s v_s / Σ w_s.
double weighted_mean(const stream_weights& w, const std::array<double, stream_count>& v);
/// Compression ratio of per-stream bit budgets against a reference budget on every stream:
/// Σ w_s ref / Σ w_s bits_s.
double weighted_compression(const stream_weights& w, const std::array<double, stream_count>& bits,
                            double ref_bits);

} // namespace dsv4

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file run.hpp
/// One run of the example: options, per-passage measurements, and their summaries.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit.hpp"
#include "evaluate.hpp"
#include "inputs.hpp"
#include "model.hpp"
#include "safetensors.hpp"
#include "stats.hpp"

namespace dsv4 {

struct run_options {
  std::size_t seqlen = 8192;
  std::size_t batch = 1;
  bool seqlen_given = false;
  bool batch_given = false;
  std::uint64_t seed = 20260424;
  std::vector<int> q_values = {10, 38};
  input_kind input = input_kind::gaussian;
  std::optional<std::string> hidden_path;
  std::optional<std::string> weights_path;
  layer_ids layers;
  bool sweep = false;
  int sweep_q_max = 160;
  std::size_t passages = 1;
  std::string backend_name = "auto";
  kakeya::backend backend = kakeya::backend::scalar;
  std::optional<std::string> json_path;
  std::optional<std::string> plot_path;
};

/// The measurements of one stream in one passage.
struct stream_result {
  stream_kind kind = stream_kind::sliding_window;
  std::array<std::size_t, 3> shape{}; ///< [B, S / ratio, 512]
  audit_result audit;
  audit_result null;                  ///< the audit of iid Gaussian data of the same shape
  std::vector<codec_result> codecs;   ///< table_specs order
  std::vector<codec_result> e8_curve; ///< --sweep: q = 1..160; with --plot only: a grid
  std::vector<codec_result> d4_curve; ///< --plot: a grid of q
  [[nodiscard]] std::size_t vectors() const { return shape[0] * shape[1]; }
  [[nodiscard]] const codec_result& baseline() const { return codecs.front(); }
};

struct passage_result {
  std::string label; ///< "seed N" or "tokens [a, b)"
  std::array<stream_result, stream_count> streams;
};

/// The projections' matrix products follow the backend: cuBLAS with CUDA, else OpenBLAS.
inline matmul matmul_for(kakeya::backend b) {
  return b == kakeya::backend::cuda && cublas_available() ? matmul::cublas : matmul::openblas;
}

struct run_result {
  run_options opt;
  std::string weights_source;
  std::string input_description;
  std::size_t tokens_per_passage = 0; ///< S actually used
  std::vector<passage_result> passages;
  std::vector<std::string> warnings;
  double seconds_write_path = 0, seconds_audit = 0, seconds_codecs = 0, seconds_curves = 0,
         seconds_total = 0;
};

/// The q grid of the plot's curves when no sweep is run.
std::vector<int> plot_q_grid();

/// Runs everything the options ask for; progress lines go to stderr.
run_result run(const run_options& opt);

// ---- summaries across passages (every value is mean ± 95 % CI over the passages) ----

/// rel-MSE of codec row `i` over the v4-cache baseline's, per passage.
std::vector<double> ratio_vs_baseline(const run_result& r, int stream, std::size_t i);
/// A codec-row field per passage: `field` is "rel_mse" or "cosine".
std::vector<double> codec_field(const run_result& r, int stream, std::size_t i,
                                const std::string& field);
/// An audit statistic (gate index, audit.hpp) per passage; `null` selects the Gaussian null.
std::vector<double> audit_field(const run_result& r, int stream, std::size_t gate, bool null);
/// The 43-layer weighted rel-MSE ratio (vs v4-cache) of codec row `i`, per passage.
std::vector<double> layer_weighted_ratio(const run_result& r, std::size_t i,
                                         const stream_weights& w);

/// The sweep's answer for one stream and threshold factor k: the smallest q with
/// rel-MSE(e8:q) ≤ k · rel-MSE(baseline) — on the mean over passages ("point") and on the
/// mean plus its 95 % CI half-width ("ci_safe"); 0 when no q ≤ q_max qualifies.
struct sweep_answer {
  int q_point = 0;
  int q_ci_safe = 0;
  std::size_t bits_point = 0;
  std::size_t bits_ci_safe = 0;
  mean_ci ratio_at_point; ///< rel-MSE ratio at q_point
  /// Bits grow in steps: the largest q with the same bits as q_point, and its ratio (better
  /// quality for free).
  int q_same_bits = 0;
  mean_ci ratio_at_same_bits;
};
/// `baseline_row`: 0 for v4-cache, 1 for fp8:block=64.
sweep_answer sweep_threshold(const run_result& r, int stream, double k, std::size_t baseline_row);

} // namespace dsv4

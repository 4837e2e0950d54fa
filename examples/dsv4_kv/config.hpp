// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file config.hpp
/// DeepSeek-V4-Flash constants used by the KV write path (config.json of
/// deepseek-ai/DeepSeek-V4-Flash and inference/model.py; docs/dsv4.md lists the sources).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dsv4 {

inline constexpr std::size_t hidden_dim = 4096;              ///< hidden_size
inline constexpr std::size_t head_dim = 512;                 ///< head_dim: one KV head of 512
inline constexpr std::size_t rope_dim = 64;                  ///< qk_rope_head_dim: the last 64 dims
inline constexpr std::size_t nope_dim = head_dim - rope_dim; ///< 448
inline constexpr std::size_t window = 128;                   ///< sliding_window
inline constexpr float rms_eps = 1e-6f;                      ///< rms_norm_eps

inline constexpr double rope_theta = 10000.0;           ///< rope_theta (ratio-0 layers)
inline constexpr double compress_rope_theta = 160000.0; ///< compress_rope_theta

/// rope_scaling of config.json (type yarn). YaRN is applied to the compressed streams only when
/// the sequence is longer than `original_len` (the rule; see docs/dsv4.md).
struct yarn_config {
  double factor = 16.0;
  std::size_t original_len = 65536;
  double beta_fast = 32.0;
  double beta_slow = 1.0;
};

inline constexpr std::size_t csa_ratio = 4;   ///< compressed sparse attention, with overlap
inline constexpr std::size_t hca_ratio = 128; ///< heavily compressed attention, no overlap

/// Layer counts of V4-Flash's 43 layers, from config.json `compress_ratios` (44 entries; the
/// last, index 43, is the MTP block): ratio 0 at layers 0 and 1, ratio 4 at 2, 4, ..., 42,
/// ratio 128 at 3, 5, ..., 41. The KakeyaLattice study used 3 + 20 + 20 (it counted the MTP
/// entry as a layer and missed one ratio-4 layer).
inline constexpr int layers_total = 43;
inline constexpr int layers_window_only = 2;
inline constexpr int layers_csa = 21;
inline constexpr int layers_hca = 20;
inline constexpr int study_layers_window_only = 3;
inline constexpr int study_layers_csa = 20;
inline constexpr int study_layers_hca = 20;
/// max_position_embeddings: the context at which the by-bytes weighting is also reported.
inline constexpr std::size_t max_context = 1048576;

/// The three KV streams of the write path.
enum class stream_kind { sliding_window = 0, csa = 1, hca = 2 };
inline constexpr int stream_count = 3;

/// JSON / table names of the streams (the KakeyaLattice study's names).
inline constexpr std::string_view stream_name(stream_kind k) {
  switch (k) {
  case stream_kind::sliding_window:
    return "sliding_window_kv";
  case stream_kind::csa:
    return "csa_pool_kv_ratio4";
  case stream_kind::hca:
    return "hca_pool_kv_ratio128";
  }
  return "?";
}

/// Tokens per stream vector: 1, 4, 128.
inline constexpr std::size_t stream_ratio(stream_kind k) {
  return k == stream_kind::sliding_window ? 1 : k == stream_kind::csa ? csa_ratio : hca_ratio;
}

/// Statistics resting on fewer vectors than this get a warning.
inline constexpr std::size_t min_vectors = 64;

} // namespace dsv4

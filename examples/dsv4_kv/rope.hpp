// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file rope.hpp
/// Rotary position embedding as DeepSeek-V4's `precompute_freqs_cis` and `apply_rotary_emb`
/// (inference/model.py): the rope part of a vector is read as rope_dim/2 complex numbers
/// (x[2i] + i·x[2i+1]) and multiplied by e^{i·pos·f_i}, f_i = θ^(−2i/rope_dim), optionally
/// YaRN-scaled. Arithmetic in float32 like the reference (torch float32 tensors).

#include <cstddef>
#include <span>
#include <vector>

#include "config.hpp"

namespace dsv4 {

/// The YaRN correction range [low, high] of the reference's `find_correction_range`:
/// floor/ceil of dim·ln(orig / (β·2π)) / (2 ln θ) for β_fast and β_slow, clamped to [0, dim−1].
struct yarn_range {
  int low = 0;
  int high = 0;
};
yarn_range yarn_correction_range(std::size_t dim, double theta, const yarn_config& y);

/// The rope_dim/2 frequencies f_i = 1 / θ^(2i/rope_dim) (float32). When `yarn` is given and
/// `seqlen` > yarn->original_len, YaRN blends them: f_i·(1−s_i)/factor + f_i·s_i with
/// s_i = 1 − clamp((i − low) / (high − low), 0, 1).
std::vector<float> rope_frequencies(std::size_t dim, double theta, std::size_t seqlen,
                                    const yarn_config* yarn);

/// Rotates `x` (dim = 2 · freqs.size() floats, the rope part of one vector) in place to
/// position `pos`: (x[2i], x[2i+1]) ← complex product with (cos a, sin a), a = fl(pos · f_i).
void apply_rope(std::span<float> x, std::span<const float> freqs, std::size_t pos);

} // namespace dsv4

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file inputs.hpp
/// Hidden states fed to the write path: seeded synthetic inputs, or real activations from a
/// .npy file ([S, 4096] or [B, S, 4096] float32, the input of the attention projections).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "model.hpp"

namespace dsv4 {

enum class input_kind {
  gaussian, ///< iid N(0, 1): the embedded default
  heavy,    ///< heavy-tailed, anisotropic, correlated across positions (docs/dsv4.md)
};

/// Seeded synthetic hidden states [B, S, 4096]; the same values on every platform and for
/// every thread count.
tensor3 synthetic_hidden(input_kind kind, std::size_t batch, std::size_t seqlen,
                         std::uint64_t seed);

/// Reads hidden states from a .npy file: a 3-D [B, S, 4096] array, or a 2-D [N, 4096] array
/// read as [batch, N / batch, 4096] (batch = `batch_hint`, default 1). float32 C order only
/// (the library's strict reader checks dtype, order and size). Throws std::runtime_error.
tensor3 read_hidden_npy(const std::string& path, std::optional<std::size_t> batch_hint);

} // namespace dsv4

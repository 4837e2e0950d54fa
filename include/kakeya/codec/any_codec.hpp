// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file any_codec.hpp
/// A codec chosen at run time from a spec string and a dimension (FAISS's Quantizer shape),
/// for the CLI, code files and bindings. The typed codecs (codec.hpp, presets.hpp) are the
/// implementation; their instantiations for the supported dimensions are compiled once in
/// kernels/cpu/.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kakeya/backend/backend.hpp"

namespace kakeya {

/// A type-erased preset codec: `any_codec::make("e8:q=38", 128)`.
///
/// Thread safety: an any_codec is immutable after make(); copies share one immutable model.
/// encode, decode and roundtrip are const and may be called on one object (or its copies) from
/// any number of threads at once, with any backends (docs/robustness.md, "Concurrency").
class any_codec {
public:
  /// The operations every preset provides (implementation interface).
  struct model {
    virtual ~model() = default;
    virtual std::size_t bits_per_vector() const noexcept = 0;
    virtual std::size_t bytes_per_vector() const noexcept = 0;
    virtual void encode(std::span<const float> x, std::span<std::uint8_t> codes, backend b) const = 0;
    virtual void decode(std::span<const std::uint8_t> codes, std::span<float> x, backend b) const = 0;
    virtual void roundtrip(std::span<const float> x, std::span<float> out, backend b) const = 0;
  };

  /// Builds the codec of `spec` (see spec.hpp) for vectors of `dim` values.
  /// @throws kakeya::error errc::format_error / errc::invalid_argument for a bad spec,
  /// errc::invalid_dimension for a dim the codec does not support (listing the ones it does)
  static any_codec make(std::string_view spec, std::size_t dim);
  /// The dimensions with compiled codecs.
  static std::vector<std::size_t> dims();

  /// The spec in canonical form, e.g. "e8:q=38".
  [[nodiscard]] const std::string& spec() const noexcept { return spec_; }
  [[nodiscard]] std::size_t dim() const noexcept { return dim_; }
  [[nodiscard]] std::size_t bits_per_vector() const noexcept { return m_->bits_per_vector(); }
  [[nodiscard]] std::size_t bytes_per_vector() const noexcept { return m_->bytes_per_vector(); }

  /// Encodes n vectors. `x`: n * dim() finite floats; `codes`: n * bytes_per_vector() bytes.
  /// @throws kakeya::error errc::invalid_dimension, errc::non_finite_input (with the row),
  /// errc::backend_unavailable
  void encode(std::span<const float> x, std::span<std::uint8_t> codes,
              backend b = backend::scalar) const;
  /// Decodes n vectors. `codes`: n * bytes_per_vector() bytes; `x`: n * dim() floats.
  void decode(std::span<const std::uint8_t> codes, std::span<float> x,
              backend b = backend::scalar) const;
  /// decode(encode(x)) bit for bit. `x`, `out`: n * dim() floats.
  void roundtrip(std::span<const float> x, std::span<float> out, backend b = backend::scalar) const;

private:
  any_codec(std::string spec, std::size_t dim, std::shared_ptr<const model> m)
      : spec_(std::move(spec)), dim_(dim), m_(std::move(m)) {}
  std::string spec_;
  std::size_t dim_;
  std::shared_ptr<const model> m_;
};

} // namespace kakeya

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "kakeya/codec/any_codec.hpp"

#include "codec_models.hpp"

namespace kakeya {

namespace {
using factory = std::shared_ptr<const any_codec::model> (*)(const codec_spec&);
struct dim_entry {
  std::size_t dim;
  factory make;
};
constexpr dim_entry dim_table[] = {
    {64, &detail::make_model<64>},   {128, &detail::make_model<128>},
    {256, &detail::make_model<256>}, {512, &detail::make_model<512>},
    {1024, &detail::make_model<1024>},
};

void check_backend(backend b) {
  if (!backend_available(b))
    throw error(errc::backend_unavailable, std::string("backend '") + to_string(b) +
                                               "' is not available (" + backend_status(b) + ")");
}
} // namespace

std::vector<std::size_t> any_codec::dims() {
  std::vector<std::size_t> v;
  for (const auto& e : dim_table) v.push_back(e.dim);
  return v;
}

any_codec any_codec::make(std::string_view spec, std::size_t dim) {
  codec_spec s = parse_codec_spec(spec);
  for (const auto& e : dim_table)
    if (e.dim == dim) return any_codec(s.canonical(), dim, e.make(s));
  std::string known;
  for (const auto& e : dim_table) known += (known.empty() ? "" : ", ") + std::to_string(e.dim);
  throw error(errc::invalid_dimension, "codec " + s.canonical() + ": no codec compiled for dimension " +
                                           std::to_string(dim) + " (supported: " + known + ")");
}

void any_codec::encode(std::span<const float> x, std::span<std::uint8_t> codes, backend b) const {
  check_backend(b);
  m_->encode(x, codes, b);
}
void any_codec::decode(std::span<const std::uint8_t> codes, std::span<float> x, backend b) const {
  check_backend(b);
  m_->decode(codes, x, b);
}
void any_codec::roundtrip(std::span<const float> x, std::span<float> out, backend b) const {
  check_backend(b);
  m_->roundtrip(x, out, b);
}

} // namespace kakeya

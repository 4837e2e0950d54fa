// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the codec spec parser on arbitrary strings. A refusal is kakeya::error with
// errc::format_error or errc::invalid_argument; an accepted spec's canonical form parses to
// itself, and any_codec::make builds it (or refuses the dimension, or q beyond the lattice's
// largest box, with a kakeya::error).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  kakeya::codec_spec spec;
  try {
    spec = kakeya::parse_codec_spec(s);
  } catch (const kakeya::error& e) {
    if (e.code() != kakeya::errc::format_error && e.code() != kakeya::errc::invalid_argument)
      std::abort();
    return 0;
  }
  const std::string canon = spec.canonical();
  if (kakeya::parse_codec_spec(canon).canonical() != canon) std::abort();
  try {
    kakeya::any_codec c = kakeya::any_codec::make(s, 64);
    if (c.spec() != canon) std::abort();
    if (c.bytes_per_vector() == 0 || c.bits_per_vector() > 8 * c.bytes_per_vector()) std::abort();
  } catch (const kakeya::error& e) {
    if (e.code() != kakeya::errc::invalid_argument && e.code() != kakeya::errc::invalid_dimension)
      std::abort();
  }
  return 0;
}

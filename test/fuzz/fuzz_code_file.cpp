// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the code-file (.kkc) reader on arbitrary bytes, then what `kakeya decode`
// does with an accepted file: build the codec its header names and decode every code.
// Refusals must be kakeya::error with errc::format_error (file), errc::invalid_argument (a
// spec value out of range) or errc::invalid_dimension (a dimension without a codec).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/io/code_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    kakeya::io::code_file f = kakeya::io::parse_code_file(bytes, "fuzz.kkc");
    if (f.codes.size() != f.count * f.bytes_per_vector || f.codes.size() > size) std::abort();
    kakeya::any_codec c = kakeya::any_codec::make(f.spec, f.dim);
    if (c.bytes_per_vector() != f.bytes_per_vector) return 0; // the CLI refuses this (format_error)
    std::vector<float> y(f.count * f.dim);
    c.decode(f.codes, y, kakeya::backend::scalar);
  } catch (const kakeya::error& e) {
    switch (e.code()) {
    case kakeya::errc::format_error:
    case kakeya::errc::invalid_argument:
    case kakeya::errc::invalid_dimension: break;
    default: std::abort();
    }
  }
  return 0;
}

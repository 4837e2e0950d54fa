// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: the strict .npy reader on arbitrary bytes. It either returns a 2-D float32
// array whose size agrees with the input, or throws kakeya::error(errc::format_error).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "kakeya/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    kakeya::io::npy_array a = kakeya::io::parse_npy(bytes, "fuzz.npy");
    // Accepted: the payload is exactly rows * cols floats, and all of it lies inside the input.
    if (a.data.size() != a.rows * a.cols || a.data.size() * 4 > size) std::abort();
    // Writing it back gives a file the reader accepts with the same contents.
    auto header = kakeya::io::npy_header(a.rows, a.cols);
    std::vector<std::byte> again(header);
    auto raw = std::as_bytes(std::span<const float>(a.data));
    again.insert(again.end(), raw.begin(), raw.end());
    kakeya::io::npy_array b = kakeya::io::parse_npy(again, "again.npy");
    if (b.rows != a.rows || b.cols != a.cols ||
        (a.data.size() != 0 && std::memcmp(a.data.data(), b.data.data(), a.data.size() * 4) != 0))
      std::abort();
  } catch (const kakeya::error& e) {
    if (e.code() != kakeya::errc::format_error) std::abort();
  }
  return 0;
}

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE bits
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

#include "kakeya/core/bits.hpp"
#include "kakeya/core/random.hpp"

using namespace kakeya;

// The layout as the file comment defines it, one bit at a time: bit k of the code is bit
// (k mod 8) of byte k / 8, fields least significant bit first.
static void put_bits(std::vector<std::uint8_t>& code, std::size_t& pos, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i, ++pos)
    if ((v >> i) & 1u) code[pos / 8] = static_cast<std::uint8_t>(code[pos / 8] | (1u << (pos % 8)));
}

// Random fields of 0 to 64 bits at every offset: the writer sets exactly the reference's bits
// and touches no byte past the last field (the guard bytes stay 0xa5), and the reader gives the
// fields back, masked to their widths.
BOOST_AUTO_TEST_CASE(fields_at_every_offset_match_the_bit_by_bit_layout) {
  random_stream rng(3);
  for (int round = 0; round < 2000; ++round) {
    std::vector<int> widths;
    std::vector<std::uint64_t> values;
    std::size_t total = 0;
    const int fields = 1 + static_cast<int>(rng.next() % 12);
    for (int f = 0; f < fields; ++f) {
      const int n = static_cast<int>(rng.next() % 65);
      widths.push_back(n);
      values.push_back(rng.next()); // high bits beyond n must be ignored
      total += static_cast<std::size_t>(n);
    }
    const std::size_t bytes = bytes_for_bits(total);
    std::vector<std::uint8_t> buf(bytes + 16, 0), ref(bytes, 0);
    for (std::size_t i = bytes; i < buf.size(); ++i) buf[i] = 0xa5;
    bit_writer w(buf.data());
    std::size_t pos = 0;
    for (int f = 0; f < fields; ++f) {
      w.put(values[f], widths[f]);
      put_bits(ref, pos, values[f], widths[f]);
    }
    BOOST_TEST_REQUIRE(w.position() == total);
    for (std::size_t i = 0; i < bytes; ++i) BOOST_TEST_REQUIRE(buf[i] == ref[i], "byte " << i);
    for (std::size_t i = bytes; i < buf.size(); ++i) BOOST_TEST_REQUIRE(buf[i] == 0xa5);
    // Read back from an exact-size copy (the reader reads only the bytes of its fields).
    const std::vector<std::uint8_t> exact(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(bytes));
    bit_reader r(exact.data());
    for (int f = 0; f < fields; ++f) {
      const int n = widths[f];
      const std::uint64_t want = n == 64 ? values[f] : values[f] & ((std::uint64_t{1} << n) - 1);
      BOOST_TEST_REQUIRE(r.get(n) == want, "field " << f << " of " << n << " bits");
    }
    BOOST_TEST_REQUIRE(r.position() == total);
  }
}

BOOST_AUTO_TEST_CASE(wide_fields_round_trip) {
  random_stream rng(4);
  for (int round = 0; round < 500; ++round) {
    const int lead = static_cast<int>(rng.next() % 8);
    const int n = static_cast<int>(rng.next() % 129);
    const uint128 v = static_cast<uint128>(rng.next()) << 64 | rng.next();
    std::vector<std::uint8_t> buf(bytes_for_bits(static_cast<std::size_t>(lead + n)), 0);
    bit_writer w(buf.data());
    w.put(std::uint64_t{0}, lead);
    w.put(v, n);
    bit_reader r(buf.data());
    BOOST_TEST_REQUIRE(r.get(lead) == 0u);
    const uint128 want = n == 128 ? v : v & ((uint128{1} << n) - 1);
    BOOST_TEST_REQUIRE((r.get128(n) == want));
  }
}

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya::truncated: compile-time and run-time q give the same codebook; run-time q is
// validated with a clear error; the index width matches the stated codebook sizes.
#define BOOST_TEST_MODULE truncated
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <type_traits>

#include "kakeya/core/error.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/truncated.hpp"
#include "kakeya/lattice/zn.hpp"

namespace {

using kakeya::truncated;
using kakeya::uint128;

static_assert(kakeya::TruncatedLattice<truncated<kakeya::e8, 38>>);
static_assert(kakeya::TruncatedLattice<truncated<kakeya::e8>>);
static_assert(std::is_empty_v<truncated<kakeya::e8, 38>>);
static_assert(std::is_trivially_copyable_v<truncated<kakeya::d4>>);
static_assert(truncated<kakeya::e8, 10>::index_bits() == 35);
static_assert(truncated<kakeya::e8, 38>::index_bits() == 51);
static_assert(truncated<kakeya::d4, 38>::index_bits() == 25);
static_assert(truncated<kakeya::e8, 38>::q() == 38);
static_assert(truncated<kakeya::e8, 10>::count() == 31711429681ull);
static_assert(truncated<kakeya::e8, 38>::static_q && !truncated<kakeya::e8>::static_q);

/// Static Q and run-time q agree on count, bits, closest points and both index directions.
template <class L, int Q> void check_static_equals_dynamic(std::uint64_t seed) {
  constexpr std::size_t n = L::dim;
  const truncated<L, Q> s;
  const truncated<L> d(Q);
  BOOST_TEST(d.q() == Q);
  BOOST_TEST((s.count() == d.count()));
  BOOST_TEST((d.count() == L::box_count(Q)));
  BOOST_TEST(s.index_bits() == d.index_bits());
  BOOST_TEST(d.index_bits() == kakeya::bits_for_count(L::box_count(Q)));
  std::mt19937_64 g(seed);
  for (int t = 0; t < 2000; ++t) {
    std::array<float, n> y{};
    for (auto& v : y)
      v = static_cast<float>((static_cast<double>(g() >> 11) * 0x1p-53 - 0.5) * 2.6 * Q);
    std::array<float, n> a{};
    std::array<float, n> b{};
    std::array<float, n> c{};
    s.closest_point(y, a);
    d.closest_point(y, b);
    L::box_closest_point(y, Q, c);
    BOOST_TEST_REQUIRE((a == b));
    BOOST_TEST_REQUIRE((a == c));
    const uint128 i = s.to_index(a);
    BOOST_TEST_REQUIRE((i == d.to_index(a)));
    BOOST_TEST_REQUIRE((i < s.count()));
    s.from_index(i, b);
    d.from_index(i, c);
    BOOST_TEST_REQUIRE((b == a));
    BOOST_TEST_REQUIRE((c == a));
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(static_and_dynamic_q_agree) {
  check_static_equals_dynamic<kakeya::e8, 38>(1);
  check_static_equals_dynamic<kakeya::e8, 1>(2);
  check_static_equals_dynamic<kakeya::d4, 10>(3);
  check_static_equals_dynamic<kakeya::d8, 152>(4);
  check_static_equals_dynamic<kakeya::z8, 152>(5);
  check_static_equals_dynamic<kakeya::zn<3>, 7>(6);
}

BOOST_AUTO_TEST_CASE(dynamic_q_range_is_checked) {
  for (int q : {0, -1, -38, kakeya::e8::max_box_q + 1, 1 << 30}) {
    try {
      const truncated<kakeya::e8> t(q);
      BOOST_ERROR("q = " << q << " was accepted");
    } catch (const kakeya::error& e) {
      BOOST_TEST((e.code() == kakeya::errc::invalid_argument));
      const std::string what = e.what();
      BOOST_TEST(what.find("e8") != std::string::npos);
      BOOST_TEST(what.find("q = " + std::to_string(q)) != std::string::npos, what);
      BOOST_TEST(what.find(std::to_string(kakeya::e8::max_box_q)) != std::string::npos, what);
    }
  }
  BOOST_CHECK_THROW(truncated<kakeya::d8>(kakeya::d8::max_box_q + 1), kakeya::error);
  BOOST_CHECK_THROW(truncated<kakeya::zn<81>>(1), kakeya::error); // no box fits 2^127
  BOOST_CHECK_NO_THROW(truncated<kakeya::e8>(1));
  BOOST_CHECK_NO_THROW((void)truncated<kakeya::e8>(kakeya::e8::max_box_q)); // (void): not a declaration
  BOOST_TEST(truncated<kakeya::e8>(kakeya::e8::max_box_q).index_bits() == 127);
}

BOOST_AUTO_TEST_CASE(index_bits_of_the_stated_codebooks) {
  BOOST_TEST(truncated<kakeya::e8>(10).index_bits() == 35);
  BOOST_TEST(truncated<kakeya::e8>(38).index_bits() == 51);
  BOOST_TEST(truncated<kakeya::d4>(38).index_bits() == 25);
  BOOST_TEST(truncated<kakeya::z8>(1).index_bits() == 13); // 3^8 = 6561 <= 2^13
  BOOST_TEST((truncated<kakeya::e8>(1000).count() == kakeya::e8::box_count(1000)));
  BOOST_TEST(truncated<kakeya::e8>(1000).index_bits() == 88); // uint128.hpp's example
}

BOOST_AUTO_TEST_CASE(last_index_and_overflowing_index) {
  const truncated<kakeya::e8, 38> t;
  std::array<float, 8> last{};
  std::array<float, 8> x{};
  t.from_index(t.count() - 1, last);
  t.from_index(t.count(), x);
  BOOST_TEST((x == last));
  std::array<float, 8> want;
  want.fill(37.5f); // the largest half-coset point in the box comes last
  BOOST_TEST((last == want));
  t.from_index(0, x);
  std::array<float, 8> first;
  first.fill(-38.0f);
  BOOST_TEST((x == first));
}

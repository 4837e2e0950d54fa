// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "kakeya/lattice/any_lattice.hpp"

#include <string>

#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/zn.hpp"

namespace kakeya {

struct any_lattice::table {
  std::string_view name;
  std::size_t dim;
  int max_box_q;
  uint128 (*count)(int q);
  void (*nearest)(const float* in, float* out, std::size_t blocks);
  void (*nearest_box)(const float* in, float* out, std::size_t blocks, int q);
};

namespace {

template <TruncatableLattice L>
constexpr any_lattice::table make_table(std::string_view name) {
  return {name, L::dim, L::max_box_q, [](int q) { return L::box_count(q); },
          [](const float* in, float* out, std::size_t blocks) {
            for (std::size_t b = 0; b < blocks; ++b)
              L::closest_point(std::span<const float, L::dim>(in + b * L::dim, L::dim),
                               std::span<float, L::dim>(out + b * L::dim, L::dim));
          },
          [](const float* in, float* out, std::size_t blocks, int q) {
            for (std::size_t b = 0; b < blocks; ++b)
              L::box_closest_point(std::span<const float, L::dim>(in + b * L::dim, L::dim), q,
                                   std::span<float, L::dim>(out + b * L::dim, L::dim));
          }};
}

} // namespace

// Out of the anonymous namespace so that the nested type's definition is visible.
static const any_lattice::table builtin_tables[] = {
    make_table<zn<4>>("z4"), make_table<zn<8>>("z8"), make_table<dn<4>>("d4"),
    make_table<dn<8>>("d8"), make_table<e8>("e8"),
};

std::vector<std::string> any_lattice::names() {
  std::vector<std::string> v;
  for (const auto& t : builtin_tables) v.emplace_back(t.name);
  return v;
}

any_lattice any_lattice::from_name(std::string_view name) {
  for (const auto& t : builtin_tables)
    if (t.name == name) return any_lattice(&t);
  std::string known;
  for (const auto& t : builtin_tables) known += (known.empty() ? "" : ", ") + std::string(t.name);
  throw error(errc::invalid_argument,
              "unknown lattice '" + std::string(name) + "' (known: " + known + ")");
}

std::string_view any_lattice::name() const noexcept { return t_->name; }
std::size_t any_lattice::dim() const noexcept { return t_->dim; }
int any_lattice::max_box_q() const noexcept { return t_->max_box_q; }

static void check_q(const any_lattice& l, int q) {
  require(q >= 1 && q <= l.max_box_q(), errc::invalid_argument,
          "q = " + std::to_string(q) + " is out of range for " + std::string(l.name()) +
              " (1 <= q <= " + std::to_string(l.max_box_q()) + ")");
}

uint128 any_lattice::box_count(int q) const {
  check_q(*this, q);
  return t_->count(q);
}

void any_lattice::closest_points(std::span<const float> in, std::span<float> out,
                                 std::optional<int> q) const {
  require(in.size() == out.size(), errc::invalid_dimension,
          "closest_points: input has " + std::to_string(in.size()) + " values, output " +
              std::to_string(out.size()));
  require(in.size() % t_->dim == 0, errc::invalid_dimension,
          "closest_points: " + std::to_string(in.size()) + " values do not split into blocks of " +
              std::to_string(t_->dim) + " for " + std::string(t_->name));
  std::size_t blocks = in.size() / t_->dim;
  if (q) {
    check_q(*this, *q);
    t_->nearest_box(in.data(), out.data(), blocks, *q);
  } else {
    t_->nearest(in.data(), out.data(), blocks);
  }
}

} // namespace kakeya

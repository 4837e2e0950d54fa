// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file spec.hpp
/// Codec spec strings: `family:key=value,key=value`. Families and keys:
/// - `d4:q=Q`, `e8:q=Q`, `z:q=Q` — KakeyaLattice codecs, 1 <= Q <= the lattice's max_box_q;
///   optional `passes=P` (0..8, default 2): least-squares gain refinement passes;
/// - `fp8:block=B[,scale=fp32|fp16|bf16|ue8m0][,format=e4m3|e5m2]` — B in {32, 64, 128},
///   defaults scale=fp16, format=e4m3;
/// - `lloyd-max:bits=B` — 1 <= B <= 8;
/// - `e8v:rate=R`, `d4v:rate=R` — Voronoi codes (docs/components/voronoi.md), q = 2^R,
///   1 <= R <= 8; or `e8v:q=Q`, `d4v:q=Q` with any nesting ratio 2 <= Q <= 64 (fractional
///   rates; a power of two prints as rate=R); optional `betas=B0/B1/...` (1, 2, 4, 8 or 16
///   ascending positive scales, default the preset's table), `budget=B` (B >= 0: the largest
///   sum of the scale indices over a code block; default: the preset's budget with the
///   default table, none with a user table), `search=first|best` (default first; best also
///   tries the next scale after the first that fits: 0.06–0.12 dB better, 1.3–1.5× slower) and
///   `dither=SEED` (default 0: no dither);
/// - `e8b:rate=R` — E8 ball codes (docs/components/ball.md), any real 1 <= R <= 6 bits per
///   dimension for the index; optional `radius=C` (0.5..2, default 0.99): the ball's radius
///   factor.
/// `canonical()` prints a spec in one normal form (keys in a fixed order, defaults left out).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kakeya/core/error.hpp"

namespace kakeya {

/// A parsed codec spec.
struct codec_spec {
  std::string family;        ///< "d4", "e8", "z", "fp8" or "lloyd-max"
  int q = 0;                 ///< lattice families: the box half-width; Voronoi: the nesting ratio
  int passes = 2;            ///< lattice families: gain-refinement passes, 0..8
  int bits = 0;              ///< lloyd-max: bits per coordinate
  std::size_t block = 64;    ///< fp8: values per scale block
  std::string scale = "fp16"; ///< fp8: scale format
  std::string format = "e4m3"; ///< fp8: element format
  int rate = 0;              ///< Voronoi families: log2 q, bits per dimension of the index
  std::vector<float> betas;  ///< Voronoi families: the scale table (empty: the default)
  std::uint64_t dither = 0;  ///< Voronoi families: dither seed, 0 for none
  int budget = -1;           ///< Voronoi families: scale-profile budget, -1 for the default
  bool look_ahead = false;   ///< Voronoi families: `search=best` (true) or `search=first` (default)
  double ball_rate = 0.0;    ///< ball families: bits per dimension of the index (a real)
  double radius = 0.99;      ///< ball families: radius factor (ball_block::default_radius)

  [[nodiscard]] bool is_lattice() const { return family == "d4" || family == "e8" || family == "z"; }
  [[nodiscard]] bool is_voronoi() const { return family == "e8v" || family == "d4v"; }
  [[nodiscard]] bool is_ball() const { return family == "e8b"; }

  /// The normal form, e.g. "e8:q=38", "fp8:block=64", "fp8:block=64,scale=ue8m0".
  [[nodiscard]] std::string canonical() const {
    if (is_lattice())
      return family + ":q=" + std::to_string(q) + (passes != 2 ? ",passes=" + std::to_string(passes) : "");
    if (family == "lloyd-max") return family + ":bits=" + std::to_string(bits);
    if (is_ball()) {
      auto num = [](double x) {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, x); // shortest round-trip form
        return std::string(buf, r.ptr);
      };
      return family + ":rate=" + num(ball_rate) + (radius != 0.99 ? ",radius=" + num(radius) : "");
    }
    if (is_voronoi()) {
      std::string v = family + (rate > 0 ? ":rate=" + std::to_string(rate) : ":q=" + std::to_string(q));
      if (!betas.empty()) {
        v += ",betas=";
        for (std::size_t i = 0; i < betas.size(); ++i) {
          char buf[32];
          auto r = std::to_chars(buf, buf + sizeof buf, betas[i]); // shortest round-trip form
          v += (i ? "/" : "") + std::string(buf, r.ptr);
        }
      }
      if (budget >= 0) v += ",budget=" + std::to_string(budget);
      if (look_ahead) v += ",search=best";
      if (dither != 0) v += ",dither=" + std::to_string(dither);
      return v;
    }
    std::string s = family + ":block=" + std::to_string(block);
    if (scale != "fp16") s += ",scale=" + scale;
    if (format != "e4m3") s += ",format=" + format;
    return s;
  }
};

namespace detail {
inline double parse_spec_real(std::string_view spec, std::string_view key, std::string_view v) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out))
    throw error(errc::format_error, "codec spec '" + std::string(spec) + "': " + std::string(key) +
                                        " must be a number, got '" + std::string(v) + "'");
  return out;
}
inline int parse_spec_int(std::string_view spec, std::string_view key, std::string_view v) {
  int out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size())
    throw error(errc::format_error, "codec spec '" + std::string(spec) + "': " + std::string(key) +
                                        " must be an integer, got '" + std::string(v) + "'");
  return out;
}
} // namespace detail

/// Parses a spec string; throws kakeya::error(errc::format_error) for unknown families or keys
/// and malformed values, errc::invalid_argument for values out of range, with the spec quoted.
inline codec_spec parse_codec_spec(std::string_view spec) {
  auto fail = [&](errc c, const std::string& why) {
    throw error(c, "codec spec '" + std::string(spec) + "': " + why);
  };
  const std::string families = "d4:q=Q, e8:q=Q, z:q=Q, fp8:block=B[,scale=S][,format=F], lloyd-max:bits=B, "
                               "e8v:rate=R, d4v:rate=R, e8b:rate=R";
  codec_spec s;
  std::size_t colon = spec.find(':');
  s.family = std::string(spec.substr(0, colon));
  if (!(s.is_lattice() || s.is_voronoi() || s.is_ball() || s.family == "fp8" || s.family == "lloyd-max"))
    fail(errc::format_error, "unknown codec family '" + s.family + "' (known: " + families + ")");
  std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  std::vector<std::string> seen;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view kv = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) fail(errc::format_error, "trailing ','");
    std::size_t eq = kv.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == kv.size())
      fail(errc::format_error, "expected key=value, got '" + std::string(kv) + "'");
    std::string key(kv.substr(0, eq));
    std::string_view val = kv.substr(eq + 1);
    for (const auto& k : seen)
      if (k == key) fail(errc::format_error, "key '" + key + "' given twice");
    seen.push_back(key);
    if (s.is_lattice() && key == "q") {
      s.q = detail::parse_spec_int(spec, key, val);
    } else if (s.is_lattice() && key == "passes") {
      s.passes = detail::parse_spec_int(spec, key, val);
      if (s.passes < 0 || s.passes > 8) fail(errc::invalid_argument, "passes must be in 0..8");
    } else if (s.is_voronoi() && key == "rate") {
      s.rate = detail::parse_spec_int(spec, key, val);
      if (s.rate < 1 || s.rate > 8) fail(errc::invalid_argument, "rate must be in 1..8");
      if (std::find(seen.begin(), seen.end(), "q") != seen.end()) fail(errc::format_error, "give rate or q, not both");
      s.q = 1 << s.rate;
    } else if (s.is_voronoi() && key == "q") {
      if (std::find(seen.begin(), seen.end(), "rate") != seen.end()) fail(errc::format_error, "give rate or q, not both");
      s.q = detail::parse_spec_int(spec, key, val);
      if (s.q < 2 || s.q > 64) fail(errc::invalid_argument, "q must be in 2..64 (or use rate=R for q = 2^R)");
      for (int r = 1; r <= 6; ++r)
        if (s.q == 1 << r) s.rate = r;
    } else if (s.is_voronoi() && key == "search") {
      if (val == "first")
        s.look_ahead = false;
      else if (val == "best")
        s.look_ahead = true;
      else
        fail(errc::invalid_argument, "search must be first or best, got '" + std::string(val) + "'");
    } else if (s.is_voronoi() && key == "budget") {
      s.budget = detail::parse_spec_int(spec, key, val);
      if (s.budget < 0) fail(errc::invalid_argument, "budget must be >= 0");
    } else if (s.is_voronoi() && key == "betas") {
      std::string_view list = val;
      while (true) {
        const std::size_t slash = list.find('/');
        const std::string_view item = list.substr(0, slash);
        float b = 0.0f;
        auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), b);
        if (item.empty() || ec != std::errc() || p != item.data() + item.size())
          fail(errc::format_error, "betas must be numbers separated by '/', got '" + std::string(val) + "'");
        if (!(b > 0.0f && b < 1.0e30f)) fail(errc::invalid_argument, "betas must be positive and finite");
        if (!s.betas.empty() && !(b > s.betas.back()))
          fail(errc::invalid_argument, "betas must be strictly ascending");
        s.betas.push_back(b);
        if (slash == std::string_view::npos) break;
        list = list.substr(slash + 1);
      }
      const std::size_t n = s.betas.size();
      if (n != 1 && n != 2 && n != 4 && n != 8 && n != 16)
        fail(errc::invalid_argument, "betas needs 1, 2, 4, 8 or 16 scales, got " + std::to_string(n));
    } else if (s.is_voronoi() && key == "dither") {
      std::uint64_t d = 0;
      auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), d);
      if (ec != std::errc() || p != val.data() + val.size())
        fail(errc::format_error, "dither must be an unsigned integer seed, got '" + std::string(val) + "'");
      s.dither = d;
    } else if (s.is_ball() && key == "rate") {
      s.ball_rate = detail::parse_spec_real(spec, key, val);
      if (!(s.ball_rate >= 1.0 && s.ball_rate <= 6.0)) fail(errc::invalid_argument, "rate must be in 1..6");
    } else if (s.is_ball() && key == "radius") {
      s.radius = detail::parse_spec_real(spec, key, val);
      if (!(s.radius >= 0.5 && s.radius <= 2.0)) fail(errc::invalid_argument, "radius must be in 0.5..2");
    } else if (s.family == "lloyd-max" && key == "bits") {
      s.bits = detail::parse_spec_int(spec, key, val);
    } else if (s.family == "fp8" && key == "block") {
      int b = detail::parse_spec_int(spec, key, val);
      if (b != 32 && b != 64 && b != 128) fail(errc::invalid_argument, "block must be 32, 64 or 128");
      s.block = static_cast<std::size_t>(b);
    } else if (s.family == "fp8" && key == "scale") {
      s.scale = std::string(val);
      if (s.scale != "fp32" && s.scale != "fp16" && s.scale != "bf16" && s.scale != "ue8m0")
        fail(errc::invalid_argument, "scale must be fp32, fp16, bf16 or ue8m0");
    } else if (s.family == "fp8" && key == "format") {
      s.format = std::string(val);
      if (s.format != "e4m3" && s.format != "e5m2") fail(errc::invalid_argument, "format must be e4m3 or e5m2");
    } else {
      fail(errc::format_error, "unknown key '" + key + "' for family " + s.family);
    }
  }
  if (s.is_lattice() && s.q == 0 && std::find(seen.begin(), seen.end(), "q") == seen.end())
    fail(errc::format_error, "missing q (e.g. " + s.family + ":q=38)");
  if (s.is_lattice() && s.q < 1) fail(errc::invalid_argument, "q must be >= 1");
  if (s.is_voronoi() && s.q == 0) fail(errc::format_error, "missing rate (e.g. " + s.family + ":rate=4)");
  if (s.is_ball() && s.ball_rate == 0.0) fail(errc::format_error, "missing rate (e.g. e8b:rate=4)");
  if (s.family == "lloyd-max" && (s.bits < 1 || s.bits > 8))
    fail(errc::invalid_argument, "bits must be in 1..8 (e.g. lloyd-max:bits=4)");
  return s;
}

} // namespace kakeya

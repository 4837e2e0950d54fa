// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Generator of include/kakeya/scalar/lloyd_max_tables.hpp: the MSE-optimal (Lloyd-Max)
// quantisers of the unit Gaussian for 1..8 bits.
//
//   g++ -std=c++20 -O2 -ffp-contract=off tools/gen_lloyd_max.cpp -o gen_lloyd_max
//   ./gen_lloyd_max > include/kakeya/scalar/lloyd_max_tables.hpp
//
// Method (docs/components/lloyd_max.md): the optimum is symmetric, so only the N = 2^(b-1)
// positive levels y_1 < ... < y_N are unknown; the cells are [t_{i-1}, t_i) with t_0 = 0,
// t_N = +inf and t_i = (y_i + y_{i+1}) / 2 (nearest-neighbour condition). The centroid
// condition y_i = E[X | t_{i-1} <= X < t_i] is solved as F(y) = y - c(t(y)) = 0 by Newton's
// method with a tridiagonal Jacobian, started from the asymptotically optimal compander
// (Panter & Dite 1951; Gersho & Gray 1992, sec. 6.6): levels sqrt(3) * Phi^-1((i - 1/2) / L),
// followed by a few Lloyd iterations. All integrals are closed forms in long double:
//   P = Q(a) - Q(b),  int x phi = phi(a) - phi(b),  with Q(x) = erfc(x / sqrt 2) / 2.
// MSE = 1 - sum over all cells of y_i^2 P_i (valid at a centroid fixed point).
// The Gaussian density is log-concave, so the fixed point is unique and is the global
// optimum (Fleischer 1964; Trushkin 1982). The output depends only on IEEE double rounding
// of the converged long-double solution and is byte-for-byte reproducible.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
using real = long double;

constexpr real inv_sqrt_2pi = 0.398942280401432677939946059934381868L;
constexpr real sqrt_half = 0.707106781186547524400844362104849039L;

real phi(real x) { return x == INFINITY ? 0.0L : inv_sqrt_2pi * std::exp(-0.5L * x * x); }
real upper_q(real x) { return x == INFINITY ? 0.0L : 0.5L * std::erfc(x * sqrt_half); }

struct cell {
  real p;     // P(a <= X < b)
  real c;     // E[X | a <= X < b]
  real dc_da; // d c / d a
  real dc_db; // d c / d b
};

cell moments(real a, real b) {
  const real pa = phi(a), pb = phi(b);
  const real p = upper_q(a) - upper_q(b);
  const real c = (pa - pb) / p;
  cell r{p, c, pa * (c - a) / p, 0.0L};
  r.dc_db = (b == INFINITY) ? 0.0L : pb * (b - c) / p;
  return r;
}

std::vector<real> thresholds(const std::vector<real>& y) {
  const std::size_t n = y.size();
  std::vector<real> t(n + 1);
  t[0] = 0.0L;
  for (std::size_t i = 1; i < n; ++i) t[i] = 0.5L * (y[i - 1] + y[i]);
  t[n] = INFINITY;
  return t;
}

// Residual F_i = y_i - c_i and its max norm.
real residual(const std::vector<real>& y, std::vector<real>& f) {
  const auto t = thresholds(y);
  real m = 0.0L;
  for (std::size_t i = 0; i < y.size(); ++i) {
    f[i] = y[i] - moments(t[i], t[i + 1]).c;
    m = std::fmax(m, std::fabs(f[i]));
  }
  return m;
}

bool sorted_positive(const std::vector<real>& y) {
  if (!(y[0] > 0.0L)) return false;
  for (std::size_t i = 1; i < y.size(); ++i)
    if (!(y[i] > y[i - 1])) return false;
  return true;
}

real inverse_upper_q(real q) { // bisection: Q is decreasing
  real lo = 0.0L, hi = 40.0L;
  for (int it = 0; it < 200; ++it) {
    const real mid = 0.5L * (lo + hi);
    (upper_q(mid) > q ? lo : hi) = mid;
  }
  return 0.5L * (lo + hi);
}

std::vector<real> solve(int bits, real& final_residual, int& newton_steps) {
  const std::size_t levels = std::size_t{1} << bits, n = levels / 2;
  std::vector<real> y(n), f(n);
  // Compander start: G(x) = Phi(x / sqrt 3) spreads the levels as the cube root of the density.
  for (std::size_t i = 0; i < n; ++i) {
    const real p_upper = 1.0L - (static_cast<real>(n + i) + 0.5L) / static_cast<real>(levels);
    y[i] = std::sqrt(3.0L) * inverse_upper_q(p_upper);
  }
  for (int it = 0; it < 20; ++it) { // a few Lloyd steps pull the tail levels in
    const auto t = thresholds(y);
    for (std::size_t i = 0; i < n; ++i) y[i] = moments(t[i], t[i + 1]).c;
  }
  real norm = residual(y, f);
  newton_steps = 0;
  for (int it = 0; it < 100 && norm > 0.0L; ++it) {
    // Tridiagonal Jacobian of F: J_{i,i-1} = -dc_i/da / 2, J_{i,i+1} = -dc_i/db / 2,
    // J_{i,i} = 1 - (dc_i/da [i > 0] + dc_i/db [i < n-1]) / 2.
    const auto t = thresholds(y);
    std::vector<real> lo(n, 0.0L), di(n), up(n, 0.0L), rhs(n);
    for (std::size_t i = 0; i < n; ++i) {
      const cell m = moments(t[i], t[i + 1]);
      di[i] = 1.0L;
      if (i > 0) {
        lo[i] = -0.5L * m.dc_da;
        di[i] -= 0.5L * m.dc_da;
      }
      if (i + 1 < n) {
        up[i] = -0.5L * m.dc_db;
        di[i] -= 0.5L * m.dc_db;
      }
      rhs[i] = -f[i];
    }
    for (std::size_t i = 1; i < n; ++i) { // Thomas algorithm
      const real w = lo[i] / di[i - 1];
      di[i] -= w * up[i - 1];
      rhs[i] -= w * rhs[i - 1];
    }
    std::vector<real> step(n);
    step[n - 1] = rhs[n - 1] / di[n - 1];
    for (std::size_t i = n - 1; i-- > 0;) step[i] = (rhs[i] - up[i] * step[i + 1]) / di[i];
    // Damped update: halve the step until the residual falls and the levels stay ordered.
    real lambda = 1.0L;
    std::vector<real> trial(n), ft(n);
    bool improved = false;
    for (int h = 0; h < 60; ++h, lambda *= 0.5L) {
      for (std::size_t i = 0; i < n; ++i) trial[i] = y[i] + lambda * step[i];
      if (!sorted_positive(trial)) continue;
      const real nt = residual(trial, ft);
      if (nt < norm) {
        y = trial;
        f = ft;
        norm = nt;
        improved = true;
        break;
      }
    }
    ++newton_steps;
    if (!improved) break; // at the long-double noise floor
  }
  final_residual = norm;
  return y;
}

real model_mse(const std::vector<real>& y) {
  const auto t = thresholds(y);
  real s = 0.0L;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const cell m = moments(t[i], t[i + 1]);
    s += y[i] * y[i] * m.p;
  }
  return 1.0L - 2.0L * s; // two symmetric halves
}
} // namespace

int main() {
  std::vector<std::vector<real>> tables;
  std::vector<real> mses, residuals;
  std::vector<int> steps;
  for (int b = 1; b <= 8; ++b) {
    real res = 0.0L;
    int st = 0;
    tables.push_back(solve(b, res, st));
    residuals.push_back(res);
    steps.push_back(st);
    mses.push_back(model_mse(tables.back()));
    if (!(res < 1e-15L)) {
      std::fprintf(stderr, "gen_lloyd_max: %d bits did not converge (residual %Lg)\n", b, res);
      return EXIT_FAILURE;
    }
  }
  std::printf("// SPDX-FileCopyrightText: 2026 kakeyalattice contributors\n");
  std::printf("// SPDX-License-Identifier: Apache-2.0\n");
  std::printf("#pragma once\n");
  std::printf("/// @file lloyd_max_tables.hpp\n");
  std::printf("/// GENERATED by tools/gen_lloyd_max.cpp; do not edit. Regenerate with\n");
  std::printf(
      "///   g++ -std=c++20 -O2 -ffp-contract=off tools/gen_lloyd_max.cpp -o gen_lloyd_max\n");
  std::printf("///   ./gen_lloyd_max > include/kakeya/scalar/lloyd_max_tables.hpp\n");
  std::printf(
      "/// MSE-optimal (Lloyd-Max) quantisers of the unit Gaussian, 1..8 bits: the positive\n");
  std::printf("/// half of each symmetric codebook (levels are -y[N-1] .. -y[0], y[0] .. y[N-1]) "
              "and the\n");
  std::printf(
      "/// mean squared error. Solved in long double to a centroid-condition residual of\n");
  std::printf("/// at most %.1Le, then rounded to double (docs/components/lloyd_max.md).\n", [&] {
    real m = 0;
    for (real r : residuals) m = std::fmax(m, r);
    return m;
  }());
  std::printf(
      "///\n///  bits  levels  MSE                      Newton steps  max |y - E[X|cell]|\n");
  for (int b = 1; b <= 8; ++b)
    std::printf("///  %d     %-6d  %-23.17g  %-12d  %.1Le\n", b, 1 << b,
                static_cast<double>(mses[b - 1]), steps[b - 1], residuals[b - 1]);
  std::printf("\n#include <cstddef>\n\nnamespace kakeya::detail::lloyd_max_tables {\n\n");
  std::printf(
      "/// MSE of the b-bit optimal quantiser of N(0, 1), indexed by b (entry 0 unused: 1).\n");
  std::printf("inline constexpr double gaussian_mse[9] = {\n    1.0,\n");
  for (int b = 1; b <= 8; ++b) std::printf("    %.17g,\n", static_cast<double>(mses[b - 1]));
  std::printf("};\n\n");
  std::printf(
      "/// Positive levels of every table, concatenated: the 2^(b-1) levels of the b-bit\n");
  std::printf(
      "/// quantiser start at gaussian_positive_offset(b) = 2^(b-1) - 1, ascending; 255 in all.\n");
  std::printf("inline constexpr double gaussian_positive_levels[255] = {\n");
  for (int b = 1; b <= 8; ++b) {
    std::printf("    // %d bit%s: %zu positive level%s\n", b, b == 1 ? "" : "s",
                tables[b - 1].size(), b == 1 ? "" : "s");
    for (std::size_t i = 0; i < tables[b - 1].size(); ++i)
      std::printf("    %.17g,\n", static_cast<double>(tables[b - 1][i]));
  }
  std::printf("};\n\n");
  std::printf("/// Offset of the b-bit table (1 <= b <= 8) in gaussian_positive_levels.\n");
  std::printf("constexpr std::size_t gaussian_positive_offset(int bits) noexcept {\n");
  std::printf("  return (std::size_t{1} << (bits - 1)) - 1;\n}\n\n");
  std::printf("} // namespace kakeya::detail::lloyd_max_tables\n");
  return EXIT_SUCCESS;
}

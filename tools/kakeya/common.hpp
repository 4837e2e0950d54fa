// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared helpers of the kakeya subcommands.

#include <cmath>
#include <string>

#include <CLI/CLI.hpp>

#include "kakeya/backend/backend.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/io/npy.hpp"
#if KAKEYA_WITH_SIMD
#include "kakeya/backend/simd.hpp"
#endif

namespace kakeya::cli {

/// Refuses the first non-finite value, naming its row and column.
inline void require_finite(const io::npy_array& a, const std::string& path) {
  for (std::size_t i = 0; i < a.data.size(); ++i)
    if (!std::isfinite(a.data[i]))
      throw error(errc::non_finite_input,
                  path + ": row " + std::to_string(i / a.cols) + ", column " +
                      std::to_string(i % a.cols) + " holds " +
                      (std::isnan(a.data[i]) ? "NaN" : "Inf") + "; only finite values are accepted");
}

/// Reads a 2-D float32 .npy file; with `finite`, refuses NaN and Inf.
inline io::npy_array load_rows(const std::string& path, bool finite = true) {
  io::npy_array a = io::read_npy(path);
  if (finite) require_finite(a, path);
  return a;
}

/// Adds `--backend auto|scalar|simd|cuda` (default auto) to a subcommand.
inline CLI::Option* add_backend_option(CLI::App* cmd, std::string& value) {
  return cmd->add_option("--backend", value, "auto, scalar, simd or cuda (default auto: the best available)")
      ->check(CLI::IsMember({"auto", "scalar", "simd", "cuda"}));
}

/// Adds `--threads N`: the thread count of the simd backend (default: KAKEYA_THREADS, else
/// every core). The output does not depend on it.
inline CLI::Option* add_threads_option(CLI::App* cmd, unsigned& value) {
  return cmd->add_option("--threads", value, "threads of the simd backend (default: KAKEYA_THREADS, else every core)")
      ->check(CLI::Range(1u, 4096u));
}

/// Applies a --threads value (0: not given) to the simd backend.
inline void apply_threads(unsigned n) {
#if KAKEYA_WITH_SIMD
  if (n != 0) set_simd_threads(n);
#else
  (void)n;
#endif
}

void register_hadamard(CLI::App& app);
void register_nearest(CLI::App& app);
void register_fp8(CLI::App& app);
void register_lloyd_max(CLI::App& app);
void register_random(CLI::App& app);
void register_compare(CLI::App& app);
void register_info(CLI::App& app);
void register_encode(CLI::App& app);
void register_decode(CLI::App& app);
void register_roundtrip(CLI::App& app);
void register_eval(CLI::App& app);
void register_rd(CLI::App& app);

} // namespace kakeya::cli

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file backend.hpp
/// Names of the backends a bulk call can run on, chosen at run time by the type-erased API
/// and the CLI (`--backend auto|scalar|simd|cuda`). Whether a backend is compiled in is a
/// build option (KAKEYA_WITH_SIMD, KAKEYA_WITH_CUDA, set by meson); whether it can run is
/// asked at run time (a CUDA build on a machine without a GPU cannot).

#include <string>
#include <string_view>

#include "kakeya/core/error.hpp"

#ifndef KAKEYA_WITH_SIMD
#define KAKEYA_WITH_SIMD 0
#endif
#ifndef KAKEYA_WITH_CUDA
#define KAKEYA_WITH_CUDA 0
#endif

namespace kakeya {

/// Where a bulk call runs.
enum class backend {
  scalar, ///< the reference: one vector after another on the calling thread
  simd,   ///< xsimd across vectors, on every core
  cuda,   ///< CUDA kernels on the first GPU
};

inline const char* to_string(backend b) noexcept {
  switch (b) {
  case backend::scalar: return "scalar";
  case backend::simd: return "simd";
  case backend::cuda: return "cuda";
  }
  return "?";
}

/// Whether this build can run on `b` now (for cuda: compiled in and a GPU present).
/// Defined in kernels/ (backend_status.cpp).
bool backend_available(backend b) noexcept;
/// A sentence saying why `b` is or is not available, e.g. "not compiled into this build" or
/// "no CUDA device: CUDA driver version is insufficient".
std::string backend_status(backend b);

/// "auto" (cuda if available, else simd, else scalar), "scalar", "simd" or "cuda". Throws
/// errc::invalid_argument for another name and errc::backend_unavailable for a backend this
/// build or machine lacks.
inline backend parse_backend(std::string_view name) {
  if (name == "auto") {
    for (backend b : {backend::cuda, backend::simd, backend::scalar})
      if (backend_available(b)) return b;
  }
  for (backend b : {backend::scalar, backend::simd, backend::cuda}) {
    if (name == to_string(b)) {
      if (!backend_available(b))
        throw error(errc::backend_unavailable,
                    "backend '" + std::string(name) + "' is not available: " + backend_status(b));
      return b;
    }
  }
  throw error(errc::invalid_argument,
              "unknown backend '" + std::string(name) + "' (auto, scalar, simd or cuda)");
}

} // namespace kakeya

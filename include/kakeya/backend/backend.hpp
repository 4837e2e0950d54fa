// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file backend.hpp
/// Names of the backends a bulk call can run on, chosen at run time by the type-erased API
/// and the CLI (`--backend auto|scalar|simd|cuda`).

#include <string>
#include <string_view>

#include "kakeya/core/error.hpp"

namespace kakeya {

/// Where a bulk call runs.
enum class backend {
  scalar, ///< the reference: one vector after another on the calling thread
  simd,   ///< xsimd across vectors, all cores (not built yet)
  cuda,   ///< CUDA kernels (not built yet)
};

inline const char* to_string(backend b) noexcept {
  switch (b) {
  case backend::scalar: return "scalar";
  case backend::simd: return "simd";
  case backend::cuda: return "cuda";
  }
  return "?";
}

/// Whether this build can run on `b` now.
inline bool backend_available(backend b) noexcept { return b == backend::scalar; }

/// "auto" (the best available), "scalar", "simd" or "cuda". Throws errc::invalid_argument for
/// another name and errc::backend_unavailable for a backend this build or machine lacks.
inline backend parse_backend(std::string_view name) {
  if (name == "auto") {
    for (backend b : {backend::cuda, backend::simd, backend::scalar})
      if (backend_available(b)) return b;
  }
  for (backend b : {backend::scalar, backend::simd, backend::cuda}) {
    if (name == to_string(b)) {
      if (!backend_available(b))
        throw error(errc::backend_unavailable,
                    "backend '" + std::string(name) + "' is not available in this build (available: scalar)");
      return b;
    }
  }
  throw error(errc::invalid_argument,
              "unknown backend '" + std::string(name) + "' (auto, scalar, simd or cuda)");
}

} // namespace kakeya

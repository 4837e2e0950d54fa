// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "kakeya/backend/backend.hpp"

#if KAKEYA_WITH_SIMD
#include "kakeya/backend/simd.hpp"
#endif
#if KAKEYA_WITH_CUDA
#include "kakeya/backend/cuda.hpp"
#endif

namespace kakeya {

bool backend_available(backend b) noexcept {
  switch (b) {
  case backend::scalar: return true;
  case backend::simd:
#if KAKEYA_WITH_SIMD
    return true;
#else
    return false;
#endif
  case backend::cuda:
#if KAKEYA_WITH_CUDA
    return cuda_device_count() > 0;
#else
    return false;
#endif
  }
  return false;
}

std::string backend_status(backend b) {
  switch (b) {
  case backend::scalar: return "the scalar reference backend is always available";
  case backend::simd:
#if KAKEYA_WITH_SIMD
    return "SIMD backend, instruction set " + simd_isa_name();
#else
    return "the SIMD backend is not compiled into this build";
#endif
  case backend::cuda:
#if KAKEYA_WITH_CUDA
    return cuda_status();
#else
    return "the CUDA backend is not compiled into this build (configure with nvcc on PATH)";
#endif
  }
  return "unknown backend";
}

} // namespace kakeya

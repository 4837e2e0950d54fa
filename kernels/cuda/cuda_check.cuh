// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Error checking and RAII device buffers shared by the CUDA kernels' host code.

#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "kakeya/core/error.hpp"

namespace kakeya::detail {

/// Throws kakeya::error(errc::device_error) with CUDA's message when `e` is an error.
inline void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess)
    throw error(errc::device_error, std::string("CUDA error in ") + what + ": " +
                                        cudaGetErrorName(e) + ": " + cudaGetErrorString(e));
}

/// Checks the last launch (asynchronous errors surface at the next synchronising call).
inline void cuda_check_launch(const char* what) { cuda_check(cudaGetLastError(), what); }

/// A device allocation freed on scope exit.
class device_buffer {
public:
  explicit device_buffer(std::size_t bytes) {
    if (bytes) cuda_check(cudaMalloc(&p_, bytes), "cudaMalloc");
  }
  ~device_buffer() {
    if (p_) cudaFree(p_);
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  template <class T>
  T* as() const noexcept {
    return static_cast<T*>(p_);
  }

private:
  void* p_ = nullptr;
};

inline cudaStream_t stream_of(void* s) noexcept { return static_cast<cudaStream_t>(s); }

} // namespace kakeya::detail

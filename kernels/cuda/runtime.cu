// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include <cuda_runtime.h>

#include <string>

#include "kakeya/backend/cuda.hpp"

namespace kakeya {

int cuda_device_count() noexcept {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError(); // clear the sticky "no driver / no device" error
    return 0;
  }
  return n;
}

std::string cuda_status() {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string("no CUDA device: ") + cudaGetErrorString(e);
  }
  if (n == 0) return "no CUDA device";
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) return "CUDA device 0 cannot be queried";
  return std::string("CUDA device 0: ") + p.name + " (sm_" + std::to_string(p.major) +
         std::to_string(p.minor) + ")";
}

} // namespace kakeya

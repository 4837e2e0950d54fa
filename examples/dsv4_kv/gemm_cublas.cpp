// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The projections' matrix product on the GPU (cuBLAS), used when dsv4_kv runs the CUDA backend.
// Built only with CUDA; without it the functions report that the path is absent.
#include "model.hpp"

#include <stdexcept>
#include <string>

#if DSV4_WITH_CUBLAS
#include <cublas_v2.h>
#include <cuda_runtime.h>
#endif

namespace dsv4 {

#if DSV4_WITH_CUBLAS
namespace {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string("cuBLAS projection: ") + what + ": " + cudaGetErrorString(e));
}
void check(cublasStatus_t e, const char* what) {
  if (e != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLAS projection: ") + what + ": " + cublasGetStatusString(e));
}
// Device memory released on every path.
struct device_array {
  float* p = nullptr;
  explicit device_array(std::size_t count) { check(cudaMalloc(&p, count * sizeof(float)), "cudaMalloc"); }
  ~device_array() { cudaFree(p); }
  device_array(const device_array&) = delete;
  device_array& operator=(const device_array&) = delete;
};
struct handle {
  cublasHandle_t h{};
  handle() { check(cublasCreate(&h), "cublasCreate"); }
  ~handle() { cublasDestroy(h); }
  handle(const handle&) = delete;
  handle& operator=(const handle&) = delete;
};
} // namespace

bool cublas_available() { return true; }

void project_cublas(const float* x, std::size_t rows, std::size_t k, const float* w, std::size_t n, float* out) {
  static handle h; // one handle for the process
  // FP32 products, no TF32: the same arithmetic class as OpenBLAS's sgemm.
  check(cublasSetMathMode(h.h, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  device_array dx(rows * k), dw(n * k), dout(rows * n);
  check(cudaMemcpy(dx.p, x, rows * k * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy");
  check(cudaMemcpy(dw.p, w, n * k * sizeof(float), cudaMemcpyHostToDevice), "cudaMemcpy");
  // Row-major out[rows, n] = x[rows, k] · w[n, k]ᵀ is column-major outᵀ[n, rows] = w · xᵀ,
  // where the row-major arrays read as column-major matrices wᵀ (k × n) and xᵀ (k × rows).
  const float one = 1.0f, zero = 0.0f;
  check(cublasSgemm(h.h, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(rows), static_cast<int>(k),
                    &one, dw.p, static_cast<int>(k), dx.p, static_cast<int>(k), &zero, dout.p, static_cast<int>(n)),
        "cublasSgemm");
  check(cudaMemcpy(out, dout.p, rows * n * sizeof(float), cudaMemcpyDeviceToHost), "cudaMemcpy");
}
#else
bool cublas_available() { return false; }

void project_cublas(const float*, std::size_t, std::size_t, const float*, std::size_t, float*) {
  throw std::runtime_error("cuBLAS projection: this build has no CUDA");
}
#endif

} // namespace dsv4

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The cuBLAS projections against OpenBLAS: the three KV streams computed both ways agree to
// float rounding (relative Frobenius difference below 1e-5). Exits 77 (skipped) without a GPU.
#include <cmath>
#include <cstdio>

#include "inputs.hpp"
#include "kakeya/backend/cuda.hpp"
#include "model.hpp"

int main() {
  using namespace dsv4;
  if (kakeya::cuda_device_count() == 0) {
    std::printf("%s: skipped\n", kakeya::cuda_status().c_str());
    return 77;
  }
  const model_weights w = seeded_weights(3);
  const tensor3 hidden = synthetic_hidden(input_kind::heavy, 2, 512, 11);
  const kv_streams a = compute_streams(w, hidden, 0, matmul::openblas);
  const kv_streams b = compute_streams(w, hidden, 0, matmul::cublas);
  int failures = 0;
  for (stream_kind k : {stream_kind::sliding_window, stream_kind::csa, stream_kind::hca}) {
    const tensor3 &x = a.get(k), &y = b.get(k);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double d = static_cast<double>(x.data()[i]) - y.data()[i];
      num += d * d;
      den += static_cast<double>(x.data()[i]) * x.data()[i];
    }
    const double rel = std::sqrt(num / den);
    const bool ok = x.shape() == y.shape() && den > 0 && rel < 1e-5;
    std::printf("stream %d: %zu values, relative difference cuBLAS vs OpenBLAS %.3g %s\n", static_cast<int>(k),
                x.size(), rel, ok ? "ok" : "FAIL");
    failures += ok ? 0 : 1;
  }
  return failures == 0 ? 0 : 1;
}

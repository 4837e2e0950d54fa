// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The CUDA codec kernels of every preset type for D = 1024 (one file per D keeps the build parallel).
#include "codec_kernels.cuh"
#include "kakeya/codec/preset_types.hpp"

// Taking the addresses instantiates every function of the backend for every preset type.
[[gnu::used]] static const auto kakeya_cuda_presets_d1024 =
    kakeya::detail::cuda_instantiate(kakeya::preset_types<1024>{});

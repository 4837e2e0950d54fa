// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file config.hpp
/// Portability macros shared by every header: host/device annotation, inlining and the
/// library version.

#if defined(__CUDACC__)
/// Marks arithmetic that runs unchanged on the host and inside CUDA kernels.
#define KAKEYA_HOST_DEVICE __host__ __device__
#define KAKEYA_CUDA_COMPILER 1
#else
#define KAKEYA_HOST_DEVICE
#define KAKEYA_CUDA_COMPILER 0
#endif

#if defined(__CUDA_ARCH__)
#define KAKEYA_DEVICE_CODE 1
#else
#define KAKEYA_DEVICE_CODE 0
#endif

#define KAKEYA_VERSION_MAJOR 0
#define KAKEYA_VERSION_MINOR 1
#define KAKEYA_VERSION_PATCH 0
#define KAKEYA_VERSION_STRING "0.1.0"

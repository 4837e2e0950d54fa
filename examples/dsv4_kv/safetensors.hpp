// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file safetensors.hpp
/// A strict reader of safetensors files (8-byte little-endian header length N, N bytes of
/// JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the
/// raw little-endian data) and of checkpoint directories with `model.safetensors.index.json`.
/// Tensors are read one at a time with seeks, so multi-GB shards are not loaded whole.
/// Anything malformed is refused with a std::runtime_error naming the file and the problem.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model.hpp"

namespace dsv4 {

/// One entry of a safetensors header.
struct tensor_entry {
  std::string dtype;              ///< "F32", "BF16", "F16", "F8_E4M3", "F8_E8M0", ...
  std::vector<std::size_t> shape; ///< row-major
  std::uint64_t begin = 0;        ///< byte offsets into the data section
  std::uint64_t end = 0;
};

/// Bytes per element of a safetensors dtype; 0 for a dtype this reader does not know.
std::size_t dtype_size(const std::string& dtype);

/// A dense float32 tensor.
struct float_tensor {
  std::vector<std::size_t> shape;
  std::vector<float> data;
};

/// One safetensors file: its header is read and validated on construction.
class safetensors_file {
public:
  explicit safetensors_file(std::string path);
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  /// Throws when `name` is not in the file.
  [[nodiscard]] const tensor_entry& entry(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> names() const;
  /// The raw bytes of a tensor.
  [[nodiscard]] std::vector<std::uint8_t> read_bytes(const std::string& name) const;
  /// The values of an F32, BF16, F16 or F8_E4M3 tensor, exactly widened to float (no scales
  /// applied). Throws for other dtypes and for NaN/Inf values.
  [[nodiscard]] float_tensor read_float(const std::string& name) const;

private:
  std::string path_;
  std::uint64_t data_start_ = 0;
  std::map<std::string, tensor_entry> entries_;
};

/// A checkpoint: one safetensors file, or a directory whose model.safetensors.index.json maps
/// tensor names to shard files (`weight_map`).
class checkpoint {
public:
  explicit checkpoint(const std::string& path);
  [[nodiscard]] bool contains(const std::string& name) const;
  /// Loads a tensor as float. A tensor stored as F8_E4M3 whose name ends in ".weight" is
  /// dequantised with its ".scale" tensor: F8_E8M0 codes e, one per 128×128 tile of the
  /// [out, in] matrix, value 2^(e−127): w[i][j] = e4m3(w[i][j]) · 2^(e[i/128][j/128] − 127),
  /// exact in float. F32/BF16/F16 tensors are returned as stored.
  [[nodiscard]] float_tensor load(const std::string& name) const;

private:
  const safetensors_file& file_for(const std::string& name) const;
  std::string path_;
  std::map<std::string, std::string> weight_map_; ///< name → shard path (directory form)
  mutable std::map<std::string, std::unique_ptr<safetensors_file>> open_;
};

/// Checkpoint layer ids of the three streams (V4-Flash: 0 is ratio 0, 2 is ratio 4, 3 is 128).
struct layer_ids {
  int window = 0;
  int csa = 2;
  int hca = 3;
};

/// Loads `layers.{window}.attn.{wkv.weight, kv_norm.weight}` and
/// `layers.{csa,hca}.attn.compressor.{wkv.weight, wgate.weight, ape, norm.weight}` and checks
/// their shapes against V4-Flash's.
model_weights load_weights(const std::string& path, const layer_ids& ids);

} // namespace dsv4

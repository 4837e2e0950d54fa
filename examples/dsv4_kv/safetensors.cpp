// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "kakeya/core/float_formats.hpp"

namespace dsv4 {

static_assert(std::endian::native == std::endian::little,
              "the safetensors reader copies little-endian data as is");

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw std::runtime_error(path + ": " + why);
}

constexpr std::uint64_t max_header = 100'000'000; // the safetensors format's own limit

std::uint64_t checked_product(const std::vector<std::size_t>& shape, std::size_t elem,
                              const std::string& path, const std::string& name) {
  std::uint64_t n = elem;
  for (std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::uint64_t>::max() / d)
      fail(path, "tensor '" + name + "': shape too large");
    n *= d;
  }
  return n;
}

std::string shape_text(const std::vector<std::size_t>& s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

} // namespace

std::size_t dtype_size(const std::string& dtype) {
  if (dtype == "F32") return 4;
  if (dtype == "BF16" || dtype == "F16") return 2;
  if (dtype == "F8_E4M3" || dtype == "F8_E8M0") return 1;
  return 0;
}

safetensors_file::safetensors_file(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail(path_, "cannot open");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8) fail(path_, "too short for a safetensors file (no 8-byte header length)");
  unsigned char len_bytes[8];
  in.read(reinterpret_cast<char*>(len_bytes), 8);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | len_bytes[i];
  if (n > file_size - 8)
    fail(path_, "header length " + std::to_string(n) + " exceeds the file (" +
                    std::to_string(file_size - 8) + " bytes after the length)");
  if (n > max_header) fail(path_, "header length " + std::to_string(n) + " above 100 MB");
  std::string header(n, '\0');
  in.read(header.data(), static_cast<std::streamsize>(n));
  if (!in) fail(path_, "cannot read the header");
  data_start_ = 8 + n;
  const std::uint64_t data_size = file_size - data_start_;

  nlohmann::json j;
  try {
    j = nlohmann::json::parse(header);
  } catch (const nlohmann::json::exception& e) {
    fail(path_, std::string("header is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) fail(path_, "header is not a JSON object");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    const auto& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) fail(path_, "__metadata__ is not an object");
      continue;
    }
    if (!v.is_object()) fail(path_, "tensor '" + name + "': entry is not an object");
    for (auto f = v.begin(); f != v.end(); ++f)
      if (f.key() != "dtype" && f.key() != "shape" && f.key() != "data_offsets")
        fail(path_, "tensor '" + name + "': unexpected field '" + f.key() + "'");
    if (!v.contains("dtype") || !v["dtype"].is_string())
      fail(path_, "tensor '" + name + "': missing or non-string dtype");
    if (!v.contains("shape") || !v["shape"].is_array())
      fail(path_, "tensor '" + name + "': missing or non-array shape");
    if (!v.contains("data_offsets") || !v["data_offsets"].is_array() ||
        v["data_offsets"].size() != 2)
      fail(path_, "tensor '" + name + "': data_offsets must be [begin, end]");
    tensor_entry e;
    e.dtype = v["dtype"].get<std::string>();
    const std::size_t esize = dtype_size(e.dtype);
    if (esize == 0)
      fail(path_, "tensor '" + name + "': unsupported dtype '" + e.dtype +
                      "' (supported: F32, BF16, F16, F8_E4M3, F8_E8M0)");
    for (const auto& d : v["shape"]) {
      if (!d.is_number_unsigned())
        fail(path_, "tensor '" + name + "': shape entries must be unsigned integers");
      e.shape.push_back(d.get<std::size_t>());
    }
    for (const auto& o : v["data_offsets"])
      if (!o.is_number_unsigned())
        fail(path_, "tensor '" + name + "': data_offsets must be unsigned integers");
    e.begin = v["data_offsets"][0].get<std::uint64_t>();
    e.end = v["data_offsets"][1].get<std::uint64_t>();
    if (e.begin > e.end) fail(path_, "tensor '" + name + "': data_offsets begin > end");
    if (e.end > data_size)
      fail(path_, "tensor '" + name + "': data_offsets end " + std::to_string(e.end) +
                      " beyond the data (" + std::to_string(data_size) + " bytes)");
    const std::uint64_t want = checked_product(e.shape, esize, path_, name);
    if (e.end - e.begin != want)
      fail(path_, "tensor '" + name + "': " + std::to_string(e.end - e.begin) +
                      " bytes for shape " + shape_text(e.shape) + " of " + e.dtype + " (needs " +
                      std::to_string(want) + ")");
    ranges.emplace_back(e.begin, e.end);
    entries_.emplace(name, std::move(e));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second) fail(path_, "tensors overlap in the data section");
}

const tensor_entry& safetensors_file::entry(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) fail(path_, "no tensor named '" + name + "'");
  return it->second;
}

std::vector<std::string> safetensors_file::names() const {
  std::vector<std::string> v;
  for (const auto& [k, e] : entries_) v.push_back(k);
  return v;
}

std::vector<std::uint8_t> safetensors_file::read_bytes(const std::string& name) const {
  const tensor_entry& e = entry(name);
  std::vector<std::uint8_t> bytes(e.end - e.begin);
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail(path_, "cannot open");
  in.seekg(static_cast<std::streamoff>(data_start_ + e.begin));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) fail(path_, "cannot read tensor '" + name + "'");
  return bytes;
}

float_tensor safetensors_file::read_float(const std::string& name) const {
  const tensor_entry& e = entry(name);
  const auto bytes = read_bytes(name);
  float_tensor t;
  t.shape = e.shape;
  const std::size_t n = bytes.size() / dtype_size(e.dtype);
  t.data.resize(n);
  if (e.dtype == "F32") {
    std::memcpy(t.data.data(), bytes.data(), bytes.size());
  } else if (e.dtype == "BF16" || e.dtype == "F16") {
    for (std::size_t i = 0; i < n; ++i) {
      const auto h = static_cast<std::uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
      t.data[i] = e.dtype == "BF16" ? kakeya::bf16::decode(h) : kakeya::fp16::decode(h);
    }
  } else if (e.dtype == "F8_E4M3") {
    for (std::size_t i = 0; i < n; ++i) t.data[i] = kakeya::fp8_e4m3::decode(bytes[i]);
  } else {
    fail(path_, "tensor '" + name + "' has dtype " + e.dtype + ", which is not a value type");
  }
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(t.data[i]))
      fail(path_, "tensor '" + name + "' holds a non-finite value at element " + std::to_string(i));
  return t;
}

checkpoint::checkpoint(const std::string& path) : path_(path) {
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) {
    const fs::path index = fs::path(path) / "model.safetensors.index.json";
    std::ifstream in(index);
    if (!in) fail(index.string(), "cannot open (a checkpoint directory needs its index)");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      fail(index.string(), std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
      fail(index.string(), "no 'weight_map' object");
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      if (!it.value().is_string())
        fail(index.string(), "weight_map['" + it.key() + "'] is not a string");
      const std::string file = it.value().get<std::string>();
      const fs::path p(file);
      if (file.empty() || p.is_absolute() || file.find("..") != std::string::npos)
        fail(index.string(),
             "weight_map['" + it.key() + "'] = '" + file + "' is not a file name in the directory");
      weight_map_[it.key()] = (fs::path(path) / p).string();
    }
  } else if (fs::is_regular_file(path)) {
    open_[path] = std::make_unique<safetensors_file>(path);
  } else {
    fail(path, "neither a safetensors file nor a checkpoint directory");
  }
}

const safetensors_file& checkpoint::file_for(const std::string& name) const {
  std::string file = path_;
  if (!weight_map_.empty() || open_.count(path_) == 0) {
    auto it = weight_map_.find(name);
    if (it == weight_map_.end()) fail(path_, "the index has no tensor named '" + name + "'");
    file = it->second;
  }
  auto& f = open_[file];
  if (!f) f = std::make_unique<safetensors_file>(file);
  return *f;
}

bool checkpoint::contains(const std::string& name) const {
  if (open_.count(path_) != 0 && weight_map_.empty()) return open_.at(path_)->contains(name);
  return weight_map_.count(name) != 0;
}

float_tensor checkpoint::load(const std::string& name) const {
  const safetensors_file& f = file_for(name);
  const tensor_entry& e = f.entry(name);
  if (e.dtype == "F8_E8M0")
    fail(f.path(), "tensor '" + name + "' is an F8_E8M0 scale tensor, not a value tensor");
  float_tensor t = f.read_float(name);
  if (e.dtype != "F8_E4M3") return t;
  const std::string suffix = ".weight";
  if (name.size() <= suffix.size() ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    fail(f.path(), "tensor '" + name + "' is F8_E4M3 but not a '.weight' with a '.scale'");
  const std::string scale_name = name.substr(0, name.size() - suffix.size()) + ".scale";
  if (!contains(scale_name))
    fail(f.path(), "F8_E4M3 tensor '" + name + "' has no scale tensor '" + scale_name + "'");
  const safetensors_file& sf = file_for(scale_name);
  const tensor_entry& se = sf.entry(scale_name);
  if (se.dtype != "F8_E8M0")
    fail(sf.path(), "scale '" + scale_name + "' has dtype " + se.dtype + ", expected F8_E8M0");
  if (t.shape.size() != 2) fail(f.path(), "F8_E4M3 tensor '" + name + "' is not 2-D");
  constexpr std::size_t tile = 128;
  const std::size_t rows = t.shape[0], cols = t.shape[1];
  const std::size_t tr = (rows + tile - 1) / tile, tc = (cols + tile - 1) / tile;
  if (se.shape != std::vector<std::size_t>{tr, tc})
    fail(sf.path(), "scale '" + scale_name + "' has shape " + shape_text(se.shape) + ", expected " +
                        shape_text({tr, tc}) + " (one per 128x128 tile of " + shape_text(t.shape) +
                        ")");
  const auto codes = sf.read_bytes(scale_name);
  std::vector<float> scale(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] == kakeya::ue8m0::nan_code)
      fail(sf.path(), "scale '" + scale_name + "' holds the NaN code 0xFF at " + std::to_string(i));
    scale[i] = kakeya::ue8m0::decode(codes[i]); // 2^(e − 127), exact
  }
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      t.data[r * cols + c] *= scale[(r / tile) * tc + c / tile]; // exact: a power of two
  return t;
}

namespace {

tensor2 to_tensor2(float_tensor&& t, const std::string& name) {
  if (t.shape.size() != 2)
    throw std::runtime_error("tensor '" + name + "' has shape " + shape_text(t.shape) +
                             ", expected 2-D");
  tensor2 out = tensor2::from_shape({t.shape[0], t.shape[1]});
  std::copy(t.data.begin(), t.data.end(), out.data());
  return out;
}

std::vector<float> to_vector(float_tensor&& t, const std::string& name) {
  if (t.shape.size() != 1)
    throw std::runtime_error("tensor '" + name + "' has shape " + shape_text(t.shape) +
                             ", expected 1-D");
  return std::move(t.data);
}

compressor_weights load_compressor(const checkpoint& ck, int layer, std::size_t ratio) {
  const std::string p = "layers." + std::to_string(layer) + ".attn.compressor.";
  compressor_weights c;
  c.ratio = ratio;
  c.overlap = ratio == csa_ratio;
  c.wkv = to_tensor2(ck.load(p + "wkv.weight"), p + "wkv.weight");
  c.wgate = to_tensor2(ck.load(p + "wgate.weight"), p + "wgate.weight");
  c.ape = to_tensor2(ck.load(p + "ape"), p + "ape");
  c.norm = to_vector(ck.load(p + "norm.weight"), p + "norm.weight");
  return c;
}

} // namespace

model_weights load_weights(const std::string& path, const layer_ids& ids) {
  checkpoint ck(path);
  model_weights w;
  const std::string p = "layers." + std::to_string(ids.window) + ".attn.";
  w.window.wkv = to_tensor2(ck.load(p + "wkv.weight"), p + "wkv.weight");
  w.window.norm = to_vector(ck.load(p + "kv_norm.weight"), p + "kv_norm.weight");
  w.csa = load_compressor(ck, ids.csa, csa_ratio);
  w.hca = load_compressor(ck, ids.hca, hca_ratio);
  try {
    check_shapes(w);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what() + " (layer ids " + std::to_string(ids.window) +
                             "," + std::to_string(ids.csa) + "," + std::to_string(ids.hca) +
                             ": sliding-window, ratio-4 and ratio-128 layers)");
  }
  w.source = path + " (layers " + std::to_string(ids.window) + ", " + std::to_string(ids.csa) +
             ", " + std::to_string(ids.hca) + ")";
  return w;
}

} // namespace dsv4

// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The SIMD backend's run-time half (compiled with the project's plain flags): which
// instruction set a bulk call uses, how many threads, and the thread pool that splits a bulk
// call into contiguous ranges of vectors. The kernels are in isa_*.cpp (kernels_impl.hpp).

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "kakeya/backend/simd.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kernels.hpp"

namespace kakeya {
namespace detail {

namespace {

using simd_kernels::isa_table;

// ---- instruction sets ----------------------------------------------------------------------

struct isa_entry {
  const char* name;
  const isa_table& (*table)();
  bool (*cpu_has)();
};

// The x86-64 levels the kernels are compiled for. GCC 12 and clang >= 15 test a level (XCR0
// included); clang 14 (the fuzzing build, docs/robustness.md) knows single features only, each
// also checked against XCR0 by the runtime, so the level is spelled out there.
#if defined(__clang__) && __clang_major__ < 15
[[maybe_unused]] bool cpu_v2() {
  return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("sse4.1") &&
         __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt");
}
[[maybe_unused]] bool cpu_v3() {
  return cpu_v2() && __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}
[[maybe_unused]] bool cpu_v4() {
  return cpu_v3() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl");
}
#else
[[maybe_unused]] bool cpu_v2() { return __builtin_cpu_supports("x86-64-v2") != 0; }
[[maybe_unused]] bool cpu_v3() { return __builtin_cpu_supports("x86-64-v3") != 0; }
[[maybe_unused]] bool cpu_v4() { return __builtin_cpu_supports("x86-64-v4") != 0; }
#endif

// Best first. KAKEYA_SIMD_HAVE_* come from kernels/simd/meson.build.
const isa_entry compiled_isas[] = {
#if KAKEYA_SIMD_HAVE_AVX512
    {"avx512", &simd_kernels::table_avx512, &cpu_v4},
#endif
#if KAKEYA_SIMD_HAVE_AVX2
    {"avx2", &simd_kernels::table_avx2, &cpu_v3},
#endif
#if KAKEYA_SIMD_HAVE_SSE4
    {"sse4", &simd_kernels::table_sse4, &cpu_v2},
#endif
    {"generic", nullptr, [] { return true; }},
};

// The chosen entry: -1 = not decided yet; else an index into compiled_isas.
std::atomic<int> chosen{-1};

int best_available() {
  int i = 0;
  for (const auto& e : compiled_isas) {
    if (e.cpu_has()) return i;
    ++i;
  }
  return static_cast<int>(std::size(compiled_isas)) - 1;
}

/// Index of `name` ("auto": the best) or throws.
int find_isa(std::string_view name, const char* who) {
  if (name == "auto") return best_available();
  std::string known;
  int i = 0;
  for (const auto& e : compiled_isas) {
    if (name == e.name) {
      if (!e.cpu_has())
        throw error(errc::backend_unavailable,
                    std::string(who) + ": this CPU lacks the " + e.name + " instruction set");
      return i;
    }
    known += (known.empty() ? "" : ", ") + std::string(e.name);
    ++i;
  }
  throw error(errc::invalid_argument,
              std::string(who) + ": unknown or not compiled instruction set '" + std::string(name) +
                  "' (this build: " + known + ", auto)");
}

int current_isa() {
  int c = chosen.load(std::memory_order_acquire);
  if (c >= 0) return c;
  const char* env = std::getenv("KAKEYA_SIMD_ISA");
  c = env != nullptr && *env != '\0' ? find_isa(env, "KAKEYA_SIMD_ISA") : best_available();
  int expected = -1;
  chosen.compare_exchange_strong(expected, c, std::memory_order_acq_rel);
  return chosen.load(std::memory_order_acquire);
}

const isa_table* current_table() {
  const auto& e = compiled_isas[current_isa()];
  return e.table != nullptr ? &e.table() : nullptr;
}

// ---- threads -------------------------------------------------------------------------------

std::atomic<unsigned> default_threads_set{0};

unsigned env_threads() {
  static const unsigned v = [] {
    const char* env = std::getenv("KAKEYA_THREADS");
    if (env != nullptr && *env != '\0') {
      char* end = nullptr;
      const long n = std::strtol(env, &end, 10);
      if (*end != '\0' || n < 1 || n > 4096)
        throw error(errc::invalid_argument,
                    "KAKEYA_THREADS='" + std::string(env) + "' is not a thread count in [1, 4096]");
      return static_cast<unsigned>(n);
    }
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1u : hw;
  }();
  return v;
}

unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  const unsigned set = default_threads_set.load(std::memory_order_relaxed);
  return set != 0 ? set : env_threads();
}

struct job {
  simd_range_fn fn;
  void* ctx;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::atomic<std::size_t> next{0};
  unsigned csr = 0;
};

void run_ranges(job& j, bool worker) {
#if defined(__x86_64__) || defined(__i386__)
  // Workers take the caller's floating-point control word (rounding, FTZ/DAZ), so that every
  // range sees the arithmetic the scalar backend would see on the calling thread.
  const unsigned saved = worker ? _mm_getcsr() : 0;
  if (worker) _mm_setcsr(j.csr);
#endif
  for (;;) {
    const std::size_t t = j.next.fetch_add(1, std::memory_order_relaxed);
    if (t >= j.ranges.size()) break;
    j.fn(j.ctx, j.ranges[t].first, j.ranges[t].second);
  }
#if defined(__x86_64__) || defined(__i386__)
  if (worker) _mm_setcsr(saved);
#else
  (void)worker;
#endif
}

/// A fixed set of workers (grown on demand) that help the calling thread with one job at a
/// time; a second concurrent bulk call runs on its own thread instead of waiting.
class thread_pool {
public:
  static thread_pool& get() {
    static thread_pool p;
    return p;
  }
  ~thread_pool() {
    {
      std::lock_guard lk(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  bool try_run(job& j, unsigned helpers) {
    std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard lk(m_);
      while (workers_.size() < helpers) workers_.emplace_back([this] { loop(); });
      job_ = &j;
      ++generation_;
      wanted_ = helpers;
    }
    cv_.notify_all();
    run_ranges(j, false);
    std::unique_lock lk(m_);
    done_.wait(lk, [&] { return refs_ == 0 && j.next.load() >= j.ranges.size(); });
    job_ = nullptr;
    return true;
  }

private:
  void loop() {
    std::uint64_t seen = 0;
    for (;;) {
      job* j = nullptr;
      {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return stop_ || (generation_ != seen && job_ != nullptr); });
        if (stop_) return;
        seen = generation_;
        if (wanted_ == 0) continue; // enough helpers took this job
        --wanted_;
        j = job_;
        ++refs_;
      }
      run_ranges(*j, true);
      {
        std::lock_guard lk(m_);
        --refs_;
      }
      done_.notify_all();
    }
  }

  std::mutex busy_, m_;
  std::condition_variable cv_, done_;
  std::vector<std::thread> workers_;
  job* job_ = nullptr;
  std::uint64_t generation_ = 0;
  unsigned wanted_ = 0;
  unsigned refs_ = 0;
  bool stop_ = false;
};

/// Splits [0, n) into at most `threads` ranges of at least `grain` (range starts aligned to
/// `align`) and runs them.
void parallel(std::size_t n, std::size_t grain, std::size_t align, unsigned threads,
              simd_range_fn fn, void* ctx) {
  if (n == 0) return;
  const std::size_t t_max =
      std::max<std::size_t>(1, std::min<std::size_t>(threads, n / std::max<std::size_t>(grain, 1)));
  if (t_max <= 1) {
    fn(ctx, 0, n);
    return;
  }
  job j;
  j.fn = fn;
  j.ctx = ctx;
  const std::size_t units = (n + align - 1) / align;
  const std::size_t t = std::min(t_max, units);
  for (std::size_t k = 0; k < t; ++k) {
    const std::size_t b = std::min(n, units * k / t * align),
                      e = std::min(n, units * (k + 1) / t * align);
    if (b < e) j.ranges.emplace_back(b, e);
  }
#if defined(__x86_64__) || defined(__i386__)
  j.csr = _mm_getcsr();
#endif
  if (!thread_pool::get().try_run(j, static_cast<unsigned>(j.ranges.size() - 1)))
    for (const auto& r : j.ranges) fn(ctx, r.first, r.second);
}

/// Vectors per thread worth the hand-over (about 20 µs of scalar work).
std::size_t grain_for(std::size_t dim) {
  return std::max<std::size_t>(16, 16384 / std::max<std::size_t>(dim, 1));
}

struct codec_call {
  const isa_table* t;
  const simd_codec_desc* d;
  const float* x;
  const std::uint8_t* cin;
  std::uint8_t* cout;
  float* y;
};

} // namespace

bool simd_supports(const simd_codec_desc& d) {
  const isa_table* t = current_table();
  return t != nullptr && t->supports(d);
}

bool simd_encode(const simd_codec_desc& d, const float* x, std::uint8_t* codes, std::size_t n,
                 unsigned threads) {
  const isa_table* t = current_table();
  if (t == nullptr || !t->supports(d)) return false;
  codec_call c{t, &d, x, nullptr, codes, nullptr};
  parallel(
      n, grain_for(d.dim), 64, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& k = *static_cast<codec_call*>(p);
        k.t->encode(*k.d, k.x + b * k.d->dim, k.cout + b * k.d->bytes_per_vector, e - b);
      },
      &c);
  return true;
}

bool simd_decode(const simd_codec_desc& d, const std::uint8_t* codes, float* x, std::size_t n,
                 unsigned threads) {
  const isa_table* t = current_table();
  if (t == nullptr || !t->supports(d)) return false;
  codec_call c{t, &d, nullptr, codes, nullptr, x};
  parallel(
      n, grain_for(d.dim), 64, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& k = *static_cast<codec_call*>(p);
        k.t->decode(*k.d, k.cin + b * k.d->bytes_per_vector, k.y + b * k.d->dim, e - b);
      },
      &c);
  return true;
}

bool simd_roundtrip(const simd_codec_desc& d, const float* x, float* out, std::size_t n,
                    unsigned threads) {
  const isa_table* t = current_table();
  if (t == nullptr || !t->supports(d)) return false;
  codec_call c{t, &d, x, nullptr, nullptr, out};
  parallel(
      n, grain_for(d.dim), 64, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& k = *static_cast<codec_call*>(p);
        k.t->roundtrip(*k.d, k.x + b * k.d->dim, k.y + b * k.d->dim, e - b);
      },
      &c);
  return true;
}

bool simd_has_nonfinite(const float* x, std::size_t count, unsigned threads) {
  const isa_table* t = current_table();
  struct ctx_t {
    const isa_table* t;
    const float* x;
    std::atomic<bool> found{false};
  } ctx{t, x};
  parallel(
      count, std::size_t{1} << 18, 1024, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& c = *static_cast<ctx_t*>(p);
        bool f;
        if (c.t != nullptr) {
          f = c.t->has_nonfinite(c.x + b, e - b);
        } else {
          f = false;
          for (std::size_t i = b; i < e && !f; ++i)
            f = (float_bits(c.x[i]) & f32_inf_bits) == f32_inf_bits;
        }
        if (f) c.found.store(true, std::memory_order_relaxed);
      },
      &ctx);
  return ctx.found.load();
}

void simd_parallel_for(std::size_t n, std::size_t grain, unsigned threads, simd_range_fn fn,
                       void* ctx) {
  parallel(n, grain, 1, resolve_threads(threads), fn, ctx);
}

void simd_hadamard_rows(float* x, std::size_t n, std::size_t dim, unsigned threads) {
  struct ctx_t {
    const isa_table* t;
    float* x;
    std::size_t dim;
  } ctx{current_table(), x, dim};
  // Ranges of whole batches for D below the widest vector (16 floats), else any row.
  parallel(
      n, std::max<std::size_t>(1, 65536 / dim), dim < 16 ? 16 : 1, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& c = *static_cast<ctx_t*>(p);
        if (c.t != nullptr)
          c.t->hadamard(c.x + b * c.dim, e - b, c.dim);
        else
          for (std::size_t i = b; i < e; ++i) fwht(c.x + i * c.dim, c.dim);
      },
      &ctx);
}

void simd_closest_points(simd_lattice l, const float* in, float* out, std::size_t blocks, int q,
                         unsigned threads) {
  struct ctx_t {
    const isa_table* t;
    simd_lattice l;
    const float* in;
    float* out;
    int q;
  } ctx{current_table(), l, in, out, q};
  parallel(
      blocks, 2048, 64, resolve_threads(threads),
      [](void* p, std::size_t b, std::size_t e) {
        auto& c = *static_cast<ctx_t*>(p);
        const std::size_t n = c.l == simd_lattice::d4 ? 4 : 8;
        if (c.t != nullptr) {
          c.t->closest(c.l, c.in + b * n, c.out + b * n, e - b, c.q);
          return;
        }
        for (std::size_t i = b; i < e; ++i) {
          const float* y = c.in + i * n;
          float* o = c.out + i * n;
          switch (c.l) {
          case simd_lattice::z8:
            if (c.q == 0)
              z8::closest_point(std::span<const float, 8>(y, 8), std::span<float, 8>(o, 8));
            else
              z8::box_closest_point(std::span<const float, 8>(y, 8), c.q,
                                    std::span<float, 8>(o, 8));
            break;
          case simd_lattice::d4:
            if (c.q == 0)
              d4::closest_point(std::span<const float, 4>(y, 4), std::span<float, 4>(o, 4));
            else
              d4::box_closest_point(std::span<const float, 4>(y, 4), c.q,
                                    std::span<float, 4>(o, 4));
            break;
          case simd_lattice::e8:
            if (c.q == 0)
              e8::closest_point(std::span<const float, 8>(y, 8), std::span<float, 8>(o, 8));
            else
              e8::box_closest_point(std::span<const float, 8>(y, 8), c.q,
                                    std::span<float, 8>(o, 8));
            break;
          }
        }
      },
      &ctx);
}

} // namespace detail

std::vector<std::string> simd_isas() {
  std::vector<std::string> v;
  for (const auto& e : detail::compiled_isas)
    if (e.cpu_has()) v.emplace_back(e.name);
  return v;
}

std::string simd_isa_name() { return detail::compiled_isas[detail::current_isa()].name; }

void set_simd_isa(std::string_view name) {
  detail::chosen.store(detail::find_isa(name, "set_simd_isa"), std::memory_order_release);
}

void set_simd_threads(unsigned n) {
  detail::default_threads_set.store(n, std::memory_order_relaxed);
}

unsigned simd_threads() { return detail::resolve_threads(0); }

void hadamard_transform(simd_t s, std::span<float> rows, std::size_t dim) {
  detail::require_hadamard_dim(dim, "hadamard_transform");
  require(rows.size() % dim == 0, errc::invalid_dimension,
          "hadamard_transform: " + std::to_string(rows.size()) + " values are not whole rows of " +
              std::to_string(dim));
  detail::simd_hadamard_rows(rows.data(), rows.size() / dim, dim, s.threads);
}

} // namespace kakeya

#!/usr/bin/python3
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
"""The e8:q=38 round trip written in numpy, for the side-by-side in docs/performance.md.

The same algorithm as kakeya_e8<D> (include/kakeya/codec/presets.hpp) with its default two
passes of least-squares gain refinement, vectorised over all vectors at once, in float32:

  pow2 scale (exact) -> Hadamard (butterflies by reshapes, then 1/sqrt(D)) -> absmax ->
  2 x [closest E8 point of v/c * q inside the box [-q, q]^8, c <- <v, r> / <r, r>] ->
  decode: points / q -> Hadamard -> times the gain.

The E8 box search is Conway & Sloane's: the D8 point of y and the D8 point of y - 1/2 (+ 1/2)
inside the box, whichever is closer, with the library's tie rules (docs/components/
lattices.md). numpy sums in its own (pairwise) order, so the output matches the library to
float rounding, not bit for bit; --check compares it with `kakeya roundtrip`.

  /usr/bin/python3 bench/numpy_reference.py [--n 20000] [--dim 128] [--q 38] [--repeat 5]
      [--check build-simd/tools/kakeya/kakeya]
"""
import argparse
import os
import subprocess
import tempfile
import time

import numpy as np

F = np.float32


def pow2_floor(m):
    """Largest power of two <= m (m > 0), 0 for m == 0."""
    _, e = np.frexp(m)
    return np.where(m > 0, np.ldexp(F(1), e - 1).astype(F), F(0))


def hadamard(v):
    """Orthonormal Walsh-Hadamard transform of each row (n, D), D a power of two."""
    n, d = v.shape
    h = 1
    while h < d:
        w = v.reshape(n, d // (2 * h), 2, h)
        a, b = w[:, :, 0, :], w[:, :, 1, :]
        v = np.stack((a + b, a - b), axis=2).reshape(n, d)
        h *= 2
    return v * F(1.0 / np.sqrt(d))


def d8_box(y, lo, hi):
    """Closest point of D8 inside [lo, hi]^8 for y of shape (..., 8)."""
    b = np.rint(np.clip(y, lo, hi))
    up = np.where(b < hi, F(1), F(-1))
    down = np.where(b > lo, F(-1), F(1))
    s = np.where(y >= b, up, down)
    a = b + s
    delta = s * ((b + F(0.5) * s) - y)
    k = np.argmin(delta, axis=-1)  # first index on ties
    odd = (np.abs(b).astype(np.int64).sum(axis=-1) & 1) == 1
    out = b.copy()
    rows = np.nonzero(odd)
    out[rows + (k[rows],)] = a[rows + (k[rows],)]
    return out


def e8_box(y, q):
    """Closest point of E8 inside [-q, q]^8 (integer coset on ties)."""
    qf = F(q)
    a = d8_box(y, -qf, qf)
    c = d8_box(y - F(0.5), -qf, qf - F(1)) + F(0.5)
    da = ((y - a) ** 2).sum(axis=-1)
    dc = ((y - c) ** 2).sum(axis=-1)
    return np.where((dc < da)[..., None], c, a)


def roundtrip(x, q=38, passes=2):
    n, d = x.shape
    qf = F(q)
    g1 = pow2_floor(np.abs(x).max(axis=1))
    v = x / np.where(g1 == 0, F(1), g1)[:, None]
    v = hadamard(v)
    m = np.abs(v).max(axis=1)
    v = v / np.where(m == 0, F(1), m)[:, None]
    gain = g1 * m
    store = np.ones(n, F)
    active = np.ones(n, bool)
    vb = v.reshape(n, d // 8, 8)
    points = None
    for p in range(max(passes, 1)):
        c = store.copy()
        pts = e8_box((vb / c[:, None, None]) * qf, q)
        if p == 0:
            points = pts
        if passes == 0:
            break
        r = pts / qf
        num = (vb * r).sum(axis=(1, 2))
        den = (r * r).sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            nxt = num / den
        ok = (num > 0) & (den > 0) & (nxt > 0) & (nxt < F(3e38))
        active &= ok
        store = np.where(active, nxt, store).astype(F)
        if p > 0:
            points = np.where(active[:, None, None], pts, points)
    gain = gain * store
    y = hadamard((points / qf).reshape(n, d))
    return y * gain[:, None]


def kv_rows(n, d, seed=42):
    rng = np.random.default_rng(seed)
    mag = np.exp(1.2 * rng.standard_normal(n))
    return (mag[:, None] * rng.laplace(scale=1 / np.sqrt(2), size=(n, d))).astype(F)


def write_npy(path, a):
    np.save(path, a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--q", type=int, default=38)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--check", help="path of the kakeya CLI: compare with `kakeya roundtrip`")
    args = ap.parse_args()
    x = kv_rows(args.n, args.dim)
    roundtrip(x[:100], args.q)  # warm-up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        y = roundtrip(x, args.q)
        times.append(time.perf_counter() - t0)
    best, median = min(times), sorted(times)[len(times) // 2]
    rel = float(((x - y) ** 2).sum() / ((x - x.mean(axis=0)) ** 2).sum())
    print(f"numpy {np.__version__}: e8:q={args.q} D={args.dim} round trip of {args.n} vectors")
    print(f"  median {median * 1e3:.1f} ms ({args.n / median:.0f} vectors/s, "
          f"{median / args.n * 1e9:.0f} ns/vector); best {best * 1e3:.1f} ms")
    print(f"  rel-MSE {rel:.4e}")
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            xin, yout = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
            write_npy(xin, x)
            subprocess.run([args.check, "roundtrip", "--codec", f"e8:q={args.q}", "--in", xin,
                            "--out", yout, "--backend", "simd"], check=True)
            ref = np.load(yout)
        diff = np.abs(ref - y)
        same = float(np.mean(ref == y))
        print(f"  vs kakeya roundtrip --backend simd: {same * 100:.2f} % of values bit-equal, "
              f"max |diff| / max |x| = {diff.max() / np.abs(x).max():.2e}")


if __name__ == "__main__":
    main()

# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
"""The KakeyaLattice codec algorithm as its PyTorch reference writes it, timed on the GPU for
side-by-side comparison with the fused CUDA kernels (bench/cuda_bench.cpp).

Per vector: unit norm, dense-matrix Sylvester-Hadamard rotation, per-vector qmax scale to q,
lattice closest point (D4 or E8, Conway & Sloane), clamp to [-q, q], inverse. Round trip only,
as in the reference (it has no bitstream). Timing: CUDA events, median of repeats, after warm-up.

usage: python3 torch_reference.py [--n 1048576] [--dims 128,512] [--q 38]
"""
import argparse
import json

import torch


def hadamard_matrix(d, device):
    h = torch.ones(1, 1, device=device)
    while h.shape[0] < d:
        h = torch.cat([torch.cat([h, h], 1), torch.cat([h, -h], 1)], 0)
    return h / d ** 0.5


def dn_closest(y):
    # y [..., n]: round, then fix the parity by re-rounding the worst coordinate the other way
    f = torch.round(y)
    err = y - f
    odd = (f.sum(-1) % 2) != 0
    idx = err.abs().argmax(-1, keepdim=True)
    step = torch.where(torch.gather(err, -1, idx) >= 0, 1.0, -1.0)
    fixed = f.scatter_add(-1, idx, step)
    return torch.where(odd.unsqueeze(-1), fixed, f)


def e8_closest(y):
    a = dn_closest(y)
    b = dn_closest(y - 0.5) + 0.5
    da = ((y - a) ** 2).sum(-1, keepdim=True)
    db = ((y - b) ** 2).sum(-1, keepdim=True)
    return torch.where(da <= db, a, b)


def roundtrip(x, h, q, lattice):
    norm = x.norm(dim=-1, keepdim=True)
    u = x / norm.clamp_min(1e-30)
    y = u @ h
    qmax = y.abs().amax(-1, keepdim=True).clamp_min(1e-30)
    z = y * (q / qmax)
    n = 8 if lattice == "e8" else 4
    zb = z.reshape(*z.shape[:-1], -1, n)
    p = (e8_closest(zb) if lattice == "e8" else dn_closest(zb)).clamp(-q, q)
    yh = p.reshape(z.shape) * (qmax / q)
    return (yh @ h) * norm


def time_ms(fn, repeats=20):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1 << 20)
    ap.add_argument("--dims", default="128,512")
    ap.add_argument("--q", type=float, default=38.0)
    a = ap.parse_args()
    dev = torch.device("cuda")
    rows = []
    for d in [int(v) for v in a.dims.split(",")]:
        h = hadamard_matrix(d, dev)
        x = torch.distributions.Laplace(0.0, 1.0).sample((a.n, d)).to(dev)
        for lattice in ("d4", "e8"):
            ms = time_ms(lambda: roundtrip(x, h, a.q, lattice))
            rows.append({"impl": "torch", "lattice": lattice, "dim": d, "n": a.n,
                         "roundtrip_ms": ms, "ms_per_million": ms * 1e6 / a.n})
    print(json.dumps({"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "rows": rows}))


if __name__ == "__main__":
    main()

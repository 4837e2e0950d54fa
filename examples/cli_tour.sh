#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 kakeyalattice contributors
# SPDX-License-Identifier: Apache-2.0
# A tour of the primitives through the kakeya CLI: Hadamard rotation, lattice closest points
# (plain and box-truncated), FP8 rounding and Lloyd-Max quantisers, each measured against the
# input with `kakeya compare`. Usage: cli_tour.sh PATH/TO/kakeya
set -euo pipefail
kakeya=${1:?usage: cli_tour.sh PATH/TO/kakeya}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\n== %s\n' "$*"; }

say "4096 Laplace vectors of dimension 128 (seeded)"
"$kakeya" random --rows 4096 --cols 128 --dist laplace --seed 7 --out "$work/x.npy"

say "Hadamard rotation and back: orthonormal, self-inverse"
"$kakeya" hadamard --in "$work/x.npy" --out "$work/h.npy"
"$kakeya" hadamard --inverse --in "$work/h.npy" --out "$work/hh.npy"
"$kakeya" compare --ref "$work/x.npy" --in "$work/hh.npy"

say "Randomised Hadamard (seed 42) and its inverse"
"$kakeya" hadamard --seed 42 --in "$work/x.npy" --out "$work/r.npy"
"$kakeya" hadamard --seed 42 --inverse --in "$work/r.npy" --out "$work/rr.npy"
"$kakeya" compare --ref "$work/x.npy" --in "$work/rr.npy"

say "Closest lattice points of 4x-scaled data: Z8, D4, E8 (E8 is the best quantiser)"
"$kakeya" random --rows 4096 --cols 128 --dist gaussian --seed 3 --scale 4 --out "$work/g.npy"
for l in z8 d4 e8; do
  "$kakeya" nearest --lattice $l --in "$work/g.npy" --out "$work/p_$l.npy"
  printf '%s: ' "$l"
  "$kakeya" compare --ref "$work/g.npy" --in "$work/p_$l.npy"
done

say "E8 truncated to the box [-2, 2]^8: the closest point inside the box (never outside it)"
"$kakeya" nearest --lattice e8 --q 2 --in "$work/g.npy" --out "$work/pq.npy"
"$kakeya" compare --ref "$work/g.npy" --in "$work/pq.npy"

say "FP8 rounding (OCP e4m3 and e5m2, round to nearest even, saturating)"
for f in e4m3 e5m2; do
  "$kakeya" fp8 --format $f --in "$work/x.npy" --out "$work/f8.npy"
  printf '%s: ' "$f"
  "$kakeya" compare --ref "$work/x.npy" --in "$work/f8.npy"
done

say "Lloyd-Max: the optimal 3-bit quantiser of the unit Gaussian"
"$kakeya" lloyd-max --bits 3

say "Lloyd-Max fitted to the Laplace samples (empirical MSE on them)"
"$kakeya" lloyd-max --bits 3 --fit "$work/x.npy"

say "Codecs on KV-cache-like data (anisotropic, heavy-tailed, magnitudes spread over decades)"
"$kakeya" random --rows 8192 --cols 128 --dist kv --seed 11 --out "$work/kv.npy"
for c in d4:q=38 e8:q=38 e8:q=10 fp8:block=64; do "$kakeya" info --codec $c --dim 128; done
"$kakeya" eval --codecs e8:q=10,d4:q=38,e8:q=38,z:q=38,fp8:block=64,fp8:block=64,scale=ue8m0,lloyd-max:bits=4 \
  --in "$work/kv.npy"

say "A real bitstream: encode to a code file, decode it, and compare"
"$kakeya" encode --codec e8:q=38 --in "$work/kv.npy" --out "$work/kv.kkc"
printf 'code file: %s bytes for 8192 x 128 floats (%s bytes as float32)\n' \
  "$(stat -c %s "$work/kv.kkc")" "$((8192 * 128 * 4))"
"$kakeya" decode --in "$work/kv.kkc" --out "$work/kv_hat.npy"
"$kakeya" compare --ref "$work/kv.npy" --in "$work/kv_hat.npy"

#!/usr/bin/env python3
"""Seed corpus for snnc-input-fuzzer (runtime/fuzz/InputFuzzer.cpp).

usage: make_input_seeds.py DIR
Each seed is two control bytes (byte 0: bit 0 = labels, the rest = per-sample elements - 1 or
classes - 1; byte 1: --limit, 0 = all) followed by a small IDX, IDX.gz or .npy file.
"""
import gzip
import os
import struct
import sys


def idx(code, dims, data):
    return bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + data


def npy(descr, shape, data):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + data


def ctl(labels, n, limit=0):
    return bytes([((n - 1) << 1) | int(labels), limit])


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
u8 = idx(0x08, [3, 2, 2], bytes(range(0, 240, 20)))
f32 = idx(0x0D, [2, 2], struct.pack(">4f", 0.25, -1.5, 3.0, 0.0))
seeds = {
    "idx-u8": ctl(False, 4) + u8,
    "idx-u8-limit": ctl(False, 4, 2) + u8,
    "idx-f32": ctl(False, 2) + f32,
    "idx-f64": ctl(False, 1) + idx(0x0E, [1], struct.pack(">d", 2.5)),
    "idx-gz": ctl(False, 4) + gzip.compress(u8),
    "idx-gz-two-members": ctl(False, 4) + gzip.compress(u8[:9]) + gzip.compress(u8[9:]),
    "idx-gz-garbage": ctl(False, 4) + gzip.compress(u8) + b"junk",
    "npy-f4": ctl(False, 4) + npy("<f4", "(2, 1, 2, 2)", struct.pack("<8f", *range(8))),
    "npy-f8": ctl(False, 2) + npy("<f8", "(1, 2)", struct.pack("<2d", 1, 2)),
    "npy-u1-gz": ctl(False, 3) + gzip.compress(npy("|u1", "(2, 3)", bytes(range(6)))),
    "labels-npy-i8": ctl(True, 10) + npy("<i8", "(3,)", struct.pack("<3q", 7, 0, 9)),
    "labels-npy-i4-col": ctl(True, 10, 2) + npy("<i4", "(3, 1)", struct.pack("<3i", 1, 2, 3)),
    "labels-idx": ctl(True, 10) + idx(0x08, [4], bytes([3, 5, 9, 0])),
    "labels-idx-gz": ctl(True, 6) + gzip.compress(idx(0x0C, [2], struct.pack(">2i", 5, 1))),
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")

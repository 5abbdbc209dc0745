#!/usr/bin/env python3
"""Checks that a runtime-half tool (snnc-run, snnc-map) needs no LLVM/MLIR shared library.

Reads the dynamic section's NEEDED entries (readelf -d) and, as a second look, ldd's resolution.
"""
import subprocess
import sys

exe = sys.argv[1]
needed = subprocess.run(["readelf", "-d", exe], capture_output=True, text=True, check=True).stdout
ldd = subprocess.run(["ldd", exe], capture_output=True, text=True).stdout
bad = [l.strip() for l in (needed + ldd).splitlines() if "LLVM" in l or "MLIR" in l or "libclang" in l]
if bad:
    print(f"{exe} links LLVM/MLIR libraries:\n  " + "\n  ".join(bad))
    sys.exit(1)
print(exe, "NEEDED:", ", ".join(l.split("[")[-1].rstrip("]") for l in needed.splitlines() if "NEEDED" in l))

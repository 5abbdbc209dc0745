#!/usr/bin/env python3
"""Runs a command whose arguments may hold bytes that are not UTF-8, for lit tests.

usage: run_bytes.py N CMD [ARGS...]

Each argument is taken as a Python bytes escape ("--bad\\xff" is the byte 0xFF), so a test
can pass what lit's shell cannot spell. Exits 0 when the command's status is exactly N,
else prints "run_bytes: expected exit N, got M" (a signal is negative) and exits 1.
"""
import codecs
import os
import subprocess
import sys

want = int(sys.argv[1])
argv = [codecs.escape_decode(os.fsencode(a))[0] for a in sys.argv[2:]]
proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if proc.returncode != want:
    print(f"run_bytes: expected exit {want}, got {proc.returncode}")
    sys.exit(1)

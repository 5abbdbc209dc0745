#!/usr/bin/env python3
"""Runs a command and checks its exit status, for lit tests of documented exit codes.

usage: expect_exit.py N CMD [ARGS...]

Prints the command's stdout and stderr (in that order) to stdout, so FileCheck can read
both, and exits 0 when the status is exactly N. A signal (negative status) or any
other status prints "expect_exit: expected exit N, got M" and exits 1.
"""
import subprocess
import sys

want = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
sys.stdout.write(proc.stdout.decode("utf-8", "replace"))
sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
if proc.returncode != want:
    print(f"expect_exit: expected exit {want}, got {proc.returncode}")
    sys.exit(1)

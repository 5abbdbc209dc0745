#!/usr/bin/env python3
"""Runs the README's "Using it" commands as written, so the README never names a file or flag that
does not exist.

usage: run_readme.py README BUILD_BIN SOURCE_ROOT WORK

The ```sh block under "## Using it" runs with bash -e in WORK, where `build/bin` points to
BUILD_BIN and `models` to SOURCE_ROOT/models; every line must succeed.
"""
import os
import shutil
import subprocess
import sys

readme, build_bin, root, work = sys.argv[1:5]
text = open(readme).read()
start = text.index("## Using it")
block = text[text.index("```sh\n", start) + 6:]
block = block[:block.index("```")]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(os.path.join(work, "build"))
os.symlink(os.path.abspath(build_bin), os.path.join(work, "build", "bin"))
os.symlink(os.path.join(os.path.abspath(root), "models"), os.path.join(work, "models"))
proc = subprocess.run(["bash", "-euo", "pipefail", "-xc", block], cwd=work,
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(proc.stdout)
sys.exit(proc.returncode)

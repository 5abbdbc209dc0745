#!/usr/bin/env python3
"""Packaging check: python/pyproject.toml installs snncref editable into a fresh virtualenv.

  check_install.py PYTHON_DIR WORK_DIR

Creates WORK_DIR/venv with --system-site-packages (Debian's torch, numpy, onnx), runs
`pip install --no-index --no-build-isolation -e PYTHON_DIR` (nothing is downloaded) and imports
snncref, snncref.convert_bntt and the console script from a directory outside the source tree with
PYTHONPATH unset. Exit 0 when all of that works.
"""
import os
import shutil
import subprocess
import sys


def main():
    src, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    venv = os.path.join(work, "venv")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    steps = [
        ["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv],
        [os.path.join(venv, "bin", "pip"), "install", "-q", "--no-index", "--no-build-isolation",
         "-e", src],
        [os.path.join(venv, "bin", "python"), "-c",
         "import snncref, snncref.convert_bntt, snncref.interp, os, sys; "
         f"assert os.path.dirname(os.path.dirname(snncref.__file__)) == {src!r}, snncref.__file__; "
         "print('snncref from', snncref.__file__)"],
        [os.path.join(venv, "bin", "snncref-convert-bntt"), "--help"],
    ]
    for cmd in steps:
        p = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
        if p.returncode:
            print(f"FAIL: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
            return 1
        print(p.stdout.splitlines()[0] if p.stdout else f"ok: {os.path.basename(cmd[0])} {cmd[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Runs a command, copies its stdout and stderr to stdout, then prints
"exit code: N", so that lit tests can check the exact exit status."""
import subprocess
import sys

result = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.write(result.stdout.decode("utf-8", "replace"))
print(f"exit code: {result.returncode}")

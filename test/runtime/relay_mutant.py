#!/usr/bin/env python3
"""The relay check of fidelity.py fails when the relay form of a model's max pools is wrong.

  relay_mutant.py --snnc BIN --snnc-run BIN --model-dir models/NAME --work DIR

Runs fidelity.py on a shipped model with max pooling through a stand-in for snnc that forwards
to the real one but spoils `--max-pool-relays`, once per mutant, and requires fidelity.py to fail
with the message that names the fault:
  - threshold: the first relay's LIF threshold raised from 0.5 to 1.5 (it fires only when two
    inputs of its window fire in one step: an AND, not the max), so spikes differ;
  - no-relays: the flag dropped (the max pools stay MAX_POOL2D layers);
  - int-threshold: in the 8-bit integer model (--quantize=loihi) only, the first relay's vth
    tripled (the same AND), so the integer relay form differs from the integer max-pool form.
Exit code 0 when fidelity.py fails as expected for every mutant (and passes unmutated).
"""
import argparse
import os
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# The stand-in snnc (REAL_SNNC and MUTANT filled in); its arguments are snnc's.
WRAPPER = r'''#!/usr/bin/python3
import subprocess, sys
import numpy as np
from snncref import fixedpoint, modelbin
real, mutant, args = REAL_SNNC, MUTANT, sys.argv[1:]
relays = "--max-pool-relays" in args
if relays and mutant == "no-relays":
    args.remove("--max-pool-relays")
rc = subprocess.call([real] + args)
integer = "--quantize=loihi" in args
if rc or not relays or mutant != ("int-threshold" if integer else "threshold"):
    sys.exit(rc)
out = args[args.index("-o") + 1]
m = fixedpoint.read(out)
first = next(l.name[:-len("_sum")] for l in m.layers if l.name.endswith("_sum"))
lif = next(l for l in m.layers if l.name == first).lif
if integer:
    vth = np.frombuffer(lif.vth.data, "<i4")
    lif.vth.data = (vth * 3).astype("<i4").tobytes()
else:
    th = np.frombuffer(lif.threshold.data, "<f4").copy()
    assert (th == 0.5).all(), "the relay threshold is no longer 0.5: update this mutant"
    lif.threshold.data = np.full_like(th, 1.5).tobytes()
version = open(out, "rb").read()[8:12]  # keep the format version (5 for integer models)
framed = modelbin.frame(m.SerializeToString())
open(out, "wb").write(framed[:8] + version + framed[12:])
'''

MUTANTS = {"none": None, "threshold": "DIFFERS from the max-pool form", "no-relays": "NOT a relay",
           "int-threshold": "8-bit integer model: relay form DIFFERS"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--snnc", required=True)
    ap.add_argument("--snnc-run", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    ok = True
    for mutant, expect in MUTANTS.items():
        wrapper = os.path.join(a.work, f"snnc-{mutant}")
        with open(wrapper, "w") as f:
            f.write(WRAPPER.replace("REAL_SNNC", repr(os.path.abspath(a.snnc)))
                    .replace("MUTANT", repr(mutant)))
        os.chmod(wrapper, os.stat(wrapper).st_mode | stat.S_IXUSR)
        p = subprocess.run([sys.executable, os.path.join(HERE, "fidelity.py"), "--snnc", wrapper,
                            "--snnc-run", a.snnc_run, "--model-dir", a.model_dir,
                            "--work", os.path.join(a.work, mutant)], capture_output=True, text=True)
        out = p.stdout + p.stderr
        good = p.returncode == 0 if expect is None else (p.returncode == 1 and expect in out)
        print(f"mutant {mutant}: fidelity.py exit {p.returncode}"
              + ("" if expect is None else f", {'names' if expect in out else 'does NOT name'} "
                 f"the fault ('{expect}')") + ("" if good else f"\n{out}"))
        ok &= good
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

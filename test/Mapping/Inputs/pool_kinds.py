"""Prints status and the kind of each pool layer of `snnc-map --json` results, then compares the
last pool's spike rate in the first result (estimated for a max relay) with the last result's
(measured on the relay LIF of the --max-pool-relays form)."""
import json
import os
import sys

results = [(os.path.basename(p), json.load(open(p))) for p in sys.argv[1:]]
for name, r in results:
    pools = [l for l in r["layers"] if l["name"].startswith("pool")]
    print(name, r["status"], " ".join(f"{l['name']} {l['kind']}" for l in pools))
rate = [[l for l in r["layers"] if l["name"].startswith("pool")][-1] for _, r in results]
print(f"{rate[0]['name']} rate: estimate == measured",
      abs(rate[0]["spike_rate"] - rate[-1]["spike_rate"]) <= 1e-9 * rate[-1]["spike_rate"])

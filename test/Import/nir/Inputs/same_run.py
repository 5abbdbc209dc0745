"""same_run.py A.json B.json [TOL]: two snnc-run reports (--outputs) of the same samples agree:
every prediction equal and every output within TOL (default 1e-6: a NIR round trip keeps the
float32 parameters). With --sample-spikes in both reports, every LIF layer's per-sample, per-step
spike counts must be equal too. Prints `same P/N max_abs D` (and `spikes same L/L (S spikes)`),
exits 1 otherwise."""
import json
import sys

import numpy as np

a, b = (json.load(open(p)) for p in sys.argv[1:3])
pa, pb = np.asarray(a["predictions"]), np.asarray(b["predictions"])
oa, ob = np.asarray(a["outputs"], np.float64), np.asarray(b["outputs"], np.float64)
diff = float(np.abs(oa - ob).max())
print(f"same {int((pa == pb).sum())}/{len(pa)} max_abs {diff:.2g}")
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-6
spikes_ok = True
if "sample_spikes" in a and "sample_spikes" in b:
    sa, sb = a["sample_spikes"], b["sample_spikes"]
    same = [k for k in sa if sa[k] == sb.get(k)]
    total = int(sum(np.sum(v) for v in sa.values()))
    print(f"spikes same {len(same)}/{len(sa)} ({total} spikes)")
    spikes_ok = len(same) == len(sa) == len(sb)
sys.exit(0 if (pa == pb).all() and diff <= tol and spikes_ok else 1)

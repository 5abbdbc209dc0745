"""same_run.py A.json B.json [TOL]: two snnc-run reports (--outputs) of the same samples agree:
every prediction equal and every output within TOL (default 1e-6: a NIR round trip keeps the
float32 parameters; a gain that is not 1 may come back an ulp off, so such tests pass 1e-4).
Prints `same P/N max_abs D`, exits 1 otherwise."""
import json
import sys

import numpy as np

a, b = (json.load(open(p)) for p in sys.argv[1:3])
pa, pb = np.asarray(a["predictions"]), np.asarray(b["predictions"])
oa, ob = np.asarray(a["outputs"], np.float64), np.asarray(b["outputs"], np.float64)
diff = float(np.abs(oa - ob).max())
print(f"same {int((pa == pb).sum())}/{len(pa)} max_abs {diff:.2g}")
tol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-6
sys.exit(0 if (pa == pb).all() and diff <= tol else 1)

"""nir_agree.py REF.npy RUN.json: snnc-run's predictions and outputs against the numpy reference.
Prints `agree P/N max_abs D` and exits 1 unless every prediction agrees and the outputs match to
1e-4 (the float sums differ only in order)."""
import json
import sys

import numpy as np

ref = np.load(sys.argv[1])
run = json.load(open(sys.argv[2]))
pred = np.asarray(run["predictions"])
outputs = np.asarray(run["outputs"], np.float32).reshape(ref.shape)
agree = int((pred == ref.argmax(1)).sum())
diff = float(np.abs(outputs - ref).max())
print(f"agree {agree}/{len(pred)} max_abs {diff:.2g}")
sys.exit(0 if agree == len(pred) and diff <= 1e-4 else 1)

"""resets.py write DIR | check DIR RESET RUN.json: per-step inputs x [N, T, 4] for the
reset-mode networks of resets.test, and a numpy reference of snn.lif's documented resets
(leak 0.8, threshold 1, x fed directly, readout = spike count / T)."""
import json
import sys

import numpy as np

T, N = 8, 30
if sys.argv[1] == "write":
    rng = np.random.default_rng(3)
    np.save(sys.argv[2] + "/x.npy", rng.uniform(0, 1.2, (N, T, 4)).astype(np.float32))
    sys.exit(0)
x = np.load(sys.argv[2] + "/x.npy")
reset = sys.argv[3]
u = np.zeros((N, 4), np.float32)
s = np.zeros((N, 4), np.float32)
count = np.zeros((N, 4), np.float32)
leak, thr = np.float32(0.8), np.float32(1.0)
for t in range(T):
    v = leak * u + x[:, t]
    if reset == "subtract_delayed":
        v = v - thr * s
    s = (v > thr).astype(np.float32)
    if reset == "soft":
        v = np.where(s > 0, v - thr, v)
    elif reset == "hard":
        v = np.where(s > 0, np.float32(0.25), v)
    u = v.astype(np.float32)
    count += s
out = np.asarray(json.load(open(sys.argv[4]))["outputs"], np.float32).reshape(N, 4)
ref = count / np.float32(T)
print(f"{reset}: max_abs {np.abs(out - ref).max():.2g}, spikes {int(count.sum())}")

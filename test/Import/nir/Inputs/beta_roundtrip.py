"""beta_roundtrip.py write OUT.nir | check SUMMARY.json: snnTorch's export writes
tau = dt/(1 - beta) (dt = 1e-4; per-neuron arrays in float32, a scalar beta in float64) and
r = tau/dt. `write` makes one LIF layer of 997 neurons with distinct float32 betas in (0, 1) and
a second with a float64 scalar; `check` reads snnc's --emit=summary and prints how many
discretised leaks (beta = 1 - dt/tau) differ from the original betas and how many gains are not 1."""
import json
import sys

import numpy as np

from snncref import nirfile

DT = 1e-4
BETAS = np.concatenate([np.linspace(0.01, 0.999, 991), [0.5, 0.8, 0.9, 0.95, 0.97, 0.99]]).astype(np.float32)

if sys.argv[1] == "write":
    n = len(BETAS)
    tau = DT / (1 - BETAS)  # float32, as snnTorch computes it for a beta tensor of shape [n]
    scalar = np.asarray(np.float32(0.9))
    tau0 = DT / (1 - scalar)  # a 0-d beta: numpy gives float64
    nodes = {"input": {"type": "Input", "shape": np.array([n])},
             "fc": nirfile.affine(np.eye(n), np.zeros(n)),
             "lif": {"type": "LIF", "tau": tau, "r": tau / DT, "v_leak": np.zeros(n, np.float32),
                     "v_threshold": np.ones(n, np.float32)},
             "fc2": nirfile.affine(np.ones((2, n)) * 0.01, np.zeros(2)),
             "lif0": {"type": "LIF", "tau": tau0, "r": tau0 / DT, "v_leak": np.zeros(()),
                      "v_threshold": np.ones(())},
             "output": {"type": "Output", "shape": np.array([2])}}
    order = ["input", "fc", "lif", "fc2", "lif0", "output"]
    nirfile.write(sys.argv[2], nodes, list(zip(order, order[1:])))
else:
    fold = json.load(open(sys.argv[2]))["fold"]
    leak = np.float32(fold["lif"]["leak"][0])
    gain = np.float32(fold["lif"]["gain"][0])
    scalar = np.float32(fold["lif0"]["leak"][0][0])
    high = BETAS >= 0.5
    ulps = np.abs(leak.view(np.int32).astype(np.int64) - BETAS.view(np.int32))
    print(f"beta >= 0.5 differs {(leak[high] != BETAS[high]).sum()} of {high.sum()}; "
          f"beta < 0.5 within {ulps[~high].max()} ulps; gain not 1 {(gain != 1).sum()}; "
          f"scalar beta {scalar == np.float32(0.9)}")

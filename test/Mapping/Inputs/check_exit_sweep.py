"""Checks the early-exit sweep (paper Fig. 7) in `snnc-map --json` output.

usage: check_exit_sweep.py MAP.json [RUN.json]

The exit step must not grow with the threshold; with RUN.json (snnc-run --per-step), every point's
accuracy must be the run's accuracy after that many steps, and no point may lack it. Prints the
number of points, the exit steps as value x count, and how many points have an accuracy.
"""
import itertools
import json
import sys


def main(map_path, run_path=None):
    sweep = json.load(open(map_path))["early_exit_sweep"]
    thresholds = [p["threshold"] for p in sweep]
    exits = [p["exit_step"] for p in sweep]
    assert thresholds == sorted(thresholds), "thresholds not ascending"
    assert all(a >= b for a, b in zip(exits, exits[1:])), f"exit step grows: {exits}"
    known = [p for p in sweep if p["accuracy"] is not None]
    if run_path:
        per_step = json.load(open(run_path))["accuracy_per_step"]
        assert len(known) == len(sweep), "points without accuracy"
        for p in sweep:
            assert p["accuracy"] == per_step[p["exit_step"] - 1], p
    groups = " ".join(f"{e}x{len(list(g))}" for e, g in itertools.groupby(exits))
    print(f"sweep ok: {len(sweep)} points, exit steps {groups}, accuracy at {len(known)}")


if __name__ == "__main__":
    main(*sys.argv[1:])

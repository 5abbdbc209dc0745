"""Summaries of the shipped models: python3 -m snncref.report [models/]  (markdown to stdout)."""
import json
import os
import sys


def dir_size(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def load_infos(root):
    out = []
    for name in sorted(os.listdir(root)):
        p = os.path.join(root, name, "info.json")
        if os.path.exists(p):
            with open(p) as f:
                out.append((name, json.load(f)))
    return out


def table(root):
    rows = ["| model | dataset | T | accuracy at T | T_exit | accuracy at T_exit | spike rate per LIF | train time | size |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, i in load_infos(root):
        rates = ", ".join(f"{k} {v * 100:.1f}%" for k, v in i["spike_rate"].items())
        rows.append(f"| `{name}` | {i['dataset']} ({i['test_samples']} test) | {i['num_steps']} | "
                    f"{i['accuracy'] * 100:.2f}% | {i['early_exit_step']} | {i['accuracy_at_exit'] * 100:.2f}% | "
                    f"{rates} | {i.get('train_time_s', 0) / 60:.1f} min | "
                    f"{dir_size(os.path.join(root, name)) / 2 ** 20:.2f} MiB |")
    return "\n".join(rows)


def gammas(root):
    lines = []
    for name, i in load_infos(root):
        for layer, g in i["gamma_mean"].items():
            lines.append(f"- `{name}` `{layer}`: " + " ".join(f"{v:.2f}" for v in g))
        acc = " ".join(f"{v * 100:.1f}" for v in i["accuracy_per_exit_step"])
        lines.append(f"- `{name}` accuracy (%) at exit steps 1..{i['num_steps']}: {acc}")
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    root = argv[0] if argv else "models"
    print(table(root))
    print()
    print(gammas(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())

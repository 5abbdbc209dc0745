"""Training CLI: python3 -m snncref.train --model NAME [--out models/NAME] [options].

Trains with surrogate gradients (BPTT over all steps), cross-entropy on the readout after T steps,
then writes the model directory (model.onnx, info.json, golden/) via snncref.golden.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data, models
from .layers import BNTT

# Per-model defaults (the values used for the shipped models).
DEFAULTS = {
    "digits-bntt-mlp": dict(epochs=150, batch=64, opt="sgd", lr=0.1, wd=5e-4, gamma_wd=1e-2, seed=1),
    "digits-bntt-deep": dict(epochs=150, batch=64, opt="sgd", lr=0.1, wd=5e-4, gamma_wd=1e-2, seed=1),
    "fmnist-bntt-mlp": dict(epochs=5, batch=64, opt="adam", lr=1e-3, wd=0.0, gamma_wd=0.0, seed=1),
    "fmnist-bntt-conv": dict(epochs=4, batch=64, opt="sgd", lr=0.1, wd=5e-4, gamma_wd=1e-2, seed=1),
    "fmnist-bn-conv": dict(epochs=2, batch=64, opt="adam", lr=1e-3, wd=0.0, gamma_wd=0.0, seed=1),
    "digits-bntt-maxpool": dict(epochs=150, batch=64, opt="sgd", lr=0.1, wd=5e-4, gamma_wd=1e-2, seed=1),
}

# Threads used to train the shipped models (the tiny nets do not gain from more).
THREADS = {"digits-bntt-mlp": 1, "digits-bntt-deep": 1, "fmnist-bntt-mlp": 1, "fmnist-bntt-conv": 2,
           "fmnist-bn-conv": 2, "digits-bntt-maxpool": 1}


def make_optimizer(model, opt, lr, wd, gamma_wd):
    gammas = [p for m in model.modules() if isinstance(m, BNTT) for p in [m.weight]]
    gid = {id(p) for p in gammas}
    rest = [p for p in model.parameters() if id(p) not in gid]
    groups = [{"params": rest, "weight_decay": wd}]
    if gammas:
        groups.append({"params": gammas, "weight_decay": gamma_wd})
    if opt == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=0.9)
    return torch.optim.Adam(groups, lr=lr)


def train_step(model, optimizer, xb, yb, generator):
    """One optimisation step; returns (loss, number correct)."""
    model.train()
    out = model(model.encode_random(xb, generator))[-1]
    loss = F.cross_entropy(out, yb)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss), int((out.argmax(1) == yb).sum())


def train(name, epochs, batch, opt, lr, wd, gamma_wd, seed, log=print, max_batches=None):
    model = models.build(name, seed)
    x, y = data.load(model.dataset, "train", shape=model.input_shape)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    optimizer = make_optimizer(model, opt, lr, wd, gamma_wd)
    steps_per_epoch = math.ceil(len(x) / batch)
    total = epochs * steps_per_epoch
    # Cosine learning-rate decay over the whole run.
    sched = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: 0.5 * (1 + math.cos(math.pi * k / total)))
    g = torch.Generator().manual_seed(seed)
    t0 = time.time()
    history = []
    for ep in range(epochs):
        perm = torch.randperm(len(x), generator=g)
        tot_loss, correct, seen = 0.0, 0, 0
        for k, b in enumerate(range(0, len(x), batch)):
            if max_batches is not None and k >= max_batches:
                break
            idx = perm[b:b + batch]
            loss, c = train_step(model, optimizer, x[idx], y[idx], g)
            sched.step()
            tot_loss += loss * len(idx)
            correct += c
            seen += len(idx)
            if k % 100 == 0 and steps_per_epoch > 100:
                log(f"[{name}] epoch {ep + 1}/{epochs} batch {k}/{steps_per_epoch} loss {loss:.4f} "
                    f"({time.time() - t0:.0f} s)")
        history.append({"epoch": ep + 1, "loss": tot_loss / max(seen, 1), "train_acc": correct / max(seen, 1)})
        log(f"[{name}] epoch {ep + 1}/{epochs} loss {history[-1]['loss']:.4f} "
            f"train acc {history[-1]['train_acc']:.4f} ({time.time() - t0:.0f} s)")
    hp = dict(epochs=epochs, batch=batch, optimizer=opt, lr=lr, lr_schedule="cosine", weight_decay=wd,
              gamma_weight_decay=gamma_wd, seed=seed, loss="cross-entropy on readout after T steps",
              train_encoder="torch.rand Poisson (same distribution as the hash encoder)",
              surrogate="0.3*max(0,1-|u/threshold-1|)")
    return model, {"hyperparameters": hp, "history": history, "train_time_s": round(time.time() - t0, 1)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True, choices=sorted(models.MODELS))
    ap.add_argument("--out", help="model directory (default models/<name>)")
    ap.add_argument("--threads", type=int, help="torch threads (default: THREADS[model], the count the "
                    "shipped model was trained with; results can differ in the last bits with another count)")
    for k in ("epochs", "batch", "seed"):
        ap.add_argument("--" + k, type=int)
    for k in ("lr", "wd", "gamma_wd"):
        ap.add_argument("--" + k.replace("_", "-"), dest=k, type=float)
    ap.add_argument("--opt", choices=["sgd", "adam"])
    ap.add_argument("--ckpt", help="where to save the trained state_dict and training log "
                    "(default /tmp/snnc-train/<name>.pt; scripts/train-models uses build-models/)")
    ap.add_argument("--from-ckpt", metavar="CKPT", help="skip training: write the model directory from "
                    "a checkpoint saved by an earlier run")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads or THREADS[args.model])
    from . import golden
    out = args.out or os.path.join("models", args.model)
    if args.from_ckpt:
        saved = torch.load(args.from_ckpt)
        model = models.build(args.model)
        model.load_state_dict(saved["state_dict"])
        golden.write_model_dir(model, out, saved["train_info"], log=lambda s: print(s, flush=True))
        return 0
    cfg = dict(DEFAULTS[args.model])
    for k in cfg:
        if getattr(args, k, None) is not None:
            cfg[k] = getattr(args, k)
    ckpt = args.ckpt or os.path.join("/tmp/snnc-train", args.model + ".pt")
    os.makedirs(os.path.dirname(ckpt), exist_ok=True)
    model, tinfo = train(args.model, **cfg, log=lambda s: print(s, flush=True))
    torch.save({"state_dict": model.state_dict(), "train_info": tinfo}, ckpt)
    print(f"[{args.model}] checkpoint {ckpt}", flush=True)
    golden.write_model_dir(model, out, tinfo, log=lambda s: print(s, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

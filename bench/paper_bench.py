#!/usr/bin/env python3
"""Benchmark on the paper-size networks: snnc-run (event, dense) vs PyTorch CPU, plus a roofline.

usage: PYTHONPATH=python /usr/bin/python3 bench/paper_bench.py [--quick] [--models vgg9,vgg11,mlp]
           [--models-dir bench/models] [--snnc-run build/bin/snnc-run] [--threads 2]

The models are those of bench/make_paper_models.py (random weights, BNTT calibrated to about 10 %
firing per step; run it first, it writes bench/models/NAME/{model.onnx, model.bin, info.json}).
For each model, at T and at T_exit, batch 1 and batch 64, in one run and side by side:
  - snnc-run --mode=event and --mode=dense, --threads N (default 2); batch 1 = --batch 1 (the N
    threads split each layer of one sample), batch 64 = --batch 64 (samples spread over the
    threads). wall_seconds of the run (encoding included, model loading excluded), best of 3,
    after a warm-up of one batch (--warmup BATCH: the first batch runs once untimed on the same
    workers, as PyTorch's warm-up call below; before 2026-12-04 (stop 35) snnc-run was timed
    cold, worker buffers' first touch and cold caches included).
  - PyTorch CPU (the fastest honest form, as bench/run_bench.py: eval, no_grad, all steps'
    synaptic layers in one call per layer, LIF/readout per step, Poisson spikes precomputed
    outside the timed region), N threads, jemalloc, batch 1 and 64. Event mode and PyTorch run
    interleaved, 3 rounds of one run each (PyTorch: a 1 s loop), and each side's best round
    counts, so a drift of the machine's speed reaches both sides alike.
  - ratios, synaptic events per second per thread (event mode), prediction agreement.
Then, per model, the roofline of its busiest synaptic layer's shape (bench/roofline.cpp, built
here with -O3 -march=native: scatter-add and gather-add of weight rows into output rows, adds/s
and GB/s per CPU second) next to PyTorch's measured GEMM rate for the same layer as one im2col
matrix product, the peak RSS of snnc-run at batch 64, and which ISA each side used.
Inputs: uniform random images (the calibration distribution), seed 2, the same for all sides.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
import run_bench  # noqa: E402  (re-executes with jemalloc preloaded, as PyTorch's best form)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from snncref.export import load_onnx  # noqa: E402


def sh(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def machine():
    cpu = "unknown"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    flags = sorted(set(re.findall(r"avx512[a-z_0-9]*|avx2|fma", open("/proc/cpuinfo").read())))
    return cpu, flags


def torch_isa():
    m = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return (m.group(1) if m else "unknown") + (", oneDNN" if torch.backends.mkldnn.is_available() else "")


def snnc_isa(run_bin):
    out = sh([run_bin, "--version"])
    m = re.search(r"kernels?[^\n]*?(avx512|avx2|baseline)", out)
    return m.group(1) if m else out.strip().splitlines()[-1]


def spawn(args):
    """Runs args; returns (CPU seconds, peak RSS in MiB) of that process alone. /usr/bin/time
    measures the RSS (a child forked from this Python process would count its pages)."""
    if os.path.exists("/usr/bin/time"):
        rep = os.path.join(tempfile.gettempdir(), f"snnc-bench-time-{os.getpid()}")
        args = ["/usr/bin/time", "-f", "%U %S %M", "-o", rep] + args
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit(f"failed ({p.returncode}): {' '.join(args)}\n{p.stderr}")
    if args[0] != "/usr/bin/time":
        return float("nan"), float("nan")
    u, s_, m = open(rep).read().split()[-3:]
    return float(u) + float(s_), float(m) / 1024


def snnc_rate(run_bin, model_bin, xfile, n, steps, mode, threads, batch, work, reps):
    """Best of `reps` runs (--json wall_seconds), CPU seconds per sample (--json cpu_seconds: the
    run's own user + system time, loading, preparation and the one-batch warm-up excluded), and
    the largest peak RSS (MiB)."""
    j = os.path.join(work, "r.json")
    args = [run_bin, model_bin, "--input", xfile, "--limit", str(n), "--steps", str(steps), "--mode", mode,
            "--threads", str(threads), "--batch", str(batch), "--warmup", str(batch), "--json", j, "--quiet"]
    best, rss, cpu = None, 0.0, float("inf")
    for _ in range(reps):
        _, m = spawn(args)
        rss = max(rss, m)
        r = json.load(open(j))
        cpu = min(cpu, r["cpu_seconds"] / n)
        if best is None or r["wall_seconds"] < best["wall_seconds"]:
            best = r
    return best, rss, cpu


def event_and_torch(a, model, model_bin, xfile, x, n, steps, batch, work, reps):
    """snnc-run event mode and PyTorch, interleaved: `reps` rounds of one snnc-run run and one
    PyTorch loop (1 s, --quick 0.5 s), so that both sides sample the same minutes of a machine
    whose speed drifts (on a shared VM by up to 2x within minutes). Each side's best round: the
    run with the best wall time and the least CPU per sample; PyTorch's best samples/s and least
    CPU per sample. Returns (run json, peak RSS MiB, event CPU s per sample, torch samples/s,
    torch predictions, torch CPU s per sample)."""
    best, rss, ev_cpu, tr, tpred, t_cpu = None, 0.0, float("inf"), 0.0, None, float("inf")
    for _ in range(reps):
        r, m, c = snnc_rate(a.snnc_run, model_bin, xfile, n, steps, "event", a.threads, batch, work, 1)
        rss, ev_cpu = max(rss, m), min(ev_cpu, c)
        if best is None or r["wall_seconds"] < best["wall_seconds"]:
            best = r
        tc = []
        rate, tpred = run_bench.torch_rate(model, x, steps, batch, 0.5 if a.quick else 1.0, tc)
        tr, t_cpu = max(tr, rate), min(t_cpu, tc[0])
    return best, rss, ev_cpu, tr, tpred, t_cpu


def busiest_layer(model, run):
    """(name, module, input shape) of the synaptic layer with the most synaptic events."""
    name = max(run["synaptic_events"], key=run["synaptic_events"].get)
    h = torch.zeros((1,) + tuple(model.input_shape))
    for n, m in model.layers.items():
        if n == name:
            return name, m, tuple(h.shape[1:])
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear, torch.nn.AvgPool2d, torch.nn.Flatten)):
            h = m(h)
    raise KeyError(name)


def gemm_shape(m, in_shape, rows_per_sample):
    """(M, K, N) of the layer as one matrix product over `rows_per_sample` (steps x samples)."""
    if isinstance(m, torch.nn.Conv2d):
        c, hgt, wid = in_shape
        kh, kw = m.kernel_size
        return rows_per_sample * hgt * wid, c * kh * kw, m.out_channels, hgt * wid
    return rows_per_sample, in_shape[0], m.out_features, 1


def torch_gemm_rate(M, K, N, seconds=0.5):
    a, b = torch.rand(M, K), torch.rand(K, N)
    torch.mm(a, b)
    t0, n = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        torch.mm(a, b)
        n += 1
    return n * M * K * N / (time.perf_counter() - t0)


def roofline(binary, width, rows, outs, fanin, threads):
    out = sh([binary, "--width", str(width), "--rows", str(rows), "--outs", str(outs), "--fanin",
              str(max(1, fanin)), "--threads", str(threads), "--seconds", "0.3"])
    return [json.loads(line) for line in out.splitlines()]


def build_roofline(work):
    exe = os.path.join(work, "snnc-roofline")
    cxx = os.environ.get("CXX", "clang++-19")
    subprocess.run([cxx, "-O3", "-march=native", "-ffp-contract=off", "-std=c++17", "-pthread",
                    os.path.join(BENCH, "roofline.cpp"), "-o", exe], check=True)
    return exe


def bench_model(name, a, work, roof_bin):
    d = os.path.join(a.models_dir, name)
    info = json.load(open(os.path.join(d, "info.json")))
    model = load_onnx(os.path.join(d, "model.onnx")).eval()
    model_bin = os.path.join(d, "model.bin")
    T, t_exit = model.num_steps, int(info["early_exit_step"])
    n1 = {"vgg11": 3, "vgg9": 4}.get(name, 32) if a.quick else {"vgg11": 8, "vgg9": 12}.get(name, 128)
    n64 = 64
    # snnc-run at batch 64 (samples spread over the threads, one per worker): its rate does not
    # depend on the count once every thread has samples, so --quick runs fewer (PyTorch gets 64).
    m64 = {"vgg11": 8, "vgg9": 16}.get(name, 64) if a.quick else n64
    rng = np.random.default_rng(2)
    # Enough rows for every count used (the MLP's batch-1 count exceeds 64): a shorter file would
    # make snnc-run run fewer samples than the per-sample CPU time divides by.
    x = rng.random((max(n1, n64),) + model.input_shape, dtype=np.float32)
    xfile = os.path.join(work, f"{name}-x.npy")
    np.save(xfile, x)
    reps = 1 if a.quick else 3
    print(f"\n## {name}: T = {T}, T_exit = {t_exit}, {os.path.getsize(model_bin) / 2**20:.1f} MiB model.bin; "
          f"batch 1: {n1} samples, batch 64: {n64} (snnc-run: {m64})")
    hdr = (f"{'steps':>9} {'batch':>5} | {'event/s':>8} {'dense/s':>8} {'torch/s':>8} | {'ev/torch':>8} "
           f"{'ev/dense':>8} | {'ev ms':>7} {'torch ms':>8} {'cpu ratio':>9} | {'syn.ev/s/thr':>12} "
           f"{'adds/cpu s':>10} {'firing':>7} | agree")
    print(hdr + "\n" + "-" * len(hdr), flush=True)
    rows, ev64 = [], None
    for steps, label in ((T, "T"), (t_exit, "T_exit")):
        for batch, n, m in ((1, n1, n1), (64, m64, n64)):
            de, _, _ = snnc_rate(a.snnc_run, model_bin, xfile, n, steps, "dense", a.threads, batch, work, reps)
            ev, rss, ev_cpu, tr, tpred, tcpu = event_and_torch(a, model, model_bin, xfile, x[:m], n, steps, batch,
                                                               work, reps)
            evr, der = ev["samples_per_second"], de["samples_per_second"]
            syn = sum(ev["synaptic_events"].values())
            neurons = ev["neuron_updates"]
            firing = sum(sum(v) for v in ev["spikes"].values()) / max(1, neurons)
            agree = sum(int(p == q) for p, q in zip(ev["predictions"], tpred))
            print(f"{label + '=' + str(steps):>9} {batch:>5} | {evr:8.2f} {der:8.2f} {tr:8.2f} | {evr / tr:8.2f} "
                  f"{evr / der:8.2f} | {1e3 * ev_cpu:7.1f} {1e3 * tcpu:8.1f} {tcpu / ev_cpu:9.2f} | "
                  f"{syn / ev['wall_seconds'] / a.threads:12.3g} {syn / n / ev_cpu:10.3g} {100 * firing:6.1f}% | "
                  f"{agree}/{n}", flush=True)
            rows.append(dict(model=name, steps=label, T=steps, batch=batch, event=evr, dense=der, torch=tr,
                             event_cpu_s=ev_cpu, torch_cpu_s=tcpu,
                             syn_per_s_thread=syn / ev["wall_seconds"] / a.threads, syn_per_cpu_s=syn / n / ev_cpu,
                             firing=firing, agree=agree, n=n, rss_mib=rss))
            if batch == 64 and label == "T_exit":
                ev64 = (ev, rss)
    ev, rss = ev64
    lname, mod, in_shape = busiest_layer(model, ev)
    M, K, N, Q = gemm_shape(mod, in_shape, t_exit * 64)
    syn_layer = ev["synaptic_events"][lname]
    fanin = round(syn_layer / (m64 * t_exit * Q * N)) if N else 1
    per_thread = syn_layer / ev["wall_seconds"] / a.threads
    print(f"busiest layer {lname}: {K} x {N} weights ({K * N * 4 / 2**20:.2f} MiB), {Q} output positions, "
          f"{fanin} weight rows added per output vector and step; {per_thread:.3g} adds/s per thread "
          f"at batch 64, T_exit")
    r64 = next(r for r in rows if r["batch"] == 64 and r["steps"] == "T_exit")
    all_rate = sum(ev["synaptic_events"].values()) / r64["n"] / r64["event_cpu_s"]
    print(f"  snnc-run, all layers, batch 64, T_exit: {all_rate:.3g} adds per CPU second")
    if roof_bin and N % 64 == 0:
        for r in roofline(roof_bin, N, K, Q, fanin, a.threads):
            print(f"  roofline ({r['isa']}, {r['threads']} thr, per CPU s): scatter {r['scatter_adds_per_s']:.3g} "
                  f"adds/s ({r['scatter_gb_per_s']:.3g} GB/s), gather {r['gather_adds_per_s']:.3g} adds/s "
                  f"({r['gather_gb_per_s']:.3g} GB/s)")
            if r["threads"] == 1:
                print(f"  snnc-run adds per CPU second / scatter roofline of one thread: "
                      f"{all_rate / r['scatter_adds_per_s']:.2f}; / gather roofline: "
                      f"{all_rate / r['gather_adds_per_s']:.2f}")
    g = torch_gemm_rate(M, K, N)
    print(f"  PyTorch GEMM [{M} x {K}] @ [{K} x {N}] ({a.threads} thr): {g:.3g} MAC/s ({2 * g / 1e9:.1f} GFLOP/s)")
    acts = 0
    h = torch.zeros((1,) + tuple(model.input_shape))
    for m in model.layers.values():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear, torch.nn.AvgPool2d, torch.nn.Flatten)):
            h = m(h)
        acts += h.numel()
    # Per worker: out + idx + val (+ state) of every layer, for each of the 8 steps of a block and
    # each of the 8 samples a worker runs together at batch 64 (runtime/lib/Executor.cpp).
    act_mib = acts * 16 * 8 * 8 * a.threads / 2**20
    size = os.path.getsize(model_bin) / 2**20
    print(f"  peak RSS of snnc-run at batch 64, T_exit: {rss:.0f} MiB; model.bin {size:.1f} MiB, activations "
          f"(16 bytes per neuron of every layer x 8 block steps x 8 samples x {a.threads} workers) "
          f"{act_mib:.1f} MiB; "
          f"RSS / (2 x model.bin + activations) = {rss / (2 * size + act_mib):.2f}", flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="vgg9,vgg11,mlp")
    ap.add_argument("--models-dir", default=os.path.join(BENCH, "models"))
    ap.add_argument("--snnc-run", default=os.path.join(ROOT, "build", "bin", "snnc-run"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="fewer batch-1 samples, one snnc-run repetition")
    ap.add_argument("--no-roofline", action="store_true")
    ap.add_argument("--json", help="write the table rows here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name in a.models.split(","):
        if not os.path.exists(os.path.join(a.models_dir, name, "model.bin")):
            sys.exit(f"{name}: no {a.models_dir}/{name}/model.bin; build it with "
                     f"PYTHONPATH=python /usr/bin/python3 bench/make_paper_models.py --models {name}")
    work = tempfile.mkdtemp(prefix="snnc-paper-bench-")
    cpu, flags = machine()
    load0 = os.getloadavg()
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, flags {' '.join(flags)}; load average {load0[0]:.1f}")
    print(f"snnc-run kernels: {snnc_isa(a.snnc_run)} ({a.snnc_run}); PyTorch {torch.__version__}: {torch_isa()}, "
          f"{torch.get_num_threads()} threads, allocator {os.environ.get('LD_PRELOAD') or 'glibc'}")
    roof_bin = None if a.no_roofline else build_roofline(work)
    rows = []
    for name in a.models.split(","):
        rows += bench_model(name, a, work, roof_bin)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (start {load0[0]:.1f}); "
          f"CPU time of this process and its children: "
          f"{sum(resource.getrusage(w).ru_utime for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)):.0f} s")
    print("event/s, dense/s: snnc-run --mode=event / --mode=dense; torch/s: time-batched PyTorch forward;\n"
          "ev ms, torch ms: CPU milliseconds per sample (all threads; snnc-run: its --json cpu_seconds, loading excluded;\n"
          "each side's best of 3 rounds run interleaved with the other side's), cpu ratio = "
          "torch ms / ev ms\n(robust to other load on a shared machine; the wall-clock ratio ev/torch is not);\n"
          f"both sides {a.threads} threads. syn.ev/s/thr: synaptic events (weight-row additions, floats) per second "
          "per thread, event mode.\nfiring: spikes per LIF neuron and step. agree: same predicted class as PyTorch.")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(cpu=cpu, flags=flags, load=[load0[0], os.getloadavg()[0]], rows=rows), f, indent=1)


if __name__ == "__main__":
    main()

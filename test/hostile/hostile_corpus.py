#!/usr/bin/env python3
"""The hostile-input corpus of issue 13, run through snnc, snnc-run and snnc-map.

usage: hostile_corpus.py --bin BUILD/bin --work DIR [--rss-mb 2048]

Every case builds its reproducer in its own empty folder, runs one tool there and requires:
  * no signal (a negative status) and an exit status from the documented set (docs/ci.md),
  * a non-empty error message containing the case's keyword,
  * peak RSS of the tool below --rss-mb (from wait4's rusage),
  * no file in the folder but the inputs and the outputs the case allows.
Run on the Release build by ctest (hostile-corpus) and on the ASan+UBSan build by
scripts/sanitize, which also turns any sanitizer report into a non-zero status.
"""
import argparse
import gzip
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import zlib

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--work", required=True)
ap.add_argument("--rss-mb", type=int, default=2048)
ap.add_argument("--source", default=os.path.join(os.path.dirname(__file__), "..", ".."))
args = ap.parse_args()
BIN = os.path.abspath(args.bin)
SRC = os.path.abspath(args.source)
WORK = os.path.abspath(args.work)
shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
failures = []


def tool(name):
    return os.path.join(BIN, name)


def run_case(name, setup, argv, codes, keyword, allowed_outputs=()):
    """setup(folder) writes the inputs; argv is a list (may use {d} for the folder)."""
    d = os.path.join(WORK, name)
    os.makedirs(d)
    setup(d)
    before = set(os.listdir(d))
    cmd = [a.format(d=d) for a in argv]
    proc = subprocess.Popen(cmd, cwd=d, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # a hang is a failure, not a stuck test
        proc.kill()
        out, err = proc.communicate()
        failures.append(f"{name}: hung for 120 s: {' '.join(cmd)}")
        print(f"FAIL {name}: hung")
        return
    rc = proc.returncode
    # Popen reaped the child; RUSAGE_CHILDREN holds the largest peak RSS of any child so far,
    # an upper bound of this one's (the setup steps are small).
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    text = (out + err).decode("utf-8", "replace")
    problems = []
    if rc < 0:
        problems.append(f"killed by signal {-rc}")
    elif rc not in codes:
        problems.append(f"exit {rc}, expected one of {sorted(codes)}")
    if keyword and keyword not in text:
        problems.append(f"message lacks '{keyword}'")
    if rc != 0 and not err.strip():
        problems.append("empty error message")
    if "AddressSanitizer" in text or "runtime error:" in text or "LeakSanitizer" in text:
        problems.append("sanitizer report")
    if "PLEASE submit a bug report" in text:
        problems.append("crash banner")
    if rss_mb > args.rss_mb:
        problems.append(f"peak RSS {rss_mb:.0f} MB > {args.rss_mb} MB")
    stray = set(os.listdir(d)) - before - set(allowed_outputs)
    if stray:
        problems.append(f"stray files {sorted(stray)}")
    line = text.strip().splitlines()[-1][:160] if text.strip() else ""
    status_text = "ok  " if not problems else "FAIL"
    print(f"{status_text} {name}: exit {rc}: {line}")
    if problems:
        failures.append(f"{name}: {'; '.join(problems)}\n    cmd: {' '.join(cmd)}\n    output: {text[-600:]}")


def nothing(d):
    pass


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# --- A small valid model, compiled once --------------------------------------------------------
MODEL = os.path.join(WORK, "model.bin")
OTHER = os.path.join(WORK, "other.bin")
subprocess.run([tool("snnc"), os.path.join(SRC, "models/digits-bntt-mlp/model.onnx"), "-o", MODEL],
               check=True, capture_output=True)
subprocess.run([tool("snnc"), os.path.join(SRC, "models/digits-bntt-deep/model.onnx"), "-o", OTHER],
               check=True, capture_output=True)
NUMEL, CLASSES = 64, 10


def idx_header(code, dims):
    return bytes([0, 0, code, len(dims)]) + b"".join(struct.pack(">I", x) for x in dims)


def gz_bomb(path, header, zero_bytes):
    """A gzip file of `header` + zero_bytes zeros, compressed in chunks (small on disk)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        f.write(comp.compress(header))
        chunk = bytes(1 << 20)
        left = zero_bytes
        while left > 0:
            n = min(left, len(chunk))
            f.write(comp.compress(chunk[:n]))
            left -= n
        f.write(comp.flush())


def npy(path, descr, shape, data=b""):
    hdr = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    hdr = hdr.encode() + b" " * ((64 - (10 + len(hdr) + 1) % 64) % 64) + b"\n"
    write(path, b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr + data)


def good_inputs(d, n=4):
    npy(os.path.join(d, "x.npy"), "<f4", f"({n}, {NUMEL})", struct.pack(f"<{n * NUMEL}f", *([0.5] * (n * NUMEL))))


RUN = tool("snnc-run")
# --- snnc-run: input readers --------------------------------------------------------------------
rows = (1 << 30) // NUMEL  # a 1 GiB uint8 IDX body
run_case("run-gz-bomb-limit", lambda d: gz_bomb(os.path.join(d, "bomb.idx.gz"), idx_header(0x08, [rows, 8, 8]), rows * NUMEL),
         [RUN, MODEL, "--input", "{d}/bomb.idx.gz", "--limit", "4", "--quiet"], {0}, "")
run_case("run-gz-bomb-all", lambda d: gz_bomb(os.path.join(d, "bomb.idx.gz"), idx_header(0x08, [rows, 8, 8]), rows * NUMEL),
         [RUN, MODEL, "--input", "{d}/bomb.idx.gz", "--quiet"], {1}, "bomb.idx.gz")
run_case("run-npy-shape-overflow", lambda d: npy(os.path.join(d, "x.npy"), "<f4", "(0, 10000000000000, 10000000000000, 10000000000000)"),
         [RUN, MODEL, "--input", "{d}/x.npy"], {1}, "x.npy")
run_case("run-idx-255-dims", lambda d: write(os.path.join(d, "x.idx"), idx_header(0x08, [2] * 255)),
         [RUN, MODEL, "--input", "{d}/x.idx"], {1}, "x.idx")
for label, value in [("neg", -1), ("99", 99), ("2p62", 1 << 62), ("int64max", (1 << 63) - 1)]:
    def setup(d, value=value):
        good_inputs(d)
        npy(os.path.join(d, "y.npy"), "<i8", "(4,)", struct.pack("<4q", 0, 1, value, 2))
    run_case(f"run-label-{label}", setup, [RUN, MODEL, "--input", "{d}/x.npy", "--labels", "{d}/y.npy"], {1}, "y.npy")
run_case("run-label-float-int64max", lambda d: (good_inputs(d), npy(os.path.join(d, "y.npy"), "<f8", "(4,)", struct.pack("<4d", 0, 1, 9.3e18, 2))),
         [RUN, MODEL, "--input", "{d}/x.npy", "--labels", "{d}/y.npy"], {1}, "y.npy")
run_case("run-gz-trailing-garbage", lambda d: write(os.path.join(d, "x.idx.gz"), gzip.compress(idx_header(0x08, [1, 8, 8]) + bytes(64)) + b"garbage!"),
         [RUN, MODEL, "--input", "{d}/x.idx.gz"], {1}, "x.idx.gz")
run_case("run-json-missing-folder", good_inputs, [RUN, MODEL, "--input", "{d}/x.npy", "--json", "{d}/missing/r.json"], {1}, "missing")
run_case("run-onnx-given", good_inputs, [RUN, os.path.join(SRC, "models/digits-bntt-mlp/model.onnx"), "--input", "{d}/x.npy"], {1}, "model.onnx")
run_case("run-truncated-model", lambda d: (good_inputs(d), write(os.path.join(d, "m.bin"), open(MODEL, "rb").read()[:100])),
         [RUN, "{d}/m.bin", "--input", "{d}/x.npy"], {1}, "m.bin")
BAD_UTF8 = os.fsdecode(b"r\xff.json")  # a file name that is not UTF-8
run_case("run-json-not-utf8-name", good_inputs, [RUN, MODEL, "--input", "{d}/x.npy", "--json", "{d}/" + BAD_UTF8, "--quiet"], {0}, "",
         allowed_outputs=(BAD_UTF8,))
run_case("run-limit-zero", good_inputs, [RUN, MODEL, "--input", "{d}/x.npy", "--limit", "0"], {2}, "--limit")
run_case("run-bad-flag", good_inputs, [RUN, MODEL, "--input", "{d}/x.npy", "--no-such-flag"], {2}, "no-such-flag")

# --- snnc-map: hardware files, sweeps, profiles -------------------------------------------------
MAP = tool("snnc-map")
HW = json.load(open(os.path.join(SRC, "hw/loihi2.json")))


def hw_with(d, edits, baseline=None):
    h = json.loads(json.dumps(HW))
    for section, key, value in edits:
        h[section][key]["value"] = value
    if baseline is not None:
        h["baseline"] = baseline
    json.dump(h, open(os.path.join(d, "hw.json"), "w"))
    shutil.copy(os.path.join(SRC, "hw/cmos45.json"), os.path.join(d, "cmos45.json"))


run_case("map-json-not-utf8-name", nothing, [MAP, MODEL, "--hw", "loihi2", "--json", "{d}/" + BAD_UTF8], {0}, "",
         allowed_outputs=(BAD_UTF8,))
run_case("map-tiles-x-1e9", lambda d: hw_with(d, [("mesh", "tiles_x", 1e9)]), [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "tiles_x")
run_case("map-mesh-all-1e9", lambda d: hw_with(d, [("mesh", k, 1e9) for k in ("tiles_x", "tiles_y", "cores_per_tile")]),
         [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "hw.json")
run_case("map-cores-per-tile-2p62", lambda d: hw_with(d, [("mesh", "cores_per_tile", 1 << 62)]), [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "cores_per_tile")
run_case("map-set-tiles-1e9", nothing, [MAP, MODEL, "--hw", "loihi2", "--set", "tiles_x=1e9", "--set", "tiles_y=1e9"], {1, 2}, "tiles")
run_case("map-sweep-1e6-points", nothing, [MAP, MODEL, "--hw", "loihi2", "--sweep", "compartments=" + ",".join(str(100 + i) for i in range(1000)),
                                            "--sweep", "weight_bits=" + ",".join(str(1 + i % 8) for i in range(8)) + ",1"], {2}, "")
run_case("map-sweep-too-many", nothing, [MAP, MODEL, "--hw", "loihi2", "--sweep", "compartments=" + ",".join(str(100 + i) for i in range(1000)),
                                          "--sweep", "fanin_axons=" + ",".join(str(100 + i) for i in range(1000))], {2}, "--max-points")
run_case("run-input-fifo", lambda d: os.mkfifo(os.path.join(d, "x.npy")), [RUN, MODEL, "--input", "{d}/x.npy"], {1}, "not a regular file")
run_case("run-model-fifo", lambda d: (good_inputs(d), os.mkfifo(os.path.join(d, "m.bin"))), [RUN, "{d}/m.bin", "--input", "{d}/x.npy"], {1}, "not a regular file")
run_case("map-model-fifo", lambda d: os.mkfifo(os.path.join(d, "m.bin")), [MAP, "{d}/m.bin", "--hw", "loihi2"], {1}, "not a regular file")
run_case("map-hw-fifo", lambda d: os.mkfifo(os.path.join(d, "hw.json")), [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "not a regular file")
run_case("map-hw-1gb-sparse", lambda d: os.truncate(open(os.path.join(d, "hw.json"), "wb").name, 1 << 30),
         [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "bytes, more than")
run_case("map-profile-fifo", lambda d: os.mkfifo(os.path.join(d, "run.json")), [MAP, MODEL, "--hw", "loihi2", "--profile", "{d}/run.json"], {1}, "not a regular file")
run_case("map-baseline-path", lambda d: hw_with(d, [], baseline="../../../etc/passwd"), [MAP, MODEL, "--hw", "{d}/hw.json"], {1}, "baseline")


def profile_case(d, mutate):
    good_inputs(d)
    subprocess.run([RUN, MODEL, "--input", os.path.join(d, "x.npy"), "--json", os.path.join(d, "run.json"), "--quiet"],
                   check=True, capture_output=True)
    j = json.load(open(os.path.join(d, "run.json")))
    mutate(j)
    json.dump(j, open(os.path.join(d, "run.json"), "w"))


def huge_counts(j):
    k = next(iter(j["spikes"]))
    j["spikes"][k][0] = 1e308


run_case("map-profile-other-model", lambda d: profile_case(d, lambda j: None), [MAP, OTHER, "--hw", "loihi2", "--profile", "{d}/run.json"], {1}, "run.json")
run_case("map-profile-1e308", lambda d: profile_case(d, huge_counts), [MAP, MODEL, "--hw", "loihi2", "--profile", "{d}/run.json"], {1}, "run.json")
run_case("map-json-on-failure", lambda d: hw_with(d, [("mesh", "tiles_x", 1e9)]), [MAP, MODEL, "--hw", "{d}/hw.json", "--json", "{d}/r.json"], {1}, "tiles_x",
         allowed_outputs=("r.json",))

# --- snnc: compiler inputs ------------------------------------------------------------------------
SNNC = tool("snnc")
LIMITS = os.path.join(SRC, "test/tools/snnc/Inputs/make_limits.py")


def limits_model(d, *extra):
    subprocess.run([sys.executable, LIMITS, *extra, os.path.join(d, "m.mlir")], check=True)


run_case("snnc-deep-nesting", lambda d: write(os.path.join(d, "m.mlir"), b"module attributes {test.x = " + b"[" * 20000 + b"]" * 20000 + b"} {}"),
         [SNNC, "{d}/m.mlir", "-o", "{d}/m.bin"], {1}, "nest")
run_case("snnc-steps-65537", lambda d: limits_model(d, "--steps", "65537"), [SNNC, "{d}/m.mlir", "-o", "{d}/m.bin"], {1}, "65536")
run_case("snnc-4207-layers", lambda d: limits_model(d, "--layers", "4207"), [SNNC, "{d}/m.mlir", "-o", "{d}/m.bin"], {1}, "4096")
run_case("snnc-10mb-name", lambda d: limits_model(d, "--name-length", str(10 << 20)), [SNNC, "{d}/m.mlir", "-o", "{d}/m.bin"], {1}, "1024")
run_case("snnc-not-onnx", lambda d: write(os.path.join(d, "m.onnx"), os.urandom(4096)), [SNNC, "{d}/m.onnx", "-o", "{d}/m.bin"], {1}, "m.onnx")
run_case("snnc-input-fifo", lambda d: os.mkfifo(os.path.join(d, "m.onnx")), [SNNC, "{d}/m.onnx", "-o", "{d}/m.bin"], {1}, "not a regular file")
run_case("snnc-empty-file", lambda d: write(os.path.join(d, "m.onnx"), b""), [SNNC, "{d}/m.onnx", "-o", "{d}/m.bin"], {1}, "m.onnx")
run_case("snnc-model-bin-given", nothing, [SNNC, MODEL, "-o", "{d}/m.bin"], {1}, "snnc-run")
run_case("snnc-empty-output", nothing, [SNNC, os.path.join(SRC, "models/digits-bntt-mlp/model.onnx"), "-o", ""], {2}, "-o")


def symlink_out(d):
    write(os.path.join(d, "victim"), b"victim")
    os.symlink(os.path.join(d, "victim"), os.path.join(d, "out.bin"))


run_case("snnc-output-symlink", symlink_out, [SNNC, os.path.join(SRC, "models/digits-bntt-mlp/model.onnx"), "-o", "{d}/out.bin"], {1}, "symbolic link")

print(f"{len(failures)} failure(s)")
for f in failures:
    print("FAIL " + f)
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""Fails on a forbidden edge of the CMake target graph (docs/architecture.md, "Who links whom").

Reads the dot file of `cmake --graphviz=FILE BUILD_DIR`, follows every target's link dependencies
transitively and reports each target that reaches something it must not:

  runtime half (schema, validator, executor, run report, snnc-run, mapping, snnc-map) -> MLIR/LLVM
  snn dialect and SNNTransforms (and their rules header target)                      -> protobuf
  core runtime (snnc_modelbin, snnc_runtime, snnc_runreport)                          -> CUDA
  SNNMapping, SNNMappingReport, snnc-map                                              -> MLIR/LLVM
  SNNEmit, snnc-translate (emission reads the IR only)                                -> SNNImport, onnx

  check_build_graph.py GRAPH.dot      check a graph (exit 1 and one line per violation)
  check_build_graph.py --build-dir B  run cmake --graphviz on B, then check it
  check_build_graph.py --self-test    check synthetic graphs: a clean one passes, and adding any
                                      forbidden edge makes the check fail
"""
import os
import re
import subprocess
import sys
import tempfile

RUNTIME = ["snnc_support", "snnc_modelbin_rules", "snnc_modelbin", "snnc_runtime",
           "snnc_runreport", "snnc_runtime_gpu", "snnc-run", "SNNMapping", "SNNMappingReport",
           "snnc-map"]
CORE_RUNTIME = ["snnc_modelbin", "snnc_runtime", "snnc_runreport"]
NO_PROTOBUF = ["SNNDialect", "SNNTransforms", "snnc_modelbin_rules"]
EMIT = ["SNNEmit", "snnc-translate"]


def is_mlir(name):
    return name in ("MLIR", "LLVM") or re.match(r"^(MLIR|LLVM)[A-Z]", name) is not None \
        or "libMLIR" in name or "libLLVM" in name


def is_protobuf(name):
    # snnc_modelbin carries the generated protobuf code and links libprotobuf.
    return "protobuf" in name.lower() or name == "snnc_modelbin"


def is_importer(name):
    return name in ("SNNImport", "onnx", "onnx_proto")


def is_cuda(name):
    return name.startswith("CUDA::") or "cudart" in name or name in (
        "snnc_runtime_gpu", "snnc_cuda_kernels")


RULES = [(RUNTIME, is_mlir, "MLIR/LLVM"), (NO_PROTOBUF, is_protobuf, "protobuf"),
         (CORE_RUNTIME, is_cuda, "CUDA"), (EMIT, is_importer, "the ONNX importer")]


def parse_dot(text):
    """Target names and their direct dependencies (by name)."""
    labels = dict(re.findall(r'"(node\d+)"\s*\[\s*label\s*=\s*"([^"]*)"', text))
    deps = {name: set() for name in labels.values()}
    for a, b in re.findall(r'"(node\d+)"\s*->\s*"(node\d+)"', text):
        deps[labels[a]].add(labels[b])
    return deps


def reach(deps, start):
    seen, todo = set(), [start]
    while todo:
        for d in deps.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def violations(deps):
    out = []
    for targets, forbidden, what in RULES:
        for t in targets:
            if t not in deps:
                continue
            bad = sorted(d for d in reach(deps, t) if forbidden(d))
            if bad:
                out.append(f"{t} links {what}: {', '.join(bad)}")
    return out


def check(path):
    with open(path) as f:
        deps = parse_dot(f.read())
    if "snnc_runtime" not in deps:
        print(f"{path}: no snnc_runtime target; not a graph of this project")
        return 1
    bad = violations(deps)
    for line in bad:
        print("forbidden edge: " + line)
    checked = sorted({t for targets, _, _ in RULES for t in targets if t in deps})
    print(f"{len(deps)} targets, checked {', '.join(checked)}; {len(bad)} forbidden edges")
    return 1 if bad else 0


def dot(edges):
    names = sorted({n for e in edges for n in e})
    ids = {n: f"node{i}" for i, n in enumerate(names)}
    lines = [f'    "{ids[n]}" [ label = "{n}", shape = box ];' for n in names]
    lines += [f'    "{ids[a]}" -> "{ids[b]}" // {a} -> {b}' for a, b in edges]
    return 'digraph "snnc" {\n' + "\n".join(lines) + "\n}\n"


CLEAN = [("snnc-run", "snnc_runtime"), ("snnc-run", "snnc_runtime_gpu"),
         ("snnc_runtime_gpu", "snnc_runtime"), ("snnc_runtime_gpu", "CUDA::cudart_static"),
         ("snnc_runtime", "snnc_modelbin"), ("snnc_modelbin", "protobuf::libprotobuf"),
         ("snnc_modelbin", "snnc_modelbin_rules"), ("snnc_runreport", "snnc_modelbin"),
         ("SNNMapping", "snnc_modelbin"), ("SNNMappingReport", "SNNMapping"),
         ("snnc-map", "SNNMappingReport"), ("SNNDialect", "MLIR"),
         ("SNNDialect", "snnc_modelbin_rules"), ("SNNTransforms", "SNNDialect"),
         ("SNNEmit", "SNNDialect"), ("SNNEmit", "snnc_modelbin"), ("snnc", "SNNEmit"),
         ("snnc", "SNNImport"), ("SNNImport", "onnx"), ("snnc-translate", "SNNEmit")]
# One forbidden edge per rule, each also reached only through an intermediate target.
FORBIDDEN = [("snnc_runtime", "LLVM"), ("snnc_modelbin", "MLIR"), ("SNNMapping", "SNNDialect"),
             ("SNNTransforms", "snnc_modelbin"), ("SNNDialect", "protobuf::libprotobuf"),
             ("snnc_runtime", "snnc_runtime_gpu"), ("snnc_runreport", "CUDA::cudart_static"),
             ("snnc_modelbin_rules", "SNNTransforms"), ("SNNEmit", "SNNImport")]


def self_test():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        def run(edges, name):
            path = os.path.join(tmp, name + ".dot")
            with open(path, "w") as f:
                f.write(dot(edges))
            return check(path)
        if run(CLEAN, "clean") != 0:
            print("FAIL: the clean graph was rejected")
            failures += 1
        for i, edge in enumerate(FORBIDDEN):
            if run(CLEAN + [edge], f"bad{i}") != 1:
                print(f"FAIL: adding {edge[0]} -> {edge[1]} was not caught")
                failures += 1
    print("self-test " + ("passed" if failures == 0 else f"FAILED ({failures})"))
    return 1 if failures else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) == 2 and argv[0] == "--build-dir":
        out = os.path.join(argv[1], "graphviz", "snnc.dot")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        p = subprocess.run(["cmake", f"--graphviz={out}", argv[1]], capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stdout + p.stderr)
            return 1
        return check(out)
    if len(argv) == 1:
        return check(argv[0])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

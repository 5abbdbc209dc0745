#!/bin/bash
# One-shot GPU check of the CUDA backend (docs/gpu.md), for a session that has the device machine:
#   1. configure + build the runtime with CUDA (sm_90 only, for speed), compiler off;
#   2. ctest: CUDA-vs-CPU unit tests on random networks, --backend checks, and every shipped
#      model's golden set with --backend=cuda vs --backend=cpu (must be identical; must not skip);
#   3. the benchmark (bench/gpu/bench_gpu.py): cuda vs cpu vs PyTorch CUDA, batch 1/64/1024, T and
#      T_exit (torch part skipped with a message unless a CUDA torch + onnx are installed).
# With .gpu/ from bench/gpu/pack_for_device.sh (needed: the device has no protobuf/fmt/gtest), the
# prebuilt binaries run directly; otherwise it configures and builds there.
# Each part runs under a timeout (a hung kernel must not eat the lease): unit tests 90 s, each
# model's golden comparison 60 s, the benchmark 200 s. Results go to $OUT (or ./gpu-check-out).
# Expected total: 2-5 minutes.
#   usage: bash bench/gpu/run_device_check.sh
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$PWD/gpu-check-out}
B=${SNNC_GPU_BUILD:-build-gpu}
mkdir -p "$OUT"
exec > >(tee "$OUT/device-check.log") 2>&1
echo "== $(date -u) on $(hostname)"
nvidia-smi -L || echo "nvidia-smi not available"
export PATH=/usr/local/cuda/bin:$PATH
PY=${SNNC_PYTHON:-$(command -v python3)}  # the device's python3 has numpy, onnx and torch
if [ -x .gpu/bin/snnc-run ]; then
  # Prebuilt by bench/gpu/pack_for_device.sh on the build machine (the device has no protobuf,
  # fmt or GoogleTest): run the binaries directly, without configuring or building.
  echo "== prebuilt binaries from .gpu/"
  export LD_LIBRARY_PATH=$PWD/.gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  # snncref (the PyTorch reference, for the benchmark's torch side) and the schema code packed with
  # the binaries; the models themselves were compiled on the build machine (.gpu/models).
  export PYTHONPATH=$PWD/python:$PWD/.gpu/python-gen${PYTHONPATH:+:$PYTHONPATH}
  "$PY" -c "import sys, numpy; print('python', sys.version.split()[0], 'numpy', numpy.__version__)"
  BIN=.gpu/bin
  "$BIN/snnc-run" --help > /dev/null || { echo "PREBUILT snnc-run DOES NOT START"; exit 1; }
  echo "== CUDA backend vs CPU backend"
  timeout 90 "$BIN/snnc-cuda-tests" > "$OUT/cuda-unit.txt" 2>&1
  echo "snnc-cuda-tests: exit code $?"
  tail -15 "$OUT/cuda-unit.txt"
  # golden MODEL_DIR PACKED_NAME [ARGS...]: the packed model.bin's golden set, CUDA vs CPU.
  golden() {
    local dir=$1 packed=$2
    shift 2
    timeout 60 "$PY" test/runtime/cuda/golden_equal.py --snnc-run "$BIN/snnc-run" \
      --model-bin ".gpu/models/$packed.bin" --backend cuda --model-dir "$dir" \
      --work "$OUT/golden-work/$packed" "$@" >> "$OUT/golden.txt" 2>&1
    echo "golden $packed: exit code $?"
  }
  for dir in models/*/; do
    name=$(basename "$dir")
    [ -f "$dir/golden/golden.json" ] && [ -f ".gpu/models/$name.bin" ] || continue
    golden "$dir" "$name"
    [ -f ".gpu/models/$name-int8.bin" ] && golden "$dir" "$name-int8" --quantize-bits 8 --limit 64
  done
  cat "$OUT/golden.txt"
  rm -rf "$OUT/golden-work"
  B=.gpu
  BENCH_MODEL=(--model-bin .gpu/models/fmnist-bntt-conv.bin)
else
  CXX_ARGS=()
  if command -v clang++-19 > /dev/null; then
    CXX_ARGS=(-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19)
  fi
  GEN=()
  command -v ninja > /dev/null && GEN=(-G Ninja)
  echo "== configure"
  cmake "${GEN[@]}" -S . -B "$B" "${CXX_ARGS[@]}" -DSNNC_BUILD_COMPILER=OFF \
    -DSNNC_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 || { echo "CONFIGURE FAILED (the device has no protobuf/fmt/gtest: run bench/gpu/pack_for_device.sh here and carry .gpu)"; exit 1; }
  echo "== build"
  time cmake --build "$B" -j "$(nproc)" --target snnc-run snnc-cuda-tests snnc-rt-testgen \
    snnc-runtime-tests || { echo "BUILD FAILED"; exit 1; }
  "$B/bin/snnc-cuda-tests" --gtest_filter='*Device*' | tail -5
  echo "== ctest (CUDA backend vs CPU backend)"
  (cd "$B" && ctest -R 'runtime-cuda|runtime-unit|runtime-cli' -V -j4 --timeout 600) \
    > "$OUT/ctest-verbose.log" 2>&1
  grep -E "^ *[0-9]+/[0-9]+ Test|tests passed|identical|DIFFERENT|PASS |FAIL|SKIPPED|device:" \
    "$OUT/ctest-verbose.log" | tee "$OUT/ctest.txt"
  if grep -q "Skipped" "$OUT/ctest.txt"; then
    echo "WARNING: some CUDA tests were skipped: the device was not usable"
  fi
fi
echo "== benchmark"
PYTHONUNBUFFERED=1 timeout 200 "$PY" bench/gpu/bench_gpu.py --snnc-run "$B/bin/snnc-run" \
  ${BENCH_MODEL[@]+"${BENCH_MODEL[@]}"} --work "$OUT/bench-work" --out "$OUT/bench.json" \
  2>&1 | tee "$OUT/bench.txt"
rm -rf "$OUT/bench-work"
echo "== done $(date -u)"

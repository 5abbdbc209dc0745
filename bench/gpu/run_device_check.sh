#!/bin/bash
# One-shot GPU check of the CUDA backend (docs/gpu.md), for a session that has the device machine:
#   1. configure + build the runtime with CUDA (sm_90 only, for speed), compiler off;
#   2. ctest: CUDA-vs-CPU unit tests on random networks, --backend checks, and every shipped
#      model's golden set with --backend=cuda vs --backend=cpu (must be identical; must not skip);
#   3. the benchmark (bench/gpu/bench_gpu.py): cuda vs cpu vs PyTorch CUDA, batch 1/64/1024, T and
#      T_exit (torch part skipped with a message unless a CUDA torch + onnx are installed).
# Results go to $OUT (or ./gpu-check-out). Expected total: 3-6 minutes.
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
CXX_ARGS=()
if command -v clang++-19 > /dev/null; then
  CXX_ARGS=(-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19)
fi
GEN=()
command -v ninja > /dev/null && GEN=(-G Ninja)
echo "== configure"
cmake "${GEN[@]}" -S . -B "$B" "${CXX_ARGS[@]}" -DSNNC_BUILD_COMPILER=OFF \
  -DSNNC_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 || { echo "CONFIGURE FAILED"; exit 1; }
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
echo "== benchmark"
timeout 420 /usr/bin/python3 bench/gpu/bench_gpu.py --snnc-run "$B/bin/snnc-run" \
  --work "$OUT/bench-work" --out "$OUT/bench.json" | tee "$OUT/bench.txt"
rm -rf "$OUT/bench-work"
echo "== done $(date -u)"

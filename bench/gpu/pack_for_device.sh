#!/bin/bash
# Run HERE, on the build machine (no GPU needed), before a device session. The device machine has
# nvcc, CMake, ninja and a Python with numpy/onnx/torch, but none of the runtime's C++ libraries
# (protobuf, fmt, zlib, GoogleTest) and no network, so the CUDA runtime is built here for sm_90 and
# its binaries travel with the shared libraries they need, in .gpu/ (ignored by git, < 20 MiB).
# Then, with the device tool: run(command="bash bench/gpu/run_device_check.sh", carry=[".gpu"]).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build-gpu
cmake -G Ninja -S . -B "$B" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DSNNC_BUILD_COMPILER=OFF -DSNNC_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 > /dev/null
ninja -C "$B" snnc-run snnc-cuda-tests snnc-rt-testgen snnc-runtime-tests
rm -rf .gpu && mkdir -p .gpu/bin .gpu/lib
cp "$B"/bin/{snnc-run,snnc-cuda-tests,snnc-rt-testgen,snnc-runtime-tests} .gpu/bin/
ldd .gpu/bin/* | awk '/=> \// {print $3}' | sort -u |
  grep -E 'lib(protobuf|fmt|z|gtest|gtest_main)\.so' | xargs -r -I{} cp -L {} .gpu/lib/
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu
echo "packed: .gpu/bin ($(ls .gpu/bin | tr '\n' ' ')) and .gpu/lib ($(ls .gpu/lib | tr '\n' ' '))"

#!/bin/bash
# Run HERE, on the build machine (no GPU needed), before a device session. The device machine has
# nvcc, CMake, ninja and a Python with numpy/onnx/torch, but none of the runtime's C++ libraries
# (protobuf, fmt, zlib, GoogleTest) and no network, so the CUDA runtime is built here for sm_90 and
# its binaries travel with the shared libraries they need, in .gpu/ (ignored by git, < 20 MiB).
# Every shipped model is compiled here too (.gpu/models/NAME.bin, by snncref.modelbin, as
# golden_equal.py --writer does), with the protoc-generated Python schema beside them
# (.gpu/python-gen), so the device needs neither the compiler nor a matching protobuf; with the
# compiler built in build/, also the 8-bit integer model (.gpu/models/NAME-int8.bin).
# Then, with the device tool: run(command="bash bench/gpu/run_device_check.sh", carry=[".gpu"]).
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build-gpu
cmake -G Ninja -S . -B "$B" -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DSNNC_BUILD_COMPILER=OFF -DSNNC_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 > /dev/null
ninja -C "$B" snnc-run snnc-cuda-tests snnc-rt-testgen snnc-runtime-tests snnc_modelbin_python
rm -rf .gpu && mkdir -p .gpu/bin .gpu/lib .gpu/models
cp -r "$B"/python-gen .gpu/python-gen
for dir in models/*/; do
  name=$(basename "$dir")
  [ -f "$dir/model.onnx" ] || continue
  PYTHONPATH=python:.gpu/python-gen /usr/bin/python3 -m snncref.modelbin "$dir/model.onnx" \
    ".gpu/models/$name.bin" --info "$dir/info.json"
  # The integer (Loihi) model, for the device's integer kernels: needs the compiler (build/).
  if [ -x build/bin/snnc ]; then
    build/bin/snnc "$dir/model.onnx" -o ".gpu/models/$name-int8.bin" --quantize=loihi \
      --weight-bits 8
  fi
done
cp "$B"/bin/{snnc-run,snnc-cuda-tests,snnc-rt-testgen,snnc-runtime-tests} .gpu/bin/
ldd .gpu/bin/* | awk '/=> \// {print $3}' | sort -u |
  grep -E 'lib(protobuf|fmt|z|gtest|gtest_main)\.so' | xargs -r -I{} cp -L {} .gpu/lib/
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu
echo "packed: .gpu/bin ($(ls .gpu/bin | tr '\n' ' ')), .gpu/lib ($(ls .gpu/lib | tr '\n' ' ')),"\
  ".gpu/models ($(ls .gpu/models | tr '\n' ' '))"

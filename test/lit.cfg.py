# lit configuration for snnc: FileCheck-driven tests of the dialect, passes and tools.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "snnc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".onnxtext"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "python", "unit", "runtime"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.snnc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%models", os.path.join(config.snnc_src_root, "models")))
config.substitutions.append(("%snnc_tools_dir", config.snnc_tools_dir))
config.substitutions.append(("%python", config.python_executable))
# snncref (the NIR test files' writer) comes from the source tree, as in ctest.
config.environment["PYTHONPATH"] = os.path.join(config.snnc_src_root, "python")
# %expect-exit N CMD...: the exit status must be exactly N (docs/ci.md).
config.substitutions.append(("%expect-exit", config.python_executable + " " + os.path.join(config.snnc_src_root, "test", "Inputs", "expect_exit.py")))
llvm_config.use_default_substitutions()

tool_dirs = [config.snnc_tools_dir, config.llvm_tools_dir]
tools = ["snnc-opt", "snnc", "snnc-translate", "snnc-map"]
if config.snnc_build_runtime:
    tools.append("snnc-run")
    config.available_features.add("runtime")
    # The CUDA backend's host emulation exists only in builds with the CUDA library.
    import subprocess
    try:
        version = subprocess.run([os.path.join(config.snnc_tools_dir, "snnc-run"), "--version"],
                                 capture_output=True, text=True).stdout
    except OSError:
        version = ""
    if "backend cuda-emu" in version:
        config.available_features.add("cuda-emu")
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.snnc_tools_dir, append_path=True)

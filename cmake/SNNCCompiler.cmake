# MLIR 19 / LLVM 19 / ONNX set-up for the compiler half of the build.
# Everything links the shared libMLIR.so + libLLVM.so, never the static MLIR archives: one copy of
# each global (command-line options, registries) and fast links.
cmake_policy(SET CMP0116 OLD)

# Debian's llvm-19 layout; override on the command line for other installs.
set(LLVM_EXTERNAL_LIT /usr/lib/llvm-19/build/utils/lit/lit.py CACHE STRING
    "lit (Debian ships it only inside the llvm-19 build tree)")
find_package(MLIR REQUIRED CONFIG PATHS /usr/lib/llvm-19/lib/cmake/mlir)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "snnc needs MLIR 19, found ${LLVM_PACKAGE_VERSION} in ${MLIR_DIR}")
endif()
message(STATUS "Using MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)

include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
include_directories(${SNNC_SOURCE_DIR}/include ${SNNC_BINARY_DIR}/include
                    ${SNNC_SOURCE_DIR}/dialects ${SNNC_BINARY_DIR}/dialects)
add_definitions(${LLVM_DEFINITIONS})

find_package(ONNX REQUIRED CONFIG)
# NIR import: the HDF5 C library (Debian libhdf5-dev, the serial flavour).
find_package(HDF5 REQUIRED COMPONENTS C)

# snnc_compiler_library(name SOURCES ... [DEPENDS ...] [LIBS ...])
# A compiler library linked against the shared MLIR library.
function(snnc_compiler_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LIBS} MLIR LLVM)
endfunction()

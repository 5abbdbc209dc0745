//===- MlirNesting.h - bound the bracket nesting of MLIR text -------------===//
//
// MLIR's parser recurses once per nesting level of an attribute or type, so a
// small .mlir file with 20,000 nested brackets overflows the stack inside the
// parser. checkMlirNesting scans the text first (skipping strings and
// comments) and rejects nesting deeper than a bound far above what any real
// network needs, naming the line and column. No LLVM dependency.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_MLIRNESTING_H
#define SNNC_SUPPORT_MLIRNESTING_H

#include <string>
#include <string_view>

namespace snnc {

/// Deepest bracket nesting ( [ { < accepted in .mlir input.
constexpr int kMaxMlirNesting = 256;

/// True when no bracket in `text` nests deeper than `maxDepth`; otherwise
/// `*error` is "FILE:LINE:COL: error: ..." naming the first too-deep bracket.
bool checkMlirNesting(std::string_view text, const std::string &fileName,
                      int maxDepth, std::string *error);

} // namespace snnc

#endif // SNNC_SUPPORT_MLIRNESTING_H

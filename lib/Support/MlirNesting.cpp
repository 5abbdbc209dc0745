//===- MlirNesting.cpp - bound the bracket nesting of MLIR text -----------===//
//
// See MlirNesting.h. "->" is an arrow, not a closing bracket; an unmatched
// closing bracket only lowers the count (never below zero), so the scan can
// be lenient but never rejects what it should not.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/MlirNesting.h"

namespace snnc {

bool checkMlirNesting(std::string_view text, const std::string &fileName,
                      int maxDepth, std::string *error) {
  int depth = 0;
  size_t line = 1, column = 1;
  for (size_t i = 0; i < text.size(); ++i, ++column) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      column = 0;
    } else if (c == '"') {
      // A string literal: skip to its closing quote, honouring escapes.
      for (++i, ++column; i < text.size() && text[i] != '"'; ++i, ++column) {
        if (text[i] == '\\')
          ++i, ++column;
        else if (text[i] == '\n')
          ++line, column = 0;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i + 1 < text.size() && text[i + 1] != '\n')
        ++i;
    } else if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > maxDepth) {
        if (error)
          *error = fileName + ":" + std::to_string(line) + ":" +
                   std::to_string(column) +
                   ": error: brackets nest deeper than " +
                   std::to_string(maxDepth) +
                   " levels; snnc rejects such input before parsing (MLIR's "
                   "parser would overflow its stack)";
        return false;
      }
    } else if (c == ')' || c == ']' || c == '}' ||
               (c == '>' && (i == 0 || text[i - 1] != '-'))) {
      if (depth > 0)
        --depth;
    }
  }
  return true;
}

} // namespace snnc

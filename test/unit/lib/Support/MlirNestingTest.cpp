//===- MlirNestingTest.cpp - the .mlir nesting guard ----------------------===//
//
// checkMlirNesting counts ( [ { < outside strings and comments, treats "->"
// as an arrow, and names the line and column of the first bracket too deep.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/MlirNesting.h"

#include <gtest/gtest.h>

using snnc::checkMlirNesting;

TEST(MlirNesting, AcceptsUpToTheBoundAndRejectsOneMore) {
  std::string err;
  std::string ok = std::string(8, '[') + std::string(8, ']');
  EXPECT_TRUE(checkMlirNesting(ok, "f.mlir", 8, &err));
  std::string deep = std::string(9, '[') + std::string(9, ']');
  EXPECT_FALSE(checkMlirNesting(deep, "f.mlir", 8, &err));
  EXPECT_EQ(err.rfind("f.mlir:1:9: error: brackets nest deeper than 8", 0), 0u)
      << err;
}

TEST(MlirNesting, SkipsStringsCommentsAndArrows) {
  std::string err;
  EXPECT_TRUE(checkMlirNesting("\"[[[[[[\" // ((((((\n", "f", 2, &err));
  EXPECT_TRUE(checkMlirNesting("\"a\\\"[[[[\"", "f", 2, &err));
  // Each "->" must not close a '<' or '(' : depth stays at 2 here.
  EXPECT_TRUE(checkMlirNesting("(a) -> (b) -> <c> -> (d)", "f", 1, &err));
  EXPECT_FALSE(checkMlirNesting("(x -> (y -> (z)))", "f", 2, &err));
  EXPECT_EQ(err.rfind("f:1:13:", 0), 0u) << err;
}

TEST(MlirNesting, CountsLines) {
  std::string err;
  EXPECT_FALSE(checkMlirNesting("\n\n  [[[", "f", 2, &err));
  EXPECT_EQ(err.rfind("f:3:5:", 0), 0u) << err;
}

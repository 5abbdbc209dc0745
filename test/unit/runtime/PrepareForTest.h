//===- PrepareForTest.h - prepare a model.bin message in a GoogleTest -----===//
//
// Shared by the executor and CUDA backend tests: builds the Network of a model
// that the test expects to be valid, and reports the validation error as a
// test failure if it is not.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TEST_RUNTIME_PREPAREFORTEST_H
#define SNNC_TEST_RUNTIME_PREPAREFORTEST_H

#include "snnc/runtime/Network.h"

#include <gtest/gtest.h>

#include <string>

namespace snnc {
namespace test {

inline rt::Network prepare(const modelbin::Model &m) {
  rt::Network net;
  std::string err;
  EXPECT_TRUE(rt::prepareNetwork(m, &net, &err)) << err;
  return net;
}

} // namespace test
} // namespace snnc

#endif // SNNC_TEST_RUNTIME_PREPAREFORTEST_H

//===- InputFileTest.cpp - readTextFile's rules ---------------------------===//
//
// readTextFile reads regular files whole, and refuses (without blocking or
// allocating) a FIFO, a folder, a missing file and a file above its cap.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/InputFile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using snnc::support::readTextFile;

namespace {

std::string makeDir() {
  char templ[] = "/tmp/snnc-infile-XXXXXX";
  return ::mkdtemp(templ) ? templ : "";
}

TEST(InputFile, ReadsRegularFiles) {
  std::string dir = makeDir(), text, err;
  std::ofstream(dir + "/a.json") << "{\"x\": 1}";
  EXPECT_TRUE(readTextFile(dir + "/a.json", &text, &err)) << err;
  EXPECT_EQ(text, "{\"x\": 1}");
  std::ofstream(dir + "/empty");
  EXPECT_TRUE(readTextFile(dir + "/empty", &text, &err)) << err;
  EXPECT_EQ(text, "");
  (void)std::system(("rm -rf " + dir).c_str());
}

TEST(InputFile, RefusesFifoFolderMissingAndOversized) {
  std::string dir = makeDir(), text, err;
  ASSERT_EQ(::mkfifo((dir + "/fifo").c_str(), 0644), 0);
  EXPECT_FALSE(readTextFile(dir + "/fifo", &text, &err)); // must not block
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
  EXPECT_FALSE(readTextFile(dir, &text, &err));
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
  EXPECT_FALSE(readTextFile(dir + "/missing", &text, &err));
  EXPECT_NE(err.find("cannot open"), std::string::npos) << err;
  std::ofstream(dir + "/big") << std::string(101, 'x');
  EXPECT_TRUE(readTextFile(dir + "/big", &text, &err, 101)) << err;
  EXPECT_FALSE(readTextFile(dir + "/big", &text, &err, 100));
  EXPECT_NE(err.find("101 bytes, more than the 100"), std::string::npos) << err;
  (void)std::system(("rm -rf " + dir).c_str());
}

} // namespace

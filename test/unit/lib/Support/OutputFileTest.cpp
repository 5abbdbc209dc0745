//===- OutputFileTest.cpp - writeOutputFile and checkOutputPath -----------===//
//
// The rules of snnc/Support/OutputFile.h: atomic replacement of regular files
// only, no symlink followed (also not one planted at the former predictable
// temporary name), no partial file under the final name after SIGKILL or
// SIGTERM in the middle of a write, no temporary file left after SIGTERM,
// mode 0644 minus the umask.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/OutputFile.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using snnc::support::checkOutputPath;
using snnc::support::writeOutputFile;

namespace {

class OutputFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    char templ[] = "/tmp/snnc-outfile-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir = templ;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir + "'";
    (void)std::system(cmd.c_str());
  }
  std::string path(const std::string &name) const { return dir + "/" + name; }
  std::string slurp(const std::string &p) const {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void put(const std::string &p, const std::string &text) const {
    std::ofstream(p, std::ios::binary) << text;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    while (struct dirent *e = ::readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
        names.push_back(e->d_name);
    ::closedir(d);
    return names;
  }
  std::string dir;
};

TEST_F(OutputFileTest, WritesAndReplacesRegularFiles) {
  std::string err;
  ASSERT_TRUE(writeOutputFile(path("a.bin"), "first", &err)) << err;
  EXPECT_EQ(slurp(path("a.bin")), "first");
  ASSERT_TRUE(writeOutputFile(path("a.bin"), "second", &err)) << err;
  EXPECT_EQ(slurp(path("a.bin")), "second");
  EXPECT_EQ(entries(), std::vector<std::string>{"a.bin"});
}

TEST_F(OutputFileTest, ModeIs0644MinusUmask) {
  mode_t old = ::umask(027);
  std::string err;
  bool ok = writeOutputFile(path("m.bin"), "x", &err);
  ::umask(old);
  ASSERT_TRUE(ok) << err;
  struct stat st;
  ASSERT_EQ(::stat(path("m.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(OutputFileTest, RefusesSymlinkTargetAndKeepsItsTarget) {
  put(path("victim"), "victim");
  ASSERT_EQ(::symlink(path("victim").c_str(), path("link.bin").c_str()), 0);
  std::string err;
  EXPECT_FALSE(writeOutputFile(path("link.bin"), "evil", &err));
  EXPECT_NE(err.find("symbolic link"), std::string::npos) << err;
  EXPECT_EQ(slurp(path("victim")), "victim");
  struct stat st;
  ASSERT_EQ(::lstat(path("link.bin").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_F(OutputFileTest, IgnoresSymlinkPlantedAtTheOldTemporaryName) {
  // The former writer opened "OUT.tmp.<pid>" with O_TRUNC and followed links.
  put(path("victim"), "victim");
  std::string planted = path("out.bin") + ".tmp." + std::to_string(::getpid());
  ASSERT_EQ(::symlink(path("victim").c_str(), planted.c_str()), 0);
  std::string err;
  ASSERT_TRUE(writeOutputFile(path("out.bin"), "model", &err)) << err;
  EXPECT_EQ(slurp(path("victim")), "victim");
  EXPECT_EQ(slurp(path("out.bin")), "model");
}

TEST_F(OutputFileTest, RefusesFifoFolderReadOnlyAndEmpty) {
  ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0644), 0);
  ASSERT_EQ(::mkdir(path("sub").c_str(), 0755), 0);
  put(path("ro"), "ro");
  ASSERT_EQ(::chmod(path("ro").c_str(), 0444), 0);
  std::string err;
  EXPECT_FALSE(writeOutputFile(path("fifo"), "x", &err));
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
  EXPECT_FALSE(writeOutputFile(path("sub"), "x", &err));
  EXPECT_NE(err.find("folder"), std::string::npos) << err;
  EXPECT_FALSE(writeOutputFile(path("ro"), "x", &err));
  EXPECT_NE(err.find("read-only"), std::string::npos) << err;
  EXPECT_EQ(slurp(path("ro")), "ro");
  EXPECT_FALSE(writeOutputFile("", "x", &err));
  EXPECT_NE(err.find("empty"), std::string::npos) << err;
  EXPECT_FALSE(checkOutputPath(path("missing/x.bin"), &err));
  EXPECT_NE(err.find("does not exist"), std::string::npos) << err;
  EXPECT_FALSE(checkOutputPath("-", &err, /*allowStdout=*/false));
  EXPECT_TRUE(checkOutputPath("-", &err));
}

/// Forks a child that writes 256 MiB to out.bin, signals it after a short
/// while, and returns what is left in the folder.
void killMidWrite(OutputFileTest *t, const std::string &target, int sig) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string big(size_t(256) << 20, 'z');
    std::string err;
    (void)!::write(ready[1], "r", 1); // the buffer is ready: writing starts
    bool ok = writeOutputFile(target, big, &err);
    ::_exit(ok ? 0 : 1);
  }
  char byte;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ::close(ready[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(child, sig);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
}

TEST_F(OutputFileTest, KillInTheMiddleLeavesNoPartialFile) {
  for (int sig : {SIGKILL, SIGTERM, SIGINT}) {
    std::string target = path("out.bin");
    ::unlink(target.c_str());
    killMidWrite(this, target, sig);
    struct stat st;
    if (::stat(target.c_str(), &st) == 0) // finished before the signal
      EXPECT_EQ(uint64_t(st.st_size), uint64_t(256) << 20) << "signal " << sig;
    for (const std::string &name : entries())
      if (name != "out.bin")
        ADD_FAILURE() << "signal " << sig << " left " << name;
  }
}

TEST_F(OutputFileTest, NamedTemporaryIsRemovedOnTermAndInt) {
  // Without O_TMPFILE the temporary file has a name until the rename; the
  // signal handler must remove it. (SIGKILL cannot be handled: there only
  // the final name is guaranteed clean.)
  ::setenv("SNNC_OUTPUT_NO_TMPFILE", "1", 1);
  std::string err;
  EXPECT_TRUE(writeOutputFile(path("plain.bin"), "named path", &err)) << err;
  EXPECT_EQ(slurp(path("plain.bin")), "named path");
  ::unlink(path("plain.bin").c_str());
  for (int sig : {SIGTERM, SIGINT}) {
    std::string target = path("out.bin");
    ::unlink(target.c_str());
    killMidWrite(this, target, sig);
    struct stat st;
    if (::stat(target.c_str(), &st) == 0)
      EXPECT_EQ(uint64_t(st.st_size), uint64_t(256) << 20) << "signal " << sig;
    for (const std::string &name : entries())
      if (name != "out.bin")
        ADD_FAILURE() << "signal " << sig << " left " << name;
  }
  ::unsetenv("SNNC_OUTPUT_NO_TMPFILE");
}

} // namespace

//===- ToolMain.cpp - the guarded main shared by every snnc tool ----------===//
//
// See ToolMain.h. Nothing here allocates after a bad_alloc: the message is a
// fixed string written with fputs.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/ToolMain.h"
#include "snnc/Support/ExitCodes.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <stdexcept>

namespace snnc {
namespace support {

namespace {

void say(const char *tool, const std::function<void(const std::string &)> &to,
         const std::string &message) {
  try {
    if (to) {
      to(message);
      return;
    }
  } catch (...) {
  }
  std::fprintf(stderr, "%s: internal error: %s\n", tool, message.c_str());
}

} // namespace

int runToolMain(
    const char *tool, const std::function<int()> &body,
    const std::function<void(const std::string &)> &onInternal) noexcept {
  try {
    if (std::getenv("SNNC_TEST_INTERNAL_ERROR"))
      throw std::logic_error("injected by SNNC_TEST_INTERNAL_ERROR");
    return body();
  } catch (const std::bad_alloc &) {
    if (!onInternal) {
      std::fputs(tool, stderr);
      std::fputs(": internal error: out of memory. snnc bounds what it "
                 "allocates by the limits in docs/limits.md, so this is a "
                 "bug; please report it with the input that caused it\n",
                 stderr);
    } else {
      say(tool, onInternal,
          "out of memory. snnc bounds what it allocates by the limits in "
          "docs/limits.md, so this is a bug; please report it with the "
          "input that caused it");
    }
  } catch (const std::exception &e) {
    try {
      say(tool, onInternal,
          std::string(e.what()) + ". This is a bug; please report it with "
                                  "the input that caused it");
    } catch (...) {
    }
  } catch (...) {
    say(tool, onInternal,
        "an unknown exception. This is a bug; please report it");
  }
  return kExitInternal;
}

} // namespace support
} // namespace snnc

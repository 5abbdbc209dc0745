//===- ToolMain.cpp - the guarded main shared by every snnc tool ----------===//
//
// See ToolMain.h. Nothing here allocates after a bad_alloc: the message is a
// fixed string written with fputs.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/ToolMain.h"
#include "snnc/Support/ExitCodes.h"

#include <cstdio>
#include <exception>
#include <new>

namespace snnc {
namespace support {

int runToolMain(const char *tool, const std::function<int()> &body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    std::fputs(tool, stderr);
    std::fputs(": internal error: out of memory. snnc bounds what it allocates "
               "by the limits in docs/limits.md, so this is a bug; please "
               "report it with the input that caused it\n",
               stderr);
  } catch (const std::exception &e) {
    std::fprintf(stderr,
                 "%s: internal error: %s. This is a bug; please report it "
                 "with the input that caused it\n",
                 tool, e.what());
  } catch (...) {
    std::fprintf(stderr,
                 "%s: internal error: an unknown exception. This is a bug; "
                 "please report it\n",
                 tool);
  }
  return kExitInternal;
}

} // namespace support
} // namespace snnc

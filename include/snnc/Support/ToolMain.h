//===- ToolMain.h - the guarded main shared by every snnc tool ------------===//
//
// runToolMain runs a tool's body and turns anything that escapes it into a
// one-line diagnostic and a documented exit code (ExitCodes.h) instead of an
// abort: std::bad_alloc, any other exception, and unknown throws. Tools whose
// code may throw on bad input should catch and report it themselves; what
// reaches this guard is a bug, so it says so. With SNNC_TEST_INTERNAL_ERROR
// set in the environment the guard throws before the body runs: the tests
// of exit code 4 (docs/ci.md) use it; nothing else does.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_TOOLMAIN_H
#define SNNC_SUPPORT_TOOLMAIN_H

#include <functional>
#include <string>

namespace snnc {
namespace support {

/// Calls `body` and returns its exit status, or kExitInternal with a message
/// (to `onInternal`, e.g. a DiagnosticEngine, else on stderr prefixed by
/// `tool`) when it throws.
int runToolMain(
    const char *tool, const std::function<int()> &body,
    const std::function<void(const std::string &)> &onInternal = {}) noexcept;

} // namespace support
} // namespace snnc

#endif // SNNC_SUPPORT_TOOLMAIN_H

//===- ExitCodes.h - the exit statuses every snnc tool returns ------------===//
//
// One table of process exit codes shared by snnc, snnc-run and snnc-map, so
// that a CI job can tell a bad model from a bad flag from "does not fit"
// without parsing stderr. docs/ci.md documents the same table; a test checks
// each code for each tool.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_EXITCODES_H
#define SNNC_SUPPORT_EXITCODES_H

namespace snnc {

enum ExitCode : int {
  /// Success.
  kExitOk = 0,
  /// The input is invalid: a model, a data file, a hardware file, or an
  /// output path that cannot be written.
  kExitInvalidInput = 1,
  /// Usage error: an unknown flag, a bad flag value, a missing argument.
  kExitUsage = 2,
  /// Valid input that violates a requested constraint or gate (does not fit,
  /// over budget, accuracy below the floor).
  kExitConstraint = 3,
  /// An internal error: never expected, always a bug in snnc.
  kExitInternal = 4,
};

} // namespace snnc

#endif // SNNC_SUPPORT_EXITCODES_H

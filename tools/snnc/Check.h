//===- Check.h - snnc check: what of a model is supported, and does it map
//-===//
//
// `snnc check MODEL [--target=loihi1|loihi2|HW.json] [--json[=PATH]]`
// validates a model without writing model.bin and reports per node of the
// imported network whether it is supported (a model.bin layer), folded into
// its neurons (BNTT, batch norm) or left unfolded, plus T, T_exit and, with
// --target, whether the compiled network maps onto that hardware (the
// SNNMapping library on the in-memory model.bin). Exit 0 supported (and
// fits), 1 invalid, 3 the target does not fit.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_CHECK_H
#define SNNC_TOOLS_SNNC_CHECK_H

#include "snnc/Support/Diagnostics.h"
#include "snnc/runtime/ModelFile.h"

#include <string>
#include <vector>

namespace snnc {

struct CheckNode {
  std::string name, op;
};

struct CheckRequest {
  std::string model, target, json, exe; ///< json: "" none, "-" stdout
  bool jsonRequested = false;
  std::vector<CheckNode> imported; ///< the network as imported, in order
  const modelbin::Model *compiled = nullptr; ///< null: it did not compile
  int status = 0; ///< the exit code so far (1 when it did not compile)
};

/// Maps `model` onto the hardware `target` (a name or file, looked up from
/// the executable `exe`): kExitOk when it fits (*cores, *chips set),
/// kExitInvalidInput for a bad hardware file, kExitConstraint when it does
/// not fit, reported as `code` naming `modelPath`; *reason says why (or the
/// hardware's name).
int mapOntoTarget(const modelbin::Model &model, const std::string &target,
                  const std::string &modelPath, const std::string &exe,
                  diag::Code code, diag::DiagnosticEngine &de,
                  std::string *reason, int64_t *cores, int64_t *chips);

/// Maps onto the target (if any), prints the report (text on stdout, or
/// JSON) and returns the exit code.
int finishCheck(const CheckRequest &request, diag::DiagnosticEngine &de);

} // namespace snnc

#endif // SNNC_TOOLS_SNNC_CHECK_H

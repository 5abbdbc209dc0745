//===- DiagnosticsDoc.cpp - print docs/diagnostics.md from the code table -===//
//
// `snnc-diagnostics-doc > docs/diagnostics.md` regenerates the list of
// diagnostic codes; the ctest docs-diagnostics-up-to-date compares it with
// the checked-in file. Built with the runtime-only build too (no LLVM).
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/Diagnostics.h"

#include <cstdio>

int main() {
  std::fputs(snnc::diag::renderCodesMarkdown().c_str(), stdout);
  return 0;
}

//===- Diagnostics.h - structured diagnostics of every snnc tool ----------===//
//
// One diagnostic = severity, a stable code from DiagnosticCodes.def, the
// message, the file it is about, optionally the ONNX node (name, op) or the
// model.bin layer, and notes. A DiagnosticEngine collects them for a tool
// run and renders them as --diagnostics=text (the tool's usual stderr
// lines), json (one JSON object per line) or sarif (a SARIF 2.1.0 log
// written when the run finishes), on stderr or --diagnostics-file=PATH.
// --Werror turns warnings into errors (the run then exits 1), -w drops them.
// In json and sarif mode stderr carries nothing but the diagnostics: the
// tools' progress and info lines go through info(), which prints only in
// text mode. Depends on nothing but nlohmann-json.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SUPPORT_DIAGNOSTICS_H
#define SNNC_SUPPORT_DIAGNOSTICS_H

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace snnc {
namespace diag {

enum class Severity { Note, Remark, Warning, Error };

enum class Code : unsigned {
#define SNNC_DIAG(ID, CODE, SEVERITY, AREA, TITLE) ID,
#include "snnc/Support/DiagnosticCodes.def"
};

struct CodeInfo {
  Code id;
  const char *code; ///< "SNNC-IMPORT-001"
  Severity severity;
  const char *area;
  const char *title;
};

/// The whole table, in declaration order (the SARIF rule index).
const std::vector<CodeInfo> &codeTable();
const CodeInfo &codeInfo(Code code);
const char *severityName(Severity severity);

/// docs/diagnostics.md, generated from the table.
std::string renderCodesMarkdown();

struct Diagnostic {
  Severity severity = Severity::Error;
  Code code = Code::InternalGeneric;
  std::string message;
  std::string file; ///< the input it is about ("" if none)
  unsigned line = 0, column = 0;
  std::string node, op; ///< ONNX node name and DOMAIN::OP
  std::string layer;    ///< model.bin layer
  std::vector<std::string> notes;
};

enum class Format { Text, Json, Sarif };

struct Options {
  Format format = Format::Text;
  std::string file; ///< --diagnostics-file; "" = stderr
  bool werror = false, noWarnings = false;
};

/// Takes --diagnostics=F, --diagnostics-file=P, --Werror and -w out of argv
/// (every tool shares this parser); false with `*error` on a bad value.
bool extractOptions(int &argc, char **argv, Options *options,
                    std::string *error);

/// The flags extractOptions understands, for the tools' --help.
extern const char *const kOptionsHelp;

class DiagnosticEngine {
public:
  /// `locationPrefix`: text lines start with the file (snnc) rather than
  /// the tool name (snnc-run, snnc-map).
  DiagnosticEngine(std::string tool, std::string version,
                   bool locationPrefix = false);

  void configure(const Options &options) { opts = options; }
  const Options &options() const { return opts; }
  bool textMode() const { return opts.format == Format::Text; }

  /// Records and (text, json on stderr) prints `d`; applies -w and --Werror.
  void report(Diagnostic d);
  /// Shorthands with the code's usual severity.
  void report(Code code, std::string message, std::string file = "");
  /// A progress or info line for stderr: printed in text mode only.
  void info(const std::string &line) const;

  unsigned errorCount() const { return errors; }
  /// Warnings turned into errors by --Werror.
  unsigned promotedCount() const { return promoted; }
  const std::vector<Diagnostic> &diagnostics() const { return all; }

  /// One diagnostic, and all of them, as JSON (the --json result files).
  nlohmann::ordered_json toJson(const Diagnostic &d) const;
  nlohmann::ordered_json toJsonArray() const;
  /// The SARIF 2.1.0 log of this run.
  nlohmann::ordered_json toSarif(int exitCode) const;

  /// Writes what is buffered (the SARIF log; JSON lines for a file) and
  /// returns the exit status: `exitCode`, or 1 when it is 0 but --Werror
  /// promoted a warning, or 1 when the diagnostics file cannot be written.
  int finish(int exitCode);

private:
  std::string textLine(const Diagnostic &d) const;
  std::string textLines(const Diagnostic &d) const; ///< with the notes
  std::string tool, version;
  bool locationPrefix;
  Options opts;
  std::vector<Diagnostic> all;
  unsigned errors = 0, promoted = 0;
  bool finished = false;
};

/// A file path as a SARIF artifact URI (relative reference or file://).
std::string fileUri(const std::string &path);

/// `text` with every byte that is not part of well-formed UTF-8 (RFC 3629:
/// no overlong forms, surrogates or code points above U+10FFFF) replaced by
/// U+FFFD. JSON strings must be UTF-8; a path or flag from argv, or a name
/// from an ONNX file, need not be.
std::string validUtf8(const std::string &text);

} // namespace diag
} // namespace snnc

#endif // SNNC_SUPPORT_DIAGNOSTICS_H

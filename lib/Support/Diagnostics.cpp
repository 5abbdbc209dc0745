//===- Diagnostics.cpp - structured diagnostics of every snnc tool --------===//
//
// See Diagnostics.h. The code table comes from DiagnosticCodes.def; the text
// form is the tools' usual `WHERE: severity: message` line; the SARIF writer
// (Sarif.cpp) and the markdown table share the same rows.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/Diagnostics.h"
#include "snnc/Support/OutputFile.h"

#include <cstdio>
#include <cstring>

namespace snnc {
namespace diag {

const std::vector<CodeInfo> &codeTable() {
  static const std::vector<CodeInfo> table = {
#define SNNC_DIAG(ID, CODE, SEVERITY, AREA, TITLE)                             \
  {Code::ID, CODE, Severity::SEVERITY, AREA, TITLE},
#include "snnc/Support/DiagnosticCodes.def"
  };
  return table;
}

const CodeInfo &codeInfo(Code code) {
  return codeTable()[static_cast<unsigned>(code)];
}

const char *severityName(Severity severity) {
  switch (severity) {
  case Severity::Note:
    return "note";
  case Severity::Remark:
    return "remark";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    break;
  }
  return "error";
}

std::string renderCodesMarkdown() {
  std::string md =
      "# snnc diagnostic codes\n\n"
      "<!-- Generated from include/snnc/Support/DiagnosticCodes.def by\n"
      "     `build/bin/snnc-diagnostics-doc > docs/diagnostics.md`; the ctest\n"
      "     docs-diagnostics-up-to-date fails when this file is stale. -->\n\n"
      "Every diagnostic of snnc, snnc-run and snnc-map carries one of these "
      "stable codes\n(`--diagnostics=json|sarif`, and the `diagnostics` array "
      "of every `--json` result).\nCodes are never renumbered. Each area has a "
      "generic code ending in `-000` for\nmessages without a more specific "
      "one. The severity is the usual one: `--Werror`\nmakes warnings errors, "
      "`-w` drops them. See docs/ci.md for the formats.\n\n"
      "| code | severity | area | meaning |\n| --- | --- | --- | --- |\n";
  for (const CodeInfo &c : codeTable())
    md += std::string("| `") + c.code + "` | " + severityName(c.severity) +
          " | " + c.area + " | " + c.title + " |\n";
  return md;
}

std::string validUtf8(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = text[i];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && len > 2) {
      unsigned char d = text[i + 1];
      ok = !(c == 0xE0 && d < 0xA0) && !(c == 0xED && d >= 0xA0) &&
           !(c == 0xF0 && d < 0x90) && !(c == 0xF4 && d >= 0x90);
    }
    if (ok) {
      out.append(text, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD"; // U+FFFD
      ++i;
    }
  }
  return out;
}

const char *const kOptionsHelp =
    "  --diagnostics=text|json|sarif  how diagnostics are written (default\n"
    "                     text; json: one object per line; sarif: SARIF "
    "2.1.0)\n"
    "  --diagnostics-file=PATH  write them to PATH instead of stderr\n"
    "  --Werror           warnings are errors (exit 1)\n"
    "  -w                 drop warnings\n";

bool extractOptions(int &argc, char **argv, Options *options,
                    std::string *error) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char *flag, std::string *v) {
      size_t n = std::strlen(flag);
      if (a.compare(0, n, flag) != 0)
        return false;
      if (a.size() > n && a[n] == '=') {
        *v = a.substr(n + 1);
        return true;
      }
      if (a.size() != n)
        return false;
      if (i + 1 >= argc) {
        *error = std::string(flag) + ": missing value";
        *v = "\x01";
        return true;
      }
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--Werror") {
      options->werror = true;
    } else if (a == "-w") {
      options->noWarnings = true;
    } else if (value("--diagnostics-file", &v)) {
      if (v == "\x01")
        return false;
      if (v.empty()) {
        *error = "--diagnostics-file: the path is empty";
        return false;
      }
      options->file = v;
    } else if (value("--diagnostics", &v)) {
      if (v == "\x01")
        return false;
      if (v == "text")
        options->format = Format::Text;
      else if (v == "json")
        options->format = Format::Json;
      else if (v == "sarif")
        options->format = Format::Sarif;
      else {
        *error = "--diagnostics=" + v + ": expected text, json or sarif";
        return false;
      }
    } else {
      argv[out++] = argv[i];
    }
  }
  argv[out] = nullptr;
  argc = out;
  return true;
}

namespace {
/// The strings are valid UTF-8 already (validUtf8); replace, rather than
/// throw, should one slip through.
std::string dumpJson(const nlohmann::ordered_json &j, int indent) {
  return j.dump(indent, ' ', false,
                nlohmann::ordered_json::error_handler_t::replace);
}
} // namespace

DiagnosticEngine::DiagnosticEngine(std::string tool, std::string version,
                                   bool locationPrefix)
    : tool(std::move(tool)), version(std::move(version)),
      locationPrefix(locationPrefix) {}

std::string DiagnosticEngine::textLine(const Diagnostic &d) const {
  std::string where = tool;
  // A message that starts with its file names it already.
  if (locationPrefix && !d.file.empty() && d.message.rfind(d.file, 0) != 0) {
    where = d.file;
    if (d.line > 0)
      where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
  }
  std::string line = where + ": ";
  if (!d.node.empty() && d.message.rfind("node '", 0) != 0)
    line += "node '" + d.node + "': ";
  line += std::string(severityName(d.severity)) + ": " + d.message;
  return line + "\n";
}

std::string DiagnosticEngine::textLines(const Diagnostic &d) const {
  std::string text = textLine(d);
  for (const std::string &note : d.notes)
    text += textLine(Diagnostic{Severity::Note,
                                d.code,
                                note,
                                d.file,
                                d.line,
                                d.column,
                                "",
                                "",
                                "",
                                {}});
  return text;
}

void DiagnosticEngine::report(Diagnostic d) {
  if (d.severity == Severity::Warning) {
    if (opts.noWarnings)
      return;
    if (opts.werror) {
      d.severity = Severity::Error;
      d.message += " [--Werror]";
      ++promoted;
    }
  }
  if (d.severity == Severity::Error)
    ++errors;
  if (opts.file.empty() && opts.format == Format::Text)
    std::fputs(textLines(d).c_str(), stderr);
  else if (opts.file.empty() && opts.format == Format::Json)
    std::fputs((dumpJson(toJson(d), -1) + "\n").c_str(), stderr);
  all.push_back(std::move(d));
}

void DiagnosticEngine::report(Code code, std::string message,
                              std::string file) {
  Diagnostic d;
  d.severity = codeInfo(code).severity;
  d.code = code;
  d.message = std::move(message);
  d.file = std::move(file);
  report(std::move(d));
}

void DiagnosticEngine::info(const std::string &line) const {
  if (opts.format == Format::Text)
    std::fputs(line.c_str(), stderr);
}

nlohmann::ordered_json DiagnosticEngine::toJson(const Diagnostic &d) const {
  nlohmann::ordered_json j;
  j["tool"] = tool;
  j["severity"] = severityName(d.severity);
  j["code"] = codeInfo(d.code).code;
  j["message"] = validUtf8(d.message);
  j["file"] = validUtf8(d.file);
  if (d.line > 0) {
    j["line"] = d.line;
    j["column"] = d.column;
  }
  if (!d.node.empty())
    j["node"] = {{"name", validUtf8(d.node)}, {"op", validUtf8(d.op)}};
  else
    j["node"] = nullptr;
  j["layer"] = d.layer.empty() ? nlohmann::ordered_json()
                               : nlohmann::ordered_json(validUtf8(d.layer));
  nlohmann::ordered_json notes = nlohmann::ordered_json::array();
  for (const std::string &note : d.notes)
    notes.push_back(validUtf8(note));
  j["notes"] = notes;
  return j;
}

nlohmann::ordered_json DiagnosticEngine::toJsonArray() const {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const Diagnostic &d : all)
    a.push_back(toJson(d));
  return a;
}

int DiagnosticEngine::finish(int exitCode) {
  if (exitCode == 0 && (promoted > 0 || errors > 0))
    exitCode = 1;
  if (finished)
    return exitCode;
  finished = true;
  if (opts.file.empty()) {
    if (opts.format == Format::Sarif)
      std::fputs((dumpJson(toSarif(exitCode), 1) + "\n").c_str(), stderr);
    return exitCode;
  }
  std::string text;
  if (opts.format == Format::Sarif)
    text = dumpJson(toSarif(exitCode), 1) + "\n";
  for (const Diagnostic &d : all)
    if (opts.format == Format::Json)
      text += dumpJson(toJson(d), -1) + "\n";
    else if (opts.format == Format::Text)
      text += textLines(d);
  std::string error;
  if (!support::writeOutputFile(opts.file, text, &error)) {
    std::fprintf(stderr, "%s: error: --diagnostics-file: %s\n", tool.c_str(),
                 error.c_str());
    return exitCode == 0 ? 1 : exitCode;
  }
  return exitCode;
}

} // namespace diag
} // namespace snnc

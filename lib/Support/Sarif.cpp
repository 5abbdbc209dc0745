//===- Sarif.cpp - a tool run's diagnostics as a SARIF 2.1.0 log ----------===//
//
// SARIF 2.1.0 (OASIS): one run; tool.driver names the tool, its version and
// every rule of DiagnosticCodes.def (ruleIndex = the row); each result has
// ruleId, level, message.text, the file as physicalLocation.artifactLocation
// (a relative URI reference, or file:// for an absolute path) and the ONNX
// node or model.bin layer as a logicalLocation; notes are relatedLocations
// with a message. test/tools/diagnostics checks the required structure.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/Diagnostics.h"

#include <cctype>
#include <cstdio>

namespace snnc {
namespace diag {

namespace {

const char *sarifLevel(Severity s) {
  return s == Severity::Error     ? "error"
         : s == Severity::Warning ? "warning"
                                  : "note";
}

/// "ImportUnsupportedOp"-style rule name from the code's C++ identifier.
const char *ruleName(Code code) {
  switch (code) {
#define SNNC_DIAG(ID, CODE, SEVERITY, AREA, TITLE)                             \
  case Code::ID:                                                               \
    return #ID;
#include "snnc/Support/DiagnosticCodes.def"
  }
  return "Unknown";
}

nlohmann::ordered_json rules() {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const CodeInfo &c : codeTable())
    list.push_back(
        {{"id", c.code},
         {"name", ruleName(c.id)},
         {"shortDescription", {{"text", c.title}}},
         {"defaultConfiguration", {{"level", sarifLevel(c.severity)}}},
         {"properties", {{"area", c.area}}}});
  return list;
}

nlohmann::ordered_json location(const Diagnostic &d) {
  nlohmann::ordered_json loc = nlohmann::ordered_json::object();
  if (!d.file.empty()) {
    nlohmann::ordered_json physical;
    physical["artifactLocation"] = {{"uri", fileUri(d.file)}};
    if (d.line > 0) {
      physical["region"] = {{"startLine", d.line}};
      if (d.column > 0)
        physical["region"]["startColumn"] = d.column;
    }
    loc["physicalLocation"] = physical;
  }
  nlohmann::ordered_json logical = nlohmann::ordered_json::array();
  if (!d.node.empty())
    logical.push_back(
        {{"name", validUtf8(d.node)},
         {"fullyQualifiedName",
          validUtf8(d.op.empty() ? d.node : d.node + " (" + d.op + ")")},
         {"kind", "function"}});
  if (!d.layer.empty())
    logical.push_back(
        {{"name", validUtf8(d.layer)},
         {"fullyQualifiedName", validUtf8("model.bin/" + d.layer)},
         {"kind", "module"}});
  if (!logical.empty())
    loc["logicalLocations"] = logical;
  return loc;
}

} // namespace

std::string fileUri(const std::string &path) {
  std::string uri = !path.empty() && path[0] == '/' ? "file://" : "";
  static const char *hex = "0123456789ABCDEF";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        c == '/')
      uri += char(c);
    else {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    }
  }
  return uri;
}

nlohmann::ordered_json DiagnosticEngine::toSarif(int exitCode) const {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const Diagnostic &d : all) {
    nlohmann::ordered_json r;
    r["ruleId"] = codeInfo(d.code).code;
    r["ruleIndex"] = static_cast<unsigned>(d.code);
    r["level"] = sarifLevel(d.severity);
    r["message"] = {{"text", validUtf8(d.message)}};
    nlohmann::ordered_json loc = location(d);
    if (!loc.empty())
      r["locations"] = nlohmann::ordered_json::array({loc});
    if (!d.notes.empty()) {
      nlohmann::ordered_json related = nlohmann::ordered_json::array();
      for (size_t i = 0; i < d.notes.size(); ++i)
        related.push_back(
            {{"id", i}, {"message", {{"text", validUtf8(d.notes[i])}}}});
      r["relatedLocations"] = related;
    }
    results.push_back(r);
  }
  nlohmann::ordered_json driver = {{"name", tool},
                                   {"version", version},
                                   {"semanticVersion", version},
                                   {"rules", rules()}};
  nlohmann::ordered_json run;
  run["tool"] = {{"driver", driver}};
  run["invocations"] = nlohmann::ordered_json::array(
      {{{"executionSuccessful", exitCode == 0}, {"exitCode", exitCode}}});
  run["results"] = results;
  nlohmann::ordered_json log;
  log["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  log["version"] = "2.1.0";
  log["runs"] = nlohmann::ordered_json::array({run});
  return log;
}

} // namespace diag
} // namespace snnc

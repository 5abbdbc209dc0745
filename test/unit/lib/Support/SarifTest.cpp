//===- SarifTest.cpp - the SARIF and JSON writers on hostile strings ------===//
//
// A path or flag from argv, or a name from an ONNX file, need not be UTF-8;
// the diagnostics must still be written as JSON (nlohmann throws
// type_error.316 on invalid UTF-8, which aborted the tools). The file URI
// keeps the exact bytes (percent-encoded); message text gets U+FFFD.
//
//===----------------------------------------------------------------------===//

#include "snnc/Support/Diagnostics.h"

#include <gtest/gtest.h>

using namespace snnc::diag;

TEST(ValidUtf8, KeepsWellFormedText) {
  EXPECT_EQ(validUtf8(""), "");
  EXPECT_EQ(validUtf8("plain ascii"), "plain ascii");
  std::string ok = "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(validUtf8(ok), ok);
}

TEST(ValidUtf8, ReplacesEveryBadByte) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(validUtf8("a\xFF"
                      "b"),
            "a" + fffd + "b");
  EXPECT_EQ(validUtf8("\xC0\xAF"), fffd + fffd);            // overlong
  EXPECT_EQ(validUtf8("\xE0\x80\xAF"), fffd + fffd + fffd); // overlong
  EXPECT_EQ(validUtf8("\xED\xA0\x80"), fffd + fffd + fffd); // surrogate
  EXPECT_EQ(validUtf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);
  EXPECT_EQ(validUtf8("\xE2\x82"), fffd + fffd); // truncated
  EXPECT_EQ(validUtf8("\x80x"), fffd + "x");     // lone continuation
}

TEST(Sarif, InvalidUtf8IsWrittenNotThrown) {
  DiagnosticEngine engine("snnc", "0.1.0");
  Diagnostic d;
  d.code = Code::UsageGeneric;
  d.message = "Unknown command line argument '--bad\xFF'";
  d.file = "/tmp/x\xFF\xFE.onnx";
  d.node = "n\xC0";
  d.op = "ai.onnx::Conv";
  d.layer = "l\xED\xA0\x80";
  d.notes = {"note \xFF", "note \xFF"};
  engine.configure(Options{Format::Sarif, "", false, false});
  engine.report(d);
  nlohmann::ordered_json log = engine.toSarif(2);
  std::string text;
  ASSERT_NO_THROW(text = log.dump(1));
  const auto &r = log["runs"][0]["results"][0];
  EXPECT_EQ(r["message"]["text"],
            "Unknown command line argument '--bad\xEF\xBF\xBD'");
  EXPECT_EQ(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///tmp/x%FF%FE.onnx");
  EXPECT_EQ(r["locations"][0]["logicalLocations"][0]["name"], "n\xEF\xBF\xBD");
  // Equal notes stay distinct items (the schema: relatedLocations are unique).
  EXPECT_NE(r["relatedLocations"][0], r["relatedLocations"][1]);
  ASSERT_NO_THROW(engine.toJson(engine.diagnostics()[0]).dump());
  ASSERT_NO_THROW(engine.toJsonArray().dump());
}

TEST(Sarif, FileUriIsAUriReference) {
  EXPECT_EQ(fileUri("/a b/c.onnx"), "file:///a%20b/c.onnx");
  EXPECT_EQ(fileUri("a:b.onnx"), "a%3Ab.onnx"); // not a scheme
  EXPECT_EQ(fileUri("#x?.onnx"), "%23x%3F.onnx");
  EXPECT_EQ(fileUri("rel/m.onnx"), "rel/m.onnx");
}

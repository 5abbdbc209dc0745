//===- ReportTest.cpp - round ticks, log axis, report titles and headings -===//
//
// Axis ticks are multiples of 1, 2 or 5 x 10^k (the report used to print
// ticks such as 0.01082 or -0.02473); the spikes figure has a log-scale
// twin with one tick per decade, so that a quiet layer is not a flat line at
// zero; the page is titled with the model's own name and its section
// headings are the figure titles, not file names.
//
//===----------------------------------------------------------------------===//

#include "MappingTestUtil.h"

#include "Svg.h"
#include "snnc/Mapping/Loaders.h"
#include "snnc/Mapping/Pipeline.h"
#include "snnc/Mapping/Report.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

using namespace snnc;
using namespace snnc::mapping;
using namespace snnc::mapping::testing;
using snnc::mapping::svg::niceTicks;
using snnc::mapping::svg::num;

namespace {

/// True if v is 1, 2 or 5 times a power of ten (or zero).
bool round125(double v) {
  if (v == 0)
    return true;
  double a = std::abs(v);
  double mantissa = a / std::pow(10.0, std::floor(std::log10(a) + 1e-9));
  for (double m : {1.0, 2.0, 5.0})
    if (std::abs(mantissa - m) < 1e-6)
      return true;
  return false;
}

TEST(Ticks, AreMultiplesOfOneTwoOrFiveTimesAPowerOfTen) {
  struct Range {
    double lo, hi;
  } ranges[] = {{0, 0.01082}, {-0.02473, 0.1163}, {0, 1}, {0, 20}, {0, 12345},
                {1, 20},      {0.5, 0.5001}};
  for (const Range &r : ranges) {
    std::vector<double> ticks = niceTicks(r.lo, r.hi, 6);
    SCOPED_TRACE(fmt::format("[{}, {}]", r.lo, r.hi));
    ASSERT_GE(ticks.size(), 2u);
    EXPECT_LE(ticks.size(), 11u);
    double step = ticks[1] - ticks[0];
    EXPECT_TRUE(round125(step)) << step;
    for (double t : ticks) {
      EXPECT_GE(t, r.lo - 1e-9 * step);
      EXPECT_LE(t, r.hi + 1e-9 * step);
      double k = t / step;
      EXPECT_NEAR(k, std::round(k), 1e-6) << t;
    }
  }
  EXPECT_EQ(niceTicks(-0.02473, 0.1163, 6),
            (std::vector<double>{0, 0.05, 0.1}));
  for (double t : niceTicks(1, 20, 6, /*integer=*/true))
    EXPECT_EQ(t, std::round(t));
  EXPECT_EQ(num(-1e-17), "0");
}

/// The numbers printed as axis labels in an SVG chart.
std::vector<std::string> tickLabels(const std::string &svg) {
  std::vector<std::string> labels;
  std::regex text("text-anchor=\"(end|middle)\">(-?[0-9.e+-]+)</text>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), text), end; it != end;
       ++it)
    labels.push_back((*it)[2]);
  return labels;
}

TEST(Ticks, ChartsPrintOnlyRoundLabels) {
  svg::Series a{"a", {0.0, 0.01082, 0.005, 0.002}};
  svg::Series b{"b", {-0.02473, 0.1163, 0.05, 0.0}};
  std::string chart =
      svg::xyChart("t", "gamma threshold", "y", {0.0013, 0.027, 0.05, 0.0731},
                   {a, b}, false, 0, "", 0, "");
  std::vector<std::string> labels = tickLabels(chart);
  ASSERT_GE(labels.size(), 6u);
  // Multiples of a 1-2-5 step: never more than two significant digits here.
  for (const std::string &l : labels) {
    std::string digits;
    for (char c : l.substr(0, l.find('e')))
      if (c >= '0' && c <= '9' && !(digits.empty() && c == '0'))
        digits += c;
    EXPECT_LE(digits.size(), 2u) << l;
  }
  for (const char *data : {"0.01082", "0.1163", "-0.02473", "0.0731"})
    EXPECT_EQ(chart.find(data), std::string::npos) << data;
  svg::HeatPanel panel{"bntt1", -0.02473, 0.1163,
                       2,       4,        std::vector<double>(8, 1.0)};
  std::string heat = svg::heatMaps("h", "gamma", "step", {panel});
  EXPECT_EQ(heat.find("0.1163"), std::string::npos);
  EXPECT_EQ(heat.find("-0.02473"), std::string::npos);
  EXPECT_NE(heat.find(">0.1</text>"), std::string::npos);
}

TEST(LogAxis, OneTickPerDecadeAndZerosBreakTheLine) {
  svg::Series loud{"loud", {5000, 8000, 6000, 0}};
  svg::Series quiet{"quiet", {3, 0, 2, 1}};
  std::string chart = svg::lineChart("spikes", "spikes", {loud, quiet}, 0, "",
                                     3, "T_exit = 3", /*logY=*/true);
  std::vector<std::string> labels = tickLabels(chart);
  for (const char *decade : {"1", "10", "100", "1000", "1e+04"})
    EXPECT_NE(std::find(labels.begin(), labels.end(), decade), labels.end())
        << decade;
  // quiet: 3 | 2 1 (two segments); loud: 5000 8000 6000 (one).
  size_t polylines = 0;
  for (size_t at = chart.find("<polyline"); at != std::string::npos;
       at = chart.find("<polyline", at + 1))
    ++polylines;
  EXPECT_EQ(polylines, 3u);
  EXPECT_EQ(chart.find("nan"), std::string::npos);
  EXPECT_EQ(chart.find("inf"), std::string::npos);
}

std::string readAll(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Report, TitledWithTheModelAndHeadedByFigureTitles) {
  ModelBuilder b({4}, 3, 2);
  b.readout(b.dense(b.lif(b.dense(b.encode(), 3)), 2));
  HardwareModel baseline;
  baseline.isBaseline = true;
  MapResult r;
  std::string error;
  ASSERT_TRUE(
      runMapping(b.model(), smallChip(), baseline, nullptr, 0.1, &r, &error))
      << error;
  r.modelLabel = modelLabel("out/vgg11.bin", "vgg11.onnx");
  std::string dir = ::testing::TempDir() + "titled-report";
  ASSERT_TRUE(writeReport(dir, r.net, r, &error)) << error;
  std::string html = readAll(dir + "/index.html");
  EXPECT_NE(html.find("<title>snnc-map: vgg11.bin (from vgg11.onnx) on "
                      "testchip</title>"),
            std::string::npos);
  EXPECT_EQ(html.find("<h2>mesh.svg</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h2>Core utilisation on testchip"), std::string::npos);
  EXPECT_NE(html.find("<h2>Spikes per layer per step, per inference, assumed "
                      "(Fig. 1C, log scale)</h2>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"spikes_log.svg\">spikes_log.svg</a>"),
            std::string::npos);
  EXPECT_NE(summaryText(r.net, r).find("snnc-map: vgg11.bin (from vgg11.onnx) "
                                       "on testchip"),
            std::string::npos);
}

} // namespace

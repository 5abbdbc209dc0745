//===- Svg.h - hand-written SVG charts for the snnc-map report -*- C++ -*-===//
//
// Internal to SNNMapping. Small chart primitives (line charts over steps or
// any x, stacked bars, heat maps) written as SVG text, so that the report
// needs no plotting library and no network. Every text from the model goes
// through escape(): the output is well-formed XML.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_LIB_MAPPING_SVG_H
#define SNNC_LIB_MAPPING_SVG_H

#include <string>
#include <vector>

namespace snnc {
namespace mapping {
namespace svg {

struct Series {
  std::string name;
  std::vector<double> values;
  bool dashed = false; ///< line charts: a derived curve drawn over the others
};

constexpr double kWidth = 640, kHeight = 360, kLeft = 70, kRight = 150,
                 kTop = 40, kBottom = 50;

/// The chart colour of series / layer i.
std::string color(size_t i);
/// XML-escapes `s` and drops the control characters XML 1.0 forbids.
std::string escape(const std::string &s);
/// A number with 4 significant digits (no "-0").
std::string num(double v);
/// Round tick values in [lo, hi]: multiples of 1, 2 or 5 x 10^k, at most
/// about `maxTicks` of them; `integer` keeps the step a whole number.
std::vector<double> niceTicks(double lo, double hi, int maxTicks,
                              bool integer = false);
/// The opening of an SVG document of w x h pixels with a centred title.
std::string svgOpen(const std::string &title, double w = kWidth,
                    double h = kHeight);

/// Lines of `series` over the points `xs`; optional horizontal and vertical
/// markers (drawn when their label is not empty). `logY`: a log10 y axis
/// over whole decades with a tick per decade; values <= 0 break the line.
std::string xyChart(const std::string &title, const std::string &xLabel,
                    const std::string &yLabel, const std::vector<double> &xs,
                    const std::vector<Series> &series, bool integerX,
                    double hLine, const std::string &hLabel, double vLine,
                    const std::string &vLabel, bool logY = false);
/// xyChart over time steps 1..T.
std::string lineChart(const std::string &title, const std::string &yLabel,
                      const std::vector<Series> &series, double hLine,
                      const std::string &hLabel, double vLine,
                      const std::string &vLabel, bool logY = false);
/// One bar per category, each stacked from `parts` (same length each).
std::string stackedBars(const std::string &title, const std::string &yLabel,
                        const std::vector<std::string> &categories,
                        const std::vector<Series> &parts);

/// One panel of heatMaps: rows x columns cells over an x range.
struct HeatPanel {
  std::string name;
  double x0 = 0, x1 = 1;
  int rows = 0, columns = 0;
  std::vector<double> cells; ///< [rows][columns], any scale >= 0
};
/// Panels side by side; each row is scaled to its own maximum (darkest =
/// largest), as the paper normalises each step's histogram.
std::string heatMaps(const std::string &title, const std::string &xLabel,
                     const std::string &rowLabel,
                     const std::vector<HeatPanel> &panels);

} // namespace svg
} // namespace mapping
} // namespace snnc

#endif // SNNC_LIB_MAPPING_SVG_H

//===- Svg.cpp - hand-written SVG charts for the snnc-map report ----------===//
//
// The chart primitives of Svg.h. Axes get round ticks (1-2-5 steps); colours
// come from a ten-colour palette that stays distinguishable in print.
//
//===----------------------------------------------------------------------===//
#include "Svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace snnc {
namespace mapping {
namespace svg {
namespace {

const char *const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                "#9c755f", "#bab0ac"};

/// Axes with a few ticks; returns the mapping of data to pixels.
/// With logY, y0 and y1 are decades (log10) and py takes data values.
struct Frame {
  double x0, x1, y0, y1;
  bool logY = false;
  double px(double x) const {
    return kLeft + (x - x0) / (x1 - x0) * (kWidth - kLeft - kRight);
  }
  double py(double y) const {
    double v = logY ? std::log10(y) : y;
    return kHeight - kBottom -
           (v - y0) / (y1 - y0) * (kHeight - kTop - kBottom);
  }
};

std::string yTicks(const Frame &f) {
  std::string s;
  auto label = [&](double y) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                     kLeft - 6, f.py(y) + 4, num(y));
  };
  if (f.logY)
    for (double d = std::ceil(f.y0); d <= f.y1 + 1e-9; ++d)
      label(std::pow(10.0, d));
  else
    for (double y : niceTicks(f.y0, f.y1, 5))
      label(y);
  return s;
}

std::string axes(const Frame &f, const std::string &xLabel,
                 const std::string &yLabel, bool integerX) {
  std::string s;
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                   "stroke=\"black\"/>\n",
                   kLeft, kHeight - kBottom, kWidth - kRight);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                   "stroke=\"black\"/>\n",
                   kLeft, kTop, kHeight - kBottom);
  s += yTicks(f);
  std::vector<double> xs = niceTicks(f.x0, f.x1, 6, integerX);
  for (double x : xs)
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", f.px(x),
        kHeight - kBottom + 16, num(x));
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   (kLeft + kWidth - kRight) / 2, kHeight - 12, escape(xLabel));
  s += fmt::format("<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 16 {0})\">{1}</text>\n",
                   (kTop + kHeight - kBottom) / 2, escape(yLabel));
  return s;
}

std::string legend(const std::vector<std::string> &names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    double y = kTop + 10 + 18.0 * i;
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" "
                     "fill=\"{}\"/>\n<text x=\"{}\" y=\"{}\">{}</text>\n",
                     kWidth - kRight + 12, y - 10, color(i),
                     kWidth - kRight + 30, y, escape(names[i]));
  }
  return s;
}

} // namespace

std::string color(size_t i) { return kPalette[i % 10]; }

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      // XML 1.0 forbids most control characters.
      if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t')
        out += c;
    }
  }
  return out;
}

std::string num(double v) {
  return fmt::format("{:.4g}", std::abs(v) < 1e-12 ? 0.0 : v);
}

std::vector<double> niceTicks(double lo, double hi, int maxTicks,
                              bool integer) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
    return {lo};
  double raw = (hi - lo) / std::max(1, maxTicks - 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double factor : {1.0, 2.0, 5.0})
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  if (integer)
    step = std::max(1.0, std::round(step));
  std::vector<double> ticks;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step;
       ++k)
    ticks.push_back(k * step);
  return ticks;
}

std::string svgOpen(const std::string &title, double w, double h) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<title>{2}</title>\n<rect width=\"{0}\" height=\"{1}\" "
      "fill=\"white\"/>\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" "
      "text-anchor=\"middle\">{2}</text>\n",
      w, h, escape(title), w / 2);
}

namespace {

Frame linearFrame(const std::vector<Series> &series, double hLine,
                  const std::string &hLabel) {
  double lo = 0, hi = 0;
  for (const Series &s : series)
    for (double v : s.values) {
      hi = std::max(hi, v);
      lo = std::min(lo, v);
    }
  if (!hLabel.empty())
    hi = std::max(hi, hLine);
  if (hi <= lo)
    hi = lo + 1;
  return {0, 1, lo, hi * 1.05};
}

/// Whole decades around the positive values (at least one decade).
Frame logFrame(const std::vector<Series> &series) {
  double lo = 0, hi = 0;
  for (const Series &s : series)
    for (double v : s.values)
      if (v > 0) {
        lo = lo > 0 ? std::min(lo, v) : v;
        hi = std::max(hi, v);
      }
  if (hi <= 0)
    lo = hi = 1;
  double d0 = std::floor(std::log10(lo)), d1 = std::ceil(std::log10(hi));
  if (d1 <= d0)
    d1 = d0 + 1;
  Frame f{0, 1, d0, d1};
  f.logY = true;
  return f;
}

} // namespace

std::string xyChart(const std::string &title, const std::string &xLabel,
                    const std::string &yLabel, const std::vector<double> &xs,
                    const std::vector<Series> &series, bool integerX,
                    double hLine, const std::string &hLabel, double vLine,
                    const std::string &vLabel, bool logY) {
  double x0 = xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end());
  double x1 = xs.empty() ? 1 : *std::max_element(xs.begin(), xs.end());
  if (x1 <= x0)
    x1 = x0 + 1;
  Frame f = logY ? logFrame(series) : linearFrame(series, hLine, hLabel);
  f.x0 = x0;
  f.x1 = x1;
  std::string s = svgOpen(title) + axes(f, xLabel, yLabel, integerX);
  std::vector<std::string> names;
  for (size_t i = 0; i < series.size(); ++i) {
    // A log axis has no zero: a zero value breaks the line there.
    std::vector<std::string> segments(1);
    for (size_t k = 0; k < series[i].values.size() && k < xs.size(); ++k) {
      double v = series[i].values[k];
      if (logY && !(v > 0)) {
        if (!segments.back().empty())
          segments.emplace_back();
        continue;
      }
      segments.back() += fmt::format("{:.1f},{:.1f} ", f.px(xs[k]), f.py(v));
    }
    for (const std::string &points : segments)
      if (!points.empty())
        s += fmt::format(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
            "points=\"{}\"/>\n",
            color(i), series[i].dashed ? " stroke-dasharray=\"5 3\"" : "",
            points);
    names.push_back(series[i].name);
  }
  if (!hLabel.empty() && (!logY || hLine > 0))
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
        "stroke=\"gray\" stroke-dasharray=\"6 4\"/>\n<text x=\"{3}\" "
        "y=\"{4}\" fill=\"gray\">{5}</text>\n",
        kLeft, f.py(hLine), kWidth - kRight, kLeft + 4, f.py(hLine) - 4,
        escape(hLabel));
  if (!vLabel.empty())
    s += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
        "stroke=\"black\" stroke-dasharray=\"2 3\"/>\n<text x=\"{3}\" "
        "y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        f.px(vLine), kTop, kHeight - kBottom, f.px(vLine) - 4, kTop + 12,
        escape(vLabel));
  return s + legend(names) + "</svg>\n";
}

std::string lineChart(const std::string &title, const std::string &yLabel,
                      const std::vector<Series> &series, double hLine,
                      const std::string &hLabel, double vLine,
                      const std::string &vLabel, bool logY) {
  size_t steps = 2;
  for (const Series &s : series)
    steps = std::max(steps, s.values.size());
  std::vector<double> xs;
  for (size_t t = 1; t <= steps; ++t)
    xs.push_back(double(t));
  return xyChart(title, "time step", yLabel, xs, series, true, hLine, hLabel,
                 vLine, vLabel, logY);
}

/// One bar per category, each stacked from `parts` (same length each).
std::string stackedBars(const std::string &title, const std::string &yLabel,
                        const std::vector<std::string> &categories,
                        const std::vector<Series> &parts) {
  double hi = 0;
  for (size_t c = 0; c < categories.size(); ++c) {
    double sum = 0;
    for (const Series &p : parts)
      sum += p.values[c];
    hi = std::max(hi, sum);
  }
  if (hi <= 0)
    hi = 1;
  Frame f{0, double(std::max<size_t>(1, categories.size())), 0, hi * 1.05};
  std::string s = svgOpen(title) + axes(f, "", yLabel, false);
  // The numeric x ticks are meaningless for categories: cover them.
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" "
                   "fill=\"white\"/>\n",
                   kLeft - 20, kHeight - kBottom + 2,
                   kWidth - kRight - kLeft + 40);
  double slot = (kWidth - kLeft - kRight) / f.x1;
  std::vector<std::string> names;
  for (size_t c = 0; c < categories.size(); ++c) {
    double base = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
      double v = parts[i].values[c];
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{:.1f}\" fill=\"{}\"><title>{}: {}</title></rect>\n",
          kLeft + slot * (c + 0.15), f.py(base + v), slot * 0.7,
          f.py(base) - f.py(base + v), color(i), escape(parts[i].name), num(v));
      base += v;
    }
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}"
                     "</text>\n",
                     kLeft + slot * (c + 0.5), kHeight - kBottom + 16,
                     escape(categories[c]));
  }
  for (const Series &p : parts)
    names.push_back(p.name);
  return s + (parts.size() > 1 ? legend(names) : "") + "</svg>\n";
}

std::string heatMaps(const std::string &title, const std::string &xLabel,
                     const std::string &rowLabel,
                     const std::vector<HeatPanel> &panels) {
  const double panelW = 200, gap = 36, left = 50, top = 50, cellH = 12;
  int rows = 1;
  for (const HeatPanel &p : panels)
    rows = std::max(rows, p.rows);
  double w = std::max(kWidth, left + panels.size() * (panelW + gap) + 10);
  double h = top + rows * cellH + 56;
  std::string s = svgOpen(title, w, h);
  s += fmt::format("<text x=\"14\" y=\"{0}\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 14 {0})\">{1}</text>\n",
                   top + rows * cellH / 2, escape(rowLabel));
  for (size_t i = 0; i < panels.size(); ++i) {
    const HeatPanel &p = panels[i];
    double x = left + i * (panelW + gap);
    double cellW = panelW / std::max(1, p.columns);
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}"
                     "</text>\n",
                     x + panelW / 2, top - 8, escape(p.name));
    for (int r = 0; r < p.rows; ++r) {
      double peak = 0;
      for (int c = 0; c < p.columns; ++c)
        peak = std::max(peak, p.cells[size_t(r) * p.columns + c]);
      for (int c = 0; c < p.columns && peak > 0; ++c) {
        double v = p.cells[size_t(r) * p.columns + c];
        if (v <= 0)
          continue;
        s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                         "height=\"{}\" fill=\"{}\" fill-opacity=\"{:.2f}\">"
                         "<title>{} row {}: {}</title></rect>\n",
                         x + c * cellW, top + r * cellH, cellW, cellH, color(0),
                         0.1 + 0.9 * v / peak, escape(p.name), r + 1, num(v));
      }
    }
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                     "fill=\"none\" stroke=\"black\"/>\n",
                     x, top, panelW, p.rows * cellH);
    for (int r = 0; r < p.rows; r += std::max(1, p.rows / 5))
      s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}"
                       "</text>\n",
                       x - 3, top + (r + 0.8) * cellH, r + 1);
    double bottom = top + p.rows * cellH + 14;
    for (double t : niceTicks(p.x0, p.x1, 4)) {
      double tx = x + (t - p.x0) / (p.x1 - p.x0) * panelW;
      s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" "
                       "y2=\"{2}\" stroke=\"black\"/>\n<text x=\"{0:.1f}\" "
                       "y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                       tx, top + p.rows * cellH, top + p.rows * cellH + 4,
                       bottom, num(t));
    }
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}"
                   "</text>\n",
                   w / 2, h - 10, escape(xLabel));
  return s + "</svg>\n";
}

} // namespace svg
} // namespace mapping
} // namespace snnc

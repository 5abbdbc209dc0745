//===- HtmlReport.cpp - the --report folder: XHTML page and SVG figures ---===//
//
// Figures are written by hand as SVG (no plotting library, no network): the
// core utilisation map on the mesh, the energy breakdown per layer, energy
// per step with T_exit, and the paper-style figures from the compile and run
// data (mean gamma_t per BNTT layer with the exit threshold and T_exit, as in
// Kim & Panda Fig. 4; spikes per layer per step, Fig. 1C; spike rate per
// layer, Fig. 5). The page is XHTML so that XML tools can check it; every
// text that comes from the model goes through escape().
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Pipeline.h"

#include "snnc/runtime/ModelFile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sys/stat.h>

namespace snnc {
namespace mapping {
namespace {

const char *const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                "#9c755f", "#bab0ac"};

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

std::string num(double v) { return fmt::format("{:.4g}", v); }

/// A unit that keeps axis numbers between 1 and 1000: (pJ per unit, name).
std::pair<double, const char *> energyUnit(double maxPj) {
  if (maxPj >= 1e6)
    return {1e6, "uJ"};
  if (maxPj >= 1e3)
    return {1e3, "nJ"};
  return {1, "pJ"};
}

struct Series {
  std::string name;
  std::vector<double> values;
};

constexpr double kWidth = 640, kHeight = 360, kLeft = 70, kRight = 150,
                 kTop = 40, kBottom = 50;

std::string svgOpen(const std::string &title, double w = kWidth,
                    double h = kHeight) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<title>{2}</title>\n<rect width=\"{0}\" height=\"{1}\" "
      "fill=\"white\"/>\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" "
      "text-anchor=\"middle\">{2}</text>\n",
      w, h, escape(title), w / 2);
}

/// Axes with a few ticks; returns the mapping of data to pixels.
struct Frame {
  double x0, x1, y0, y1;
  double px(double x) const {
    return kLeft + (x - x0) / (x1 - x0) * (kWidth - kLeft - kRight);
  }
  double py(double y) const {
    return kHeight - kBottom -
           (y - y0) / (y1 - y0) * (kHeight - kTop - kBottom);
  }
};

std::string axes(const Frame &f, const std::string &xLabel,
                 const std::string &yLabel, bool integerX) {
  std::string s;
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                   "stroke=\"black\"/>\n",
                   kLeft, kHeight - kBottom, kWidth - kRight);
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                   "stroke=\"black\"/>\n",
                   kLeft, kTop, kHeight - kBottom);
  // Round y ticks (1, 2, 2.5 or 5 times a power of ten) read better than
  // quarters of the data range.
  double raw = (f.y1 - f.y0) / 4;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  for (double y = std::ceil(f.y0 / step) * step; y <= f.y1 + 1e-9 * step;
       y += step)
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                     kLeft - 6, f.py(y) + 4, num(std::abs(y) < 1e-12 ? 0 : y));
  for (int i = 0; i <= 4; ++i) {
    double x = f.x0 + (f.x1 - f.x0) * i / 4;
    if (integerX)
      x = std::round(x);
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", f.px(x),
        kHeight - kBottom + 16, num(x));
  }
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

/// Lines over steps 1..T; optional horizontal and vertical markers.
std::string lineChart(const std::string &title, const std::string &yLabel,
                      const std::vector<Series> &series, double hLine,
                      const std::string &hLabel, double vLine,
                      const std::string &vLabel) {
  double lo = 0, hi = 0;
  size_t steps = 1;
  for (const Series &s : series)
    for (double v : s.values) {
      hi = std::max(hi, v);
      lo = std::min(lo, v);
      steps = std::max(steps, s.values.size());
    }
  if (!hLabel.empty())
    hi = std::max(hi, hLine);
  if (hi <= lo)
    hi = lo + 1;
  Frame f{1, std::max<double>(2, double(steps)), lo, hi * 1.05};
  std::string s = svgOpen(title) + axes(f, "time step", yLabel, true);
  std::vector<std::string> names;
  for (size_t i = 0; i < series.size(); ++i) {
    std::string points;
    for (size_t t = 0; t < series[i].values.size(); ++t)
      points += fmt::format("{:.1f},{:.1f} ", f.px(double(t + 1)),
                            f.py(series[i].values[t]));
    s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
                     "points=\"{}\"/>\n",
                     color(i), points);
    names.push_back(series[i].name);
  }
  if (!hLabel.empty())
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

/// Chips side by side; each tile a square of core cells coloured by layer,
/// opacity = compartment utilisation.
std::string meshMap(const Network &net, const MapResult &r) {
  const HardwareModel &hw = r.hw;
  int cellsX = int(std::ceil(std::sqrt(double(hw.coresPerTile))));
  int cellsY = int((hw.coresPerTile + cellsX - 1) / cellsX);
  double cell = 14, gap = 4;
  double tileW = cellsX * cell + gap, tileH = cellsY * cell + gap;
  int tilesX = int(hw.tilesX * r.mapping.chips);
  double w = std::max(kWidth, 40 + tilesX * tileW + 160);
  double h = std::max(160.0, 70 + hw.tilesY * tileH + 20);
  std::string s =
      svgOpen(fmt::format("Core utilisation on {} ({} cores, {} "
                          "chip{})",
                          hw.name, r.mapping.cores.size(), r.mapping.chips,
                          r.mapping.chips > 1 ? "s" : ""),
              w, h);
  for (int x = 0; x < tilesX; ++x)
    for (int y = 0; y < hw.tilesY; ++y)
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                       "fill=\"#f0f0f0\" stroke=\"#cccccc\"/>\n",
                       20 + x * tileW, 50 + y * tileH, tileW - gap / 2,
                       tileH - gap / 2);
  for (size_t i = 0; i < r.mapping.cores.size(); ++i) {
    const Core &c = r.mapping.cores[i];
    double util = double(c.usage.compartments) / double(hw.compartments);
    double x = 20 + c.tileX * tileW + (c.slot % cellsX) * cell;
    double y = 50 + c.tileY * tileH + (c.slot / cellsX) * cell;
    s += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
        "fill-opacity=\"{:.2f}\" stroke=\"{}\"><title>core {} {}: {} "
        "compartments ({:.0f}%), fan-in {}, fan-out {}</title></rect>\n",
        x + 1, y + 1, cell - 2, cell - 2, color(c.population),
        0.15 + 0.85 * util, color(c.population), i,
        escape(net.populations[c.population].name), c.usage.compartments,
        100 * util, c.usage.faninAxons, c.usage.fanoutAxons);
  }
  for (int chip = 1; chip < r.mapping.chips; ++chip)
    s += fmt::format("<line x1=\"{0}\" y1=\"45\" x2=\"{0}\" y2=\"{1}\" "
                     "stroke=\"black\"/>\n",
                     20 + chip * hw.tilesX * tileW - gap / 2,
                     55 + hw.tilesY * tileH);
  double lx = 30 + tilesX * tileW;
  int row = 0;
  for (const PopulationMapping &pm : r.mapping.populations)
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" "
                     "fill=\"{}\"/><text x=\"{}\" y=\"{}\">{} ({})</text>\n",
                     lx, 50 + 18 * row, color(pm.population), lx + 18,
                     60 + 18 * row, escape(net.populations[pm.population].name),
                     pm.numCores),
        ++row;
  s += fmt::format("<text x=\"20\" y=\"{}\" fill=\"gray\">opacity = "
                   "compartment utilisation</text>\n",
                   h - 6);
  return s + "</svg>\n";
}

bool writeFile(const std::string &path, const std::string &text,
               std::string *error) {
  return modelbin::writeFileAtomically(path, text, error);
}

} // namespace

bool writeReport(const std::string &dir, const Network &net, const MapResult &r,
                 std::string *error) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 && mkdir(dir.c_str(), 0777) != 0) {
    *error = fmt::format("{}: cannot create the report folder", dir);
    return false;
  }
  const Activity &a = r.activity;
  const int T = net.numSteps, exit = net.earlyExitStep;
  std::vector<std::pair<std::string, std::string>> figures;

  figures.push_back({"mesh.svg", meshMap(net, r)});

  double largest = 0;
  for (const EnergyTerms &e : r.energy.atExit.perPopulation)
    largest = std::max(largest, e.total());
  auto [perUnit, unitName] = energyUnit(largest);
  std::vector<std::string> layers;
  std::vector<Series> terms = {{"synaptic ops", {}},
                               {"active updates", {}},
                               {"inactive updates", {}},
                               {"spike routing", {}}};
  for (size_t p = 0; p < net.populations.size(); ++p) {
    const EnergyTerms &e = r.energy.atExit.perPopulation[p];
    if (e.total() <= 0)
      continue;
    layers.push_back(net.populations[p].name);
    terms[0].values.push_back(e.synops / perUnit);
    terms[1].values.push_back(e.updatesActive / perUnit);
    terms[2].values.push_back(e.updatesInactive / perUnit);
    terms[3].values.push_back(e.routing / perUnit);
  }
  figures.push_back(
      {"energy.svg",
       stackedBars(fmt::format("Energy per inference by layer at T_exit = {} "
                               "(static: {:.4g} {})",
                               exit,
                               r.energy.atExit.energy.staticBarrier / perUnit,
                               unitName),
                   unitName, layers, terms)});

  Series perStep{"energy per step", {}};
  double largestStep = 0;
  for (const StepCost &s : r.energy.perStep)
    largestStep = std::max(largestStep, s.energy.total());
  auto [stepUnit, stepUnitName] = energyUnit(largestStep);
  for (const StepCost &s : r.energy.perStep)
    perStep.values.push_back(s.energy.total() / stepUnit);
  figures.push_back(
      {"energy_steps.svg",
       lineChart("Energy per time step (early exit stops at T_exit)",
                 stepUnitName, {perStep}, 0, "", exit,
                 fmt::format("T_exit = {}", exit))});

  std::vector<Series> gammas;
  for (const Network::Gamma &g : net.gammaMean)
    gammas.push_back({g.layer, g.mean});
  figures.push_back(
      {"gamma.svg",
       lineChart("Mean BNTT gamma_t per layer (Fig. 4)", "mean gamma_t", gammas,
                 net.earlyExitThreshold,
                 fmt::format("exit threshold {}", num(net.earlyExitThreshold)),
                 exit, fmt::format("T_exit = {}", exit))});

  std::vector<Series> spikes;
  std::vector<std::string> spiking;
  Series rates{"spike rate", {}};
  for (size_t p = 0; p < net.populations.size(); ++p) {
    if (net.populations[p].kind != PopulationKind::Spiking)
      continue;
    spikes.push_back({net.populations[p].name, a.spikes[p]});
    spiking.push_back(net.populations[p].name);
    rates.values.push_back(a.rate(net, int(p), T));
  }
  std::string source = a.measured ? "measured" : "assumed";
  figures.push_back(
      {"spikes.svg",
       lineChart(fmt::format("Spikes per layer per step, per inference, {} "
                             "(Fig. 1C)",
                             source),
                 "spikes", spikes, 0, "", exit,
                 fmt::format("T_exit = {}", exit))});
  figures.push_back(
      {"rate.svg",
       stackedBars(
           fmt::format("Spike rate per layer over T, {} (Fig. 5)", source),
           "spikes per neuron per step", spiking, {rates})});

  std::string html =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
      "<meta charset=\"UTF-8\"/>\n";
  html += fmt::format("<title>snnc-map: {} on {}</title>\n",
                      escape(net.modelName), escape(r.hw.name));
  html += "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
          "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}</style>\n"
          "</head>\n<body>\n";
  html += fmt::format("<h1>snnc-map: {} on {}</h1>\n<pre>{}</pre>\n",
                      escape(net.modelName), escape(r.hw.name),
                      escape(summaryText(net, r)));
  for (const auto &[name, svg] : figures) {
    html += fmt::format("<h2>{}</h2>\n<div>\n", escape(name));
    html += svg + "</div>\n";
  }
  html += "</body>\n</html>\n";
  for (const auto &[name, svg] : figures)
    if (!writeFile(dir + "/" + name,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg, error))
      return false;
  return writeFile(dir + "/index.html", html, error);
}

} // namespace mapping
} // namespace snnc

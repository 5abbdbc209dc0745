//===- HtmlReport.cpp - the --report folder: XHTML page and SVG figures ---===//
//
// Figures are written by hand as SVG (no plotting library, no network): the
// core utilisation map on the mesh, the energy breakdown per layer, energy
// per step with T_exit, and the paper-style figures from the compile and run
// data (mean gamma_t per BNTT layer with the exit threshold and T_exit, as in
// Kim & Panda Fig. 4; gamma histograms per layer and step, Fig. 6; the
// early-exit step and its accuracy against the threshold, Fig. 7; spikes per
// layer per step, Fig. 1C; spike rate per layer, Fig. 5). The page is XHTML so
// that XML tools can check it; every text that comes from the model goes
// through escape(). The chart primitives are in Svg.cpp.
//
//===----------------------------------------------------------------------===//

#include "snnc/Mapping/Report.h"

#include "Svg.h"

#include "snnc/Support/OutputFile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace snnc {
namespace mapping {
namespace {

using namespace svg;

/// Meshes with more tiles than this show only the tiles in use.
constexpr int64_t kMaxDrawnTiles = 4096;

/// A unit that keeps axis numbers between 1 and 1000: (pJ per unit, name).
std::pair<double, const char *> energyUnit(double maxPj) {
  if (maxPj >= 1e6)
    return {1e6, "uJ"};
  if (maxPj >= 1e3)
    return {1e3, "nJ"};
  return {1, "pJ"};
}

/// Chips side by side; each tile a square of core cells coloured by layer,
/// opacity = compartment utilisation.
std::string meshMap(const Network &net, const MapResult &r) {
  const HardwareModel &hw = r.hw;
  int cellsX = int(std::ceil(std::sqrt(double(hw.coresPerTile))));
  int cellsY = int((hw.coresPerTile + cellsX - 1) / cellsX);
  double cell = 14, gap = 4;
  double tileW = cellsX * cell + gap, tileH = cellsY * cell + gap;
  int64_t tilesX = hw.tilesX * r.mapping.chips, tilesY = hw.tilesY;
  std::string shown;
  if (tilesX * tilesY > kMaxDrawnTiles) {
    // A huge mesh: draw the tiles in use, not a million empty squares.
    int64_t usedX = 1, usedY = 1;
    for (const Core &c : r.mapping.cores) {
      usedX = std::max<int64_t>(usedX, c.tileX + 1);
      usedY = std::max<int64_t>(usedY, c.tileY + 1);
    }
    shown = fmt::format(" (showing {} x {} of {} x {} tiles)", usedX, usedY,
                        tilesX, tilesY);
    tilesX = usedX;
    tilesY = usedY;
  }
  double w = std::max(kWidth, 40 + tilesX * tileW + 160);
  double h = std::max(160.0, 70 + tilesY * tileH + 20);
  std::string s =
      svgOpen(fmt::format("Core utilisation on {} ({} cores, {} "
                          "chip{}){}",
                          hw.name, r.mapping.numCores(), r.mapping.chips,
                          r.mapping.chips > 1 ? "s" : "", shown),
              w, h);
  for (int64_t x = 0; x < tilesX; ++x)
    for (int64_t y = 0; y < tilesY; ++y)
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
  for (int chip = 1; chip < r.mapping.chips && chip * hw.tilesX < tilesX;
       ++chip)
    s += fmt::format("<line x1=\"{0}\" y1=\"45\" x2=\"{0}\" y2=\"{1}\" "
                     "stroke=\"black\"/>\n",
                     20 + chip * hw.tilesX * tileW - gap / 2,
                     55 + tilesY * tileH);
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

/// Fig. 6 (gamma histograms per layer and step) and Fig. 7 (the early-exit
/// step, and the accuracy there when the profile has it, against the gamma
/// threshold), from the gamma tables that snnc recorded before folding.
void addGammaFigures(const Network &net, const std::vector<ExitPoint> &sweep,
                     std::vector<std::pair<std::string, std::string>> *figures,
                     std::vector<std::string> *notes) {
  const int T = net.numSteps;
  std::vector<HeatPanel> panels;
  for (const Network::GammaHistogram &h : net.gammaHistograms)
    panels.push_back({h.layer, h.lo, h.hi, T, h.bins,
                      std::vector<double>(h.counts.begin(), h.counts.end())});
  if (!panels.empty())
    figures->push_back(
        {"gamma_histogram.svg",
         heatMaps("Distribution of gamma_t over channels per BNTT layer "
                  "(Fig. 6)",
                  "gamma value (each step's row scaled to its largest bin)",
                  "time step", panels)});
  if (sweep.empty())
    return;
  std::vector<double> thresholds, known;
  Series exitSteps{"T_exit", {}}, accuracy{"accuracy", {}};
  for (const ExitPoint &p : sweep) {
    thresholds.push_back(p.threshold);
    exitSteps.values.push_back(p.exitStep);
    if (p.accuracy >= 0) {
      known.push_back(p.threshold);
      accuracy.values.push_back(100 * p.accuracy);
    }
  }
  std::string compiled =
      fmt::format("compiled: {}", num(net.earlyExitThreshold));
  figures->push_back(
      {"exit.svg",
       xyChart("Early-exit step against the gamma threshold (Fig. 7)",
               "gamma threshold", "T_exit (steps)", thresholds, {exitSteps},
               false, 0, "", net.earlyExitThreshold, compiled)});
  if (known.empty()) {
    notes->push_back("Fig. 7 accuracy: the profile has no accuracy per step; "
                     "make it with snnc-run --full --per-step --labels FILE "
                     "--json RUN.json.");
    return;
  }
  figures->push_back(
      {"exit_accuracy.svg",
       xyChart("Accuracy at the early-exit step against the gamma threshold "
               "(Fig. 7)",
               "gamma threshold", "accuracy (%)", known, {accuracy}, false, 0,
               "", net.earlyExitThreshold, compiled)});
}

/// The (already escaped) title of an SVG made by svgOpen.
std::string figureTitle(const std::string &svg) {
  size_t open = svg.find("<title>"), close = svg.find("</title>");
  if (open == std::string::npos || close == std::string::npos || close < open)
    return "figure";
  return svg.substr(open + 7, close - open - 7);
}

bool writeFile(const std::string &path, const std::string &text,
               std::string *error) {
  return support::writeOutputFile(path, text, error);
}

} // namespace

bool writeReport(const std::string &dir, const Network &net, const MapResult &r,
                 std::string *error) {
  if (!support::ensureOutputFolder(dir, error))
    return false;
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
  // Fig. 4's lower panel: the exit rule compares this curve to the threshold.
  if (gammas.size() > 1) {
    Series largest{"max over layers", std::vector<double>(T, -1e300), true};
    for (const Network::Gamma &g : net.gammaMean)
      for (int t = 0; t < T; ++t)
        largest.values[t] = std::max(largest.values[t], g.mean[t]);
    gammas.push_back(std::move(largest));
  }
  figures.push_back(
      {"gamma.svg",
       lineChart("Mean BNTT gamma_t per layer (Fig. 4)", "mean gamma_t", gammas,
                 net.earlyExitThreshold,
                 fmt::format("exit threshold {}", num(net.earlyExitThreshold)),
                 exit, fmt::format("T_exit = {}", exit))});

  std::vector<std::string> notes;
  addGammaFigures(net, r.exitSweep, &figures, &notes);

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
  for (bool logY : {false, true})
    figures.push_back(
        {logY ? "spikes_log.svg" : "spikes.svg",
         lineChart(fmt::format("Spikes per layer per step, per inference, {} "
                               "(Fig. 1C{})",
                               source, logY ? ", log scale" : ""),
                   "spikes", spikes, 0, "", exit,
                   fmt::format("T_exit = {}", exit), logY)});
  figures.push_back(
      {"rate.svg",
       stackedBars(
           fmt::format("Spike rate per layer over T, {} (Fig. 5)", source),
           "spikes per neuron per step", spiking, {rates})});

  std::string html =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
      "<meta charset=\"UTF-8\"/>\n";
  html +=
      fmt::format("<title>snnc-map: {} on {}</title>\n",
                  escape(r.modelLabel.empty() ? net.modelName : r.modelLabel),
                  escape(r.hw.name));
  html += "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
          "pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}</style>\n"
          "</head>\n<body>\n";
  html +=
      fmt::format("<h1>snnc-map: {} on {}</h1>\n<pre>{}</pre>\n",
                  escape(r.modelLabel.empty() ? net.modelName : r.modelLabel),
                  escape(r.hw.name), escape(summaryText(net, r)));
  for (const std::string &note : notes)
    html += fmt::format("<p>{}</p>\n", escape(note));
  for (const auto &[name, svg] : figures) {
    html += fmt::format("<h2>{}</h2>\n<div>\n", figureTitle(svg));
    html += svg + fmt::format("<p><a href=\"{0}\">{0}</a></p>\n</div>\n",
                              escape(name));
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

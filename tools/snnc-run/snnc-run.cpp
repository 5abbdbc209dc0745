//===- snnc-run.cpp - run a compiled model.bin on a data set --------------===//
//
// Thin command-line driver over the runtime library: parses options, loads and
// validates the model, reads samples and labels, runs them on the CPU executor
// and prints accuracy (with --per-step also per exit step), throughput, mean
// steps executed and spikes per sample; --json writes the full statistics
// (atomically) and --dump prints the model readably. Every error names the
// file and rule and exits with code 1.
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Backend.h"
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Input.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/Network.h"
#include "snnc/runtime/Preprocess.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <unistd.h>

using namespace snnc;

namespace {

const char *kUsage =
    "usage: snnc-run MODEL.bin --input FILE [--labels FILE] "
    "[--limit N] [--seed S]\n"
    "                [--threads N] [--steps N | --full] "
    "[--adaptive-exit] [--json OUT]\n"
    "                [--outputs] [--sample-spikes] [--per-step] "
    "[--backend=cpu|cuda|cuda-emu]\n"
    "                [--mode=auto|event|dense] [--layout=auto|nchw|nhwc] "
    "[--quiet]\n"
    "       snnc-run MODEL.bin --dump\n"
    "Runs a compiled spiking network on a data set (IDX, "
    "IDX.gz or .npy) and prints accuracy,\n"
    "throughput, mean steps executed and spikes per sample. "
    "By default the model runs T_exit\n"
    "steps; --steps N runs N, --full runs T; --adaptive-exit "
    "stops a sample as soon as its top-1\n"
    "class can no longer change. --per-step (needs --labels, not with\n"
    "--adaptive-exit) also prints the accuracy if every sample stopped after "
    "step 1, 2, ...\n";

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "snnc-run: error: %s\n", msg.c_str());
  std::exit(1);
}

bool parseInt(const std::string &s, int64_t lo, int64_t hi, int64_t *out) {
  if (s.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

struct Options {
  std::string model, input, labels, json, backend = "cpu", mode = "auto",
                                          layout = "auto";
  int64_t limit = -1, threads = 0, steps = 0;
  uint64_t seed = 0;
  bool full = false, adaptive = false, dump = false, quiet = false,
       outputs = false, sampleSpikes = false, perStep = false;
};

Options parseArgs(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], val;
    bool hasEq = false;
    if (a.rfind("--", 0) == 0) {
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        val = a.substr(eq + 1);
        a = a.substr(0, eq);
        hasEq = true;
      }
    }
    auto value = [&]() -> std::string {
      if (hasEq)
        return val;
      if (i + 1 >= argc)
        die(fmt::format("option {} needs a value", a));
      return argv[++i];
    };
    auto intValue = [&](int64_t lo, int64_t hi) {
      std::string v = value();
      int64_t r;
      if (!parseInt(v, lo, hi, &r))
        die(fmt::format("option {}: '{}' is not an integer in {}..{}", a, v, lo,
                        hi));
      return r;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a == "--input") {
      o.input = value();
    } else if (a == "--labels") {
      o.labels = value();
    } else if (a == "--json") {
      o.json = value();
    } else if (a == "--limit") {
      o.limit = intValue(0, INT64_MAX);
    } else if (a == "--threads") {
      o.threads = intValue(1, 1024);
    } else if (a == "--steps") {
      o.steps = intValue(1, rt::kMaxSteps);
    } else if (a == "--seed") {
      std::string v = value();
      char *end = nullptr;
      errno = 0;
      unsigned long long s = std::strtoull(v.c_str(), &end, 0);
      if (v.empty() || v[0] == '-' || errno || *end)
        die(fmt::format("option --seed: '{}' is not an unsigned 64-bit integer",
                        v));
      o.seed = s;
    } else if (a == "--full") {
      o.full = true;
    } else if (a == "--adaptive-exit") {
      o.adaptive = true;
    } else if (a == "--dump") {
      o.dump = true;
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--outputs") {
      o.outputs = true;
    } else if (a == "--sample-spikes") {
      o.sampleSpikes = true;
    } else if (a == "--per-step") {
      o.perStep = true;
    } else if (a == "--backend") {
      o.backend = value();
    } else if (a == "--mode") {
      o.mode = value();
    } else if (a == "--layout") {
      o.layout = value();
    } else if (a.rfind("-", 0) == 0) {
      die(fmt::format("unknown option '{}' (see --help)", a));
    } else if (o.model.empty()) {
      o.model = a;
    } else {
      die(fmt::format("unexpected argument '{}' (one model file expected)", a));
    }
  }
  if (o.model.empty())
    die("no model file given (see --help)");
  rt::Backend backend;
  if (!rt::parseBackend(o.backend, &backend))
    die(fmt::format("--backend={}: expected cpu or cuda", o.backend));
  if (o.mode != "auto" && o.mode != "event" && o.mode != "dense")
    die(fmt::format("--mode={}: expected auto, event or dense", o.mode));
  if (o.full && o.steps)
    die("--full and --steps exclude each other");
  if (!o.dump && o.input.empty())
    die("no --input file given (see --help)");
  if (o.perStep && o.labels.empty())
    die("--per-step needs --labels (it reports accuracy per step)");
  if (o.perStep && o.adaptive)
    die("--per-step and --adaptive-exit exclude each other (every sample must "
        "run every step)");
  return o;
}

} // namespace

int main(int argc, char **argv) {
  // Protobuf's own parse diagnostics (e.g. invalid UTF-8 in a string) become
  // one note line; the error that follows names the file and the rule.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char *,
                                     int, const std::string &msg) {
    std::fprintf(stderr, "snnc-run: note: protobuf: %s\n", msg.c_str());
  });
  Options o = parseArgs(argc, argv);
  modelbin::Model pm;
  std::string err;
  if (!modelbin::readModelFile(o.model, &pm, &err))
    die(err);
  rt::Network net;
  if (!rt::prepareNetwork(pm, &net, &err))
    die(o.model + ": " + err);
  if (o.dump) {
    std::string bytes;
    modelbin::serializeModel(pm, &bytes, &err);
    std::fputs(rt::dumpModel(pm, net, bytes.size()).c_str(), stdout);
    if (o.input.empty())
      return 0;
  }
  if (o.steps > net.steps)
    die(fmt::format("--steps {}: the model has T = {} steps", o.steps,
                    net.steps));

  rt::Samples samples;
  rt::Layout layout;
  if (!rt::parseLayout(o.layout, &layout))
    die(fmt::format("--layout={}: expected auto, nchw or nhwc", o.layout));
  if (!rt::readSamples(o.input, net.inputNumel, &samples, &err) ||
      !rt::arrangeSamples(&samples, net.inputShape, layout, o.input, &err))
    die(err);
  int64_t count = samples.count;
  if (o.limit >= 0 && o.limit < count)
    count = o.limit;
  std::vector<int64_t> labels;
  if (!o.labels.empty()) {
    if (!rt::readLabels(o.labels, &labels, &err))
      die(err);
    if (static_cast<int64_t>(labels.size()) < count)
      die(fmt::format("{}: {} labels for {} samples", o.labels, labels.size(),
                      count));
  }

  rt::RunOptions ro;
  ro.steps = o.full ? net.steps : static_cast<int>(o.steps);
  ro.adaptive = o.adaptive;
  ro.threads = o.threads ? static_cast<int>(o.threads)
                         : std::max(1u, std::thread::hardware_concurrency());
  ro.mode = o.mode == "event"   ? rt::Mode::Event
            : o.mode == "dense" ? rt::Mode::Dense
                                : rt::Mode::Auto;
  ro.seed = o.seed;
  ro.sampleSpikes = o.sampleSpikes && !o.json.empty();
  ro.stepPredictions = o.perStep;
  auto t0 = std::chrono::steady_clock::now();
  auto lastPrint = t0;
  bool printed = false, tty = isatty(2);
  if (!o.quiet)
    ro.progress = [&](int64_t done) {
      auto now = std::chrono::steady_clock::now();
      double since = std::chrono::duration<double>(now - t0).count();
      double gap = std::chrono::duration<double>(now - lastPrint).count();
      if (since < 1.5 || gap < (tty ? 0.25 : 2.0))
        return;
      lastPrint = now;
      printed = true;
      std::fprintf(stderr, "%s[snnc-run] %lld/%lld samples, %.0f samples/s%s",
                   tty ? "\r" : "", static_cast<long long>(done),
                   static_cast<long long>(count), done / since,
                   tty ? "" : "\n");
    };
  rt::Batch batch{samples.values.data(), count, samples.numel, 0};
  rt::RunResult res;
  rt::Backend backend = rt::Backend::Cpu;
  rt::parseBackend(o.backend, &backend);
  if (!rt::runNetworkOn(backend, net, batch, ro, &res, &err))
    die(err);
  if (printed && tty)
    std::fputc('\n', stderr);

  int64_t correct = 0;
  for (int64_t r = 0; r < count && !labels.empty(); ++r)
    correct += res.predictions[r] == labels[r];
  double meanSteps = 0;
  for (int s : res.stepsExecuted)
    meanSteps += s;
  meanSteps = count ? meanSteps / count : 0;
  double throughput = res.wallSeconds > 0 ? count / res.wallSeconds : 0;

  std::printf("model: %s (T=%d, T_exit=%d), %lld samples, %d steps%s, mode %s, "
              "%s\n",
              o.model.c_str(), net.steps, net.exitStep,
              static_cast<long long>(count), res.steps,
              o.adaptive ? " (adaptive exit)" : "", o.mode.c_str(),
              backend == rt::Backend::Cpu
                  ? fmt::format("{} threads", ro.threads).c_str()
                  : fmt::format("backend {}", o.backend).c_str());
  if (!labels.empty())
    std::printf("accuracy: %.4f (%lld/%lld)\n",
                count ? double(correct) / count : 0.0,
                static_cast<long long>(correct), static_cast<long long>(count));
  // --per-step: the fraction correct if every sample stopped after step t + 1.
  std::vector<double> stepAccuracy;
  if (o.perStep) {
    stepAccuracy.assign(res.steps, 0.0);
    for (int t = 0; t < res.steps; ++t) {
      int64_t c = 0;
      for (int64_t r = 0; r < count; ++r)
        c += res.stepPredictions[r * res.steps + t] == labels[r];
      stepAccuracy[t] = count ? double(c) / count : 0.0;
    }
    std::string line;
    for (double a : stepAccuracy)
      line += fmt::format(" {:.4f}", a);
    std::printf("accuracy per step:%s\n", line.c_str());
  }
  std::printf("throughput: %.1f samples/s (%.3f s)\n", throughput,
              res.wallSeconds);
  std::printf("mean steps executed: %.3f\n", meanSteps);
  int64_t totalSpikes = 0;
  std::string per;
  for (const auto &sp : res.spikes) {
    int64_t n = 0;
    for (int64_t v : sp.second)
      n += v;
    totalSpikes += n;
    per += fmt::format(" {}={:.1f}", sp.first, count ? double(n) / count : 0.0);
  }
  std::printf("spikes per sample: %.1f (%s)\n",
              count ? double(totalSpikes) / count : 0.0,
              per.empty() ? "" : per.c_str() + 1);

  if (!o.json.empty()) {
    nlohmann::ordered_json j;
    j["model"] = o.model;
    j["input"] = o.input;
    j["samples"] = count;
    j["num_steps"] = net.steps;
    j["early_exit_step"] = net.exitStep;
    j["steps"] = res.steps;
    j["adaptive_exit"] = o.adaptive;
    j["mode"] = o.mode;
    j["threads"] = ro.threads;
    j["backend"] = o.backend;
    j["seed"] = o.seed;
    if (!labels.empty()) {
      j["accuracy"] = count ? double(correct) / count : 0.0;
      j["correct"] = correct;
    } else {
      j["accuracy"] = nullptr;
    }
    if (o.perStep)
      j["accuracy_per_step"] = stepAccuracy;
    j["predictions"] = res.predictions;
    j["steps_executed"] = res.stepsExecuted;
    j["mean_steps_executed"] = meanSteps;
    nlohmann::ordered_json sp = nlohmann::ordered_json::object();
    for (const auto &s : res.spikes)
      sp[s.first] = s.second;
    j["spikes"] = sp;
    nlohmann::ordered_json se = nlohmann::ordered_json::object();
    for (const auto &s : res.synapticEvents)
      se[s.first] = s.second;
    j["synaptic_events"] = se;
    j["neuron_updates"] = res.neuronUpdates;
    j["wall_seconds"] = res.wallSeconds;
    j["samples_per_second"] = throughput;
    if (o.outputs) {
      nlohmann::ordered_json outs = nlohmann::ordered_json::array();
      for (int64_t r = 0; r < count; ++r)
        outs.push_back(
            std::vector<float>(res.outputs.begin() + r * res.classes,
                               res.outputs.begin() + (r + 1) * res.classes));
      j["outputs"] = outs;
    }
    if (o.sampleSpikes) {
      // LIF name -> [sample][step]
      nlohmann::ordered_json ss = nlohmann::ordered_json::object();
      size_t lifs = res.spikes.size();
      for (size_t k = 0; k < lifs; ++k) {
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        for (int64_t r = 0; r < count; ++r) {
          auto first = res.sampleSpikes.begin() + (r * lifs + k) * res.steps;
          rows.push_back(std::vector<int32_t>(first, first + res.steps));
        }
        ss[res.spikes[k].first] = rows;
      }
      j["sample_spikes"] = ss;
    }
    if (!modelbin::writeFileAtomically(o.json, j.dump(1) + "\n", &err))
      die(err);
  }
  return 0;
}

//===- snnc-run.cpp - run a compiled model.bin on a data set --------------===//
//
// Thin command-line driver over the runtime library: parses options, loads and
// validates the model, reads samples and labels, runs them on the CPU executor
// and prints accuracy (with --per-step also per exit step), throughput, mean
// steps executed and spikes per sample; --json writes the full statistics
// (atomically, a RunReport: RunReport.h) and --dump prints the model readably.
// Every error names the file and rule and is a structured diagnostic
// (Diagnostics.h: --diagnostics=text|json|sarif, --Werror, -w; run.json
// carries them too); exit codes follow ExitCodes.h (bad flag 2, bad model
// or data file 1, --min-accuracy not met 3, bug 4).
//
//===----------------------------------------------------------------------===//
#include "snnc/runtime/Backend.h"
#include "snnc/runtime/Executor.h"
#include "snnc/runtime/Input.h"
#include "snnc/runtime/ModelFile.h"
#include "snnc/runtime/Network.h"
#include "snnc/runtime/Preprocess.h"
#include "snnc/runtime/RunReport.h"
#include "snnc/runtime/Version.h"

#include "snnc/Support/Diagnostics.h"
#include "snnc/Support/ExitCodes.h"
#include "snnc/Support/OutputFile.h"
#include "snnc/Support/ToolMain.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
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
    "                [--threads N] [--batch N] [--steps N | --full] "
    "[--adaptive-exit] [--json OUT]\n"
    "                [--outputs] [--sample-spikes] [--layer-seconds] "
    "[--per-step]\n                [--warmup N] "
    "[--backend=cpu|cuda|cuda-emu]\n"
    "                [--mode=auto|event|dense] [--layout=auto|nchw|nhwc] "
    "[--quiet]\n"
    "                [--max-input-bytes N] [--min-accuracy A]\n"
    "       snnc-run MODEL.bin --dump\n"
    "       snnc-run --version\n"
    "Runs a compiled spiking network on a data set (IDX, "
    "IDX.gz or .npy) and prints accuracy,\n"
    "throughput, mean steps executed and spikes per sample. "
    "By default the model runs T_exit\n"
    "steps; --steps N runs N, --full runs T; --adaptive-exit "
    "stops a sample as soon as its top-1\n"
    "class can no longer change. --per-step (needs --labels, not with\n"
    "--adaptive-exit) also prints the accuracy if every sample stopped after "
    "step 1, 2, ...\n"
    "--batch N keeps at most N samples in flight; below --threads, the "
    "threads of a\nsample split its layers (--batch 1: latency mode). "
    "Results do not depend on it.\n"
    "--layer-seconds (with --json) adds each layer's wall seconds "
    "to the run report (CPU\nbackend, float models).\n"
    "--warmup N runs the first N samples once, untimed, before the timed run "
    "(a benchmark's\nwarm-up: the reported times and rates leave it out).\n"
    "--min-accuracy A (needs --labels) exits with 3 when the accuracy is below "
    "A.\n"
    "Exit codes: 0 ok, 1 bad model/data file or output path, 2 bad flag, 3 "
    "--min-accuracy not met, 4 internal error.\n";

/// The run's diagnostics (main owns it; die() needs it to finish).
diag::DiagnosticEngine *diagnostics = nullptr;

void printError(diag::Code code, const std::string &msg,
                const std::string &file = "") {
  diagnostics->report(code, msg, file);
}

/// A bad flag, flag value or argument: exit code 2 before anything is read.
[[noreturn]] void die(const std::string &msg) {
  printError(diag::Code::UsageGeneric, msg);
  std::exit(diagnostics->finish(kExitUsage));
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
  std::string model, input, labels, json, backend = "cpu", mode = "auto";
  rt::Layout layout = rt::Layout::Auto;
  int64_t limit = -1, threads = 0, steps = 0, batch = 0, warmup = 0;
  uint64_t seed = 0, maxInputBytes = limits::kMaxInputBytes;
  double minAccuracy = -1; // < 0: no gate
  bool full = false, adaptive = false, dump = false, quiet = false,
       outputs = false, sampleSpikes = false, perStep = false,
       layerSeconds = false;
};

/// A number in [0, 1] (--min-accuracy), or a usage error.
double fractionValue(const std::string &flag, const std::string &v) {
  char *end = nullptr;
  double d = v.empty() ? NAN : std::strtod(v.c_str(), &end);
  if (v.empty() || *end || !(d >= 0 && d <= 1))
    die(fmt::format("option {}: '{}' is not a number in [0, 1]", flag, v));
  return d;
}

/// Rules between flags (usage errors, exit 2).
void checkOptions(const Options &o) {
  if (o.model.empty())
    die("no model file given (see --help)");
  if (!rt::findBackend(o.backend))
    die(fmt::format("--backend={}: expected {} (the backends of this build)",
                    o.backend, rt::backendNames()));
  if (o.mode != "auto" && o.mode != "event" && o.mode != "dense")
    die(fmt::format("--mode={}: expected auto, event or dense", o.mode));
  if (o.full && o.steps)
    die("--full and --steps exclude each other");
  if (!o.dump && o.input.empty())
    die("no --input file given (see --help)");
  if (o.perStep && o.labels.empty())
    die("--per-step needs --labels (it reports accuracy per step)");
  if (o.minAccuracy >= 0 && o.labels.empty())
    die("--min-accuracy needs --labels (it gates on the accuracy)");
  if (o.perStep && o.adaptive)
    die("--per-step and --adaptive-exit exclude each other (every sample must "
        "run every step)");
}

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
      std::fputs(diag::kOptionsHelp, stdout);
      std::exit(0);
    } else if (a == "--version") {
      std::fputs(rt::versionText("snnc-run").c_str(), stdout);
      for (const rt::BackendEntry *b : rt::registeredBackends())
        std::printf("backend %s: %s\n", b->name.c_str(), b->summary.c_str());
      std::exit(0);
    } else if (a == "--input") {
      o.input = value();
    } else if (a == "--labels") {
      o.labels = value();
    } else if (a == "--json") {
      o.json = value();
    } else if (a == "--limit") {
      o.limit = intValue(1, limits::kMaxSamples);
    } else if (a == "--max-input-bytes") {
      o.maxInputBytes = static_cast<uint64_t>(
          intValue(1, int64_t(limits::kMaxInputBytesOverride)));
    } else if (a == "--min-accuracy") {
      o.minAccuracy = fractionValue(a, value());
    } else if (a == "--threads") {
      o.threads = intValue(1, 1024);
    } else if (a == "--batch") {
      o.batch = intValue(1, limits::kMaxSamples);
    } else if (a == "--warmup") {
      o.warmup = intValue(0, limits::kMaxSamples);
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
    } else if (a == "--layer-seconds") {
      o.layerSeconds = true;
    } else if (a == "--per-step") {
      o.perStep = true;
    } else if (a == "--backend") {
      o.backend = value();
    } else if (a == "--mode") {
      o.mode = value();
    } else if (a == "--layout") {
      std::string v = value();
      if (!rt::parseLayout(v, &o.layout))
        die(fmt::format("--layout={}: expected auto, nchw or nhwc", v));
    } else if (a.rfind("-", 0) == 0) {
      die(fmt::format("unknown option '{}' (see --help)", a));
    } else if (o.model.empty()) {
      o.model = a;
    } else {
      die(fmt::format("unexpected argument '{}' (one model file expected)", a));
    }
  }
  checkOptions(o);
  if (o.json.empty())
    for (auto [on, flag] : {std::pair{o.sampleSpikes, "--sample-spikes"},
                            std::pair{o.outputs, "--outputs"},
                            std::pair{o.layerSeconds, "--layer-seconds"}})
      if (on)
        diagnostics->report(
            diag::Code::RunFlagIgnored,
            fmt::format("{} has no effect without --json (it adds to the "
                        "run report only)",
                        flag));
  return o;
}

/// Prints the run's summary lines (stdout).
void printSummary(const Options &o, const rt::Network &net,
                  const rt::RunReport &r) {
  std::string where = r.backend == "cpu" ? fmt::format("{} threads", r.threads)
                                         : fmt::format("backend {}", r.backend);
  std::printf("model: %s (T=%d, T_exit=%d), %lld samples, %d steps%s, mode %s, "
              "%s\n",
              o.model.c_str(), net.steps, net.exitStep,
              static_cast<long long>(r.samples), r.steps,
              o.adaptive ? " (adaptive exit)" : "", o.mode.c_str(),
              where.c_str());
  if (r.hasAccuracy)
    std::printf("accuracy: %.4f (%lld/%lld)\n", r.accuracy,
                static_cast<long long>(r.correct),
                static_cast<long long>(r.samples));
  if (!r.accuracyPerStep.empty()) {
    std::string line;
    for (double a : r.accuracyPerStep)
      line += fmt::format(" {:.4f}", a);
    std::printf("accuracy per step:%s\n", line.c_str());
  }
  std::printf(
      "throughput: %.1f samples/s (%.3f s%s)\n", r.samplesPerSecond,
      r.wallSeconds,
      r.warmupSamples
          ? fmt::format(", after {} warm-up samples", r.warmupSamples).c_str()
          : "");
  std::printf("mean steps executed: %.3f\n", r.meanStepsExecuted);
  int64_t totalSpikes = 0;
  std::string per;
  double count = double(r.samples);
  for (const auto &sp : r.spikes) {
    int64_t n = 0;
    for (int64_t v : sp.second)
      n += v;
    totalSpikes += n;
    per += fmt::format(" {}={:.1f}", sp.first, count ? double(n) / count : 0.0);
  }
  std::printf("spikes per sample: %.1f (%s)\n",
              count ? double(totalSpikes) / count : 0.0,
              per.empty() ? "" : per.c_str() + 1);
}

rt::RunOptions runOptions(const Options &o, const rt::Network &net) {
  rt::RunOptions ro;
  ro.steps = o.full ? net.steps : static_cast<int>(o.steps);
  ro.adaptive = o.adaptive;
  ro.threads = o.threads ? static_cast<int>(o.threads)
                         : std::max(1u, std::thread::hardware_concurrency());
  ro.batch = o.batch;
  ro.mode = o.mode == "event"   ? rt::Mode::Event
            : o.mode == "dense" ? rt::Mode::Dense
                                : rt::Mode::Auto;
  ro.seed = o.seed;
  ro.sampleSpikes = o.sampleSpikes && !o.json.empty();
  ro.stepPredictions = o.perStep;
  ro.layerSeconds = o.layerSeconds && !o.json.empty();
  ro.warmup = o.warmup;
  return ro;
}

/// A progress line on stderr once a run takes longer than 1.5 s.
struct Progress {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now(),
                                        last = t0;
  bool printed = false, tty = isatty(2);
  int64_t count = 0;

  void operator()(int64_t done) {
    auto now = std::chrono::steady_clock::now();
    double since = std::chrono::duration<double>(now - t0).count();
    double gap = std::chrono::duration<double>(now - last).count();
    if (since < 1.5 || gap < (tty ? 0.25 : 2.0))
      return;
    last = now;
    printed = true;
    std::fprintf(stderr, "%s[snnc-run] %lld/%lld samples, %.0f samples/s%s",
                 tty ? "\r" : "", static_cast<long long>(done),
                 static_cast<long long>(count), done / since, tty ? "" : "\n");
  }
};

/// Loads, reads, runs and summarizes into `r`; returns an exit code (with
/// `error`, `code` and `file` set when it is not 0).
int runModel(const Options &o, rt::RunReport *r, std::string *error,
             diag::Code *code, std::string *file) {
  *code = diag::Code::ModelInvalid;
  *file = o.model;
  modelbin::Model pm;
  if (!modelbin::readModelFile(o.model, &pm, error))
    return kExitInvalidInput;
  rt::Network net;
  if (!rt::prepareNetwork(pm, &net, error)) {
    *error = o.model + ": " + *error;
    return kExitInvalidInput;
  }
  if (!rt::readModelIdentity(o.model, pm, &r->model, error))
    return kExitInvalidInput;
  r->numSteps = net.steps;
  r->earlyExitStep = net.exitStep;
  if (o.dump) {
    std::string bytes;
    modelbin::serializeModel(pm, &bytes, error);
    std::fputs(rt::dumpModel(pm, net, bytes.size()).c_str(), stdout);
    if (o.input.empty())
      return kExitOk;
  }
  if (o.steps > net.steps) {
    *error = fmt::format("--steps {}: the model has T = {} steps", o.steps,
                         net.steps);
    *code = diag::Code::UsageGeneric;
    return kExitUsage;
  }
  *code = diag::Code::DataInvalid;
  *file = o.input;
  rt::ReadOptions ro;
  ro.limit = o.limit;
  ro.maxBytes = o.maxInputBytes;
  ro.steps = net.perStep ? net.steps : 0;
  rt::Samples samples;
  if (!rt::readSamples(o.input, net.inputNumel * (net.perStep ? net.steps : 1),
                       &samples, error, ro))
    return kExitInvalidInput;
  if (net.perStep && o.layout == rt::Layout::NHWC) {
    *error = "--layout: a per-step model reads [N, T, C, ...] as stored";
    return kExitUsage;
  }
  if (!net.perStep &&
      !rt::arrangeSamples(&samples, net.inputShape, o.layout, o.input, error))
    return kExitInvalidInput;
  std::vector<int64_t> labels;
  int64_t classes = net.layers[net.output].numel;
  *file = o.labels;
  if (!o.labels.empty() &&
      !rt::readLabels(o.labels, classes, samples.count, &labels, error, ro))
    return kExitInvalidInput;
  *code = diag::Code::RunGeneric;
  *file = o.model;

  rt::RunOptions opt = runOptions(o, net);
  r->threads = opt.threads;
  r->warmupSamples = std::min(opt.warmup, samples.count);
  Progress progress;
  progress.count = samples.count;
  if (!o.quiet && diagnostics->textMode())
    opt.progress = [&](int64_t done) { progress(done); };
  rt::Batch batch{samples.values.data(), samples.count, samples.numel, 0};
  rt::RunResult res;
  if (!rt::runNetworkOn(o.backend, net, batch, opt, &res, error))
    return kExitInvalidInput;
  if (progress.printed && progress.tty)
    std::fputc('\n', stderr);
  if (opt.layerSeconds && res.layerSeconds.empty())
    diagnostics->report(diag::Code::RunFlagIgnored,
                        fmt::format("--layer-seconds: the {} backend does not "
                                    "time layers for this model; the run "
                                    "report has no layer_seconds",
                                    o.backend));
  rt::summarize(res, labels, o.outputs, opt.sampleSpikes, r);
  printSummary(o, net, *r);
  return kExitOk;
}

int realMain(int argc, char **argv) {
  // Protobuf's own parse diagnostics (e.g. invalid UTF-8 in a string) become
  // one note line; the error that follows names the file and the rule.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char *,
                                     int, const std::string &msg) {
    diagnostics->report(diag::Code::ToolNote, "protobuf: " + msg);
  });
  Options o = parseArgs(argc, argv);
  std::string err;
  // Every output path is checked before the (possibly long) run.
  if (!o.json.empty() &&
      !support::checkOutputPath(o.json, &err, /*allowStdout=*/false)) {
    printError(diag::Code::OutputWrite, err, o.json);
    return kExitInvalidInput;
  }
  rt::RunReport report;
  report.model.path = o.model;
  report.input = o.input;
  report.labels = o.labels;
  report.adaptiveExit = o.adaptive;
  report.mode = o.mode;
  report.backend = o.backend;
  report.kernels = o.backend == "cpu" ? rt::kernelIsa() : "";
  report.seed = o.seed;
  diag::Code code = diag::Code::InternalGeneric;
  std::string file;
  int rc = runModel(o, &report, &err, &code, &file);
  if (rc == kExitOk && o.dump && o.input.empty())
    return kExitOk;
  if (rc != kExitOk) {
    printError(code, err, file);
    report.status = "error";
    report.error = err;
  } else if (o.minAccuracy >= 0 && report.accuracy < o.minAccuracy) {
    printError(diag::Code::GateAccuracy,
               fmt::format("--min-accuracy: accuracy {:.4f} is below the "
                           "required {:.4f}",
                           report.accuracy, o.minAccuracy),
               o.model);
    rc = kExitConstraint;
  }
  if (!o.json.empty()) {
    nlohmann::ordered_json j = rt::toJson(report);
    j["exit_code"] = rc == kExitOk && diagnostics->errorCount() ? 1 : rc;
    j["diagnostics"] = diagnostics->toJsonArray();
    std::string werr;
    if (!support::writeOutputFile(
            o.json,
            j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n",
            &werr)) {
      printError(diag::Code::OutputWrite, werr, o.json);
      return rc != kExitOk ? rc : kExitInvalidInput;
    }
  }
  return rc;
}

} // namespace

int main(int argc, char **argv) {
  diag::DiagnosticEngine de("snnc-run", rt::snncVersion());
  diagnostics = &de;
  diag::Options options;
  std::string optionsError;
  bool optionsOk = diag::extractOptions(argc, argv, &options, &optionsError);
  de.configure(options);
  int status = support::runToolMain(
      "snnc-run",
      [&] {
        if (!optionsOk)
          die(optionsError);
        return realMain(argc, argv);
      },
      [&](const std::string &message) {
        de.report(diag::Code::InternalGeneric, "internal error: " + message);
      });
  return de.finish(status);
}

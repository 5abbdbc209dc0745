//===- RunTimer.h - wall-clock and process CPU time of one run -----------===//
//
// Every backend times its run the same way: the wall clock and the process's
// CPU time (user + system, all threads, getrusage) from when the run begins
// to when its results are filled in, excluding model loading and preparation.
// The CPU time is what a benchmark on a shared machine can compare (other
// load stretches the wall clock but not the work done); snnc-run reports both
// (`wall_seconds`, `cpu_seconds`).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_RUNTIMER_H
#define SNNC_RUNTIME_RUNTIMER_H

#include "snnc/runtime/Executor.h"

#include <chrono>

#include <sys/resource.h>

namespace snnc {
namespace rt {
namespace detail {

/// User + system CPU seconds of this process so far (all threads).
inline double processCpuSeconds() {
  struct rusage u;
  if (getrusage(RUSAGE_SELF, &u) != 0)
    return 0;
  auto seconds = [](const timeval &t) { return t.tv_sec + t.tv_usec * 1e-6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

class RunTimer {
public:
  RunTimer()
      : wall0(std::chrono::steady_clock::now()), cpu0(processCpuSeconds()) {}
  /// Starts the interval again now (after a warm-up).
  void restart() {
    wall0 = std::chrono::steady_clock::now();
    cpu0 = processCpuSeconds();
  }
  /// Sets out->wallSeconds and out->cpuSeconds to the time since construction.
  void stop(RunResult *out) const {
    out->wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0)
            .count();
    out->cpuSeconds = processCpuSeconds() - cpu0;
  }

private:
  std::chrono::steady_clock::time_point wall0;
  double cpu0;
};

} // namespace detail
} // namespace rt
} // namespace snnc

#endif // SNNC_RUNTIME_RUNTIMER_H

//===- roofline.cpp - scatter-add / gather-add roofline of this machine ---===//
//
// The microbenchmark bench/paper_bench.py prints next to the runtime's event
// throughput: how fast this CPU adds weight rows of `width` floats, picked at
// random from a matrix of `rows` rows (the transposed weights of one layer),
// into output rows, in two forms:
//   scatter: out[q] += W[r] for random (r, q) pairs: load, add, store per row
//            (the runtime's event-driven convolution/dense step);
//   gather:  acc = sum of `fanin` random rows W[r], kept in registers, then
//            stored once per output row (output-stationary accumulation).
// It reports adds/s (float additions) and GB/s (bytes the kernel moves: 3
// floats per add for scatter, 1 for gather), per thread and for all threads
// together, per CPU second of each thread. Built with -O3 -march=native (the
// machine's widest vectors; the ISA is printed), -ffp-contract=off like the
// runtime. Not a test.
//
// usage: snnc-roofline [--width 256] [--rows 2304] [--outs 64] [--fanin 230]
//                      [--threads 2] [--seconds 0.3]
//
//===----------------------------------------------------------------------===//
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
const char *kIsa = "avx512";
#elif defined(__AVX2__)
constexpr int kLanes = 8;
const char *kIsa = "avx2";
#else
constexpr int kLanes = 4;
const char *kIsa = "sse2/baseline";
#endif
typedef float Vec __attribute__((vector_size(kLanes * 4), aligned(4)));
constexpr int kBlock = 4 * kLanes; // floats per accumulator block (4 regs)

struct Config {
  int64_t width = 256, rows = 2304, outs = 64, fanin = 230;
  int threads = 2;
  double seconds = 0.3;
};

struct Shape {
  std::vector<float> w, out;
  std::vector<int32_t> row, dst; // per event: weight row, output row
};

Shape makeShape(const Config &c, unsigned seed) {
  Shape s;
  std::mt19937 g(seed);
  s.w.resize(c.rows * c.width);
  for (float &v : s.w)
    v = static_cast<float>(g() % 1000) * 1e-3f - 0.5f;
  s.out.assign(c.outs * c.width, 0.0f);
  int64_t n = c.outs * c.fanin;
  s.row.resize(n);
  s.dst.resize(n);
  for (int64_t e = 0; e < n; ++e) {
    s.row[e] = static_cast<int32_t>(g() % c.rows);
    s.dst[e] = static_cast<int32_t>(g() % c.outs);
  }
  return s;
}

/// out[dst] += W[row] for every event; returns float adds.
int64_t scatter(const Config &c, Shape &s) {
  const int64_t W = c.width, n = c.outs * c.fanin;
  for (int64_t e = 0; e < n; ++e) {
    const float *__restrict w = s.w.data() + s.row[e] * W;
    float *__restrict o = s.out.data() + s.dst[e] * W;
    for (int64_t k = 0; k < W; k += kLanes) {
      Vec a, b;
      std::memcpy(&a, o + k, sizeof a);
      std::memcpy(&b, w + k, sizeof b);
      a += b;
      std::memcpy(o + k, &a, sizeof a);
    }
  }
  return n * W;
}

/// For each output row q, in blocks of kBlock floats: acc = sum of its fanin
/// rows (registers), stored once; returns float adds.
int64_t gather(const Config &c, Shape &s) {
  const int64_t W = c.width;
  for (int64_t q = 0; q < c.outs; ++q) {
    const int32_t *rows = s.row.data() + q * c.fanin;
    for (int64_t k = 0; k < W; k += kBlock) {
      Vec a0 = {}, a1 = {}, a2 = {}, a3 = {};
      for (int64_t e = 0; e < c.fanin; ++e) {
        const float *w = s.w.data() + rows[e] * W + k;
        Vec b0, b1, b2, b3;
        std::memcpy(&b0, w, sizeof b0);
        std::memcpy(&b1, w + kLanes, sizeof b1);
        std::memcpy(&b2, w + 2 * kLanes, sizeof b2);
        std::memcpy(&b3, w + 3 * kLanes, sizeof b3);
        a0 += b0;
        a1 += b1;
        a2 += b2;
        a3 += b3;
      }
      float *o = s.out.data() + q * W + k;
      std::memcpy(o, &a0, sizeof a0);
      std::memcpy(o + kLanes, &a1, sizeof a1);
      std::memcpy(o + 2 * kLanes, &a2, sizeof a2);
      std::memcpy(o + 3 * kLanes, &a3, sizeof a3);
    }
  }
  return c.outs * c.fanin * W;
}

/// CPU seconds of the calling thread: the rates below divide by it, so that
/// other processes on a shared machine slow the wall clock but not the rate
/// per core (cache and memory bandwidth are still shared).
double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) +
         1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Float adds per CPU second of `kernel`, summed over `threads` threads, each
/// on its own copy of the shape (as the runtime's workers), each running for
/// at least c.seconds of CPU time.
double rate(const Config &c, int threads,
            int64_t (*kernel)(const Config &, Shape &)) {
  std::vector<double> adds(threads, 0.0);
  std::atomic<int> ready{0};
  auto work = [&](int id) {
    Shape s = makeShape(c, 17u + id);
    kernel(c, s); // warm-up: page in, fill caches
    ready.fetch_add(1);
    while (ready.load() < threads) {
    }
    const double t0 = threadSeconds();
    double done = 0, dt = 0;
    do {
      done += static_cast<double>(kernel(c, s));
      dt = threadSeconds() - t0;
    } while (dt < c.seconds);
    adds[id] = done / dt;
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back(work, i);
  work(0);
  for (auto &t : pool)
    t.join();
  double total = 0;
  for (double a : adds)
    total += a;
  return total;
}

bool parse(int argc, char **argv, Config *c) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    double v = std::atof(argv[i + 1]);
    if (a == "--width")
      c->width = static_cast<int64_t>(v);
    else if (a == "--rows")
      c->rows = static_cast<int64_t>(v);
    else if (a == "--outs")
      c->outs = static_cast<int64_t>(v);
    else if (a == "--fanin")
      c->fanin = static_cast<int64_t>(v);
    else if (a == "--threads")
      c->threads = static_cast<int>(v);
    else if (a == "--seconds")
      c->seconds = v;
    else
      return false;
  }
  return (argc % 2) == 1 && c->width > 0 && c->width % kBlock == 0 &&
         c->rows > 0 && c->outs > 0 && c->fanin > 0 && c->threads > 0;
}

} // namespace

int main(int argc, char **argv) {
  Config c;
  if (!parse(argc, argv, &c)) {
    std::fprintf(stderr,
                 "usage: snnc-roofline [--width N (multiple of %d)] [--rows "
                 "N] [--outs N] [--fanin N] [--threads N] [--seconds S]\n",
                 kBlock);
    return 2;
  }
  // One JSON line per kernel and thread count: the benchmark script reads it.
  for (int threads : {1, c.threads}) {
    double s = rate(c, threads, scatter), g = rate(c, threads, gather);
    std::printf("{\"isa\": \"%s\", \"width\": %lld, \"rows\": %lld, "
                "\"weight_mib\": %.2f, \"threads\": %d, "
                "\"scatter_adds_per_s\": %.4g, \"scatter_gb_per_s\": %.4g, "
                "\"gather_adds_per_s\": %.4g, \"gather_gb_per_s\": %.4g}\n",
                kIsa, static_cast<long long>(c.width),
                static_cast<long long>(c.rows),
                c.rows * c.width * 4.0 / (1 << 20), threads, s, s * 12.0 / 1e9,
                g, g * 4.0 / 1e9);
    if (c.threads == 1)
      break;
  }
  return 0;
}

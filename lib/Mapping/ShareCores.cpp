//===- ShareCores.cpp - pack blocks of several layers into one core -------===//
//
// With mapping.share_cores a core may hold blocks of several populations.
// The partitioner still cuts every population into blocks on its own (the
// block shapes settle fan-in and fan-out together); this step then packs
// those blocks into physical cores, first fit with the largest block first
// (largest = the highest fraction of any per-core limit it uses), wherever
// the summed usage fits every limit. Summing is safe: a core's distinct
// source neurons (fan-in axons) and the destination cores of its neurons
// (fan-out axons) are at most the sums over its blocks, so a packed core
// never breaks a limit that its blocks kept. It can be pessimistic (two
// blocks reading one source neuron count it twice); the shared lower bound
// (PartitionBounds.cpp) is what the result is measured against.
//
//===----------------------------------------------------------------------===//

#include "BlockUsage.h"

#include <algorithm>
#include <numeric>

namespace snnc {
namespace mapping {

using namespace detail;

namespace {

/// Open cores a block is tried against (first fit over all of them up to
/// this many).
constexpr size_t kScan = 8192;

} // namespace

void shareCores(const HardwareModel &hw, Mapping *mapping) {
  std::vector<Core> &cores = mapping->cores;
  int n = int(cores.size());
  for (int c = 0; c < n; ++c)
    cores[c].physical = c;
  mapping->physicalCores = n;
  if (!hw.shareCores)
    return;
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> size(n);
  for (int c = 0; c < n; ++c)
    size[c] = fullness(hw, cores[c].usage);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return size[a] > size[b]; });
  std::vector<CoreUsage> used; // per physical core
  std::vector<int> firstBlock; // the block whose index names it
  std::vector<int> physicalOf(n);
  for (int c : order) {
    int64_t have = 0, limit = 0;
    // Scan the most recent kScan cores only: linear time on huge mappings.
    size_t bin = used.size() > kScan ? used.size() - kScan : 0;
    for (; bin < used.size(); ++bin)
      if (violation(hw, plus(used[bin], cores[c].usage), &have, &limit).empty())
        break;
    if (bin == used.size()) {
      used.push_back(CoreUsage());
      firstBlock.push_back(c);
    }
    used[bin] = plus(used[bin], cores[c].usage);
    firstBlock[bin] = std::min(firstBlock[bin], c);
    physicalOf[c] = int(bin);
  }
  for (int c = 0; c < n; ++c)
    cores[c].physical = firstBlock[physicalOf[c]];
  mapping->physicalCores = int64_t(used.size());
}

} // namespace mapping
} // namespace snnc

// Builds the index of N mixed indicators (default 1,000,000) streaming them one by one (as a feed
// reader would) and prints the build time, the index's own byte count and the process's peak RSS.
// Usage: match_index_probe [N]    (run under /usr/bin/time -v for the kernel's view of RSS)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "mixed_indicators.h"
#include "onus/match/indicator_index.h"

namespace {
using onus::match::bench::PeakRssKb;
}  // namespace

int main(int argc, char** argv) {
  using namespace onus::match;
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  long before = PeakRssKb();
  auto t0 = std::chrono::steady_clock::now();
  IndicatorIndex::Builder b;
  bench::AddMixedIndicators(b, n);
  auto t1 = std::chrono::steady_clock::now();
  auto idx = b.Build();
  auto t2 = std::chrono::steady_clock::now();
  if (!idx.ok()) {
    std::fprintf(stderr, "%s\n", idx.status().ToString().c_str());
    return 1;
  }
  double add_s = std::chrono::duration<double>(t1 - t0).count();
  double build_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf("indicators %zu entries %zu rejected %zu add+normalise %.3f s build %.3f s total %.3f s "
              "index_bytes %.1f MB peak_rss %.1f MB (before %.1f MB)\n",
              (*idx)->indicator_count(), (*idx)->entry_count(), (*idx)->rejected(), add_s, build_s, add_s + build_s,
              (*idx)->MemoryBytes() / 1e6, PeakRssKb() / 1e3, before / 1e3);
  return 0;
}

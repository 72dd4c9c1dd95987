// Index file probe: builds the index of N mixed indicators (default 1,000,000; mixed_indicators.h),
// writes it with WriteCompiledIntel, reads it back with ReadCompiledIntel (from the page cache) and
// checks that every entry's lookup and a million random probes answer the same. Prints CPU seconds
// (user+sys, getrusage) and wall seconds of each step, with two baselines from the same run: the
// build from values (what the file replaces) and a plain read() of the file into one buffer (the
// floor any loader pays).
// Usage: match_index_file_probe [N] [PATH]       (PATH default /tmp/onus_index_file_probe.idx)
//        match_index_file_probe --load PATH      (only load; for the loader's own peak RSS)
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "mixed_indicators.h"
#include "onus/match/index_file.h"

namespace {

using namespace onus::match;

struct Clock {
  double cpu, wall;
  static Clock Now() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    return {cpu, wall};
  }
  Clock operator-(const Clock& o) const { return {cpu - o.cpu, wall - o.wall}; }
};

using onus::match::bench::PeakRssKb;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The floor: read() the whole file into one buffer (kept by the caller, so freeing it is not timed,
// as the loaded index is not freed inside its timing either).
size_t ReadAll(const std::string& path, std::string& buf) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  buf.resize(static_cast<size_t>(::lseek(fd, 0, SEEK_END)));
  ::lseek(fd, 0, SEEK_SET);
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t r = ::read(fd, buf.data() + got, buf.size() - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  return got;
}

// Entries' own values and random probes, answered identically by both indexes.
bool SameAnswers(const IndicatorIndex& a, const IndicatorIndex& b, size_t& probes) {
  if (a.entry_count() != b.entry_count() || a.indicator_count() != b.indicator_count()) return false;
  MatchScratch sa, sb;
  auto same = [](std::span<const uint32_t> x, std::span<const uint32_t> y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  };
  auto addr = [&](const onus::IpAddress& ip) {
    std::vector<uint32_t> x, y;
    a.ForEachAddrMatch(ip, [&](uint32_t e) { x.push_back(e); });
    b.ForEachAddrMatch(ip, [&](uint32_t e) { y.push_back(e); });
    ++probes;
    return x == y;
  };
  auto domain = [&](std::string_view n) {
    std::vector<uint32_t> x, y;
    a.ForEachDomainMatch(n, sa, [&](uint32_t e) { x.push_back(e); });
    b.ForEachDomainMatch(n, sb, [&](uint32_t e) { y.push_back(e); });
    ++probes;
    return x == y;
  };
  for (uint32_t e = 0; e < a.entry_count(); ++e) {
    const IndexEntry& x = a.entry(e);
    const IndexEntry& y = b.entry(e);
    if (x.indicator != y.indicator || x.type != y.type || x.scope != y.scope || a.entry_value(e) != b.entry_value(e) ||
        a.indicator_id(x.indicator) != b.indicator_id(y.indicator) ||
        a.indicator_source(x.indicator) != b.indicator_source(y.indicator))
      return false;
    std::string_view v = a.entry_value(e);
    bool ok = true;
    switch (x.type) {
      case ValueType::kAddr: {
        auto c = onus::Cidr::Parse(v);
        ok = c.ok() && addr(c->network());
        break;
      }
      case ValueType::kDomain: ok = domain(v) && domain(std::string("www.") + std::string(v)); break;
      default:
        ok = same(a.LookupValue(x.type, v, sa), b.LookupValue(x.type, v, sb));
        ++probes;
    }
    if (!ok) return false;
  }
  std::mt19937_64 rng(99);
  for (int i = 0; i < 1000000; ++i)
    if (!addr(onus::IpAddress::FromV4(static_cast<uint32_t>(rng())))) return false;
  return true;
}

int LoadOnly(const std::string& path) {
  Clock t0 = Clock::Now();
  auto loaded = ReadCompiledIntel(path);
  Clock d = Clock::Now() - t0;
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
    return 1;
  }
  std::printf("load cpu %.3f s wall %.3f s entries %zu peak_rss %.1f MB\n", d.cpu, d.wall,
              loaded->intel.index->entry_count(), PeakRssKb() / 1e3);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--load") == 0) return LoadOnly(argv[2]);
  size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  std::string path = argc > 2 ? argv[2] : "/tmp/onus_index_file_probe.idx";

  Clock t0 = Clock::Now();
  IndicatorIndex::Builder b;
  bench::AddMixedIndicators(b, n);
  auto idx = b.Build();
  Clock build = Clock::Now() - t0;
  if (!idx.ok()) {
    std::fprintf(stderr, "%s\n", idx.status().ToString().c_str());
    return 1;
  }
  CompiledIntel intel;
  intel.index = *idx;
  std::vector<IndexFileSection> extra = {{"feeds.sha256", std::string(64, '0')}};

  std::vector<double> write_cpu, write_wall, read_cpu, read_wall, load_cpu, load_wall;
  std::shared_ptr<const IndicatorIndex> loaded;
  size_t file_bytes = 0;
  for (int rep = 0; rep < 3; ++rep) {
    Clock w0 = Clock::Now();
    onus::Status st = WriteCompiledIntel(intel, extra, path);
    Clock w = Clock::Now() - w0;
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
    write_cpu.push_back(w.cpu);
    write_wall.push_back(w.wall);
    std::string floor_buf;
    Clock r0 = Clock::Now();
    file_bytes = ReadAll(path, floor_buf);
    Clock r = Clock::Now() - r0;
    read_cpu.push_back(r.cpu);
    read_wall.push_back(r.wall);
    loaded.reset();
    Clock l0 = Clock::Now();
    auto l = ReadCompiledIntel(path);
    Clock ld = Clock::Now() - l0;
    if (!l.ok()) {
      std::fprintf(stderr, "%s\n", l.status().ToString().c_str());
      return 1;
    }
    load_cpu.push_back(ld.cpu);
    load_wall.push_back(ld.wall);
    loaded = l->intel.index;
  }
  size_t probes = 0;
  bool same = SameAnswers(**idx, *loaded, probes);
  double lc = Median(load_cpu);
  std::printf("indicators %zu entries %zu file %.1f MB index_bytes %.1f MB\n", (*idx)->indicator_count(),
              (*idx)->entry_count(), file_bytes / 1e6, (*idx)->MemoryBytes() / 1e6);
  std::printf("build (baseline)   cpu %.3f s wall %.3f s\n", build.cpu, build.wall);
  std::printf("write              cpu %.3f s wall %.3f s (median of 3)\n", Median(write_cpu), Median(write_wall));
  std::printf("read() floor       cpu %.3f s wall %.3f s (median of 3)\n", Median(read_cpu), Median(read_wall));
  std::printf("load               cpu %.3f s wall %.3f s (median of 3): %.1fx the read() floor, build/load %.1fx\n", lc,
              Median(load_wall), lc / std::max(Median(read_cpu), 1e-6), build.cpu / std::max(lc, 1e-6));
  std::printf("compare            %s over %zu lookups\n", same ? "identical" : "DIFFERENT", probes);
  return same ? 0 : 1;
}

// Kernels of the compiled indicator index, each with its baseline in the same run:
//   BM_FloorHashSet   — pcap_floor's kernel: std::unordered_set<uint32_t> of 1,000,000 IPv4 values
//   BM_AddrLookup     — IndicatorIndex::ForEachAddrMatch (exact table + CIDR ranges) on the same mix
//   BM_DomainLookup   — ForEachDomainMatch (exact + zone walk) on 4-label names
//   BM_HashLookup     — LookupValue(kSha256, hex text)
//   BM_Build          — building the index of 1,000,000 mixed indicators
// Lookups probe a fixed mix of hits (1 in 16) and misses, so the ratio to the floor is like for like.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <unordered_set>

#include "mixed_indicators.h"
#include "onus/match/indicator_index.h"

namespace {

using namespace onus::match;
constexpr size_t kN = 1000000;

const std::vector<IndicatorSpec>& Specs() {
  static auto* s = new std::vector<IndicatorSpec>(bench::MixedIndicators(kN));
  return *s;
}

std::shared_ptr<const IndicatorIndex> Index() {
  static std::shared_ptr<const IndicatorIndex> idx = [] {
    IndicatorIndex::Builder b;
    for (const auto& s : Specs()) b.Add(s);
    return b.Build().value();
  }();
  return idx;
}

std::vector<uint32_t> Probes() {
  std::vector<uint32_t> p;
  std::mt19937 rng(99);
  std::vector<uint32_t> hits;
  for (const auto& s : Specs())
    if (s.values[0].type == ValueType::kAddr && s.values[0].value.find('/') == std::string::npos)
      hits.push_back(onus::IpAddress::Parse(s.values[0].value).value().v4());
  for (size_t i = 0; i < 65536; ++i) p.push_back(i % 16 == 0 ? hits[rng() % hits.size()] : rng());
  return p;
}

void BM_FloorHashSet(benchmark::State& state) {
  std::unordered_set<uint32_t> set;
  std::mt19937 rng(7);
  set.reserve(kN);
  for (const auto& s : Specs())
    if (s.values[0].type == ValueType::kAddr && s.values[0].value.find('/') == std::string::npos)
      set.insert(onus::IpAddress::Parse(s.values[0].value).value().v4());
  while (set.size() < kN) set.insert(rng());
  auto probes = Probes();
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += set.count(probes[i++ & 65535]);
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FloorHashSet);

void BM_AddrLookup(benchmark::State& state) {
  auto idx = Index();
  auto probes = Probes();
  std::vector<onus::IpAddress> addrs;
  for (uint32_t p : probes) addrs.push_back(onus::IpAddress::FromV4(p));
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    idx->ForEachAddrMatch(addrs[i++ & 65535], [&](uint32_t) { ++hits; });
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddrLookup);

void BM_DomainLookup(benchmark::State& state) {
  auto idx = Index();
  std::vector<std::string> names;
  std::mt19937_64 rng(5);
  for (const auto& s : Specs())
    if (s.values[0].type == ValueType::kDomain && names.size() < 4096) names.push_back("www." + s.values[0].value);
  for (int i = 0; i < 4096 * 15; ++i) names.push_back("www.h" + bench::Hex(rng, 5) + ".example.com");
  std::shuffle(names.begin(), names.end(), std::mt19937(3));
  MatchScratch scratch;
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    idx->ForEachDomainMatch(names[i++ % names.size()], scratch, [&](uint32_t) { ++hits; });
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DomainLookup);

void BM_HashLookup(benchmark::State& state) {
  auto idx = Index();
  std::vector<std::string> hashes;
  std::mt19937_64 rng(11);
  for (const auto& s : Specs())
    if (s.values[0].type == ValueType::kSha256 && hashes.size() < 4096) hashes.push_back(s.values[0].value);
  for (int i = 0; i < 4096 * 15; ++i) hashes.push_back(bench::Hex(rng, 32));
  MatchScratch scratch;
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    hits += idx->LookupValue(ValueType::kSha256, hashes[i++ % hashes.size()], scratch).size();
  }
  benchmark::DoNotOptimize(hits);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashLookup);

void BM_Build(benchmark::State& state) {
  const auto& specs = Specs();
  for (auto _ : state) {
    IndicatorIndex::Builder b;
    for (const auto& s : specs) b.Add(s);
    auto idx = b.Build();
    benchmark::DoNotOptimize(idx);
  }
  state.SetItemsProcessed(state.iterations() * specs.size());
}
BENCHMARK(BM_Build)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();

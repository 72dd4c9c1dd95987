// Shared by the match benchmarks: 1,000,000 mixed indicators, generated deterministically: 40% IPv4 addresses,
// 10% IPv4 CIDRs (/16../28), 25% domain names (a tenth of them zones), 10% SHA-256, 5% MD5,
// 5% SHA-1, 5% JA3.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "onus/match/indicator.h"
#include "onus/match/indicator_index.h"

namespace onus::match::bench {

// Peak resident memory of this process (VmHWM), KiB; -1 when unknown.
inline long PeakRssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

inline std::string Hex(std::mt19937_64& rng, int bytes) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < bytes; ++i) {
    uint8_t b = static_cast<uint8_t>(rng());
    s.push_back(k[b >> 4]);
    s.push_back(k[b & 15]);
  }
  return s;
}

inline std::string V4(uint32_t a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  return buf;
}

// The i-th indicator's single value.
inline ValueSpec MixedValue(std::mt19937_64& rng, size_t i) {
  ValueSpec v;
  unsigned bucket = static_cast<unsigned>(i % 20);
  if (bucket < 8) {
    v.type = ValueType::kAddr;
    v.value = V4(static_cast<uint32_t>(rng()));
  } else if (bucket < 10) {
    v.type = ValueType::kAddr;
    int len = 16 + static_cast<int>(rng() % 13);
    v.value = V4(static_cast<uint32_t>(rng())) + "/" + std::to_string(len);
  } else if (bucket < 15) {
    v.type = ValueType::kDomain;
    v.value = "h" + Hex(rng, 5) + ".d" + Hex(rng, 4) + (rng() % 2 ? ".com" : ".net");
    v.scope = bucket == 14 ? DomainScope::kZone : DomainScope::kExact;
  } else if (bucket < 17) {
    v.type = ValueType::kSha256;
    v.value = Hex(rng, 32);
  } else if (bucket < 18) {
    v.type = ValueType::kMd5;
    v.value = Hex(rng, 16);
  } else if (bucket < 19) {
    v.type = ValueType::kSha1;
    v.value = Hex(rng, 20);
  } else {
    v.type = ValueType::kJa3;
    v.value = Hex(rng, 16);
  }
  return v;
}

// Streams n mixed indicators into a builder one by one (as `onus hunt` feeds it), without holding
// them all.
inline void AddMixedIndicators(IndicatorIndex::Builder& b, size_t n, uint64_t seed = 7) {
  std::mt19937_64 rng(seed);
  IndicatorSpec s;
  s.source = "identity--bench";
  s.grade = "C3";
  for (size_t i = 0; i < n; ++i) {
    s.id = "indicator--" + std::to_string(i);
    s.values.assign(1, MixedValue(rng, i));
    b.Add(s);
  }
}

inline std::vector<IndicatorSpec> MixedIndicators(size_t n, uint64_t seed = 7) {
  std::mt19937_64 rng(seed);
  std::vector<IndicatorSpec> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    IndicatorSpec s;
    s.id = "indicator--" + std::to_string(i);
    s.source = "identity--bench";
    s.grade = "C3";
    s.values.push_back(MixedValue(rng, i));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace onus::match::bench

// The behaviour analyzer: per-pair compact state while observations stream in, scoring at Finish().
#include "onus/analytics/analyzer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "names.h"
#include "onus/analytics/rita.h"
#include "onus/core/hash.h"
#include "sketch.h"

namespace onus::analytics {

std::string_view FindingKindName(FindingKind k) {
  switch (k) {
    case FindingKind::kBeacon:
      return "beacon";
    case FindingKind::kStrobe:
      return "strobe";
    case FindingKind::kLongConnection:
      return "long-connection";
    case FindingKind::kDnsC2:
      return "dns-c2";
    case FindingKind::kDynamicDns:
      return "dynamic-dns";
    case FindingKind::kRareDestination:
      return "rare-destination";
    case FindingKind::kExfilUpload:
      return "exfil-upload";
  }
  return "beacon";
}

bool ParseFindingKind(std::string_view name, FindingKind& out) {
  for (FindingKind k : {FindingKind::kBeacon, FindingKind::kStrobe, FindingKind::kLongConnection, FindingKind::kDnsC2,
                        FindingKind::kDynamicDns, FindingKind::kRareDestination, FindingKind::kExfilUpload}) {
    if (FindingKindName(k) == name) {
      out = k;
      return true;
    }
  }
  return false;
}

std::string SeverityForScore(double score) {
  if (score >= 0.9) return "critical";
  if (score >= 0.8) return "high";
  if (score >= 0.6) return "medium";
  return "low";
}

Status AnalyticsConfig::Validate() const {
  auto rita =
      rita::GetBeaconScore(1, weights.timestamp, 1, weights.data_size, 1, weights.duration, 1, weights.histogram);
  if (!rita.ok()) return Status::InvalidArgument("analytics weights: " + rita.status().message());
  if (unique_connection_threshold < 4)
    return Status::InvalidArgument("unique_connection_threshold must be at least 4 (RITA's timestamp score needs 4)");
  if (duration_min_hours_seen < 1 || duration_ideal_hours_seen < 1)
    return Status::InvalidArgument("duration hour thresholds must be at least 1");
  if (!(histogram_mode_sensitivity > 0 && histogram_mode_sensitivity <= 1))
    return Status::InvalidArgument("histogram_mode_sensitivity must be in (0,1]");
  if (beacon_min_score < 0 || beacon_min_score > 1) return Status::InvalidArgument("beacon_min_score must be in [0,1]");
  if (!(unnamed_destination_increase >= 0 && unnamed_destination_increase <= 1))
    return Status::InvalidArgument("unnamed_destination_increase must be in [0,1]");
  if (strobe_connections_per_day < 2) return Status::InvalidArgument("strobe_connections_per_day must be >= 2");
  if (!(long_connection_seconds > 0)) return Status::InvalidArgument("long_connection_seconds must be positive");
  if (!(rare_max_share > 0 && rare_max_share <= 1)) return Status::InvalidArgument("rare_max_share must be in (0,1]");
  if (!(exfil_factor >= 1)) return Status::InvalidArgument("exfil_factor must be >= 1");
  if (!(cdn_score_factor >= 0 && cdn_score_factor <= 1))
    return Status::InvalidArgument("cdn_score_factor must be in [0,1]");
  if (multi_day_min_days < 2) return Status::InvalidArgument("multi_day_min_days must be >= 2");
  if (provenance_cap == 0) return Status::InvalidArgument("provenance_cap must be positive");
  if (exact_samples_per_pair < 32) return Status::InvalidArgument("exact_samples_per_pair must be >= 32");
  if (summary_sketch_k < 16 || summary_sketch_k > 4096)
    return Status::InvalidArgument("summary_sketch_k must be in [16, 4096]");
  for (const auto& z : dynamic_dns_zones) {
    if (NormalizeName(z).empty() || z.find('/') != std::string::npos)
      return Status::InvalidArgument("dynamic_dns_zones: '" + z + "' is not a domain name");
  }
  for (const auto& c : internal_subnets) (void)c;
  ONUS_RETURN_IF_ERROR(NameList::Parse(allow, "allow").status());
  ONUS_RETURN_IF_ERROR(NameList::Parse(always, "always").status());
  ONUS_RETURN_IF_ERROR(NameList::Parse(cdn_destinations, "cdn_destinations").status());
  return Status::Ok();
}

namespace {

using nlohmann::json;

constexpr int64_t kDay = 86400;
constexpr int64_t kBaseShift = int64_t{1} << 31;

// One connection as a pair keeps it: 20 bytes.
struct Sample {
  uint32_t sec = 0;     // seconds since the analyzer's base
  uint16_t ms = 0;      // millisecond within the second
  uint16_t input = 0;   // index into the analyzer's input table (0 = none)
  uint32_t record = 0;  // line or packet number (saturated)
  uint32_t bytes = 0;   // orig_ip_bytes (RITA's src_ip_bytes), or orig_bytes when the IP count is absent; saturated
  uint32_t uid = 0;     // 32-bit hash of the connection uid (0 = none): joins tls/http records to it
};
static_assert(sizeof(Sample) == 20);

// By time, then input and record: a function object (inlined by std::sort, unlike a function pointer).
struct SampleLessT {
  bool operator()(const Sample& a, const Sample& b) const {
    const uint64_t ka = (uint64_t{a.sec} << 32) | (uint64_t{a.ms} << 16) | a.input;
    const uint64_t kb = (uint64_t{b.sec} << 32) | (uint64_t{b.ms} << 16) | b.input;
    return ka != kb ? ka < kb : a.record < b.record;
  }
};
constexpr SampleLessT SampleLess{};

// Sorts a range that is sorted but for a few records (Zeek logs a connection when it ends, tls/http
// records as they come): insertion, linear on such input, falling back to std::sort when the records
// are far out of order. Records have distinct (time, input, record) keys, so the result is the order
// any sort gives.
template <typename It, typename Less>
void SortNearlySorted(It first, It last, Less less) {
  const auto n = last - first;
  std::ptrdiff_t budget = 8 * n + 64;
  for (It i = first + (n > 0 ? 1 : 0); i < last; ++i) {
    if (!less(*i, *(i - 1))) continue;
    auto x = std::move(*i);
    It j = i;
    for (; j > first && less(x, *(j - 1)); --j) *j = std::move(*(j - 1));
    *j = std::move(x);
    budget -= i - j;
    if (budget < 0) {
      std::sort(first, last, less);
      return;
    }
  }
}

struct DayCount {
  int32_t day;
  uint32_t count;
};

// Out-of-order tolerance of a summarised pair: its records are folded into the summary in batches
// (the exact-sample vector: `exact_samples_per_pair` long the first time, kSummaryBatch after)
// sorted by time, holding back the latest kReorder records for the next batch; a record older than
// the last folded one is "late": counted (day, hour, size) but contributes no interval.
constexpr size_t kReorder = 16;
constexpr size_t kSummaryBatch = 64;

// One UTC day of a summarised pair.
struct DaySummary {
  int32_t day = 0;
  uint32_t count = 0;          // records
  uint32_t nonzero = 0;        // intervals > 0 between consecutive records of the day (distinct timestamps - 1)
  double first = 0, last = 0;  // epoch seconds
  std::array<uint32_t, 24> hours{};
  SketchStat ts, ds;             // set when the day is closed
  std::vector<Sample> earliest;  // provenance: the day's earliest records
};

// Sizes of a sizes-only pair's open day buffered in the summary's first two cache lines (see FoldSize).
constexpr size_t kSizeBuf = 22;

// The fixed-size summary a pair switches to after `exact_samples_per_pair` records.
struct alignas(64) PairSummary {
  explicit PairSummary(uint32_t k) : day_iv(k), day_bytes(k), all_iv(k), all_bytes(k) {}
  // Hot part (sizes-only pairs, IpPair::sizes_only): records of the open day that change nothing but
  // its count, first/last time and size sketch are buffered here and applied to the day and the
  // sketch, in arrival order, kSizeBuf at a time or before anything else touches them (FlushSizes):
  // a record then touches these two lines only, not the day, its earliest records and the sketch.
  int32_t open_day = INT32_MIN;  // days.back().day once a record was folded
  uint8_t nbuf = 0;
  bool earliest_full = false;  // days.back().earliest holds provenance_cap records; `earliest_back` is its last
  Sample earliest_back;
  double buf_first = 0, buf_last = 0;  // earliest and latest time of the buffered records
  std::array<float, kSizeBuf> buf{};
  // Cold part.
  std::vector<DaySummary> days;  // by day; the last one is open until the next day or Finish
  QuantileSketch day_iv, day_bytes, all_iv, all_bytes;
  bool released_any = false, flushed = false;
  double last_t = 0;  // time of the last released record
  uint64_t late = 0, cross_nonzero = 0;
  size_t Bytes() const {
    size_t b = sizeof(PairSummary) + days.capacity() * sizeof(DaySummary) + day_iv.Bytes() + day_bytes.Bytes() +
               all_iv.Bytes() + all_bytes.Bytes();
    for (const auto& d : days) b += d.earliest.capacity() * sizeof(Sample);
    return b;
  }
};

// kNamed: a tls/http record named the pair's destination (SNI or Host); kTcp: a TCP connection.
// kDns: DNS (port 53 or service dns).
enum PairFlags : uint8_t { kTls = 1, kHttp = 2, kWebPort = 4, kUdp = 8, kNtp = 16, kNamed = 32, kTcp = 64, kDns = 128 };

// Laid out so that a record touches the first two cache lines only.
struct alignas(64) IpPair {
  IpAddress src, dst;
  // Exact samples: all of them (rita-compatible: up to the strobe cap per day); in default mode up to
  // `exact_samples_per_pair`, after which the vector is the batch being folded into `summary`.
  std::vector<Sample> samples;
  std::unique_ptr<PairSummary> summary;
  uint64_t count = 0;
  double total_duration = 0, max_duration = 0;
  uint64_t total_orig = 0, total_resp = 0;
  uint32_t first_sec = UINT32_MAX, last_sec = 0;  // earliest and latest connection start
  uint16_t first_ms = 0, last_ms = 0;
  uint32_t top_bytes = 0;
  uint16_t resp_p = 0;
  uint8_t flags = 0;
  bool ignored = false;  // allow-listed destination
  // Default mode, internal destination: never scored as an address pair, kept only as the connection
  // partner of names (SNI/Host via an internal proxy): past the exact cap its summary holds sizes only.
  bool sizes_only = false;
  Sample longest;              // the connection with the longest duration (provenance for long connections)
  Sample top;                  // the largest upload
  std::vector<DayCount> days;  // rita-compatible only: records per day
};

// A vector of pairs in fixed chunks of 1024: appending never moves the pairs already there (a
// std::vector of 150 k+ 192-byte pairs copies them, and faults in fresh pages for the copy, at every
// doubling), and references stay valid. Index i is in chunk i / 1024.
template <typename T>
class ChunkedVector {
 public:
  static constexpr size_t kShift = 10, kChunk = size_t{1} << kShift;
  T& operator[](size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  size_t capacity() const { return chunks_.size() * kChunk; }
  T& emplace_back() {
    if (n_ == capacity()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[n_++];
  }
  T& back() { return (*this)[n_ - 1]; }
  template <typename V, typename C>
  struct Iter {
    C* c;
    size_t i;
    V& operator*() const { return (*c)[i]; }
    Iter& operator++() {
      ++i;
      return *this;
    }
    bool operator!=(const Iter& o) const { return i != o.i; }
  };
  Iter<T, ChunkedVector> begin() { return {this, 0}; }
  Iter<T, ChunkedVector> end() { return {this, n_}; }
  Iter<const T, const ChunkedVector> begin() const { return {this, 0}; }
  Iter<const T, const ChunkedVector> end() const { return {this, n_}; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t n_ = 0;
};

struct NameSample {
  uint32_t sec = 0;
  uint16_t ms = 0;
  uint16_t input = 0;
  uint32_t record = 0;
  uint32_t ip_pair = 0;  // index+1 of the (src, resp_h) pair; 0 when that pair is not tracked
  uint32_t uid = 0;
};

struct alignas(64) NamePair {
  IpAddress src;
  uint32_t name = 0;                     // interned
  std::vector<NameSample> samples;       // exact, up to the exact cap (default mode)
  std::unique_ptr<PairSummary> summary;  // default mode, after the exact cap: timed by the name records
  struct Via {
    IpAddress dst;
    uint32_t ip_pair = 0;  // index+1
    uint32_t n = 0;        // records
  };
  std::array<Via, 4> via{};  // the first 4 addresses the name was seen on
  uint32_t last_uid = 0;     // summary: consecutive records of one connection (HTTP keep-alive) count once
  uint8_t flags = 0;
};

struct NameInfo {  // per interned name, computed once
  bool address = false, allowed = false, dynamic = false;
};

struct DnsParent {
  std::unordered_set<uint64_t> subdomains;  // hashes of distinct query names (capped)
  bool capped = false;
  uint64_t queries = 0;
  std::vector<std::pair<IpAddress, uint64_t>> sources;  // up to 8 querying sources with counts
  std::vector<Sample> first;                            // earliest queries (provenance)
  uint32_t min_sec = UINT32_MAX, max_sec = 0;
};

struct DynName {  // (src, dynamic-DNS name): DNS lookups and named connections
  IpAddress src;
  uint32_t name = 0;
  uint64_t lookups = 0, connections = 0;
  std::vector<Sample> first;
  uint32_t min_sec = UINT32_MAX, max_sec = 0;
  std::vector<uint32_t> ip_pairs;  // tracked pairs this name was seen on (index+1)
};

struct PairKey {
  IpAddress a, b;
  bool operator==(const PairKey& o) const { return a == o.a && b == o.b; }
};
inline void AddrWords(const IpAddress& a, uint64_t w[2]) { std::memcpy(w, a.bytes().data(), 16); }
inline bool SameAddr(const IpAddress& a, const IpAddress& b) {
  uint64_t x[2], y[2];
  AddrWords(a, x);
  AddrWords(b, y);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}
// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. The indexes use the low
// bits for the slot and the high 32 as the tag, so both halves must be well mixed (a single
// multiply-xorshift left IPv4 pairs, whose words are mostly constant, with 3 pairs per tag on average
// and long probe chains).
inline uint64_t Mix(uint64_t h) { return Fmix64(h); }
inline uint64_t AddrHash(const IpAddress& a) {
  uint64_t w[2];
  AddrWords(a, w);
  return Mix(w[0] * 0x9E3779B97F4A7C15ull ^ w[1]);
}
struct PairKeyHash {
  size_t operator()(const PairKey& k) const noexcept {
    uint64_t a[2], b[2];
    AddrWords(k.a, a);
    AddrWords(k.b, b);
    return Mix(Mix(a[0] * 0x9E3779B97F4A7C15ull ^ a[1]) * 0xC2B2AE3D27D4EB4Full ^
               (b[0] * 0x165667B19E3779F9ull ^ b[1]));
  }
};
struct NameKey {
  IpAddress a;
  uint32_t name;
  bool operator==(const NameKey& o) const { return a == o.a && name == o.name; }
};
struct NameKeyHash {
  size_t operator()(const NameKey& k) const noexcept { return IpAddressHash{}(k.a) * 31 + k.name; }
};

// A 64-bit hash of a short string (uids, DNS names, answer texts) eight bytes at a time: FNV-1a's
// byte-at-a-time multiply chain cost ~4 cycles a byte on every record. Not cryptographic.
inline uint64_t HashText(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (s.size() * 0xC2B2AE3D27D4EB4Full);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
  }
  if (i < s.size()) {  // the tail: the last 8 bytes (overlapping) when there are 8, else byte by byte
    uint64_t w = 0;
    if (s.size() >= 8) {
      std::memcpy(&w, s.data() + s.size() - 8, 8);
    } else {
      for (size_t k = 0; k < s.size(); ++k) w |= uint64_t{static_cast<unsigned char>(s[k])} << (8 * k);
    }
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
  }
  return Fmix64(h);
}

inline void KeepEarliest(std::vector<Sample>& v, const Sample& s, size_t cap) {
  if (v.size() < cap) {
    v.insert(std::upper_bound(v.begin(), v.end(), s, SampleLess), s);
  } else if (SampleLess(s, v.back())) {
    v.pop_back();
    v.insert(std::upper_bound(v.begin(), v.end(), s, SampleLess), s);
  }
}

std::string DayLabel(int64_t day_start_sec) {
  return FormatRfc3339(Timestamp::FromSeconds(day_start_sec), 0).substr(0, 10);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

bool DefaultInternal(const IpAddress& a) {
  static const std::vector<Cidr> kPrivate = [] {
    std::vector<Cidr> v;
    for (const char* s : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7",
                          "fe80::/10", "::1/128"}) {
      v.push_back(*Cidr::Parse(s));
    }
    return v;
  }();
  for (const auto& c : kPrivate)
    if (c.Contains(a)) return true;
  return false;
}

// Multicast and broadcast destinations are not peers (mDNS, router solicitations, NetBIOS...).
bool IsMulticastOrBroadcast(const IpAddress& a) {
  if (a.is_v4()) {
    const uint32_t v = a.v4();
    return (v >> 28) == 0xE || v == 0xFFFFFFFFu;
  }
  return a.bytes()[0] == 0xFF;
}

// A window's beacon scores (RITA's four sub-scores and what lies behind them).
struct BeaconEval {
  bool ok = false;
  std::string why_not;
  double score = 0, ts = 0, ds = 0, dur = 0, hist = 0;
  rita::SeriesScore ts_detail, ds_detail;
  rita::DurationScore dur_detail;
  int32_t total_bars = 0, longest_run = 0, bins = 0;
  size_t unique_ts = 0;
};

}  // namespace

struct Analyzer::Impl {
  AnalyticsConfig cfg;
  NameList allow, always, cdn;
  std::vector<std::string> dyn_zones;
  AnalyzerStats stats;

  bool have_base = false;
  int64_t base = 0;  // epoch seconds of sample offset 0
  int64_t min_conn_sec = std::numeric_limits<int64_t>::max(), max_conn_sec = std::numeric_limits<int64_t>::min();
  double min_conn_f = 0, max_conn_f = 0;

  std::vector<const ingest::InputInfo*> inputs{nullptr};
  std::vector<bool> input_packets{false};
  std::unordered_map<const ingest::InputInfo*, uint16_t> input_index;
  const ingest::InputInfo* last_input = nullptr;  // one-entry cache of input_index
  uint16_t last_input_id = 0;

  // Open-addressing index of `pairs`: slot = (upper 32 bits of the pair hash << 32) | (index + 1),
  // 0 = empty; the key itself is checked in pairs[index] (one probe array, no nodes). Load <= 1/2.
  std::vector<uint64_t> pair_slots;
  ChunkedVector<IpPair> pairs;
  std::unordered_map<std::string, uint32_t> name_index;
  std::vector<std::string> names;
  std::vector<NameInfo> name_info;
  std::string name_buf;              // reused: normalised names without an allocation per record
  std::vector<uint64_t> name_slots;  // open-addressing index of name_pairs (see NamePairIndexOf)
  std::vector<NamePair> name_pairs;
  std::unordered_map<std::string, DnsParent> dns_parents;
  // Direct-mapped cache of DNS query names (by 64-bit hash): whether the name is dynamic, allow-listed,
  // skipped, and its parent's entry (unordered_map nodes are stable).
  struct DnsNameCache {
    uint64_t hash = 0;
    bool valid = false, dynamic = false, allowed = false, skip = false;
    DnsParent* parent = nullptr;
  };
  std::vector<DnsNameCache> dns_cache = std::vector<DnsNameCache>(8192);
  std::unordered_map<NameKey, uint32_t, NameKeyHash> dyn_index;
  std::vector<DynName> dyn_names;
  std::unordered_map<IpAddress, uint32_t> dyn_addresses;  // address -> dynamic name resolved to it
  // Unnamed destinations: addresses any DNS answer in the data pointed at, and the internal sources
  // whose DNS lookups are visible (capped; beyond the cap the modifier is not applied).
  std::unordered_set<IpAddress> answered_addresses;
  std::unordered_set<IpAddress> dns_clients;
  bool answered_capped = false;
  // Internal DNS servers: internal addresses that internal clients send DNS queries to.
  std::unordered_set<IpAddress> internal_resolvers;
  struct DnsPeer {
    IpAddress src, dst;
    bool valid = false;
  };
  std::vector<DnsPeer> dns_peer_cache = std::vector<DnsPeer>(4096);
  // Direct-mapped cache of IsInternal (4096 addresses).
  struct InternalCache {
    IpAddress addr;
    int8_t state = -1;  // -1 empty, 0 external, 1 internal
  };
  std::vector<InternalCache> internal_cache = std::vector<InternalCache>(4096);
  struct AnswerText {
    char text[47];
    uint8_t len = 0xFF;  // 0xFF: empty
  };
  std::vector<AnswerText> answer_cache = std::vector<AnswerText>(4096);  // answer texts already in the set
  // The (proto, service) -> pair flags mapping of the distinct values seen: each entry keyed by the
  // two lengths and the first 8 bytes of each string (integer compares), the rest compared on a match.
  struct ServiceEntry {
    std::string proto, service;
    uint64_t lens = 0, proto8 = 0, service8 = 0;
    uint8_t flags = 0;
  };
  static uint64_t Prefix8(const std::string& v) {
    uint64_t w = 0;
    if (v.size() >= 8) {
      std::memcpy(&w, v.data(), 8);
    } else {
      for (size_t k = 0; k < v.size(); ++k) w |= uint64_t{static_cast<unsigned char>(v[k])} << (8 * k);
    }
    return w;
  }
  std::vector<ServiceEntry> service_flags;  // distinct (proto, service) values seen, up to 64
  std::array<uint8_t, 256> service_slot{};  // direct-mapped by the key's hash: index + 1 into service_flags

  bool Summaries() const { return !cfg.rita_compatible; }
  // RITA's score with perfect timing, sizes and histogram but no duration (set in the constructor).
  double no_duration_bound = 1.0;
  // ... and with perfect timing, sizes and duration but no histogram.
  double no_histogram_bound = 1.0;
  // Scratch buffers of the scoring path (Finish runs on the analyzer's one thread).
  std::vector<Sample> scratch_batch;  // FoldNames
  mutable std::vector<double> scratch_dev, scratch_iv, scratch_sorted, scratch_edges, scratch_ts, scratch_bytes;

  // ---- ingestion ----

  // The index of the (src, dst) pair, created (with no samples) when absent.
  uint32_t PairIndexOf(const IpAddress& src, const IpAddress& dst, uint16_t resp_p) {
    const uint64_t h = PairKeyHash{}(PairKey{src, dst});
    const uint64_t tag = h >> 32;
    size_t mask = pair_slots.size() - 1;
    if (!pair_slots.empty()) {
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        const uint64_t slot = pair_slots[i];
        if (!slot) break;
        if ((slot >> 32) == tag) {
          const uint32_t idx = static_cast<uint32_t>(slot) - 1;
          if (SameAddr(pairs[idx].src, src) && SameAddr(pairs[idx].dst, dst)) return idx;
        }
      }
    }
    const uint32_t idx = static_cast<uint32_t>(pairs.size());
    pairs.emplace_back();
    pairs.back().src = src;
    pairs.back().dst = dst;
    pairs.back().resp_p = resp_p;
    pairs.back().ignored = allow.MatchesAddress(dst);
    pairs.back().sizes_only = Summaries() && IsInternal(dst);
    if ((pairs.size()) * 2 > pair_slots.size()) {  // grow and re-insert every pair
      pair_slots.assign(std::max<size_t>(1024, pair_slots.size() * 2), 0);
      mask = pair_slots.size() - 1;
      for (uint32_t k = 0; k < pairs.size(); ++k)
        InsertSlot(PairKeyHash{}(PairKey{pairs[k].src, pairs[k].dst}), k, mask);
    } else {
      InsertSlot(h, idx, mask);
    }
    return idx;
  }
  // The index of the pair or UINT32_MAX, without creating it.
  uint32_t FindPair(const IpAddress& src, const IpAddress& dst, uint64_t h) const {
    if (pair_slots.empty()) return UINT32_MAX;
    const uint64_t tag = h >> 32;
    const size_t mask = pair_slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = pair_slots[i];
      if (!slot) return UINT32_MAX;
      if ((slot >> 32) == tag) {
        const uint32_t idx = static_cast<uint32_t>(slot) - 1;
        if (SameAddr(pairs[idx].src, src) && SameAddr(pairs[idx].dst, dst)) return idx;
      }
    }
  }
  // The first pair whose slot tag matches h, or UINT32_MAX: a candidate that the pipeline prefetches
  // without reading the pair itself (ApplyConn checks the key when the pair is in cache).
  uint32_t CandidatePair(uint64_t h) const {
    if (pair_slots.empty()) return UINT32_MAX;
    const uint64_t tag = h >> 32;
    const size_t mask = pair_slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = pair_slots[i];
      if (!slot) return UINT32_MAX;
      if ((slot >> 32) == tag) return static_cast<uint32_t>(slot) - 1;
    }
  }
  // Open-addressing index of name_pairs by (source, name id), as pair_slots.
  static uint64_t NameHash(const IpAddress& src, uint32_t id) {
    return Mix(AddrHash(src) ^ (uint64_t{id} * 0x9E3779B97F4A7C15ull));
  }
  uint32_t NamePairIndexOf(const IpAddress& src, uint32_t id, uint64_t h) {
    const uint64_t tag = h >> 32;
    size_t mask = name_slots.size() - 1;
    if (!name_slots.empty()) {
      for (size_t i = h & mask;; i = (i + 1) & mask) {
        const uint64_t slot = name_slots[i];
        if (!slot) break;
        if ((slot >> 32) == tag) {
          const uint32_t idx = static_cast<uint32_t>(slot) - 1;
          if (name_pairs[idx].name == id && SameAddr(name_pairs[idx].src, src)) return idx;
        }
      }
    }
    const uint32_t idx = static_cast<uint32_t>(name_pairs.size());
    name_pairs.emplace_back();
    name_pairs.back().src = src;
    name_pairs.back().name = id;
    auto insert = [&](uint64_t hh, uint32_t k) {
      size_t i = hh & mask;
      while (name_slots[i]) i = (i + 1) & mask;
      name_slots[i] = ((hh >> 32) << 32) | (static_cast<uint64_t>(k) + 1);
    };
    if (name_pairs.size() * 2 > name_slots.size()) {
      name_slots.assign(std::max<size_t>(1024, name_slots.size() * 2), 0);
      mask = name_slots.size() - 1;
      for (uint32_t k = 0; k < name_pairs.size(); ++k) insert(NameHash(name_pairs[k].src, name_pairs[k].name), k);
    } else {
      insert(h, idx);
    }
    return idx;
  }

  void InsertSlot(uint64_t h, uint32_t idx, size_t mask) {
    size_t i = h & mask;
    while (pair_slots[i]) i = (i + 1) & mask;
    pair_slots[i] = ((h >> 32) << 32) | (static_cast<uint64_t>(idx) + 1);
  }

  bool IsInternalUncached(const IpAddress& a) const {
    if (cfg.context) return cfg.context->IsInternal(a);
    if (!cfg.internal_subnets.empty()) {
      for (const auto& c : cfg.internal_subnets)
        if (c.Contains(a)) return true;
      return false;
    }
    return DefaultInternal(a);
  }
  bool IsInternal(const IpAddress& a) {
    InternalCache& e = internal_cache[AddrHash(a) & (internal_cache.size() - 1)];
    if (e.state >= 0 && SameAddr(e.addr, a)) return e.state == 1;
    const bool in = IsInternalUncached(a);
    e.addr = a;
    e.state = in ? 1 : 0;
    return in;
  }
  bool IsInternal(const IpAddress& a) const {
    const InternalCache& e = internal_cache[AddrHash(a) & (internal_cache.size() - 1)];
    if (e.state >= 0 && SameAddr(e.addr, a)) return e.state == 1;
    return IsInternalUncached(a);
  }

  uint16_t InputId(const ingest::SourceRef& ref) {
    if (!ref.input) return 0;
    if (ref.input == last_input) return last_input_id;
    auto it = input_index.find(ref.input);
    uint16_t id;
    if (it != input_index.end()) {
      id = it->second;
    } else {
      if (inputs.size() >= 0xFFFF) return 0;
      id = static_cast<uint16_t>(inputs.size());
      inputs.push_back(ref.input);
      input_packets.push_back(ref.is_packet);
      input_index.emplace(ref.input, id);
    }
    last_input = ref.input;
    last_input_id = id;
    return id;
  }

  // with_uid: hash the connection uid (joins tls/http records to connections; DNS provenance needs none).
  Sample MakeSample(const ingest::Observation& o, uint64_t bytes, bool with_uid = true) {
    const int64_t ns = o.ts.nanos();
    const int64_t sec = FloorDiv(ns, kNanosPerSecond);
    if (!have_base) {
      have_base = true;
      base = sec - kBaseShift;
    }
    Sample s;
    int64_t off = sec - base;
    s.sec = static_cast<uint32_t>(std::clamp<int64_t>(off, 0, UINT32_MAX));
    s.ms = static_cast<uint16_t>((ns - sec * kNanosPerSecond) / 1000000);
    s.input = InputId(o.src);
    s.record = static_cast<uint32_t>(std::min<uint64_t>(o.src.record, UINT32_MAX));
    s.bytes = static_cast<uint32_t>(std::min<uint64_t>(bytes, UINT32_MAX));
    s.uid = !with_uid || o.uid.empty() ? 0 : static_cast<uint32_t>(HashText(o.uid) | 1);
    return s;
  }

  int64_t EpochSec(const Sample& s) const { return base + static_cast<int64_t>(s.sec); }
  double FirstF(const IpPair& p) const {
    return static_cast<double>(base + int64_t{p.first_sec}) + p.first_ms / 1000.0;
  }
  double LastF(const IpPair& p) const { return static_cast<double>(base + int64_t{p.last_sec}) + p.last_ms / 1000.0; }
  double EpochF(const Sample& s) const { return static_cast<double>(EpochSec(s)) + s.ms / 1000.0; }
  template <typename S>
  double SampleTime(const S& s) const {
    return cfg.rita_compatible ? static_cast<double>(base + static_cast<int64_t>(s.sec))
                               : static_cast<double>(base + static_cast<int64_t>(s.sec)) + s.ms / 1000.0;
  }

  // Interned names through a direct-mapped cache (by HashText; the name itself compared).
  struct InternEntry {
    uint64_t hash = 0;
    uint32_t id = UINT32_MAX;
  };
  std::vector<InternEntry> intern_cache = std::vector<InternEntry>(4096);
  uint32_t InternCached(std::string_view n) {
    const uint64_t h = HashText(n);
    InternEntry& e = intern_cache[h & (intern_cache.size() - 1)];
    if (e.id != UINT32_MAX && e.hash == h && names[e.id] == n) return e.id;
    e.hash = h;
    e.id = Intern(n);
    return e.id;
  }
  uint32_t Intern(std::string_view nv) {
    std::string n(nv);
    auto it = name_index.find(n);
    if (it != name_index.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(names.size());
    names.push_back(n);
    NameInfo info;
    info.address = IpAddress::Parse(n).ok();
    info.allowed = allow.MatchesName(n);
    info.dynamic = IsDynamicName(n);
    name_info.push_back(info);
    name_index.emplace(n, id);
    return id;
  }

  bool IsDynamicName(std::string_view n) const {
    for (const auto& z : dyn_zones)
      if (NameUnder(n, z)) return true;
    if (cfg.context) {
      for (const auto* note : cfg.context->NotesFor(std::string(n)))
        if (note->kind == "dynamic-dns") return true;
    }
    return false;
  }

  // Lower-case, trailing dots removed (NormalizeName): `raw` itself when it is already so (most
  // names), else a copy in name_buf. Valid until the next call.
  std::string_view Normalized(std::string_view raw) {
    unsigned upper = 0;
    for (unsigned char c : raw) upper |= static_cast<unsigned>(c - 'A') < 26u;
    if (!upper && (raw.empty() || raw.back() != '.')) return raw;
    name_buf.assign(raw.data(), raw.size());
    for (char& c : name_buf)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    while (!name_buf.empty() && name_buf.back() == '.') name_buf.pop_back();
    return name_buf;
  }

  DynName& DynEntry(const IpAddress& src, uint32_t id) {
    NameKey key{src, id};
    auto [it, inserted] = dyn_index.emplace(key, static_cast<uint32_t>(dyn_names.size()));
    if (inserted) {
      dyn_names.emplace_back();
      dyn_names.back().src = src;
      dyn_names.back().name = id;
    }
    return dyn_names[it->second];
  }
  static void NoteIpPair(DynName& d, uint32_t ip_pair) {
    if (ip_pair && std::find(d.ip_pairs.begin(), d.ip_pairs.end(), ip_pair) == d.ip_pairs.end() &&
        d.ip_pairs.size() < 16)
      d.ip_pairs.push_back(ip_pair);
  }
  void NoteDynamic(const IpAddress& src, const Sample& s, uint32_t id, bool lookup, uint32_t ip_pair) {
    DynName& d = DynEntry(src, id);
    (lookup ? d.lookups : d.connections)++;
    d.min_sec = std::min(d.min_sec, s.sec);
    d.max_sec = std::max(d.max_sec, s.sec);
    KeepEarliest(d.first, s, cfg.provenance_cap);
    NoteIpPair(d, ip_pair);
  }

  // ---- summaries ----

  // Folds a batch of samples into the summary in time order, holding back the latest kReorder
  // (all of them when `all`); a sample older than the last folded one is late.
  void Fold(PairSummary& ps, std::vector<Sample>& batch, bool sized, bool all) {
    SortNearlySorted(batch.begin(), batch.end(), SampleLess);
    const size_t n = all ? batch.size() : batch.size() - std::min(batch.size(), kReorder);
    for (size_t i = 0; i < n; ++i) {
      const Sample& s = batch[i];
      if (ps.released_any && EpochF(s) < ps.last_t) {
        SummaryLate(ps, s, sized);
      } else {
        Release(ps, s, sized);
      }
    }
    stats.summarised += n;
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
  }
  void Release(PairSummary& ps, const Sample& s, bool sized) {
    const double t = EpochF(s);
    const int64_t sec = EpochSec(s);
    const int32_t day = static_cast<int32_t>(FloorDiv(sec, kDay));
    if (ps.days.empty() || ps.days.back().day != day) {
      if (!ps.days.empty()) CloseDay(ps);
      ps.days.emplace_back();
      ps.days.back().day = day;
      ps.days.back().first = t;
    }
    DaySummary& d = ps.days.back();
    if (ps.released_any) {
      const double iv = t - ps.last_t;
      if (iv > 0) {
        if (d.count > 0) {
          ++d.nonzero;
          ps.day_iv.Add(static_cast<float>(iv));
        } else {  // the interval into a new day: the multi-day view only
          ++ps.cross_nonzero;
          ps.all_iv.Add(static_cast<float>(iv));
        }
      }
    }
    ++d.count;
    d.last = t;
    ++d.hours[static_cast<size_t>((sec - static_cast<int64_t>(day) * kDay) / 3600)];
    if (sized) ps.day_bytes.Add(static_cast<float>(s.bytes));
    if (d.earliest.size() < cfg.provenance_cap) d.earliest.push_back(s);
    ps.last_t = t;
    ps.released_any = true;
  }
  void SummaryLate(PairSummary& ps, const Sample& s, bool sized) {
    ++ps.late;
    ++stats.late_records;
    const double t = EpochF(s);
    const int64_t sec = EpochSec(s);
    const int32_t day = static_cast<int32_t>(FloorDiv(sec, kDay));
    auto it =
        std::lower_bound(ps.days.begin(), ps.days.end(), day, [](const DaySummary& d, int32_t v) { return d.day < v; });
    const bool open = it != ps.days.end() && it + 1 == ps.days.end() && it->day == day;
    if (it == ps.days.end() || it->day != day) {
      it = ps.days.insert(it, DaySummary{});
      it->day = day;
      it->first = it->last = t;
    }
    ++it->count;
    it->first = std::min(it->first, t);
    it->last = std::max(it->last, t);
    ++it->hours[static_cast<size_t>((sec - static_cast<int64_t>(day) * kDay) / 3600)];
    if (sized && open) ps.day_bytes.Add(static_cast<float>(s.bytes));
    KeepEarliest(it->earliest, s, cfg.provenance_cap);
  }
  // The summary of an internal-destination pair (IpPair::sizes_only): what a name pair sized by it
  // reads (PairSizes: per-day and all-days size statistics) and the day's count and earliest records.
  // No batches, intervals or hours: records are taken in arrival order; one of a day already closed
  // (arriving after a later day's record) is counted but not sized.
  void FoldSize(PairSummary& ps, const Sample& s) {
    const double t = EpochF(s);
    const int32_t day = static_cast<int32_t>(FloorDiv(EpochSec(s), kDay));
    // A record of the open day that cannot enter the day's earliest records changes only the day's
    // count, first/last time and size sketch: buffered (the same result, applied later in order).
    if (day == ps.open_day && ps.earliest_full && !SampleLess(s, ps.earliest_back)) {
      if (ps.nbuf == kSizeBuf) FlushSizes(ps);
      if (ps.nbuf == 0) {
        ps.buf_first = ps.buf_last = t;
      } else {
        ps.buf_first = std::min(ps.buf_first, t);
        ps.buf_last = std::max(ps.buf_last, t);
      }
      ps.buf[ps.nbuf++] = static_cast<float>(s.bytes);
      return;
    }
    FlushSizes(ps);
    FoldSizeRecord(ps, s, t, day);
    const DaySummary& open = ps.days.back();
    ps.open_day = open.day;
    ps.earliest_full = open.earliest.size() >= cfg.provenance_cap;
    if (ps.earliest_full) ps.earliest_back = open.earliest.back();
  }
  // Applies the buffered records of the open day (FoldSize).
  static void FlushSizes(PairSummary& ps) {
    if (ps.nbuf == 0) return;
    DaySummary& d = ps.days.back();
    d.count += ps.nbuf;
    d.first = std::min(d.first, ps.buf_first);
    d.last = std::max(d.last, ps.buf_last);
    for (size_t i = 0; i < ps.nbuf; ++i) ps.day_bytes.Add(ps.buf[i]);
    ps.nbuf = 0;
  }
  void FoldSizeRecord(PairSummary& ps, const Sample& s, double t, int32_t day) {
    if (ps.days.empty() || day > ps.days.back().day) {
      if (!ps.days.empty()) CloseDay(ps);
      ps.days.emplace_back();
      ps.days.back().day = day;
      ps.days.back().first = ps.days.back().last = t;
    }
    auto it = ps.days.end() - 1;
    if (it->day != day) {
      it = std::lower_bound(ps.days.begin(), ps.days.end(), day,
                            [](const DaySummary& d, int32_t v) { return d.day < v; });
      if (it->day != day) {
        it = ps.days.insert(it, DaySummary{});
        it->day = day;
        it->first = it->last = t;
      }
    } else {
      ps.day_bytes.Add(static_cast<float>(s.bytes));
    }
    ++it->count;
    it->first = std::min(it->first, t);
    it->last = std::max(it->last, t);
    KeepEarliest(it->earliest, s, cfg.provenance_cap);
  }
  void CloseDay(PairSummary& ps) {
    DaySummary& d = ps.days.back();
    if (d.nonzero >= 3 && d.nonzero + 1 >= static_cast<uint32_t>(cfg.unique_connection_threshold))
      d.ts = StatFromSketch(ps.day_iv, 1.0);
    d.ds = StatFromSketch(ps.day_bytes, 0.0);
    ps.all_iv.Merge(ps.day_iv);
    ps.all_bytes.Merge(ps.day_bytes);
    ps.day_iv.Clear();
    ps.day_bytes.Clear();
  }
  void CloseSummary(PairSummary& ps) {
    if (ps.flushed) return;
    FlushSizes(ps);
    if (!ps.days.empty()) CloseDay(ps);
    ps.flushed = true;
  }
  Sample FromName(const NameSample& ns) const {
    Sample s;
    s.sec = ns.sec;
    s.ms = ns.ms;
    s.input = ns.input;
    s.record = ns.record;
    s.uid = ns.uid;
    return s;
  }
  // A name pair's batch: timed by the name records; consecutive records of one connection (HTTP
  // keep-alive: same uid) count once.
  void FoldNames(NamePair& np, bool all) {
    if (!np.summary) {
      ++stats.summary_pairs;
      np.summary = std::make_unique<PairSummary>(cfg.summary_sketch_k);
    }
    SortNearlySorted(np.samples.begin(), np.samples.end(), [](const NameSample& a, const NameSample& b) {
      const uint64_t ka = (uint64_t{a.sec} << 32) | (uint64_t{a.ms} << 16) | a.input;
      const uint64_t kb = (uint64_t{b.sec} << 32) | (uint64_t{b.ms} << 16) | b.input;
      return ka != kb ? ka < kb : a.record < b.record;
    });
    const size_t n = all ? np.samples.size() : np.samples.size() - std::min(np.samples.size(), kReorder);
    std::vector<Sample>& batch = scratch_batch;  // reused: no allocation per fold
    batch.clear();
    for (size_t i = 0; i < n; ++i) {
      const NameSample& ns = np.samples[i];
      if (ns.uid && ns.uid == np.last_uid) continue;
      np.last_uid = ns.uid;
      batch.push_back(FromName(ns));
    }
    Fold(*np.summary, batch, false, true);
    np.samples.erase(np.samples.begin(), np.samples.begin() + static_cast<std::ptrdiff_t>(n));
  }

  // The pair flags of a connection: from (proto, service), looked up in a small table of the distinct
  // values seen (Zeek has a few dozen), plus the port.
  static uint8_t ServiceFlags(std::string_view pr, std::string_view sv) {
    uint8_t f = 0;
    if (sv.find("ssl") != std::string_view::npos || sv.find("tls") != std::string_view::npos) f |= kTls;
    if (sv.find("http") != std::string_view::npos) f |= kHttp;
    if (pr == "udp") f |= kUdp;
    if (sv == "ntp") f |= kNtp;
    if (pr == "tcp") f |= kTcp;
    if (sv == "dns") f |= kDns;
    return f;
  }
  uint8_t ConnFlags(const ingest::Observation& o) {
    const std::string& sv = o.service;
    const std::string& pr = o.proto;
    const uint64_t lens = (uint64_t{sv.size()} << 32) | pr.size(), sv8 = Prefix8(sv), pr8 = Prefix8(pr);
    auto same = [&](const ServiceEntry& e) {
      return e.lens == lens && e.service8 == sv8 && e.proto8 == pr8 &&
             (sv.size() <= 8 || std::memcmp(e.service.data() + 8, sv.data() + 8, sv.size() - 8) == 0) &&
             (pr.size() <= 8 || std::memcmp(e.proto.data() + 8, pr.data() + 8, pr.size() - 8) == 0);
    };
    // One probe of the direct-mapped slot; else the list (and the slot remembers the entry).
    uint8_t& slot = service_slot[Mix(lens ^ (sv8 * 0x9E3779B97F4A7C15ull) ^ (pr8 * 0xC2B2AE3D27D4EB4Full)) & 255];
    uint8_t f = 0;
    if (slot && same(service_flags[slot - 1u])) {
      f = service_flags[slot - 1u].flags;
    } else {
      bool found = false;
      for (size_t i = 0; i < service_flags.size(); ++i) {
        if (same(service_flags[i])) {
          f = service_flags[i].flags;
          slot = static_cast<uint8_t>(i + 1);
          found = true;
          break;
        }
      }
      if (!found) {
        f = ServiceFlags(pr, sv);
        if (service_flags.size() < 64) {
          service_flags.push_back({pr, sv, lens, pr8, sv8, f});
          slot = static_cast<uint8_t>(service_flags.size());
        }
      }
    }
    const uint16_t p = o.resp_p;
    if (p == 80 || p == 443 || p == 8080 || p == 8443) f |= kWebPort;
    if ((f & kUdp) && p == 123) f |= kNtp;
    if (p == 53) f |= kDns;
    return f;
  }

  // Connections go through a short software pipeline so that the two cache misses of a record (its
  // slot in the pair index and the pair itself) are prefetched a few records ahead: a record is
  // queued, its slot resolved kResolveLag records later (prefetching the pair), and applied
  // kPipe - 1 records after it arrived. Order within a pair is kept; everything that reads pair
  // state runs after FlushPending() (Finish, StateBytes). kTouchLag records later the end of its
  // sample batch is prefetched too.
  struct PendingConn {
    IpAddress src, dst;
    uint64_t h = 0;
    int64_t ns = 0;
    uint64_t bytes = 0, orig_bytes = 0, resp_bytes = 0;
    double dur = 0;
    uint32_t idx = UINT32_MAX;     // resolved pair index, UINT32_MAX when absent at resolve time
    uint32_t uid = 0, record = 0;  // uid: its hash when uid_len == kUidHashed
    uint16_t input = 0, resp_p = 0;
    uint8_t flags = 0;
    // The uid's text, hashed when the record is applied and only if its pair keeps exact samples
    // (the uid joins tls/http records to exact samples; summaries never read it).
    uint8_t uid_len = 0;
    std::array<char, 24> uid_text;
  };
  static constexpr uint8_t kUidHashed = 0xFF;
  static uint32_t UidHash(std::string_view uid) { return uid.empty() ? 0 : static_cast<uint32_t>(HashText(uid) | 1); }
  static constexpr size_t kPipe = 32, kResolveLag = 10, kTouchLag = 22;
  std::array<PendingConn, kPipe> pending{};
  size_t pend_head = 0, pend_size = 0;

  Status OnConn(const ingest::Observation& o) {
    ++stats.conns;
    const int64_t ns = o.ts.nanos();
    const int64_t sec = FloorDiv(ns, kNanosPerSecond);
    if (sec < min_conn_sec) {
      min_conn_sec = sec;
      min_conn_f = static_cast<double>(ns) / 1e9;
    }
    if (sec > max_conn_sec) {
      max_conn_sec = sec;
      max_conn_f = static_cast<double>(ns) / 1e9;
    }
    if (!o.has_endpoints) return Status::Ok();
    if (!have_base) {
      have_base = true;
      base = sec - kBaseShift;
    }
    if (pend_size == kPipe) {  // apply the oldest
      ApplyConn(pending[pend_head]);
      pend_head = (pend_head + 1) % kPipe;
      --pend_size;
    }
    PendingConn& pc = pending[(pend_head + pend_size) % kPipe];
    pc.src = o.orig_h;
    pc.dst = o.resp_h;
    pc.h = PairKeyHash{}(PairKey{o.orig_h, o.resp_h});
    pc.ns = ns;
    pc.bytes = o.orig_ip_bytes ? o.orig_ip_bytes : o.orig_bytes;
    pc.orig_bytes = o.orig_bytes;
    pc.resp_bytes = o.resp_bytes;
    pc.dur = std::isfinite(o.duration) && o.duration > 0 ? o.duration : 0;
    pc.idx = UINT32_MAX;
    if (o.uid.size() <= pc.uid_text.size()) {
      pc.uid_len = static_cast<uint8_t>(o.uid.size());
      std::memcpy(pc.uid_text.data(), o.uid.data(), o.uid.size());
    } else {
      pc.uid_len = kUidHashed;
      pc.uid = UidHash(o.uid);
    }
    pc.record = static_cast<uint32_t>(std::min<uint64_t>(o.src.record, UINT32_MAX));
    pc.input = InputId(o.src);
    pc.resp_p = o.resp_p;
    pc.flags = ConnFlags(o);
    if (!pair_slots.empty()) __builtin_prefetch(&pair_slots[pc.h & (pair_slots.size() - 1)]);
    ++pend_size;
    if (pend_size > kResolveLag) {  // resolve a middle entry to a candidate and prefetch its pair
      PendingConn& mid = pending[(pend_head + pend_size - 1 - kResolveLag) % kPipe];
      mid.idx = CandidatePair(mid.h);
      if (mid.idx != UINT32_MAX) {
        const char* pp = reinterpret_cast<const char*>(&pairs[mid.idx]);
        __builtin_prefetch(pp, 1);
        __builtin_prefetch(pp + 64, 1);
      }
    }
    if (pend_size > kTouchLag) {  // and, later, where its sample will be written
      const PendingConn& late = pending[(pend_head + pend_size - 1 - kTouchLag) % kPipe];
      if (late.idx != UINT32_MAX) {
        const IpPair& p = pairs[late.idx];
        if (p.samples.capacity()) __builtin_prefetch(p.samples.data() + p.samples.size(), 1);
        if (p.summary) {
          __builtin_prefetch(p.summary.get(), 1);
          __builtin_prefetch(reinterpret_cast<const char*>(p.summary.get()) + 64, 1);
        }
      }
    }
    return Status::Ok();
  }

  void FlushPending() {
    while (pend_size) {
      ApplyConn(pending[pend_head]);
      pend_head = (pend_head + 1) % kPipe;
      --pend_size;
    }
    FlushPendingNames();
    for (auto& p : pairs)
      if (p.summary) FlushSizes(*p.summary);
  }

  void ApplyConn(const PendingConn& pc) {
    // The candidate is checked here, where the pair is in cache; a tag collision or a pair created
    // since the entry was resolved (by an earlier entry or a name) takes the full probe.
    uint32_t pair_idx = pc.idx;
    if (pair_idx == UINT32_MAX || !SameAddr(pairs[pair_idx].src, pc.src) || !SameAddr(pairs[pair_idx].dst, pc.dst))
      pair_idx = FindPair(pc.src, pc.dst, pc.h);
    if (pair_idx == UINT32_MAX) {
      if (!IsInternal(pc.src) || IsMulticastOrBroadcast(pc.dst)) return;
      pair_idx = PairIndexOf(pc.src, pc.dst, pc.resp_p);
    }
    IpPair& p = pairs[pair_idx];
    if (p.ignored) {
      ++stats.allow_listed;
      return;
    }
    const int64_t sec = FloorDiv(pc.ns, kNanosPerSecond);
    Sample s;
    s.sec = static_cast<uint32_t>(std::clamp<int64_t>(sec - base, 0, UINT32_MAX));
    s.ms = static_cast<uint16_t>((pc.ns - sec * kNanosPerSecond) / 1000000);
    s.input = pc.input;
    s.record = pc.record;
    s.bytes = static_cast<uint32_t>(std::min<uint64_t>(pc.bytes, UINT32_MAX));
    s.uid = p.summary                  ? 0
            : pc.uid_len == kUidHashed ? pc.uid
                                       : UidHash(std::string_view(pc.uid_text.data(), pc.uid_len));
    ++p.count;
    const double dur = pc.dur;
    p.total_duration += dur;
    if (p.count == 1) {
      p.top = p.longest = s;
      p.top_bytes = s.bytes;
      p.max_duration = dur;
    } else {
      if (dur > p.max_duration) {
        p.max_duration = dur;
        p.longest = s;
      }
      if (s.bytes > p.top_bytes) {
        p.top = s;
        p.top_bytes = s.bytes;
      }
    }
    if (s.sec < p.first_sec || (s.sec == p.first_sec && s.ms < p.first_ms)) p.first_sec = s.sec, p.first_ms = s.ms;
    if (s.sec > p.last_sec || (s.sec == p.last_sec && s.ms > p.last_ms)) p.last_sec = s.sec, p.last_ms = s.ms;
    p.total_orig += pc.orig_bytes;
    p.total_resp += pc.resp_bytes;
    p.flags |= pc.flags;
    if (Summaries()) {
      if (p.sizes_only && p.summary) {  // see FoldSize
        FoldSize(*p.summary, s);
        ++stats.summarised;
        return;
      }
      if (p.samples.capacity() == 0) p.samples.reserve(4);  // 1 -> 2 -> 4 would be three allocations
      p.samples.push_back(s);
      if (p.samples.size() >= (p.summary ? kSummaryBatch : cfg.exact_samples_per_pair)) {  // fold a batch
        if (!p.summary) {
          ++stats.summary_pairs;
          p.summary = std::make_unique<PairSummary>(cfg.summary_sketch_k);
          if (p.sizes_only) {
            SortNearlySorted(p.samples.begin(), p.samples.end(), SampleLess);
            for (const Sample& x : p.samples) FoldSize(*p.summary, x);
            stats.summarised += p.samples.size();
            std::vector<Sample>().swap(p.samples);
            return;
          }
          Fold(*p.summary, p.samples, true, false);
          std::vector<Sample> batch;  // the exact vector becomes a small batch buffer
          batch.reserve(kSummaryBatch);
          batch.assign(p.samples.begin(), p.samples.end());
          p.samples.swap(batch);
        } else {
          Fold(*p.summary, p.samples, true, false);
        }
      }
      return;
    }
    // rita-compatible: every connection up to the strobe threshold per pair and day.
    const int32_t day = static_cast<int32_t>(FloorDiv(sec, kDay));
    DayCount* dc = nullptr;
    for (auto r = p.days.rbegin(); r != p.days.rend(); ++r) {
      if (r->day == day) {
        dc = &*r;
        break;
      }
    }
    if (!dc) {
      p.days.push_back({day, 0});
      dc = &p.days.back();
    }
    ++dc->count;
    if (dc->count <= cfg.strobe_connections_per_day) {
      p.samples.push_back(s);
      ++stats.samples_stored;
    } else {
      ++stats.samples_capped;
    }
  }

  void OnName(const ingest::Observation& o, const std::string& raw, uint8_t flag) {
    if (!o.has_endpoints || raw.empty() || !IsInternal(o.orig_h)) return;
    std::string_view name = Normalized(raw);
    if (flag == kHttp) {  // host header may carry a port; bracketed IPv6 literals are left as they are
      auto colon = name.rfind(':');
      if (colon != std::string_view::npos && name.find(']') == std::string_view::npos && name.find(':') == colon)
        name = name.substr(0, colon);
    }
    if (name.empty()) return;
    const uint32_t id = InternCached(name);
    const NameInfo info = name_info[id];
    if (info.address) return;  // an address literal is not a name
    if (info.allowed) {
      ++stats.allow_listed;
      return;
    }
    // The record is queued: its (source, name) and (source, address) pairs are probed kNamePipe
    // records later, with their slots prefetched now and the candidate address pair prefetched in
    // between (as connections).
    if (name_pend_size == kNamePipe) {
      ApplyName(name_pending[name_pend_head]);
      name_pend_head = (name_pend_head + 1) % kNamePipe;
      --name_pend_size;
    }
    PendingName& pn = name_pending[(name_pend_head + name_pend_size) % kNamePipe];
    pn.src = o.orig_h;
    pn.dst = o.resp_h;
    pn.h = PairKeyHash{}(PairKey{o.orig_h, o.resp_h});
    pn.nh = NameHash(o.orig_h, id);
    pn.s = MakeSample(o, 0);
    pn.id = id;
    pn.flag = flag;
    pn.cand = pn.ncand = UINT32_MAX;
    pn.resp_p = o.resp_p;
    pn.dynamic = info.dynamic;
    if (!pair_slots.empty()) __builtin_prefetch(&pair_slots[pn.h & (pair_slots.size() - 1)]);
    if (!name_slots.empty()) __builtin_prefetch(&name_slots[pn.nh & (name_slots.size() - 1)]);
    ++name_pend_size;
    if (name_pend_size > kNameResolveLag) {  // candidates (first tag match) of both pairs, prefetched
      PendingName& mid = name_pending[(name_pend_head + name_pend_size - 1 - kNameResolveLag) % kNamePipe];
      mid.cand = CandidatePair(mid.h);
      if (mid.cand != UINT32_MAX) __builtin_prefetch(&pairs[mid.cand], 1);
      mid.ncand = CandidateNamePair(mid.nh);
      if (mid.ncand != UINT32_MAX) {
        const char* np = reinterpret_cast<const char*>(&name_pairs[mid.ncand]);
        for (size_t off = 0; off < sizeof(NamePair); off += 64) __builtin_prefetch(np + off, 1);
      }
    }
    if (name_pend_size > kNameTouchLag) {  // and, later, where its sample will be written
      const PendingName& late = name_pending[(name_pend_head + name_pend_size - 1 - kNameTouchLag) % kNamePipe];
      if (late.ncand != UINT32_MAX) {
        const NamePair& np = name_pairs[late.ncand];
        if (np.samples.capacity()) __builtin_prefetch(np.samples.data() + np.samples.size(), 1);
      }
    }
  }
  // The first name pair whose slot tag matches h, or UINT32_MAX (as CandidatePair).
  uint32_t CandidateNamePair(uint64_t h) const {
    if (name_slots.empty()) return UINT32_MAX;
    const uint64_t tag = h >> 32;
    const size_t mask = name_slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint64_t slot = name_slots[i];
      if (!slot) return UINT32_MAX;
      if ((slot >> 32) == tag) return static_cast<uint32_t>(slot) - 1;
    }
  }

  struct PendingName {
    IpAddress src, dst;
    uint64_t h = 0, nh = 0;  // hashes of the (source, address) and (source, name) pairs
    Sample s;
    uint32_t id = 0, cand = UINT32_MAX, ncand = UINT32_MAX;  // candidate address pair and name pair
    uint16_t resp_p = 0;
    uint8_t flag = 0;
    bool dynamic = false;
  };
  static constexpr size_t kNamePipe = 16, kNameResolveLag = 6, kNameTouchLag = 12;
  std::array<PendingName, kNamePipe> name_pending{};
  size_t name_pend_head = 0, name_pend_size = 0;

  void FlushPendingNames() {
    while (name_pend_size) {
      ApplyName(name_pending[name_pend_head]);
      name_pend_head = (name_pend_head + 1) % kNamePipe;
      --name_pend_size;
    }
  }

  void ApplyName(const PendingName& pn) {
    // The candidate is checked here, where it is in cache; else the full probe (its slot was
    // prefetched when queued).
    const uint32_t nc = pn.ncand;
    NamePair& np = name_pairs[nc != UINT32_MAX && name_pairs[nc].name == pn.id && SameAddr(name_pairs[nc].src, pn.src)
                                  ? nc
                                  : NamePairIndexOf(pn.src, pn.id, pn.nh)];
    np.flags |= pn.flag;
    NameSample ns;
    ns.sec = pn.s.sec;
    ns.ms = pn.s.ms;
    ns.input = pn.s.input;
    ns.record = pn.s.record;
    ns.uid = pn.s.uid;
    // The conn record may come later (ssl.log before conn.log): the pair is created now, with no
    // samples, to remember the destination.
    ns.ip_pair = 0;
    for (auto& v : np.via) {  // the name's known addresses first: no hash probe
      if (v.ip_pair && SameAddr(v.dst, pn.dst)) {
        ns.ip_pair = v.ip_pair;
        ++v.n;
        break;
      }
    }
    if (!ns.ip_pair) {
      const uint32_t c = pn.cand;
      ns.ip_pair = (c != UINT32_MAX && SameAddr(pairs[c].src, pn.src) && SameAddr(pairs[c].dst, pn.dst)
                        ? c
                        : PairIndexOf(pn.src, pn.dst, pn.resp_p)) +
                   1;
      pairs[ns.ip_pair - 1].flags |= kNamed;
      for (auto& v : np.via) {
        if (v.ip_pair == 0) {
          v = {pn.dst, ns.ip_pair, 1};
          break;
        }
      }
    }
    if (Summaries()) {
      np.samples.push_back(ns);
      if (np.samples.size() >= (np.summary ? kSummaryBatch : cfg.exact_samples_per_pair)) {
        const bool first = !np.summary;
        FoldNames(np, false);
        if (first) np.samples.shrink_to_fit();
      }
    } else if (np.samples.size() < cfg.strobe_connections_per_day * 64) {
      np.samples.push_back(ns);
    }
    if (pn.dynamic) NoteDynamic(pn.src, pn.s, pn.id, false, ns.ip_pair);
  }

  void OnDns(const ingest::Observation& o) {
    ++stats.dns;
    if (o.query.empty()) return;
    const std::string_view q = Normalized(o.query);
    if (q.empty()) return;
    const bool internal_src = o.has_endpoints && IsInternal(o.orig_h);
    // A direct-mapped cache of (client, resolver) in front of the sets: the same few pairs repeat.
    DnsPeer* peer = internal_src
                        ? &dns_peer_cache[PairKeyHash{}(PairKey{o.orig_h, o.resp_h}) & (dns_peer_cache.size() - 1)]
                        : nullptr;
    if (peer && !(peer->valid && SameAddr(o.orig_h, peer->src) && SameAddr(o.resp_h, peer->dst))) {
      peer->src = o.orig_h;
      peer->dst = o.resp_h;
      peer->valid = true;
      if (dns_clients.size() < (1u << 20)) dns_clients.insert(o.orig_h);
      if (internal_resolvers.size() < 4096 && IsInternal(o.resp_h)) internal_resolvers.insert(o.resp_h);
    }
    for (const auto& a : o.answers) {
      if (a.type != "A" && a.type != "AAAA") continue;
      // Answers repeat: one recently seen as text is neither parsed nor looked up again.
      AnswerText& seen = answer_cache[HashText(a.value) & (answer_cache.size() - 1)];
      if (seen.len == a.value.size() && std::memcmp(seen.text, a.value.data(), seen.len) == 0) continue;
      auto ip = IpAddress::Parse(a.value);
      if (!ip.ok()) continue;
      if (a.value.size() < sizeof(seen.text)) {
        seen.len = static_cast<uint8_t>(a.value.size());
        std::memcpy(seen.text, a.value.data(), seen.len);
      }
      if (answered_addresses.size() < (1u << 22)) {
        answered_addresses.insert(*ip);
      } else if (!answered_addresses.count(*ip)) {
        answered_capped = true;
      }
    }
    const uint64_t qh = HashText(q);
    DnsNameCache& c = dns_cache[qh & (dns_cache.size() - 1)];
    // A name still in the cache was inserted into its parent's set when its entry was made (or the
    // set was capped then, and stays capped): only a fresh entry needs the set.
    const bool fresh = !c.valid || c.hash != qh;
    if (fresh) {
      c.valid = true;
      c.hash = qh;
      c.dynamic = IsDynamicName(q);
      c.allowed = allow.MatchesName(q);
      c.skip = NameUnder(q, "arpa") || NameUnder(q, "local");  // reverse lookups and mDNS
      c.parent = nullptr;
      if (!c.allowed && !c.skip) {
        std::string parent = ParentDomain(q);
        if (parent != q) c.parent = &dns_parents[parent];  // else no subdomain
      }
    }
    if (c.dynamic) {
      const uint32_t id = Intern(q);
      if (internal_src) NoteDynamic(o.orig_h, MakeSample(o, 0), id, true, 0);
      for (const auto& a : o.answers) {
        if (a.type != "A" && a.type != "AAAA") continue;
        auto ip = IpAddress::Parse(a.value);
        if (ip.ok() && dyn_addresses.size() < (1u << 20)) dyn_addresses.emplace(*ip, id);
      }
    }
    if (!c.parent) return;
    DnsParent& d = *c.parent;
    ++d.queries;
    if (fresh && !d.capped) {
      d.subdomains.insert(qh);
      if (d.subdomains.size() >= std::max<uint64_t>(cfg.dns_c2_min_subdomains * 100, 100000)) d.capped = true;
    }
    if (o.has_endpoints) {
      bool found = false;
      for (auto& [src, n] : d.sources) {
        if (SameAddr(src, o.orig_h)) {
          ++n;
          found = true;
          break;
        }
      }
      if (!found && d.sources.size() < 8) d.sources.emplace_back(o.orig_h, 1);
    }
    const Sample s = MakeSample(o, 0, false);
    d.min_sec = std::min(d.min_sec, s.sec);
    d.max_sec = std::max(d.max_sec, s.sec);
    KeepEarliest(d.first, s, cfg.provenance_cap);
  }
  // ---- scoring ----

  // rita::Median (the middle value, or the two middle ones summed and halved) by selection instead of
  // a sorted copy: the same values, so the same result. Reorders v.
  static double SelectMedian(std::vector<double>& v) {
    const size_t n = v.size();
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(v.begin(), mid, v.end());
    if (n % 2) return *mid;
    double sum = 0;
    sum += *std::max_element(v.begin(), mid);
    sum += *mid;
    return sum / 2.0;
  }

  // rita::CalculateStatisticalScore over an already sorted series, bit-identical to it: Tukey hinges,
  // and the MAD from merging the two monotone halves of |x - median| instead of sorting them.
  Result<rita::StatScore> SortedStat(const std::vector<double>& v, double default_mad_score) const {
    const size_t n = v.size();
    if (n < 3) return Status::InvalidArgument("at least 3 values are needed for Bowley skewness");
    const size_t c1 = n % 2 == 0 ? n / 2 : (n - 1) / 2, c2 = n % 2 == 0 ? n / 2 : c1 + 1;
    const double q1 = rita::SortedMedian(v.data(), c1), q2 = rita::SortedMedian(v.data(), n),
                 q3 = rita::SortedMedian(v.data() + c2, n - c2);
    double skew = 0;
    if (q3 - q1 >= 10 && q2 != q1 && q2 != q3) skew = (q1 + q3 - 2 * q2) / (q3 - q1);
    const size_t k = static_cast<size_t>(std::lower_bound(v.begin(), v.end(), q2) - v.begin());
    std::vector<double>& dev = scratch_dev;
    dev.clear();
    size_t l = k, r = k;  // left: indices k-1 .. 0 (deviation grows), right: k .. n-1
    while (l > 0 || r < n) {
      const double dl = l > 0 ? std::fabs(v[l - 1] - q2) : std::numeric_limits<double>::infinity();
      const double dr = r < n ? std::fabs(v[r] - q2) : std::numeric_limits<double>::infinity();
      if (dl <= dr) {
        dev.push_back(dl);
        --l;
      } else {
        dev.push_back(dr);
        ++r;
      }
    }
    const double mad = rita::SortedMedian(dev.data(), n);
    double mad_score = default_mad_score;
    if (q2 >= 1) mad_score = (q2 - mad) / q2;
    if (mad_score < 0 || std::isnan(mad_score)) mad_score = 0;
    rita::StatScore out;
    out.score = rita::Round3(((1.0 - std::fabs(skew)) + mad_score) / 2.0);
    out.skew = skew;
    out.mad = mad;
    return out;
  }
  Result<rita::SeriesScore> FastTimestampScore(const std::vector<double>& sorted_ts) const {
    if (sorted_ts.size() < 4) return Status::InvalidArgument("at least 4 timestamps are needed");
    std::vector<double>& d = scratch_iv;
    d.clear();
    for (size_t i = 0; i + 1 < sorted_ts.size(); ++i) {
      const double x = sorted_ts[i + 1] - sorted_ts[i];
      if (x > 0) d.push_back(x);
    }
    if (d.size() < 3) return Status::InvalidArgument("at least 3 non-zero intervals are needed");
    std::sort(d.begin(), d.end());
    ONUS_ASSIGN_OR_RETURN(rita::StatScore st, SortedStat(d, 1.0));
    rita::SeriesScore out;
    out.score = st.score;
    out.skew = st.skew;
    out.mad = st.mad;
    return out;
  }
  Result<rita::SeriesScore> FastDataSizeScore(const std::vector<double>& in) const {
    if (in.size() < 3) return Status::InvalidArgument("at least 3 data sizes are needed");
    std::vector<double>& bytes = scratch_sorted;
    bytes.assign(in.begin(), in.end());
    std::sort(bytes.begin(), bytes.end());
    ONUS_ASSIGN_OR_RETURN(rita::StatScore st, SortedStat(bytes, 0.0));
    rita::SeriesScore out;
    out.score = st.score;
    out.skew = st.skew;
    out.mad = st.mad;
    return out;
  }

  // rita::GetHistogramScoreF for sorted timestamps without its copies and sorts: the same edges
  // (ComputeHistogramBinsF), the same bin walk (CreateHistogram), the same scores.
  Result<rita::HistogramScore> FastHistogramScore(double lo, double hi, const std::vector<double>& ts,
                                                  int32_t bimodal_min, int32_t bins) const {
    if (ts.empty()) return Status::InvalidArgument("input slice must not be empty");
    if (!(hi > lo)) return Status::InvalidArgument("invalid dataset time range");
    if (bins <= 0) return Status::InvalidArgument("number of bins must be positive");
    std::vector<double>& edges = scratch_edges;
    edges.resize(static_cast<size_t>(bins) + 1);
    const double step = (hi - lo) / static_cast<double>(bins);
    edges[0] = lo;
    for (int32_t i = 1; i < bins; ++i) edges[static_cast<size_t>(i)] = lo + static_cast<double>(i) * step;
    edges[static_cast<size_t>(bins)] = hi;
    if (!std::is_sorted(edges.begin(), edges.end())) std::sort(edges.begin(), edges.end());
    rita::HistogramScore out;
    std::vector<int>& freq = out.histogram.freq;
    rita::BinSortedTimestamps(edges, ts, freq);
    ONUS_ASSIGN_OR_RETURN(Bars bars, FastBars(freq, bimodal_min));
    ONUS_ASSIGN_OR_RETURN(double cv, rita::CalculateCoefficientOfVariationScore(freq));
    out.histogram.counts.total_bars = bars.total_bars;  // freq_count is left empty (bars.bimodal has what it gives)
    out.histogram.counts.longest_run = bars.longest_run;
    out.score = std::max(cv, bars.bimodal);
    return out;
  }

  // rita::GetFrequencyCounts and rita::CalculateBimodalFitScore in one pass without the map: the same
  // bars, longest run and bimodal fit (the fit needs only the two largest counts per frequency key).
  struct Bars {
    int32_t total_bars = 0, longest_run = 0;
    double bimodal = 0;
  };
  Result<Bars> FastBars(const std::vector<int>& freq, int32_t bimodal_min) const {
    if (freq.empty()) return Status::InvalidArgument("input slice must not be empty");
    Bars out;
    int largest = 0;
    for (int b : freq) {
      if (b > 0) ++out.total_bars;
      largest = std::max(largest, b);
    }
    if (out.total_bars <= 0) return Status::InvalidArgument("input slice must not be empty");
    const double bin_size = std::ceil(static_cast<double>(largest) * cfg.histogram_mode_sensitivity);
    std::array<std::pair<int64_t, int32_t>, 64> keys;
    size_t nkeys = 0;
    for (int b : freq) {
      if (b <= 0) continue;
      const int64_t key = static_cast<int64_t>(std::floor(static_cast<double>(b) / bin_size) * bin_size);
      size_t k = 0;
      while (k < nkeys && keys[k].first != key) ++k;
      if (k == nkeys) {
        if (nkeys == keys.size()) {  // a very fine mode sensitivity: RITA's kernels as they are
          ONUS_ASSIGN_OR_RETURN(rita::FrequencyCounts fc,
                                rita::GetFrequencyCounts(freq, cfg.histogram_mode_sensitivity));
          ONUS_ASSIGN_OR_RETURN(out.bimodal,
                                rita::CalculateBimodalFitScore(fc.freq_count, fc.total_bars,
                                                               cfg.histogram_bimodal_outlier_removal, bimodal_min));
          out.longest_run = fc.longest_run;
          return out;
        }
        keys[nkeys++] = {key, 0};
      }
      ++keys[k].second;
    }
    const size_t n = freq.size();
    int32_t longest = 0, current = 0;
    for (size_t i = 0; i < 2 * n; ++i) {
      if (freq[i < n ? i : i - n] > 0) {
        ++current;
      } else {
        longest = std::max(longest, current);
        current = 0;
      }
    }
    out.longest_run = std::min<int32_t>(std::max(longest, current), static_cast<int32_t>(n));
    int32_t min_hours = bimodal_min < 6 ? 11 : bimodal_min;
    double fit = 0;
    if (out.total_bars >= min_hours) {
      int32_t top = 0, second = 0;
      for (size_t k = 0; k < nkeys; ++k) {
        const int32_t v = keys[k].second;
        if (v > top) {
          second = top;
          top = v;
        } else if (v > second) {
          second = v;
        }
      }
      const double adjusted = std::max(
          static_cast<double>(static_cast<int32_t>(static_cast<uint32_t>(out.total_bars) -
                                                   static_cast<uint32_t>(cfg.histogram_bimodal_outlier_removal))),
          1.0);
      fit = static_cast<double>(static_cast<int32_t>(static_cast<uint32_t>(top) + static_cast<uint32_t>(second))) /
            adjusted;
    }
    out.bimodal = std::min(rita::Round3(fit), 1.0);
    return out;
  }

  // bins: histogram bins over [lo, hi]; bimodal_min and the duration thresholds default to RITA's.
  BeaconEval Evaluate(const std::vector<double>& ts, const std::vector<double>& bytes, double lo, double hi,
                      int32_t bins, bool may_skip, int32_t bimodal_min = -1, int32_t dur_min = -1,
                      int32_t dur_ideal = -1) const {
    if (bimodal_min < 0) bimodal_min = cfg.histogram_bimodal_min_hours_seen;
    if (dur_min < 0) dur_min = cfg.duration_min_hours_seen;
    if (dur_ideal < 0) dur_ideal = cfg.duration_ideal_hours_seen;
    BeaconEval e;
    e.bins = bins;
    size_t unique = 0;
    for (size_t i = 0; i < ts.size(); ++i)
      if (i == 0 || ts[i] != ts[i - 1]) ++unique;
    e.unique_ts = unique;
    if (unique < static_cast<size_t>(cfg.unique_connection_threshold)) {
      e.why_not = "too few distinct timestamps";
      return e;
    }
    Result<rita::HistogramScore> hr =
        cfg.rita_compatible ? rita::GetHistogramScore(static_cast<int64_t>(lo), static_cast<int64_t>(hi), ts,
                                                      cfg.histogram_mode_sensitivity,
                                                      cfg.histogram_bimodal_outlier_removal, bimodal_min, bins)
                            : FastHistogramScore(lo, hi, ts, bimodal_min, bins);
    if (!hr.ok()) {
      e.why_not = hr.status().message();
      return e;
    }
    auto dr = rita::GetDurationScore(lo, hi, ts.front(), ts.back(), hr->histogram.counts.total_bars,
                                     hr->histogram.counts.longest_run, dur_min, dur_ideal);
    if (!dr.ok()) {
      e.why_not = dr.status().message();
      return e;
    }
    // A window that cannot reach the reporting bar even with perfect timing and sizes (RITA's score
    // is monotone in each part) is not scored further, unless the caller needs its exact score.
    if (may_skip) {
      auto bound = rita::GetBeaconScore(1, cfg.weights.timestamp, 1, cfg.weights.data_size, dr->score,
                                        cfg.weights.duration, hr->score, cfg.weights.histogram);
      if (bound.ok() && *bound < cfg.beacon_min_score) {
        e.why_not = "below the reporting bar";
        return e;
      }
    }
    // Default mode: one sort per series (bit-identical scores, modes only for reported windows);
    // rita-compatible: RITA's kernels as they are.
    auto tsr = cfg.rita_compatible ? rita::TimestampScoreSeconds(ts) : FastTimestampScore(ts);
    if (!tsr.ok()) {
      e.why_not = tsr.status().message();
      return e;
    }
    auto dsr = cfg.rita_compatible ? rita::GetDataSizeScore(bytes) : FastDataSizeScore(bytes);
    if (!dsr.ok()) {
      e.why_not = dsr.status().message();
      return e;
    }
    auto sr = rita::GetBeaconScore(tsr->score, cfg.weights.timestamp, dsr->score, cfg.weights.data_size, dr->score,
                                   cfg.weights.duration, hr->score, cfg.weights.histogram);
    if (!sr.ok()) {
      e.why_not = sr.status().message();
      return e;
    }
    e.ok = true;
    e.score = *sr;
    e.ts = tsr->score;
    e.ds = dsr->score;
    e.dur = dr->score;
    e.hist = hr->score;
    e.ts_detail = std::move(*tsr);
    e.ds_detail = std::move(*dsr);
    e.dur_detail = *dr;
    e.total_bars = hr->histogram.counts.total_bars;
    e.longest_run = hr->histogram.counts.longest_run;
    return e;
  }

  std::vector<ingest::SourceRef> Provenance(const std::vector<Sample>& sorted, size_t from, size_t to) const {
    std::vector<ingest::SourceRef> out;
    for (size_t i = from; i < to && out.size() < cfg.provenance_cap; ++i) out.push_back(Ref(sorted[i]));
    return out;
  }
  ingest::SourceRef Ref(const Sample& s) const {
    ingest::SourceRef r;
    r.input = inputs[s.input];
    r.record = s.record;
    r.is_packet = input_packets[s.input];
    return r;
  }

  // Destination context: "cdn" when a note or the config says CDN/cloud/shared hosting.
  std::string AddressClass(const IpAddress& dst, std::string* note) const {
    if (cdn.MatchesAddress(dst)) {
      if (note) *note = "config cdn_destinations";
      return "cdn";
    }
    if (cfg.context) {
      for (const auto* n : cfg.context->NotesFor(dst.ToString())) {
        if (n->kind == "cdn" || n->kind == "cloud" || n->kind == "shared-hosting") {
          if (note) *note = n->source.empty() ? n->kind : n->source;
          return "cdn";
        }
      }
    }
    return "";
  }
  std::string NameClass(const std::string& name, std::string* note) const {
    if (cdn.MatchesName(name)) {
      if (note) *note = "config cdn_destinations";
      return "cdn";
    }
    if (cfg.context) {
      for (const auto* n : cfg.context->NotesFor(name)) {
        if (n->kind == "cdn" || n->kind == "cloud" || n->kind == "shared-hosting") {
          if (note) *note = n->source.empty() ? n->kind : n->source;
          return "cdn";
        }
      }
    }
    return "";
  }

  void Locate(Finding& f) const {
    if (!cfg.context) return;
    Location loc = cfg.context->Locate(f.src);
    f.site = loc.site;
    f.segment = loc.segment;
  }

  static std::vector<std::string> BeaconTechniques(uint8_t flags) {
    std::vector<std::string> t;
    if (flags & (kTls | kHttp | kWebPort)) {
      t.push_back("T1071.001");
    } else {
      t.push_back("T1071");
    }
    if (flags & kTls) t.push_back("T1573");
    return t;
  }

  // Scores one pair's samples (sorted) in every window; appends beacon/strobe findings.
  // What a pair's findings say about its destination.
  struct PairCtx {
    IpAddress src;
    std::string dst, dst_type;  // dst_type "ip" | "sni"
    uint8_t flags = 0;
    std::string cls, note;
    bool dynamic = false, watched = false, unnamed = false;
    // The pair's best score appears in a rare-destination or exfil-upload detail: score every window.
    bool exact_best = true;
  };

  Finding NewFinding(FindingKind kind, const PairCtx& c, std::string window, double first, double last,
                     uint64_t count) const {
    Finding f;
    f.kind = kind;
    f.window = std::move(window);
    f.src = c.src;
    f.dst = c.dst;
    f.key = c.src.ToString() + "->" + c.dst;
    f.count = count;
    f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(first * 1e9));
    f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(last * 1e9));
    return f;
  }

  void EmitStrobe(const PairCtx& c, const std::string& window, uint64_t window_count, double first, double last,
                  size_t stored, std::vector<ingest::SourceRef> prov, std::vector<Finding>& out) const {
    Finding f = NewFinding(FindingKind::kStrobe, c, window, first, last, window_count);
    f.score = std::min(1.0, 0.6 + 0.1 * std::log10(static_cast<double>(window_count) /
                                                   static_cast<double>(cfg.strobe_connections_per_day)));
    if (!c.cls.empty()) f.score *= cfg.cdn_score_factor;
    if (c.watched) f.score = std::max(f.score, 0.8);
    f.severity = SeverityForScore(f.score);
    json d = {{"connections", window_count},
              {"threshold_per_day", cfg.strobe_connections_per_day},
              {"dst_type", c.dst_type},
              {"stored_samples", stored}};
    if (!c.cls.empty()) d["destination_class"] = c.cls, d["destination_note"] = c.note;
    f.detail_json = d.dump();
    f.provenance = std::move(prov);
    f.provenance_total = window_count;
    Locate(f);
    out.push_back(std::move(f));
  }

  // A scored window: reported when RITA's score clears the bar (or the destination is watched).
  void EmitBeacon(const PairCtx& c, const BeaconEval& e, const std::string& window, double lo, double hi, double first,
                  double last, uint64_t count, std::vector<ingest::SourceRef> prov, const json* extra,
                  std::vector<Finding>& out) const {
    if (e.score < cfg.beacon_min_score && !c.watched) return;
    Finding f = NewFinding(c.dynamic ? FindingKind::kDynamicDns : FindingKind::kBeacon, c, window, first, last, count);
    double score = e.score;
    // Modifiers (default mode only; RITA's score stays in the detail): an application session to an
    // address that no name pointed at (module README, "Score modifiers").
    json modifiers = json::object();
    if (c.unnamed && !cfg.rita_compatible && cfg.unnamed_destination_increase > 0) {
      score = std::min(1.0, score + cfg.unnamed_destination_increase);
      modifiers["unnamed_destination"] = cfg.unnamed_destination_increase;
    }
    if (c.dynamic) score = 0.5 + 0.3 * score;  // a dynamic-DNS destination is context; the shape adds to it
    if (!c.cls.empty()) score *= cfg.cdn_score_factor;
    if (c.watched) score = std::max(score, 0.8);
    f.score = std::round(score * 1000) / 1000;
    f.severity = SeverityForScore(f.score);
    f.techniques = BeaconTechniques(c.flags);
    if (c.dynamic) f.techniques.insert(f.techniques.begin(), "T1568");
    json d = {{"rita_score", e.score},
              {"ts_score", e.ts},
              {"ds_score", e.ds},
              {"dur_score", e.dur},
              {"hist_score", e.hist},
              {"weights", {cfg.weights.timestamp, cfg.weights.data_size, cfg.weights.duration, cfg.weights.histogram}},
              {"ts_skew", e.ts_detail.skew},
              {"ts_mad", e.ts_detail.mad},
              {"ds_skew", e.ds_detail.skew},
              {"ds_mad", e.ds_detail.mad},
              {"coverage", e.dur_detail.coverage},
              {"consistency", e.dur_detail.consistency},
              {"total_bars", e.total_bars},
              {"longest_run", e.longest_run},
              {"bins", e.bins},
              {"unique_ts", e.unique_ts},
              {"window_from", FormatRfc3339(Timestamp::FromNanos(static_cast<int64_t>(lo * 1e9)), 3)},
              {"window_to", FormatRfc3339(Timestamp::FromNanos(static_cast<int64_t>(hi * 1e9)), 3)},
              {"timing", cfg.rita_compatible ? "rita-integer-seconds" : "sub-second"},
              {"bin_width_s", (hi - lo) / e.bins},
              {"dst_type", c.dst_type}};
    if (extra) {
      d.update(*extra);
    } else {
      d["ts_mode"] = e.ts_detail.distinct.mode;
      d["ts_mode_count"] = e.ts_detail.distinct.mode_count;
      d["ds_mode"] = e.ds_detail.distinct.mode;
      d["ds_mode_count"] = e.ds_detail.distinct.mode_count;
    }
    if (!c.cls.empty()) d["destination_class"] = c.cls, d["destination_note"] = c.note;
    if (c.dynamic) d["dynamic_dns"] = true;
    if (c.watched) d["watch_listed"] = true;
    if (!modifiers.empty()) d["modifiers"] = modifiers;
    f.detail_json = d.dump();
    f.provenance = std::move(prov);
    f.provenance_total = count;
    Locate(f);
    out.push_back(std::move(f));
  }

  // Scores one pair's exact samples (sorted) in every window; appends beacon/strobe findings.
  // `days`: records per day (may exceed the stored samples in rita-compatible mode).
  void ScorePair(const std::vector<Sample>& sorted, const std::vector<DayCount>& days, const PairCtx& c,
                 std::vector<Finding>& out, double* best) const {
    auto emit = [&](int64_t day, size_t from, size_t to, double lo, double hi, int32_t bins, uint64_t window_count,
                    bool multi_day) {
      auto label = [&] {
        return multi_day ? std::string("multi-day") : day < 0 ? std::string() : DayLabel(day * kDay);
      };
      if (window_count >= cfg.strobe_connections_per_day) {
        EmitStrobe(c, label(), window_count, EpochF(sorted[from]), EpochF(sorted[to - 1]), to - from,
                   Provenance(sorted, from, to), out);
        return;
      }
      // Fewer connections than RITA's distinct-timestamp minimum cannot score: skip before copying.
      if (to - from < static_cast<size_t>(cfg.unique_connection_threshold)) return;
      if (!(hi > lo)) return;
      const bool may_skip = !cfg.rita_compatible && !c.watched && !c.exact_best;
      // Fewer connections than the duration score's minimum of active bins: duration 0, and when even
      // perfect timing, sizes and histogram cannot then reach the bar, Evaluate would stop at its bound
      // anyway (the same result, without the copies and the histogram).
      if (may_skip && !multi_day && to - from < static_cast<size_t>(cfg.duration_min_hours_seen) &&
          no_duration_bound < cfg.beacon_min_score)
        return;
      // Likewise with the histogram: n timestamps in B bins have a coefficient of variation of at
      // least sqrt(B / n - 1) (counts are integers), so its score is 0 when n <= B / 2, and the bimodal
      // fit needs at least its minimum of active bins (<= n): with both 0 the histogram score is 0.
      const int32_t bimodal_min = cfg.histogram_bimodal_min_hours_seen < 6 ? 11 : cfg.histogram_bimodal_min_hours_seen;
      if (may_skip && !multi_day && (to - from) * 2 <= static_cast<size_t>(bins) &&
          to - from < static_cast<size_t>(bimodal_min) && no_histogram_bound < cfg.beacon_min_score)
        return;
      std::vector<double>& ts = scratch_ts;
      std::vector<double>& bytes = scratch_bytes;
      ts.clear();
      bytes.clear();
      for (size_t i = from; i < to; ++i) {
        ts.push_back(SampleTime(sorted[i]));
        bytes.push_back(static_cast<double>(sorted[i].bytes));
      }
      // The multi-day view: histogram flatness over bins sized to the pair's own cadence, no bimodal
      // fit (sparse traffic fills fine bins with ones, which RITA's bimodal fit mistakes for a
      // mode), and duration over those bins (at least half of them active; ideal = all).
      if (multi_day) {
        // Bins two median intervals wide (1 h .. 1 day): a steady beacon puts about two
        // connections in every bin, irregular traffic leaves bins empty or crowded.
        std::vector<double>& deltas = scratch_iv;
        deltas.clear();
        for (size_t k = 1; k < ts.size(); ++k)
          if (ts[k] > ts[k - 1]) deltas.push_back(ts[k] - ts[k - 1]);
        if (deltas.empty()) return;
        bins = MultiDayBins(SelectMedian(deltas), lo, hi);
        if (bins < 2) return;
      }
      BeaconEval e = multi_day ? Evaluate(ts, bytes, lo, hi, bins, may_skip, std::numeric_limits<int32_t>::max(),
                                          std::max(2, bins / 2), bins)
                               : Evaluate(ts, bytes, lo, hi, bins, may_skip);
      if (!e.ok) return;
      if (best) *best = std::max(*best, e.score);
      if (e.score < cfg.beacon_min_score && !c.watched) return;
      if (!cfg.rita_compatible) {  // the fast path leaves the modes (detail only) to reported windows
        std::vector<double> deltas(ts.size() - 1);
        for (size_t k = 0; k + 1 < ts.size(); ++k) deltas[k] = ts[k + 1] - ts[k];
        if (auto m = rita::CalculateDistinctCounts(std::move(deltas)); m.ok()) e.ts_detail.distinct = std::move(*m);
        if (auto m = rita::CalculateDistinctCounts(bytes); m.ok()) e.ds_detail.distinct = std::move(*m);
      }
      EmitBeacon(c, e, label(), lo, hi, EpochF(sorted[from]), EpochF(sorted[to - 1]), to - from,
                 Provenance(sorted, from, to), nullptr, out);
    };

    if (sorted.empty()) return;
    if (cfg.rita_compatible) {
      // RITA: the last 24 hours of the data set; rows from the start of that window's first hour.
      const int64_t max_ts = max_conn_sec;
      const int64_t min_ts = std::max(min_conn_sec, max_ts - kDay);
      const int64_t min_hour = FloorDiv(min_ts, 3600) * 3600;
      size_t from = 0;
      while (from < sorted.size() && EpochSec(sorted[from]) < min_hour) ++from;
      size_t to = sorted.size();
      uint64_t window_count = to - from;
      // Capped connections of the window still count towards the strobe threshold.
      uint64_t capped = 0;
      for (const auto& dcount : days)
        if (dcount.count > cfg.strobe_connections_per_day) capped += dcount.count - cfg.strobe_connections_per_day;
      window_count += capped;
      if (to > from)
        emit(-1, from, to, static_cast<double>(min_ts), static_cast<double>(max_ts), 24, window_count, false);
      return;
    }
    // Per UTC day.
    size_t i = 0;
    while (i < sorted.size()) {
      const int64_t day = FloorDiv(EpochSec(sorted[i]), kDay);
      size_t j = i;
      while (j < sorted.size() && FloorDiv(EpochSec(sorted[j]), kDay) == day) ++j;
      uint64_t day_count = j - i;
      for (const auto& dcount : days)
        if (dcount.day == day) day_count = dcount.count;
      const double lo = std::max(static_cast<double>(day * kDay), min_conn_f);
      const double hi = std::min(static_cast<double>((day + 1) * kDay), max_conn_f);
      emit(day, i, j, lo, hi, 24, day_count, false);
      i = j;
    }
    // Multi-day view over the whole data set.
    if (MultiDayEligible(days, sorted.size()))
      emit(0, 0, sorted.size(), min_conn_f, max_conn_f, 0, sorted.size(), true);
  }

  bool MultiDayEligible(const std::vector<DayCount>& days, uint64_t n) const {
    const double span = max_conn_f - min_conn_f;
    if (!(span >= static_cast<double>(cfg.multi_day_min_days) * kDay)) return false;
    for (const auto& dcount : days)
      if (dcount.count >= cfg.strobe_connections_per_day) return false;
    const double n_days = std::ceil(span / static_cast<double>(kDay) - 1e-9);
    return static_cast<double>(n) >= cfg.multi_day_min_per_day * n_days && n >= cfg.multi_day_min_connections;
  }
  static int32_t MultiDayBins(double median_interval, double lo, double hi) {
    const double width = std::clamp(2 * median_interval, 3600.0, static_cast<double>(kDay));
    return static_cast<int32_t>(std::min(std::ceil((hi - lo) / width), 100000.0));
  }

  // Histogram of a summary over `bins` equal bins of [lo, hi] from its hourly counts: each hour's
  // count is spread over the bins its part of [day first, day last] overlaps, in proportion. Exact
  // when the bins are the day's hours (full days); edge days and the multi-day view approximate.
  static std::vector<int> Rebin(const DaySummary* d, size_t nd, double lo, double hi, int32_t bins) {
    std::vector<double> acc(static_cast<size_t>(bins), 0.0);
    const double w = (hi - lo) / bins;
    auto bin_of = [&](double x) {
      return static_cast<size_t>(std::clamp(std::floor((x - lo) / w), 0.0, static_cast<double>(bins - 1)));
    };
    for (size_t k = 0; k < nd; ++k) {
      for (int hr = 0; hr < 24; ++hr) {
        const uint32_t cnt = d[k].hours[static_cast<size_t>(hr)];
        if (!cnt) continue;
        const double hs = static_cast<double>(static_cast<int64_t>(d[k].day) * kDay + hr * 3600);
        const double a = std::max({hs, d[k].first, lo}), b = std::min({hs + 3600, d[k].last, hi});
        if (!(b > a)) {
          acc[bin_of(std::clamp(a, lo, hi))] += cnt;
          continue;
        }
        for (size_t i = bin_of(a); i < acc.size(); ++i) {
          const double bl = lo + static_cast<double>(i) * w, bh = bl + w;
          if (bl >= b) break;
          const double ov = std::min(b, bh) - std::max(a, bl);
          if (ov > 0) acc[i] += cnt * ov / (b - a);
        }
      }
    }
    std::vector<int> freq(acc.size());
    int64_t total = 0;
    for (size_t i = 0; i < acc.size(); ++i) total += freq[i] = static_cast<int>(std::llround(acc[i]));
    if (total == 0 && !acc.empty())
      freq[static_cast<size_t>(std::max_element(acc.begin(), acc.end()) - acc.begin())] = 1;
    return freq;
  }

  // RITA's histogram, duration and overall scores for a summarised window.
  BeaconEval EvaluateSummary(const SketchStat& ts, const SketchStat& ds, size_t unique, const std::vector<int>& freq,
                             double lo, double hi, double first, double last, int32_t bimodal_min, int32_t dur_min,
                             int32_t dur_ideal) const {
    BeaconEval e;
    e.bins = static_cast<int32_t>(freq.size());
    e.unique_ts = unique;
    if (!ts.ok || !ds.ok || unique < static_cast<size_t>(cfg.unique_connection_threshold)) return e;
    auto fc = FastBars(freq, bimodal_min);
    if (!fc.ok()) return e;
    auto cv = rita::CalculateCoefficientOfVariationScore(freq);
    if (!cv.ok()) return e;
    const double hist = std::max(*cv, fc->bimodal);
    auto dr = rita::GetDurationScore(lo, hi, first, last, fc->total_bars, fc->longest_run, dur_min, dur_ideal);
    if (!dr.ok()) return e;
    auto sr = rita::GetBeaconScore(ts.score, cfg.weights.timestamp, ds.score, cfg.weights.data_size, dr->score,
                                   cfg.weights.duration, hist, cfg.weights.histogram);
    if (!sr.ok()) return e;
    e.ok = true;
    e.score = *sr;
    e.ts = ts.score;
    e.ds = ds.score;
    e.dur = dr->score;
    e.hist = hist;
    e.ts_detail.skew = ts.skew;
    e.ts_detail.mad = ts.mad;
    e.ds_detail.skew = ds.skew;
    e.ds_detail.mad = ds.mad;
    e.dur_detail = *dr;
    e.total_bars = fc->total_bars;
    e.longest_run = fc->longest_run;
    return e;
  }

  std::vector<ingest::SourceRef> SummaryProvenance(const DaySummary* d, size_t nd) const {
    std::vector<ingest::SourceRef> out;
    for (size_t k = 0; k < nd && out.size() < cfg.provenance_cap; ++k)
      for (const auto& s : d[k].earliest) {
        if (out.size() >= cfg.provenance_cap) break;
        out.push_back(Ref(s));
      }
    return out;
  }

  // Data-size statistics of an IP pair for one day (day = INT32_MIN: all days), for name pairs whose
  // records carry no sizes.
  SketchStat PairSizes(const IpPair& p, int32_t day) const {
    if (p.summary) {
      if (day == INT32_MIN) return StatFromSketch(p.summary->all_bytes, 0.0);
      for (const auto& d : p.summary->days)
        if (d.day == day) return d.ds;
      return {};
    }
    std::vector<double> b;
    for (const auto& s : p.samples)
      if (day == INT32_MIN || FloorDiv(EpochSec(s), kDay) == day) b.push_back(static_cast<double>(s.bytes));
    SketchStat st;
    auto r = rita::GetDataSizeScore(std::move(b));
    if (!r.ok()) return st;
    st.ok = true;
    st.score = r->score;
    st.skew = r->skew;
    st.mad = r->mad;
    return st;
  }

  // Scores a summarised pair per day and in the multi-day view. `sizes`: the IP pair whose sizes stand
  // in for a name pair's (null: the summary's own).
  void ScoreSummary(const PairSummary& ps, const PairCtx& c, const IpPair* sizes, std::vector<Finding>& out,
                    double* best) const {
    // The detail and provenance are built only for windows that are reported (EmitBeacon's own bar).
    auto reported = [&](const BeaconEval& e) { return e.score >= cfg.beacon_min_score || c.watched; };
    auto extra = [&](double ts_median, double ds_median) {
      json x = {{"summary", true},
                {"exact_cap", cfg.exact_samples_per_pair},
                {"sketch_k", cfg.summary_sketch_k},
                {"late_records", ps.late}};
      if (sizes) x["sizes_from"] = "address pair " + sizes->src.ToString() + "->" + sizes->dst.ToString();
      x["ts_median"] = ts_median;
      x["ds_median"] = ds_median;
      return x;
    };
    std::vector<DayCount> days;
    uint64_t total = 0, nonzero = ps.cross_nonzero;
    for (const auto& d : ps.days) {
      days.push_back({d.day, d.count});
      total += d.count;
      nonzero += d.nonzero;
      const double lo = std::max(static_cast<double>(int64_t{d.day} * kDay), min_conn_f);
      const double hi = std::min(static_cast<double>((int64_t{d.day} + 1) * kDay), max_conn_f);
      if (d.count >= cfg.strobe_connections_per_day) {
        EmitStrobe(c, DayLabel(int64_t{d.day} * kDay), d.count, d.first, d.last, 0, SummaryProvenance(&d, 1), out);
        continue;
      }
      if (!d.ts.ok || !(hi > lo)) continue;
      const SketchStat ds = sizes ? PairSizes(*sizes, d.day) : d.ds;
      BeaconEval e = EvaluateSummary(d.ts, ds, d.nonzero + 1, Rebin(&d, 1, lo, hi, 24), lo, hi, d.first, d.last,
                                     cfg.histogram_bimodal_min_hours_seen, cfg.duration_min_hours_seen,
                                     cfg.duration_ideal_hours_seen);
      if (!e.ok) continue;
      if (best) *best = std::max(*best, e.score);
      if (!reported(e)) continue;
      const json x = extra(d.ts.median, ds.median);
      EmitBeacon(c, e, DayLabel(int64_t{d.day} * kDay), lo, hi, d.first, d.last, d.count, SummaryProvenance(&d, 1), &x,
                 out);
    }
    if (ps.days.empty() || !MultiDayEligible(days, total) || nonzero < 3) return;
    SketchStat ts = StatFromSketch(ps.all_iv, 1.0);
    if (!ts.ok) return;
    const double lo = min_conn_f, hi = max_conn_f;
    const int32_t bins = MultiDayBins(ts.median, lo, hi);
    if (bins < 2) return;
    const SketchStat ds = sizes ? PairSizes(*sizes, INT32_MIN) : StatFromSketch(ps.all_bytes, 0.0);
    BeaconEval e = EvaluateSummary(ts, ds, nonzero + 1, Rebin(ps.days.data(), ps.days.size(), lo, hi, bins), lo, hi,
                                   ps.days.front().first, ps.days.back().last, std::numeric_limits<int32_t>::max(),
                                   std::max(2, bins / 2), bins);
    if (!e.ok) return;
    if (best) *best = std::max(*best, e.score);
    if (!reported(e)) return;
    const json x = extra(ts.median, ds.median);
    EmitBeacon(c, e, "multi-day", lo, hi, ps.days.front().first, ps.days.back().last, total,
               SummaryProvenance(ps.days.data(), ps.days.size()), &x, out);
  }

  std::vector<DayCount> DaysOf(const std::vector<Sample>& sorted) const {
    std::vector<DayCount> days;
    for (const auto& s : sorted) {
      const int32_t day = static_cast<int32_t>(FloorDiv(EpochSec(s), kDay));
      if (days.empty() || days.back().day != day) days.push_back({day, 0});
      ++days.back().count;
    }
    return days;
  }

  // The pair's earliest records (provenance).
  std::vector<ingest::SourceRef> PairProvenance(const IpPair& p) const {
    if (p.summary) return SummaryProvenance(p.summary->days.data(), p.summary->days.size());
    return Provenance(p.samples, 0, p.samples.size());
  }

  Result<std::vector<Finding>> Finish() {
    FlushPending();
    std::vector<Finding> out;
    if (pairs.empty() && dns_parents.empty() && dyn_names.empty()) return out;
    stats.pairs = pairs.size();
    stats.sni_pairs = name_pairs.size();
    for (auto& p : pairs) {
      if (p.summary) {
        Fold(*p.summary, p.samples, true, true);
        CloseSummary(*p.summary);
      } else {
        SortNearlySorted(p.samples.begin(), p.samples.end(), SampleLess);
      }
    }

    // Connections to addresses a dynamic-DNS name resolved to (DNS before or after the connections).
    if (!dyn_addresses.empty()) {
      for (uint32_t pi = 0; pi < pairs.size(); ++pi) {
        const IpPair& p = pairs[pi];
        if (p.count == 0 || p.ignored) continue;
        auto dyn = dyn_addresses.find(p.dst);
        if (dyn == dyn_addresses.end()) continue;
        DynName& d = DynEntry(p.src, dyn->second);
        d.connections += p.count;
        d.min_sec = std::min(d.min_sec, p.first_sec);
        d.max_sec = std::max(d.max_sec, p.last_sec);
        if (p.summary) {
          for (const auto& day : p.summary->days)
            for (const auto& s : day.earliest) KeepEarliest(d.first, s, cfg.provenance_cap);
        } else {
          for (size_t k = 0; k < p.samples.size() && k < cfg.provenance_cap; ++k)
            KeepEarliest(d.first, p.samples[k], cfg.provenance_cap);
        }
        NoteIpPair(d, pi + 1);
      }
    }

    // Which tracked pairs carry a dynamic-DNS name (from lookups answered with the address or names
    // seen on the connection).
    std::vector<uint32_t> pair_dyn_name(pairs.size(), UINT32_MAX);
    for (const auto& d : dyn_names)
      for (uint32_t ip : d.ip_pairs) pair_dyn_name[ip - 1] = d.name;

    // Rare destinations: internal sources per external destination.
    std::unordered_map<IpAddress, uint32_t> dst_sources;
    std::unordered_set<IpAddress> internal_sources;
    for (const IpPair& p : pairs) {
      if (p.count == 0 || p.ignored || IsInternal(p.dst)) continue;
      internal_sources.insert(p.src);
      ++dst_sources[p.dst];
    }
    const double n_internal = static_cast<double>(std::max<size_t>(internal_sources.size(), 1));
    auto rare = [&](const IpPair& p) {
      if (p.count < cfg.rare_min_connections) return false;
      const uint32_t srcs = dst_sources[p.dst];
      return srcs <= cfg.rare_max_sources && srcs / n_internal <= cfg.rare_max_share;
    };

    // Beacons per IP pair (internal source, external destination).
    std::vector<double> pair_best(pairs.size(), 0.0);
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || p.ignored || IsInternal(p.dst)) continue;
      // Too few connections for any window (and below the strobe threshold): nothing to score.
      if (p.count < static_cast<uint64_t>(cfg.unique_connection_threshold) && p.count < cfg.strobe_connections_per_day)
        continue;
      PairCtx c;
      c.src = p.src;
      c.dst = p.dst.ToString();
      c.dst_type = "ip";
      c.flags = p.flags;
      c.cls = AddressClass(p.dst, &c.note);
      if (c.cls.empty() && (p.flags & kNtp)) {
        c.cls = "time-service";
        c.note = "NTP (udp/123) polls by design";
      }
      if (c.cls.empty() && (p.flags & kDns) && internal_resolvers.count(p.src)) {
        // An internal resolver forwarding its clients' lookups upstream: TTL-driven refreshes of
        // popular names look periodic. A client talking DNS to the internet directly keeps its score.
        c.cls = "dns-forwarder";
        c.note = "internal resolver's upstream DNS";
      }
      c.dynamic = pair_dyn_name[pi] != UINT32_MAX;
      c.watched = always.MatchesAddress(p.dst) || (c.dynamic && always.MatchesName(names[pair_dyn_name[pi]]));
      c.exact_best = rare(p) || p.top_bytes >= cfg.exfil_min_bytes;
      // Unnamed: TCP sessions to an address that no DNS answer in the data pointed at and no SNI/Host
      // named, from a source whose own lookups are visible (so the absence means something). DNS and
      // NTP servers are configured by address by design and are excluded.
      c.unnamed = (p.flags & kTcp) && !(p.flags & (kNamed | kNtp)) && p.resp_p != 53 && p.resp_p != 853 &&
                  !answered_capped && !answered_addresses.count(p.dst) && dns_clients.count(p.src);
      if (c.unnamed) ++stats.unnamed_pairs;
      if (p.summary) {
        ScoreSummary(*p.summary, c, nullptr, out, &pair_best[pi]);
      } else {
        ScorePair(p.samples, cfg.rita_compatible ? p.days : DaysOf(p.samples), c, out, &pair_best[pi]);
      }
    }

    // Beacons per (source, SNI/HTTP host): each connection counted once, timed by the connection.
    for (auto& np : name_pairs) {
      const std::string& name = names[np.name];
      PairCtx c;
      c.src = np.src;
      c.dst = name;
      c.dst_type = "sni";
      c.flags = np.flags;
      c.exact_best = false;  // a name pair's best score is used nowhere else
      c.dynamic = name_info[np.name].dynamic;
      c.watched = always.MatchesName(name);
      bool via_summary = false;
      const IpPair* main_via = nullptr;
      uint32_t main_n = 0;
      for (const auto& v : np.via) {
        if (!v.ip_pair) continue;
        const IpPair& p = pairs[v.ip_pair - 1];
        if (v.n > main_n) main_via = &p, main_n = v.n;
      }
      for (const auto& ns : np.samples)
        if (ns.ip_pair && pairs[ns.ip_pair - 1].summary) via_summary = true;
      if (np.summary || via_summary) {
        // Summary: timed by the name records (Zeek's ssl/http ts), sized by the address pair.
        FoldNames(np, true);
        CloseSummary(*np.summary);
        for (const auto& v : np.via) {
          if (!v.ip_pair) continue;
          c.flags |= pairs[v.ip_pair - 1].flags;
          if (c.cls.empty()) c.cls = AddressClass(pairs[v.ip_pair - 1].dst, &c.note);
        }
        if (c.cls.empty()) c.cls = NameClass(name, &c.note);
        if (main_via) ScoreSummary(*np.summary, c, main_via, out, nullptr);
        continue;
      }
      std::vector<std::pair<uint64_t, Sample>> joined_keyed;  // (ip pair, sample index): each connection once
      std::vector<uint32_t> via;
      for (const auto& ns : np.samples) {
        if (!ns.ip_pair) continue;
        const IpPair& p = pairs[ns.ip_pair - 1];
        c.flags |= p.flags;
        if (std::find(via.begin(), via.end(), ns.ip_pair) == via.end()) via.push_back(ns.ip_pair);
        // The connection that started last at or before the name record (1 s of slack).
        Sample probe;
        probe.sec = ns.sec + 1;
        probe.ms = ns.ms;
        probe.input = 0xFFFF;
        probe.record = UINT32_MAX;
        auto it = std::upper_bound(p.samples.begin(), p.samples.end(), probe, SampleLess);
        if (it == p.samples.begin()) {
          ++stats.unjoined_names;
          continue;
        }
        --it;
        // Prefer the connection with the same uid (Zeek's join key), looking back a bounded way.
        if (ns.uid && it->uid != ns.uid) {
          auto back = it;
          for (int k = 0; k < 512 && back != p.samples.begin(); ++k) {
            --back;
            if (back->uid == ns.uid) {
              it = back;
              break;
            }
          }
        }
        const uint64_t key = (static_cast<uint64_t>(ns.ip_pair) << 32) | static_cast<uint64_t>(it - p.samples.begin());
        joined_keyed.emplace_back(key, *it);
      }
      std::sort(joined_keyed.begin(), joined_keyed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<Sample> joined;
      joined.reserve(joined_keyed.size());
      for (size_t k = 0; k < joined_keyed.size(); ++k)
        if (k == 0 || joined_keyed[k].first != joined_keyed[k - 1].first) joined.push_back(joined_keyed[k].second);
      for (uint32_t ip : via) {
        if (c.cls.empty()) c.cls = AddressClass(pairs[ip - 1].dst, &c.note);
      }
      if (c.cls.empty()) c.cls = NameClass(name, &c.note);
      if (joined.empty()) continue;
      std::sort(joined.begin(), joined.end(), SampleLess);
      ScorePair(joined, DaysOf(joined), c, out, nullptr);
    }

    // Long connections, exfiltration-sized uploads.
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || p.ignored || IsInternal(p.dst)) continue;
      std::string note;
      const std::string cls = AddressClass(p.dst, &note);
      const bool watched = always.MatchesAddress(p.dst);
      const std::string dst = p.dst.ToString();
      if (p.total_duration >= cfg.long_connection_seconds) {
        Finding f;
        f.kind = FindingKind::kLongConnection;
        f.src = p.src;
        f.dst = dst;
        f.key = p.src.ToString() + "->" + dst;
        f.count = p.count;
        f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(FirstF(p) * 1e9));
        f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(LastF(p) * 1e9));
        double score = std::min(1.0, 0.5 + 0.1 * std::log2(p.total_duration / cfg.long_connection_seconds));
        if (cls == "cdn") score *= cfg.cdn_score_factor;
        if (watched) score = std::max(score, 0.8);
        f.score = std::round(score * 1000) / 1000;
        f.severity = SeverityForScore(f.score);
        json d = {{"total_duration_s", p.total_duration},
                  {"longest_connection_s", p.max_duration},
                  {"threshold_s", cfg.long_connection_seconds},
                  {"connections", p.count},
                  {"orig_bytes", p.total_orig},
                  {"resp_bytes", p.total_resp},
                  {"resp_p", p.resp_p}};
        if (!cls.empty()) d["destination_class"] = cls, d["destination_note"] = note;
        f.detail_json = d.dump();
        f.provenance.push_back(Ref(p.longest));
        const ingest::SourceRef longest = Ref(p.longest);
        for (const auto& r : PairProvenance(p)) {
          if (f.provenance.size() >= cfg.provenance_cap) break;
          if (r.input != longest.input || r.record != longest.record) f.provenance.push_back(r);
        }
        f.provenance_total = p.count;
        Locate(f);
        out.push_back(std::move(f));
      }
      const Sample* top = &p.top;
      // The pair's median upload only matters when its largest upload clears the absolute bar.
      if (p.count >= 3 && top->bytes >= cfg.exfil_min_bytes) {
        double median;
        if (p.summary) {
          median = p.summary->all_bytes.Sorted().Quantile(0.5);
        } else {
          std::vector<double> b;
          b.reserve(p.samples.size());
          for (const auto& s : p.samples) b.push_back(static_cast<double>(s.bytes));
          median = rita::Median(b);
        }
        const double baseline = std::max(median, 1.0);
        if (top->bytes >= cfg.exfil_min_bytes && static_cast<double>(top->bytes) >= cfg.exfil_factor * baseline) {
          Finding f;
          f.kind = FindingKind::kExfilUpload;
          f.src = p.src;
          f.dst = dst;
          f.key = p.src.ToString() + "->" + dst;
          f.window = DayLabel(FloorDiv(EpochSec(*top), kDay) * kDay);
          f.count = 1;
          f.first_seen = f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(*top) * 1e9));
          const double ratio = static_cast<double>(top->bytes) / baseline;
          double score = std::min(1.0, 0.6 + 0.1 * std::log10(ratio / cfg.exfil_factor));
          const bool beaconing = pair_best[pi] >= cfg.beacon_min_score;
          if (beaconing) score = std::min(1.0, score + 0.2);
          if (cls == "cdn") score *= cfg.cdn_score_factor;
          if (watched) score = std::max(score, 0.8);
          f.score = std::round(score * 1000) / 1000;
          f.severity = SeverityForScore(f.score);
          if (beaconing) f.techniques = {"T1041"};
          json d = {{"bytes_out", top->bytes},
                    {"pair_median_bytes_out", median},
                    {"ratio_to_median", ratio},
                    {"pair_connections", p.count},
                    {"pair_beacon_score", pair_best[pi]},
                    {"threshold_bytes", cfg.exfil_min_bytes},
                    {"threshold_factor", cfg.exfil_factor}};
          if (!cls.empty()) d["destination_class"] = cls, d["destination_note"] = note;
          f.detail_json = d.dump();
          f.provenance = {Ref(*top)};
          f.provenance_total = 1;
          Locate(f);
          out.push_back(std::move(f));
        }
      }
    }

    // Rare destinations: contacted by few of the internal sources seen talking out.
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || p.ignored || IsInternal(p.dst) || p.count < cfg.rare_min_connections) continue;
      const uint32_t srcs = dst_sources[p.dst];
      const double share = srcs / n_internal;
      if (srcs > cfg.rare_max_sources || share > cfg.rare_max_share) continue;
      std::string note;
      const std::string cls = AddressClass(p.dst, &note);
      const bool watched = always.MatchesAddress(p.dst);
      Finding f;
      f.kind = FindingKind::kRareDestination;
      f.src = p.src;
      f.dst = p.dst.ToString();
      f.key = p.src.ToString() + "->" + f.dst;
      f.count = p.count;
      f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(FirstF(p) * 1e9));
      f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(LastF(p) * 1e9));
      const bool new_dst = base + static_cast<int64_t>(p.first_sec) >= min_conn_sec + kDay;
      double score = 0.3 + 0.2 * (1.0 - share / cfg.rare_max_share) + (new_dst ? 0.1 : 0.0);
      if (cls == "cdn") score *= cfg.cdn_score_factor;
      if (watched) score = std::max(score, 0.8);
      f.score = std::round(score * 1000) / 1000;
      f.severity = SeverityForScore(f.score);
      json d = {{"internal_sources_to_dst", srcs},
                {"internal_sources_total", internal_sources.size()},
                {"share", share},
                {"connections", p.count},
                {"first_seen_in_data", FormatRfc3339(f.first_seen, 6)},
                {"new_after_first_day", new_dst},
                {"pair_beacon_score", pair_best[pi]}};
      if (!cls.empty()) d["destination_class"] = cls, d["destination_note"] = note;
      f.detail_json = d.dump();
      f.provenance = PairProvenance(p);
      f.provenance_total = p.count;
      Locate(f);
      out.push_back(std::move(f));
    }

    // C2 over DNS: many distinct subdomains under one parent domain.
    for (const auto& [parent, d] : dns_parents) {
      const uint64_t n = d.subdomains.size();
      if (n < cfg.dns_c2_min_subdomains) continue;
      std::string note;
      const std::string cls = NameClass(parent, &note);
      const bool watched = always.MatchesName(parent);
      Finding f;
      f.kind = FindingKind::kDnsC2;
      IpAddress top_src;
      uint64_t top_n = 0;
      for (const auto& [src, c] : d.sources)
        if (c > top_n || (c == top_n && src < top_src)) top_src = src, top_n = c;
      f.src = top_src;
      f.dst = parent;
      f.key = top_src.ToString() + "->" + parent;
      f.count = d.queries;
      f.first_seen = Timestamp::FromSeconds(base + d.min_sec);
      f.last_seen = Timestamp::FromSeconds(base + d.max_sec);
      double score = std::min(1.0, 0.6 + 0.2 * std::log10(static_cast<double>(n) / cfg.dns_c2_min_subdomains));
      if (cls == "cdn") score *= cfg.cdn_score_factor;
      if (watched) score = std::max(score, 0.8);
      f.score = std::round(score * 1000) / 1000;
      f.severity = SeverityForScore(f.score);
      f.techniques = {"T1071.004"};
      json srcs = json::array();
      for (const auto& [src, c] : d.sources) srcs.push_back({{"src", src.ToString()}, {"queries", c}});
      json dj = {
          {"distinct_subdomains", n}, {"subdomains_capped", d.capped},
          {"queries", d.queries},     {"threshold", cfg.dns_c2_min_subdomains},
          {"sources", srcs},          {"parent_rule", "last two labels, three under a public second level of a ccTLD"}};
      if (!cls.empty()) dj["destination_class"] = cls, dj["destination_note"] = note;
      f.detail_json = dj.dump();
      for (const auto& s : d.first) f.provenance.push_back(Ref(s));
      f.provenance_total = d.queries;
      Locate(f);
      out.push_back(std::move(f));
    }

    // Dynamic-DNS names looked up or contacted (always reported: context, not a verdict).
    for (const auto& d : dyn_names) {
      const std::string& name = names[d.name];
      const bool watched = always.MatchesName(name);
      Finding f;
      f.kind = FindingKind::kDynamicDns;
      f.src = d.src;
      f.dst = name;
      f.key = d.src.ToString() + "->" + name;
      f.window = "names";
      f.count = d.lookups + d.connections;
      f.first_seen = Timestamp::FromSeconds(base + d.min_sec);
      f.last_seen = Timestamp::FromSeconds(base + d.max_sec);
      double score = 0.5;
      if (watched) score = std::max(score, 0.8);
      f.score = score;
      f.severity = SeverityForScore(f.score);
      f.techniques = {"T1568"};
      std::string zone;
      for (const auto& z : dyn_zones)
        if (NameUnder(name, z) && z.size() > zone.size()) zone = z;
      json dj = {{"lookups", d.lookups}, {"named_connections", d.connections}, {"zone", zone}};
      json addrs = json::array();
      for (uint32_t ip : d.ip_pairs) addrs.push_back(pairs[ip - 1].dst.ToString());
      dj["addresses"] = addrs;
      f.detail_json = dj.dump();
      for (const auto& s : d.first) f.provenance.push_back(Ref(s));
      f.provenance_total = f.count;
      Locate(f);
      out.push_back(std::move(f));
    }

    std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.kind != b.kind) return a.kind < b.kind;
      if (a.key != b.key) return a.key < b.key;
      return a.window < b.window;
    });
    return out;
  }

  size_t StateBytes() {
    FlushPending();
    size_t n = pairs.capacity() * sizeof(IpPair) + pair_slots.capacity() * sizeof(uint64_t);
    for (const auto& p : pairs) {
      n += p.samples.capacity() * sizeof(Sample) + p.days.capacity() * sizeof(DayCount);
      if (p.summary) n += p.summary->Bytes();
    }
    n += name_pairs.capacity() * sizeof(NamePair) + name_slots.capacity() * sizeof(uint64_t);
    for (const auto& np : name_pairs) {
      n += np.samples.capacity() * sizeof(NameSample);
      if (np.summary) n += np.summary->Bytes();
    }
    for (const auto& s : names) n += s.capacity() + 48 + sizeof(NameInfo);
    for (const auto& [k, d] : dns_parents) n += k.capacity() + 96 + d.subdomains.size() * 24 + d.first.size() * 16;
    n += dyn_names.size() * sizeof(DynName) + internal_cache.size() * sizeof(InternalCache) +
         dns_cache.size() * sizeof(DnsNameCache) + answer_cache.size() * sizeof(AnswerText) +
         dns_peer_cache.size() * sizeof(DnsPeer) + intern_cache.size() * sizeof(InternEntry);
    return n;
  }
};

Analyzer::Analyzer(AnalyticsConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(config);
  impl_->allow = NameList::Parse(impl_->cfg.allow, "allow").value_or(NameList{});
  impl_->always = NameList::Parse(impl_->cfg.always, "always").value_or(NameList{});
  impl_->cdn = NameList::Parse(impl_->cfg.cdn_destinations, "cdn").value_or(NameList{});
  for (const auto& z : impl_->cfg.dynamic_dns_zones) {
    std::string n = NormalizeName(z);
    if (!n.empty()) impl_->dyn_zones.push_back(n);
  }
  if (impl_->cfg.context) {
    for (const auto& note : impl_->cfg.context->infrastructure()) {
      if (note.kind == "dynamic-dns" && !IpAddress::Parse(note.value).ok() && note.value.find('/') == std::string::npos)
        impl_->dyn_zones.push_back(NormalizeName(note.value));
    }
  }
  const BeaconWeights& w = impl_->cfg.weights;
  impl_->no_duration_bound =
      rita::GetBeaconScore(1, w.timestamp, 1, w.data_size, 0, w.duration, 1, w.histogram).value_or(1.0);
  impl_->no_histogram_bound =
      rita::GetBeaconScore(1, w.timestamp, 1, w.data_size, 1, w.duration, 0, w.histogram).value_or(1.0);
  std::sort(impl_->dyn_zones.begin(), impl_->dyn_zones.end());
  impl_->dyn_zones.erase(std::unique(impl_->dyn_zones.begin(), impl_->dyn_zones.end()), impl_->dyn_zones.end());
}

Analyzer::~Analyzer() = default;

Status Analyzer::OnObservation(const ingest::Observation& obs) {
  Impl& m = *impl_;
  ++m.stats.observations;
  switch (obs.kind) {
    case ingest::ObservationKind::kConn:
      return m.OnConn(obs);
    case ingest::ObservationKind::kDns:
      m.OnDns(obs);
      return Status::Ok();
    case ingest::ObservationKind::kTls:
      ++m.stats.tls;
      m.OnName(obs, obs.server_name, kTls);
      return Status::Ok();
    case ingest::ObservationKind::kHttp:
      ++m.stats.http;
      m.OnName(obs, obs.host, kHttp);
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

Result<std::vector<Finding>> Analyzer::Finish() { return impl_->Finish(); }
const AnalyzerStats& Analyzer::stats() const { return impl_->stats; }
size_t Analyzer::StateBytes() const { return impl_->StateBytes(); }  // flushes queued connections first

store::FindingRow ToFindingRow(const Finding& f, const InputIdLookup& input_id) {
  store::FindingRow r;
  r.kind = std::string(FindingKindName(f.kind));
  r.key = f.key;
  r.window = f.window;
  r.score = f.score;
  r.severity = f.severity;
  r.src = f.src.ToString();
  r.dst = f.dst;
  r.site = f.site;
  r.segment = f.segment;
  r.first_seen = FormatRfc3339(f.first_seen, 6);
  r.last_seen = FormatRfc3339(f.last_seen, 6);
  r.count = static_cast<int64_t>(f.count);
  r.techniques_json = json(f.techniques).dump();
  json d = json::parse(f.detail_json, nullptr, false);
  if (d.is_discarded() || !d.is_object()) d = json::object();
  d["provenance_total"] = f.provenance_total;
  r.detail_json = d.dump();
  for (const auto& ref : f.provenance) {
    store::ProvenanceRef p;
    p.input_id = ref.input ? input_id(*ref.input) : 0;
    p.record = static_cast<int64_t>(ref.record);
    p.record_type = ref.is_packet ? "packet" : "line";
    r.provenance.push_back(p);
  }
  return r;
}

}  // namespace onus::analytics

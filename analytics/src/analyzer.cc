// The behaviour analyzer: per-pair compact state while observations stream in, scoring at Finish().
#include "onus/analytics/analyzer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "names.h"
#include "onus/analytics/rita.h"

namespace onus::analytics {

std::string_view FindingKindName(FindingKind k) {
  switch (k) {
    case FindingKind::kBeacon: return "beacon";
    case FindingKind::kStrobe: return "strobe";
    case FindingKind::kLongConnection: return "long-connection";
    case FindingKind::kDnsC2: return "dns-c2";
    case FindingKind::kDynamicDns: return "dynamic-dns";
    case FindingKind::kRareDestination: return "rare-destination";
    case FindingKind::kExfilUpload: return "exfil-upload";
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
  auto rita = rita::GetBeaconScore(1, weights.timestamp, 1, weights.data_size, 1, weights.duration, 1,
                                   weights.histogram);
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

bool SampleLess(const Sample& a, const Sample& b) {
  if (a.sec != b.sec) return a.sec < b.sec;
  if (a.ms != b.ms) return a.ms < b.ms;
  if (a.input != b.input) return a.input < b.input;
  return a.record < b.record;
}

struct DayCount {
  int32_t day;
  uint32_t count;
};

// kNamed: a tls/http record named the pair's destination (SNI or Host); kTcp: a TCP connection.
// kDns: DNS (port 53 or service dns).
enum PairFlags : uint8_t { kTls = 1, kHttp = 2, kWebPort = 4, kUdp = 8, kNtp = 16, kNamed = 32, kTcp = 64, kDns = 128 };

struct IpPair {
  IpAddress src, dst;
  std::vector<Sample> samples;
  std::vector<DayCount> days;
  uint64_t count = 0;
  double total_duration = 0, max_duration = 0;
  uint64_t total_orig = 0, total_resp = 0;
  Sample longest;  // the connection with the longest duration (provenance for long connections)
  uint16_t resp_p = 0;
  uint8_t flags = 0;
};

struct NameSample {
  uint32_t sec = 0;
  uint16_t ms = 0;
  uint16_t input = 0;
  uint32_t record = 0;
  uint32_t ip_pair = 0;  // index+1 of the (src, resp_h) pair; 0 when that pair is not tracked
  uint32_t uid = 0;
};

struct NamePair {
  IpAddress src;
  uint32_t name = 0;  // interned
  std::vector<NameSample> samples;
  uint8_t flags = 0;
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
struct PairKeyHash {
  size_t operator()(const PairKey& k) const noexcept {
    return IpAddressHash{}(k.a) * 0x9E3779B97F4A7C15ull ^ IpAddressHash{}(k.b);
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

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void KeepEarliest(std::vector<Sample>& v, const Sample& s, size_t cap) {
  if (v.size() < cap) {
    v.insert(std::upper_bound(v.begin(), v.end(), s, SampleLess), s);
  } else if (SampleLess(s, v.back())) {
    v.pop_back();
    v.insert(std::upper_bound(v.begin(), v.end(), s, SampleLess), s);
  }
}

std::string DayLabel(int64_t day_start_sec) { return FormatRfc3339(Timestamp::FromSeconds(day_start_sec), 0).substr(0, 10); }

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

bool DefaultInternal(const IpAddress& a) {
  static const std::vector<Cidr> kPrivate = [] {
    std::vector<Cidr> v;
    for (const char* s : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
                          "fc00::/7", "fe80::/10", "::1/128"}) {
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

  // Open-addressing index of `pairs`: slot = (upper 32 bits of the pair hash << 32) | (index + 1),
  // 0 = empty; the key itself is checked in pairs[index] (one probe array, no nodes). Load <= 1/2.
  std::vector<uint64_t> pair_slots;
  std::vector<IpPair> pairs;
  std::unordered_map<std::string, uint32_t> name_index;
  std::vector<std::string> names;
  std::unordered_map<NameKey, uint32_t, NameKeyHash> name_pair_index;
  std::vector<NamePair> name_pairs;
  std::unordered_map<std::string, DnsParent> dns_parents;
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
  std::unordered_map<IpAddress, bool> internal_cache;

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
          if (pairs[idx].src == src && pairs[idx].dst == dst) return idx;
        }
      }
    }
    const uint32_t idx = static_cast<uint32_t>(pairs.size());
    pairs.emplace_back();
    pairs.back().src = src;
    pairs.back().dst = dst;
    pairs.back().resp_p = resp_p;
    if ((pairs.size()) * 2 > pair_slots.size()) {  // grow and re-insert every pair
      pair_slots.assign(std::max<size_t>(1024, pair_slots.size() * 2), 0);
      mask = pair_slots.size() - 1;
      for (uint32_t k = 0; k < pairs.size(); ++k) InsertSlot(PairKeyHash{}(PairKey{pairs[k].src, pairs[k].dst}), k, mask);
    } else {
      InsertSlot(h, idx, mask);
    }
    return idx;
  }
  void InsertSlot(uint64_t h, uint32_t idx, size_t mask) {
    size_t i = h & mask;
    while (pair_slots[i]) i = (i + 1) & mask;
    pair_slots[i] = ((h >> 32) << 32) | (static_cast<uint64_t>(idx) + 1);
  }

  bool IsInternal(const IpAddress& a) {
    auto it = internal_cache.find(a);
    if (it != internal_cache.end()) return it->second;
    bool in;
    if (cfg.context) {
      in = cfg.context->IsInternal(a);
    } else if (!cfg.internal_subnets.empty()) {
      in = false;
      for (const auto& c : cfg.internal_subnets)
        if (c.Contains(a)) in = true;
    } else {
      in = DefaultInternal(a);
    }
    if (internal_cache.size() < (1u << 20)) internal_cache.emplace(a, in);
    return in;
  }

  uint16_t InputId(const ingest::SourceRef& ref) {
    if (!ref.input) return 0;
    auto it = input_index.find(ref.input);
    if (it != input_index.end()) return it->second;
    if (inputs.size() >= 0xFFFF) return 0;
    uint16_t id = static_cast<uint16_t>(inputs.size());
    inputs.push_back(ref.input);
    input_packets.push_back(ref.is_packet);
    input_index.emplace(ref.input, id);
    return id;
  }

  Sample MakeSample(const ingest::Observation& o, uint64_t bytes) {
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
    s.uid = o.uid.empty() ? 0 : static_cast<uint32_t>(Fnv1a(o.uid) | 1);
    return s;
  }

  int64_t EpochSec(const Sample& s) const { return base + static_cast<int64_t>(s.sec); }
  double EpochF(const Sample& s) const { return static_cast<double>(EpochSec(s)) + s.ms / 1000.0; }
  template <typename S>
  double SampleTime(const S& s) const {
    return cfg.rita_compatible ? static_cast<double>(base + static_cast<int64_t>(s.sec))
                               : static_cast<double>(base + static_cast<int64_t>(s.sec)) + s.ms / 1000.0;
  }

  uint32_t Intern(const std::string& n) {
    auto it = name_index.find(n);
    if (it != name_index.end()) return it->second;
    uint32_t id = static_cast<uint32_t>(names.size());
    names.push_back(n);
    name_index.emplace(n, id);
    return id;
  }

  bool IsDynamicName(const std::string& n) const {
    for (const auto& z : dyn_zones)
      if (NameUnder(n, z)) return true;
    if (cfg.context) {
      for (const auto* note : cfg.context->NotesFor(n))
        if (note->kind == "dynamic-dns") return true;
    }
    return false;
  }

  void NoteDynamic(const ingest::Observation& o, const std::string& name, bool lookup, uint32_t ip_pair) {
    const uint32_t id = Intern(name);
    NameKey key{o.orig_h, id};
    auto [it, inserted] = dyn_index.emplace(key, static_cast<uint32_t>(dyn_names.size()));
    if (inserted) {
      dyn_names.emplace_back();
      dyn_names.back().src = o.orig_h;
      dyn_names.back().name = id;
    }
    DynName& d = dyn_names[it->second];
    (lookup ? d.lookups : d.connections)++;
    Sample s = MakeSample(o, 0);
    d.min_sec = std::min(d.min_sec, s.sec);
    d.max_sec = std::max(d.max_sec, s.sec);
    KeepEarliest(d.first, s, cfg.provenance_cap);
    if (ip_pair && std::find(d.ip_pairs.begin(), d.ip_pairs.end(), ip_pair) == d.ip_pairs.end() &&
        d.ip_pairs.size() < 16)
      d.ip_pairs.push_back(ip_pair);
  }

  Status OnConn(const ingest::Observation& o) {
    ++stats.conns;
    const int64_t ns = o.ts.nanos();
    const int64_t sec = FloorDiv(ns, kNanosPerSecond);
    const double f = static_cast<double>(ns) / 1e9;
    if (sec < min_conn_sec) {
      min_conn_sec = sec;
      min_conn_f = f;
    }
    if (sec > max_conn_sec) {
      max_conn_sec = sec;
      max_conn_f = f;
    }
    if (!o.has_endpoints || !IsInternal(o.orig_h) || IsMulticastOrBroadcast(o.resp_h)) return Status::Ok();
    if (allow.MatchesAddress(o.resp_h)) {
      ++stats.allow_listed;
      return Status::Ok();
    }
    const uint32_t pair_idx = PairIndexOf(o.orig_h, o.resp_h, o.resp_p);
    IpPair& p = pairs[pair_idx];
    const uint64_t bytes = o.orig_ip_bytes ? o.orig_ip_bytes : o.orig_bytes;
    Sample s = MakeSample(o, bytes);
    ++p.count;
    const double dur = std::isfinite(o.duration) && o.duration > 0 ? o.duration : 0;
    p.total_duration += dur;
    if (dur > p.max_duration || p.count == 1) {
      p.max_duration = std::max(p.max_duration, dur);
      p.longest = s;
    }
    p.total_orig += o.orig_bytes;
    p.total_resp += o.resp_bytes;
    if (o.service.find("ssl") != std::string::npos || o.service.find("tls") != std::string::npos) p.flags |= kTls;
    if (o.service.find("http") != std::string::npos) p.flags |= kHttp;
    if (o.resp_p == 80 || o.resp_p == 443 || o.resp_p == 8080 || o.resp_p == 8443) p.flags |= kWebPort;
    if (o.proto == "udp") p.flags |= kUdp;
    if ((o.proto == "udp" && o.resp_p == 123) || o.service == "ntp") p.flags |= kNtp;
    if (o.proto == "tcp") p.flags |= kTcp;
    if (o.resp_p == 53 || o.service == "dns") p.flags |= kDns;
    // Per-day cap: a pair above the strobe threshold in a day is counted, not stored.
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
    auto dyn = dyn_addresses.find(o.resp_h);
    if (dyn != dyn_addresses.end()) NoteDynamic(o, names[dyn->second], false, pair_idx + 1);
    return Status::Ok();
  }

  void OnName(const ingest::Observation& o, const std::string& raw, uint8_t flag) {
    if (!o.has_endpoints || raw.empty() || !IsInternal(o.orig_h)) return;
    std::string name = NormalizeName(raw);
    if (flag == kHttp) {  // host header may carry a port; bracketed IPv6 literals are left as they are
      auto colon = name.rfind(':');
      if (colon != std::string::npos && name.find(']') == std::string::npos && name.find(':') == colon)
        name.resize(colon);
    }
    if (name.empty() || IpAddress::Parse(name).ok()) return;  // an address literal is not a name
    if (allow.MatchesName(name)) {
      ++stats.allow_listed;
      return;
    }
    const uint32_t id = Intern(name);
    auto [it, inserted] = name_pair_index.emplace(NameKey{o.orig_h, id}, static_cast<uint32_t>(name_pairs.size()));
    if (inserted) {
      name_pairs.emplace_back();
      name_pairs.back().src = o.orig_h;
      name_pairs.back().name = id;
    }
    NamePair& np = name_pairs[it->second];
    np.flags |= flag;
    Sample s = MakeSample(o, 0);
    NameSample ns;
    ns.sec = s.sec;
    ns.ms = s.ms;
    ns.input = s.input;
    ns.record = s.record;
    ns.uid = s.uid;
    // The conn record may come later (ssl.log before conn.log): the pair is created now, with no
    // samples, to remember the destination.
    ns.ip_pair = PairIndexOf(o.orig_h, o.resp_h, o.resp_p) + 1;
    pairs[ns.ip_pair - 1].flags |= kNamed;
    if (np.samples.size() < cfg.strobe_connections_per_day * 64) np.samples.push_back(ns);
    if (IsDynamicName(name)) NoteDynamic(o, name, false, ns.ip_pair);
  }

  void OnDns(const ingest::Observation& o) {
    ++stats.dns;
    if (o.query.empty()) return;
    const std::string q = NormalizeName(o.query);
    if (q.empty()) return;
    const bool internal_src = o.has_endpoints && IsInternal(o.orig_h);
    if (internal_src && dns_clients.size() < (1u << 20)) dns_clients.insert(o.orig_h);
    if (internal_src && internal_resolvers.size() < 4096 && IsInternal(o.resp_h)) internal_resolvers.insert(o.resp_h);
    for (const auto& a : o.answers) {
      if (a.type != "A" && a.type != "AAAA") continue;
      auto ip = IpAddress::Parse(a.value);
      if (!ip.ok()) continue;
      if (answered_addresses.size() < (1u << 22)) {
        answered_addresses.insert(*ip);
      } else if (!answered_addresses.count(*ip)) {
        answered_capped = true;
      }
    }
    if (IsDynamicName(q)) {
      if (internal_src) NoteDynamic(o, q, true, 0);
      for (const auto& a : o.answers) {
        if (a.type != "A" && a.type != "AAAA") continue;
        auto ip = IpAddress::Parse(a.value);
        if (ip.ok() && dyn_addresses.size() < (1u << 20)) dyn_addresses.emplace(*ip, Intern(q));
      }
    }
    if (allow.MatchesName(q)) return;
    if (NameUnder(q, "arpa") || NameUnder(q, "local")) return;  // reverse lookups and mDNS
    const std::string parent = ParentDomain(q);
    if (parent == q) return;  // no subdomain
    DnsParent& d = dns_parents[parent];
    ++d.queries;
    if (!d.capped) {
      d.subdomains.insert(Fnv1a(q));
      if (d.subdomains.size() >= std::max<uint64_t>(cfg.dns_c2_min_subdomains * 100, 100000)) d.capped = true;
    }
    if (o.has_endpoints) {
      bool found = false;
      for (auto& [src, n] : d.sources) {
        if (src == o.orig_h) {
          ++n;
          found = true;
          break;
        }
      }
      if (!found && d.sources.size() < 8) d.sources.emplace_back(o.orig_h, 1);
    }
    Sample s = MakeSample(o, 0);
    d.min_sec = std::min(d.min_sec, s.sec);
    d.max_sec = std::max(d.max_sec, s.sec);
    KeepEarliest(d.first, s, cfg.provenance_cap);
  }

  // ---- scoring ----

  // bins: histogram bins over [lo, hi]; bimodal_min and the duration thresholds default to RITA's.
  BeaconEval Evaluate(const std::vector<double>& ts, const std::vector<double>& bytes, double lo, double hi,
                      int32_t bins, int32_t bimodal_min = -1, int32_t dur_min = -1, int32_t dur_ideal = -1) const {
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
    auto tsr = rita::TimestampScoreSeconds(ts);
    if (!tsr.ok()) {
      e.why_not = tsr.status().message();
      return e;
    }
    auto dsr = rita::GetDataSizeScore(bytes);
    if (!dsr.ok()) {
      e.why_not = dsr.status().message();
      return e;
    }
    Result<rita::HistogramScore> hr =
        cfg.rita_compatible
            ? rita::GetHistogramScore(static_cast<int64_t>(lo), static_cast<int64_t>(hi), ts,
                                      cfg.histogram_mode_sensitivity, cfg.histogram_bimodal_outlier_removal,
                                      bimodal_min, bins)
            : rita::GetHistogramScoreF(lo, hi, ts, cfg.histogram_mode_sensitivity,
                                       cfg.histogram_bimodal_outlier_removal, bimodal_min, bins);
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
  void ScorePair(const std::vector<Sample>& sorted, uint64_t count_total, const std::vector<DayCount>& days,
                 const IpAddress& src, const std::string& dst, const std::string& dst_type, uint8_t flags,
                 const std::string& dst_class, const std::string& class_note, bool dynamic, bool watched,
                 bool unnamed, std::vector<Finding>& out,
                 std::vector<std::pair<std::string, double>>* best_by_window) const {
    auto emit = [&](const std::string& window, size_t from, size_t to, double lo, double hi, int32_t bins,
                    uint64_t window_count, bool multi_day = false) {
      if (window_count >= cfg.strobe_connections_per_day) {
        Finding f;
        f.kind = FindingKind::kStrobe;
        f.window = window;
        f.src = src;
        f.dst = dst;
        f.key = src.ToString() + "->" + dst;
        f.count = window_count;
        f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(sorted[from]) * 1e9));
        f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(sorted[to - 1]) * 1e9));
        f.score = std::min(1.0, 0.6 + 0.1 * std::log10(static_cast<double>(window_count) /
                                                        static_cast<double>(cfg.strobe_connections_per_day)));
        if (!dst_class.empty()) f.score *= cfg.cdn_score_factor;
        if (watched) f.score = std::max(f.score, 0.8);
        f.severity = SeverityForScore(f.score);
        json d = {{"connections", window_count},
                  {"threshold_per_day", cfg.strobe_connections_per_day},
                  {"dst_type", dst_type},
                  {"stored_samples", to - from}};
        if (!dst_class.empty()) d["destination_class"] = dst_class, d["destination_note"] = class_note;
        f.detail_json = d.dump();
        f.provenance = Provenance(sorted, from, to);
        f.provenance_total = window_count;
        Locate(f);
        out.push_back(std::move(f));
        return;
      }
      // Fewer connections than RITA's distinct-timestamp minimum cannot score: skip before copying.
      if (to - from < static_cast<size_t>(cfg.unique_connection_threshold)) return;
      std::vector<double> ts, bytes;
      ts.reserve(to - from);
      bytes.reserve(to - from);
      for (size_t i = from; i < to; ++i) {
        ts.push_back(SampleTime(sorted[i]));
        bytes.push_back(static_cast<double>(sorted[i].bytes));
      }
      if (!(hi > lo)) return;
      // The multi-day view: histogram flatness over bins sized to the pair's own cadence, no bimodal
      // fit (sparse traffic fills fine bins with ones, which RITA's bimodal fit mistakes for a
      // mode), and duration over those bins (at least half of them active; ideal = all).
      if (multi_day) {
        // Bins two median intervals wide (1 h .. 1 day): a steady beacon puts about two
        // connections in every bin, irregular traffic leaves bins empty or crowded.
        std::vector<double> deltas;
        for (size_t k = 1; k < ts.size(); ++k)
          if (ts[k] > ts[k - 1]) deltas.push_back(ts[k] - ts[k - 1]);
        if (deltas.empty()) return;
        const double width = std::clamp(2 * rita::Median(deltas), 3600.0, static_cast<double>(kDay));
        bins = static_cast<int32_t>(std::min(std::ceil((hi - lo) / width), 100000.0));
        if (bins < 2) return;
      }
      BeaconEval e = multi_day ? Evaluate(ts, bytes, lo, hi, bins, std::numeric_limits<int32_t>::max(),
                                          std::max(2, bins / 2), bins)
                               : Evaluate(ts, bytes, lo, hi, bins);
      if (!e.ok) return;
      if (best_by_window) best_by_window->emplace_back(window, e.score);
      if (e.score < cfg.beacon_min_score && !watched) return;
      Finding f;
      f.kind = dynamic ? FindingKind::kDynamicDns : FindingKind::kBeacon;
      f.window = window;
      f.src = src;
      f.dst = dst;
      f.key = src.ToString() + "->" + dst;
      f.count = to - from;
      f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(sorted[from]) * 1e9));
      f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(sorted[to - 1]) * 1e9));
      double score = e.score;
      // Modifiers (default mode only; RITA's score stays in the detail): an application session to an
      // address that no name pointed at (module README, "Score modifiers").
      json modifiers = json::object();
      if (unnamed && !cfg.rita_compatible && cfg.unnamed_destination_increase > 0) {
        score = std::min(1.0, score + cfg.unnamed_destination_increase);
        modifiers["unnamed_destination"] = cfg.unnamed_destination_increase;
      }
      if (dynamic) score = 0.5 + 0.3 * score;  // a dynamic-DNS destination is context; the shape adds to it
      if (!dst_class.empty()) score *= cfg.cdn_score_factor;
      if (watched) score = std::max(score, 0.8);
      f.score = std::round(score * 1000) / 1000;
      f.severity = SeverityForScore(f.score);
      f.techniques = BeaconTechniques(flags);
      if (dynamic) f.techniques.insert(f.techniques.begin(), "T1568");
      json d = {{"rita_score", e.score},
                {"ts_score", e.ts},
                {"ds_score", e.ds},
                {"dur_score", e.dur},
                {"hist_score", e.hist},
                {"weights",
                 {cfg.weights.timestamp, cfg.weights.data_size, cfg.weights.duration, cfg.weights.histogram}},
                {"ts_skew", e.ts_detail.skew},
                {"ts_mad", e.ts_detail.mad},
                {"ts_mode", e.ts_detail.distinct.mode},
                {"ts_mode_count", e.ts_detail.distinct.mode_count},
                {"ds_skew", e.ds_detail.skew},
                {"ds_mad", e.ds_detail.mad},
                {"ds_mode", e.ds_detail.distinct.mode},
                {"ds_mode_count", e.ds_detail.distinct.mode_count},
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
                {"dst_type", dst_type}};
      if (!dst_class.empty()) d["destination_class"] = dst_class, d["destination_note"] = class_note;
      if (dynamic) d["dynamic_dns"] = true;
      if (watched) d["watch_listed"] = true;
      if (!modifiers.empty()) d["modifiers"] = modifiers;
      f.detail_json = d.dump();
      f.provenance = Provenance(sorted, from, to);
      f.provenance_total = to - from;
      Locate(f);
      out.push_back(std::move(f));
    };

    if (sorted.empty()) return;
    (void)count_total;
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
      if (to > from) emit("", from, to, static_cast<double>(min_ts), static_cast<double>(max_ts), 24, window_count);
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
      emit(DayLabel(day * kDay), i, j, lo, hi, 24, day_count);
      i = j;
    }
    // Multi-day view: hourly bins over the whole data set.
    const double span = max_conn_f - min_conn_f;
    if (span >= static_cast<double>(cfg.multi_day_min_days) * kDay) {
      uint64_t total = 0;
      for (const auto& dcount : days) total += dcount.count;
      bool any_strobe_day = false;
      for (const auto& dcount : days)
        if (dcount.count >= cfg.strobe_connections_per_day) any_strobe_day = true;
      const double n_days = std::ceil(span / static_cast<double>(kDay) - 1e-9);
      if (!any_strobe_day && static_cast<double>(sorted.size()) >= cfg.multi_day_min_per_day * n_days &&
          sorted.size() >= cfg.multi_day_min_connections) {
        const int32_t bins = static_cast<int32_t>(std::ceil(span / static_cast<double>(kDay) - 1e-9));
        emit("multi-day", 0, sorted.size(), min_conn_f, max_conn_f, bins, sorted.size(), true);
      }
      (void)total;
    }
  }

  Result<std::vector<Finding>> Finish() {
    std::vector<Finding> out;
    if (pairs.empty() && dns_parents.empty() && dyn_names.empty()) return out;
    stats.pairs = pairs.size();
    stats.sni_pairs = name_pairs.size();
    for (auto& p : pairs) std::sort(p.samples.begin(), p.samples.end(), SampleLess);

    // Which tracked pairs carry a dynamic-DNS name (from lookups answered with the address or names
    // seen on the connection).
    std::vector<uint32_t> pair_dyn_name(pairs.size(), UINT32_MAX);
    for (const auto& d : dyn_names)
      for (uint32_t ip : d.ip_pairs) pair_dyn_name[ip - 1] = d.name;

    // Beacons per IP pair (internal source, external destination).
    std::unordered_map<IpAddress, uint32_t> dst_sources;  // rare destinations
    std::unordered_set<IpAddress> internal_sources;
    std::vector<double> pair_best(pairs.size(), 0.0);
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || IsInternal(p.dst)) continue;
      internal_sources.insert(p.src);
      ++dst_sources[p.dst];
      std::string note;
      std::string cls = AddressClass(p.dst, &note);
      if (cls.empty() && (p.flags & kNtp)) {
        cls = "time-service";
        note = "NTP (udp/123) polls by design";
      }
      if (cls.empty() && (p.flags & kDns) && internal_resolvers.count(p.src)) {
        // An internal resolver forwarding its clients' lookups upstream: TTL-driven refreshes of
        // popular names look periodic. A client talking DNS to the internet directly keeps its score.
        cls = "dns-forwarder";
        note = "internal resolver's upstream DNS";
      }
      const bool dynamic = pair_dyn_name[pi] != UINT32_MAX;
      const bool watched = always.MatchesAddress(p.dst) ||
                           (dynamic && always.MatchesName(names[pair_dyn_name[pi]]));
      std::vector<std::pair<std::string, double>> best;
      std::string dst = p.dst.ToString();
      // Unnamed: TCP sessions to an address that no DNS answer in the data pointed at and no SNI/Host
      // named, from a source whose own lookups are visible (so the absence means something). DNS and
      // NTP servers are configured by address by design and are excluded.
      const bool unnamed = (p.flags & kTcp) && !(p.flags & (kNamed | kNtp)) && p.resp_p != 53 && p.resp_p != 853 &&
                           !answered_capped && !answered_addresses.count(p.dst) && dns_clients.count(p.src);
      if (unnamed) ++stats.unnamed_pairs;
      ScorePair(p.samples, p.count, p.days, p.src, dst, "ip", p.flags, cls, note, dynamic, watched, unnamed, out,
                &best);
      for (const auto& [w, s] : best) pair_best[pi] = std::max(pair_best[pi], s);
    }

    // Beacons per (source, SNI/HTTP host): each connection counted once, timed by the connection.
    for (const auto& np : name_pairs) {
      std::vector<Sample> joined;
      std::unordered_set<uint64_t> used;  // (ip pair, sample index) already counted
      uint8_t flags = np.flags;
      std::string cls, note;
      std::vector<uint32_t> via;
      for (const auto& ns : np.samples) {
        if (!ns.ip_pair) continue;
        const IpPair& p = pairs[ns.ip_pair - 1];
        flags |= p.flags;
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
        if (!used.insert(key).second) continue;
        joined.push_back(*it);
      }
      for (uint32_t ip : via) {
        if (cls.empty()) cls = AddressClass(pairs[ip - 1].dst, &note);
      }
      const std::string& name = names[np.name];
      if (cls.empty()) cls = NameClass(name, &note);
      if (joined.empty()) continue;
      std::sort(joined.begin(), joined.end(), SampleLess);
      std::vector<DayCount> days;
      for (const auto& s : joined) {
        const int32_t day = static_cast<int32_t>(FloorDiv(EpochSec(s), kDay));
        if (days.empty() || days.back().day != day) days.push_back({day, 0});
        ++days.back().count;
      }
      const bool dynamic = IsDynamicName(name);
      const bool watched = always.MatchesName(name);
      ScorePair(joined, joined.size(), days, np.src, name, "sni", flags, cls, note, dynamic, watched, false, out,
                nullptr);
    }

    // Long connections, exfiltration-sized uploads.
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || IsInternal(p.dst)) continue;
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
        f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(p.samples.front()) * 1e9));
        f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(p.samples.back()) * 1e9));
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
        for (size_t i = 0; i < p.samples.size() && f.provenance.size() < cfg.provenance_cap; ++i)
          if (SampleLess(p.samples[i], p.longest) || SampleLess(p.longest, p.samples[i]))
            f.provenance.push_back(Ref(p.samples[i]));
        f.provenance_total = p.count;
        Locate(f);
        out.push_back(std::move(f));
      }
      const Sample* top = p.samples.empty() ? nullptr : &p.samples.front();
      for (const auto& s : p.samples)
        if (s.bytes > top->bytes) top = &s;
      // The pair's median upload only matters when its largest upload clears the absolute bar.
      if (p.samples.size() >= 3 && top->bytes >= cfg.exfil_min_bytes) {
        std::vector<double> b;
        b.reserve(p.samples.size());
        for (const auto& s : p.samples) b.push_back(static_cast<double>(s.bytes));
        const double median = rita::Median(b);
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
    const double n_internal = static_cast<double>(std::max<size_t>(internal_sources.size(), 1));
    for (size_t pi = 0; pi < pairs.size(); ++pi) {
      const IpPair& p = pairs[pi];
      if (p.count == 0 || IsInternal(p.dst) || p.count < cfg.rare_min_connections) continue;
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
      f.first_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(p.samples.front()) * 1e9));
      f.last_seen = Timestamp::FromNanos(static_cast<int64_t>(EpochF(p.samples.back()) * 1e9));
      const bool new_dst = EpochSec(p.samples.front()) >= min_conn_sec + kDay;
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
      f.provenance = Provenance(p.samples, 0, p.samples.size());
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
      json dj = {{"distinct_subdomains", n},
                 {"subdomains_capped", d.capped},
                 {"queries", d.queries},
                 {"threshold", cfg.dns_c2_min_subdomains},
                 {"sources", srcs},
                 {"parent_rule", "last two labels, three under a public second level of a ccTLD"}};
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

  size_t StateBytes() const {
    size_t n = pairs.capacity() * sizeof(IpPair) + pair_slots.capacity() * sizeof(uint64_t);
    for (const auto& p : pairs) n += p.samples.capacity() * sizeof(Sample) + p.days.capacity() * sizeof(DayCount);
    n += name_pairs.capacity() * sizeof(NamePair) + name_pair_index.size() * 40;
    for (const auto& np : name_pairs) n += np.samples.capacity() * sizeof(NameSample);
    for (const auto& s : names) n += s.capacity() + 48;
    for (const auto& [k, d] : dns_parents) n += k.capacity() + 96 + d.subdomains.size() * 24 + d.first.size() * 16;
    n += dyn_names.size() * sizeof(DynName) + internal_cache.size() * 40;
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
      if (note.kind == "dynamic-dns" && !IpAddress::Parse(note.value).ok() &&
          note.value.find('/') == std::string::npos)
        impl_->dyn_zones.push_back(NormalizeName(note.value));
    }
  }
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
size_t Analyzer::StateBytes() const { return impl_->StateBytes(); }

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

// Behaviour analytics over connection records: RITA v5-compatible beacon scoring per (internal
// source, external address) and per (source, SNI/HTTP host) pair, strobes, long connections, C2
// over DNS, dynamic-DNS destinations, rare destinations and exfiltration-sized uploads, per UTC day
// and over a multi-day view.
//
// Contract:
// - An AnalyticsConfig is validated once (AnalyticsConfig::Validate) and then immutable; an
//   Analyzer copies it. Weights must each be in [0,1] and sum to exactly 1 (RITA's rule).
// - Analyzer is an ingest::ObservationSink: feed it every observation (any kind; it keeps what it
//   needs from conn, dns, tls and http) and call Finish() once. Observations may arrive in any
//   order (Zeek writes conn.log by connection end; several inputs interleave); the SNI/host pairs
//   join a tls/http record to its connection by (source, destination, start time), so conn.log and
//   ssl.log may come in either order.
// - Findings are deterministic for the same multiset of observations fed in the same order:
//   sorted by score (highest first), then kind, key and window.
// - Every Finding carries provenance: up to `provenance_cap` SourceRefs (the earliest records of
//   the finding's window, by time then record) and the total number of records it rests on.
//   SourceRef::input points at InputInfo objects owned by the caller (ingest::IngestRun): they must
//   outlive the Findings.
// - CDN/cloud destinations (case-context notes or config) are never dropped: their findings carry
//   "destination_class" in detail and a lowered score. Never-lists (allow) suppress a destination
//   and count it in Stats; always-lists raise every finding that touches them to at least "high".
// Memory (default mode): bounded by the number of pairs (and days of data), not records: a pair keeps
// its connections exactly (20 bytes each) up to `exact_samples_per_pair`, then folds them into a
// fixed-size summary: a small reorder buffer, quantile sketches of the open day's intervals and
// sizes and of all days, and per day 24 hourly counts, the day's scores and its earliest records.
// So memory <= pairs x (~250 + max(20 x exact cap, ~9 KB + ~0.6 KB x days)). Scores of summarised
// pairs carry the sketch's documented error (analytics/README.md, "Summaries").
// --rita-compatible keeps every connection (RITA's exact quartiles; its data sets are small): there
// memory grows with records, up to `strobe_connections_per_day` per pair and day.
// Thread-safety: an Analyzer belongs to one thread; its config is immutable and shareable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "onus/core/case_context.h"
#include "onus/core/ip.h"
#include "onus/core/result.h"
#include "onus/core/time.h"
#include "onus/ingest/observation.h"
#include "onus/store/case_store.h"

namespace onus::analytics {

enum class FindingKind : uint8_t {
  kBeacon,
  kStrobe,
  kLongConnection,
  kDnsC2,
  kDynamicDns,
  kRareDestination,
  kExfilUpload,
};
// "beacon", "strobe", "long-connection", "dns-c2", "dynamic-dns", "rare-destination", "exfil-upload"
std::string_view FindingKindName(FindingKind k);
bool ParseFindingKind(std::string_view name, FindingKind& out);

struct BeaconWeights {
  double timestamp = 0.25, data_size = 0.25, duration = 0.25, histogram = 0.25;
};

struct AnalyticsConfig {
  // Which sources are internal. If `context` is set, internal = inside a site (CaseContext::Locate),
  // and site/segment are filled in findings. Otherwise `internal_subnets`; if both are empty, the
  // RFC 1918 / RFC 4193 / loopback / link-local ranges (RITA's default).
  const CaseContext* context = nullptr;  // not owned; must outlive the Analyzer
  std::vector<Cidr> internal_subnets;

  // RITA compatibility: integer-second timestamps (truncated), RITA's last-24-hours window and its
  // rounding; no per-day/multi-day windows. Default: sub-second timing, per-UTC-day windows and a
  // multi-day view.
  bool rita_compatible = false;

  BeaconWeights weights;
  int unique_connection_threshold = 4;        // RITA UniqueConnectionThreshold: distinct timestamps
  int duration_min_hours_seen = 6;            // RITA DurationMinHoursSeen
  int duration_ideal_hours_seen = 12;         // RITA DurationConsistencyIdealHoursSeen
  double histogram_mode_sensitivity = 0.05;   // RITA HistogramModeSensitivity
  int histogram_bimodal_outlier_removal = 1;  // RITA HistogramBimodalOutlierRemoval
  int histogram_bimodal_min_hours_seen = 11;  // RITA HistogramBimodalMinHoursSeen
  // Report beacons whose RITA score is at least this (uniformly random traffic scores ~0.75).
  double beacon_min_score = 0.8;
  // Score modifier (default mode only; never in rita_compatible): added to a beacon's score (capped
  // at 1) when its destination is unnamed: TCP sessions to an external address that no DNS answer in
  // the data pointed at and no TLS SNI / HTTP Host named, from a source whose own DNS lookups are in
  // the data (DNS/NTP servers excluded). Benign services are reached by name; implants often dial
  // an address. The reporting bar stays on RITA's score. 0 disables.
  double unnamed_destination_increase = 0.1;
  // Multi-day view: on by default when the data spans >= multi_day_min_days days.
  int multi_day_min_days = 3;
  // ...and for pairs with at least this many connections per day of data on average: below it a
  // once-a-day job and a once-a-day beacon cannot be told apart by shape, and a handful of
  // timestamps makes every sub-score look perfect.
  double multi_day_min_per_day = 2.0;
  // ...and with at least this many connections in all: quartiles and MAD of fewer intervals are noise.
  uint64_t multi_day_min_connections = 20;

  uint64_t strobe_connections_per_day = 86400;  // RITA's strobe threshold (per pair and day)
  // Default mode: connections a pair (IP or SNI/host) keeps exactly before it switches to its
  // fixed-size summary (see Memory above). Ignored with rita_compatible.
  uint32_t exact_samples_per_pair = 256;
  // Summary quantile sketches: k (rank error ~1 % at 128; memory ~3k floats per sketch).
  uint32_t summary_sketch_k = 128;
  double long_connection_seconds = 3600;  // total duration of a pair's connections
  // DNS C2: distinct subdomains queried under one parent domain (RITA: 100 is its lowest bar).
  uint64_t dns_c2_min_subdomains = 100;
  // Rare destination: an external destination contacted by at most this share of the internal
  // sources seen (and by at most rare_max_sources of them), with at least rare_min_connections.
  double rare_max_share = 0.02;
  uint64_t rare_max_sources = 5;
  uint64_t rare_min_connections = 10;
  // Exfiltration-sized upload: one connection sending >= exfil_min_bytes and >= exfil_factor x the
  // pair's median upload.
  uint64_t exfil_min_bytes = 10ull * 1000 * 1000;
  double exfil_factor = 20;

  // Dynamic-DNS parent zones (e.g. from intel's MISP dynamic-DNS warning list, or config).
  std::vector<std::string> dynamic_dns_zones;
  // CDN/cloud destinations (addresses, CIDRs or domain names) that lower suspicion; context notes of
  // kind cdn/cloud/shared-hosting are added automatically.
  std::vector<std::string> cdn_destinations;
  double cdn_score_factor = 0.5;  // multiply the score of findings whose destination is CDN/cloud
  // Allow-list (never report) and watch-list (always report, raised to high) of addresses, CIDRs or
  // domain names (a domain matches itself and its subdomains).
  std::vector<std::string> allow;
  std::vector<std::string> always;

  size_t provenance_cap = 16;

  Status Validate() const;
};

struct Finding {
  FindingKind kind = FindingKind::kBeacon;
  std::string key;       // "src->dst" (dst is an address, a host name or a parent domain)
  std::string window;    // "" whole run (rita-compatible), "YYYY-MM-DD" for a day, "multi-day"
  double score = 0;      // 0..1
  std::string severity;  // low | medium | high | critical
  IpAddress src;
  std::string dst;
  std::string site, segment;  // of the source, when a case context is given
  Timestamp first_seen, last_seen;
  uint64_t count = 0;                         // connections (or queries) the finding rests on
  std::vector<std::string> techniques;        // ATT&CK ids, e.g. "T1071.001"
  std::string detail_json = "{}";             // component scores and the facts behind them
  std::vector<ingest::SourceRef> provenance;  // capped, deterministic sample
  uint64_t provenance_total = 0;              // records the finding rests on
};

struct AnalyzerStats {
  uint64_t observations = 0, conns = 0, dns = 0, tls = 0, http = 0;
  uint64_t pairs = 0, sni_pairs = 0;
  uint64_t samples_stored = 0, samples_capped = 0;  // rita-compatible: stored / beyond the strobe cap
  uint64_t summary_pairs = 0;                       // IP and name pairs that switched to their fixed-size summary
  uint64_t summarised = 0;                          // connection / name records folded into summaries
  uint64_t late_records = 0;                        // summarised records older than the last one folded (no interval)
  uint64_t allow_listed = 0;                        // observations skipped because the destination is allow-listed
  uint64_t unjoined_names = 0;                      // tls/http records whose connection was not seen
  uint64_t unnamed_pairs = 0;                       // IP pairs that got the unnamed-destination modifier
};

class Analyzer : public ingest::ObservationSink {
 public:
  // The config must have passed Validate().
  explicit Analyzer(AnalyticsConfig config);
  ~Analyzer() override;
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  Status OnObservation(const ingest::Observation& obs) override;
  // Scores everything seen. Call once; the analyzer is spent afterwards.
  Result<std::vector<Finding>> Finish();
  const AnalyzerStats& stats() const;
  // Approximate bytes held by per-pair state (for the memory-bound tests and benchmarks).
  size_t StateBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // owned
};

// Maps an InputInfo (by path and SHA-256) to the case's input row id; return 0 when unknown.
using InputIdLookup = std::function<int64_t(const ingest::InputInfo&)>;
store::FindingRow ToFindingRow(const Finding& f, const InputIdLookup& input_id);

// Severity bands used by the analyzer: >= 0.9 critical, >= 0.8 high, >= 0.6 medium, else low.
std::string SeverityForScore(double score);

// The registrable parent of a DNS name used for DNS-C2 grouping: the last two labels, or the last
// three when the second-level label is a common public second level (co, com, net, org, gov, edu,
// ac, ...) under a two-letter country code ("a.b.example.co.uk" -> "example.co.uk"). Lower-cased,
// trailing dot removed. Documented approximation of the Public Suffix List (see README).
std::string ParentDomain(std::string_view name);

}  // namespace onus::analytics

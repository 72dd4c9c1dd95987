// Hunting: observations in, sightings out. A Hunter looks every indexable value of each observation
// up in the IndicatorIndex (Zeek-style "where": conn.orig_h, dns.query, tls.server_name, x509.sha1,
// http.host...), evaluates the indicators whose patterns are not simple value lists with the
// pattern module's evaluator, and reports each hit to a SightingSink.
//
// Where each value is looked at:
//   conn   orig_h → conn.orig_h, resp_h → conn.resp_h (both sides; `direction` says which way)
//   dns    query → dns.query; A/AAAA answers → dns.answers (addr); CNAME/PTR/NS/MX names → dns.answers
//   tls    server_name → tls.server_name; ja3/ja3s/ja4 → tls.ja3/tls.ja3s/tls.ja4;
//          cert_sha1 → tls.cert_sha1; chain → tls.cert_chain_sha1
//   x509   sha1/sha256/serial → x509.sha1/x509.sha256/x509.serial; SAN names → x509.san_dns
//   http   host → http.host (a name, or an address); http://host+uri → http.url
//   file   md5/sha1/sha256 → file.md5/file.sha1/file.sha256
//   alert, anomaly, ics, grid, other: not matched (an alert's signature is not an indicator value)
// Validity: a hit on an indicator that is revoked, or outside [valid_from, valid_until) at the
// observation's time, is reported with stale = true (a stale sighting, listed apart), never dropped.
//
// Contract: OnObservation allocates nothing for observations that hit nothing and have no
// pattern-evaluated indicators; the SCO view for the evaluator is built only for the object types
// those patterns name. Pattern state is bounded (pattern::StreamOptions).
// Thread-safety: a Hunter belongs to one thread; the index it reads is shared and immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/case_context.h"
#include "onus/core/result.h"
#include "onus/ingest/observation.h"
#include "onus/ingest/reader.h"
#include "onus/intel/import.h"
#include "onus/intel/intel.h"
#include "onus/match/indicator_index.h"

namespace onus::match {

struct CompileOptions {
  // How a plain domain-name value matches (README "Spec decisions"): kZone = the name and every
  // name below it (default); kExact = only the name. "domain-suffix" values are always
  // kSubdomainsOnly.
  DomainScope domain_scope = DomainScope::kZone;
};

// An indicator the index cannot serve: its STIX pattern goes to the evaluator.
struct PatternIndicator {
  uint32_t indicator = 0;  // ordinal in the index (metadata, validity)
  std::string pattern;
};

struct CompiledIntel {
  std::shared_ptr<const IndicatorIndex> index;
  std::vector<PatternIndicator> patterns;
  size_t unsupported_values = 0;  // value types no telemetry field carries (sha512, x509-md5)
  size_t non_stix_patterns = 0;   // pattern_type other than stix with no values (sigma, yara...)
  size_t traffic_patterns_indexed = 0;  // network-traffic src/dst address patterns indexed with a role
};

// Maps intel's value type names ("ipv4-addr", "domain-suffix", "x509-sha1"...) to a ValueSpec.
// False for types the index does not serve.
bool ToValueSpec(const intel::IndicatorValue& v, const CompileOptions& options, ValueSpec& out);
IndicatorSpec ToIndicatorSpec(const store::IndicatorRow& row);

Result<CompiledIntel> CompileIntel(const std::vector<intel::StoredIndicator>& indicators,
                                   const CompileOptions& options = {});

// CompileIntel one indicator at a time: fed straight from an import stream
// (intel::ImportOptions::on_indicator) and from stored rows (intel::ForEachStoredIndicator), so no
// vector of every indicator is ever held. Not copyable; one thread.
class IntelCompiler {
 public:
  explicit IntelCompiler(CompileOptions options = {});
  ~IntelCompiler();
  IntelCompiler(const IntelCompiler&) = delete;
  IntelCompiler& operator=(const IntelCompiler&) = delete;
  void Add(const intel::Indicator& indicator);
  void Add(const intel::StoredIndicator& stored);
  size_t added() const { return added_; }
  // The compiled intel; the compiler is spent afterwards.
  Result<CompiledIntel> Finish();

 private:
  void AddSpec(const std::vector<intel::IndicatorValue>& values, const std::string& pattern,
               const std::string& pattern_type);
  CompileOptions options_;
  std::unique_ptr<IndicatorIndex::Builder> builder_;
  CompiledIntel out_;
  IndicatorSpec spec_;  // reused between indicators
  size_t added_ = 0;
};
Result<CompiledIntel> CompileIntel(const std::vector<intel::Indicator>& indicators, const CompileOptions& options = {});

// The flows of a capture in which a hunt with this intel can sight anything or keep a notable
// observation (ingest::IngestOptions::flow_scope), or nullopt when it needs every flow: pattern
// indicators are evaluated over every observation. Addresses want the flows they are an endpoint
// of, DNS (answers) and HTTP (hosts); names want DNS, TLS (server names, certificate names) and HTTP;
// URLs HTTP; JA3/JA3S/JA4 and certificate values TLS; file hashes and e-mail addresses nothing a
// capture carries. ICS flows are always in scope (the recorder keeps their commands), and with a
// context so is every flow with an endpoint in an "ot" segment (conns into OT are kept). A hunt that
// also runs analytics must not use a scope: the analytics read every conn.
std::optional<ingest::FlowScope> HuntFlowScope(const CompiledIntel& intel, const CaseContext* context);

inline constexpr uint32_t kNoEntry = 0xFFFFFFFFu;

// One hit. Views are valid only during the SightingSink call.
struct Sighting {
  const ingest::Observation* obs = nullptr;
  uint32_t indicator = 0;     // ordinal in the index
  uint32_t entry = kNoEntry;  // index entry; kNoEntry for a pattern match
  ValueType type = ValueType::kAddr;
  bool is_subnet = false;
  bool via_parent = false;    // a domain matched through a parent zone of the seen name
  bool stale = false;         // indicator revoked or outside its validity window at obs->ts
  std::string_view where;     // "conn.resp_h", "dns.query", ..., "pattern"
  std::string_view seen;      // the value as seen (normalised for names)
  std::string_view indicator_value;  // the indicator's value (or its pattern)
  std::string_view direction;        // conn: outbound | inbound | internal | external; else ""
  Location location;          // site/segment of the defended side (needs a context)
};

class SightingSink {
 public:
  virtual ~SightingSink() = default;
  virtual Status OnSighting(const Sighting& s) = 0;
};

struct HuntOptions {
  const CaseContext* context = nullptr;  // not owned; may be null
  int64_t pattern_window_ns = 3600LL * 1000000000LL;
  size_t pattern_max_buffered = 100000;
};

struct HuntStats {
  uint64_t observations = 0;
  uint64_t lookups = 0;
  uint64_t sightings = 0;  // including stale
  uint64_t stale = 0;
  uint64_t pattern_matches = 0;
  uint64_t pattern_errors = 0;
  uint64_t invalid_values = 0;  // observed names/hashes that did not parse (not looked up)
};

class Hunter : public ingest::ObservationSink {
 public:
  // Compiles the pattern indicators (failures are counted in skipped_patterns(), with reasons).
  Hunter(const CompiledIntel& intel, HuntOptions options, SightingSink& sink);
  ~Hunter() override;
  Hunter(const Hunter&) = delete;
  Hunter& operator=(const Hunter&) = delete;

  Status OnObservation(const ingest::Observation& obs) override;

  // The sink for ingest's IngestOptions::conn_starts: a capture's flow is matched on its endpoints
  // (conn.orig_h / conn.resp_h) when it begins, so those sightings stream out while the capture is
  // read rather than all at its final flush; the flow's conn record (start_announced) is then not
  // matched on its endpoints again. Same sightings, same provenance (the flow's first packet).
  ingest::ObservationSink& conn_starts() { return starts_; }

  const HuntStats& stats() const { return stats_; }
  const IndicatorIndex& index() const { return *index_; }
  size_t evaluated_patterns() const;
  const std::vector<std::string>& skipped_patterns() const { return skipped_patterns_; }

 private:
  struct PatternState;
  class StartSink : public ingest::ObservationSink {
   public:
    explicit StartSink(Hunter& h) : hunter_(h) {}
    Status OnObservation(const ingest::Observation& obs) override { return hunter_.OnConnStart(obs); }

   private:
    Hunter& hunter_;
  };
  Status OnConnStart(const ingest::Observation& obs);
  bool Announced(const ingest::InputInfo* input) const;
  Status ConnEndpoints(const ingest::Observation& obs);
  Status Hit(const ingest::Observation& obs, uint32_t entry, std::string_view where, std::string_view seen,
             bool via_parent, std::string_view direction, const Location& loc);
  Status Addr(const ingest::Observation& obs, const IpAddress& a, std::string_view where, AddrRole side,
              std::string_view direction, const Location& loc);
  Status Domain(const ingest::Observation& obs, std::string_view name, std::string_view where, const Location& loc);
  Status Value(const ingest::Observation& obs, ValueType t, std::string_view v, std::string_view where,
               const Location& loc);
  Status Patterns(const ingest::Observation& obs, const Location& loc);
  Location Locate(const ingest::Observation& obs, std::string_view& direction) const;

  std::shared_ptr<const IndicatorIndex> index_;
  HuntOptions options_;
  SightingSink& sink_;
  MatchScratch scratch_;
  std::string seen_;  // scratch for the seen value
  std::unique_ptr<PatternState> patterns_;
  std::vector<std::string> skipped_patterns_;
  HuntStats stats_;
  StartSink starts_{*this};
  // Inputs whose flow starts reached starts_: their conn records' endpoints were matched then.
  std::vector<const ingest::InputInfo*> announced_inputs_;
};

}  // namespace onus::match

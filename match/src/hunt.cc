#include "onus/match/hunt.h"

#include <algorithm>
#include <optional>

#include "onus/pattern/compiled_pattern.h"
#include "onus/pattern/stream_matcher.h"
#include "sco_view.h"

namespace onus::match {
namespace {

bool IsPrivate(const IpAddress& a) {
  if (a.is_v4()) {
    uint32_t v = a.v4();
    return (v >> 24) == 10 || (v >> 20) == (172u << 4 | 1) || (v >> 16) == (192u << 8 | 168) || (v >> 24) == 127 ||
           (v >> 16) == (169u << 8 | 254);
  }
  const auto& b = a.bytes();
  return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || a == IpAddress::Parse("::1").value();
}

Result<Timestamp> ParseOptionalTime(const std::string& text) { return ParseRfc3339(text); }


}  // namespace

bool ToValueSpec(const intel::IndicatorValue& v, const CompileOptions& options, ValueSpec& out) {
  out = ValueSpec();
  out.value = v.value;
  const std::string& t = v.type;
  if (t == intel::kIpv4 || t == intel::kIpv6) {
    out.type = ValueType::kAddr;
  } else if (t == intel::kDomain) {
    out.type = ValueType::kDomain;
    out.scope = options.domain_scope;
  } else if (t == intel::kDomainSuffix) {
    out.type = ValueType::kDomain;
    out.scope = DomainScope::kSubdomainsOnly;
  } else if (t == intel::kUrl) {
    out.type = ValueType::kUrl;
  } else if (t == intel::kEmail) {
    out.type = ValueType::kEmail;
  } else if (t == intel::kMd5) {
    out.type = ValueType::kMd5;
  } else if (t == intel::kSha1) {
    out.type = ValueType::kSha1;
  } else if (t == intel::kSha256) {
    out.type = ValueType::kSha256;
  } else if (t == intel::kX509Sha1) {
    out.type = ValueType::kCertSha1;
  } else if (t == intel::kX509Sha256) {
    out.type = ValueType::kCertSha256;
  } else if (t == intel::kX509Serial) {
    out.type = ValueType::kCertSerial;
  } else if (t == intel::kJa3) {
    out.type = ValueType::kJa3;
  } else if (t == intel::kJa3s) {
    out.type = ValueType::kJa3s;
  } else if (t == intel::kJa4) {
    out.type = ValueType::kJa4;
  } else {
    return false;  // sha512, x509-md5: no telemetry field carries them
  }
  return true;
}

IndicatorSpec ToIndicatorSpec(const store::IndicatorRow& row) {
  IndicatorSpec s;
  s.id = row.id;
  s.source = row.source_id;
  s.grade = row.grade;
  if (!row.valid_from.empty()) {
    auto t = ParseOptionalTime(row.valid_from);
    if (t.ok()) {
      s.valid_from = *t;
      s.has_valid_from = true;
    }
  }
  if (!row.valid_until.empty()) {
    auto t = ParseOptionalTime(row.valid_until);
    if (t.ok()) {
      s.valid_until = *t;
      s.has_valid_until = true;
    }
  }
  s.revoked = row.revoked;
  s.confidence = static_cast<int>(row.confidence);
  return s;
}

IntelCompiler::IntelCompiler(CompileOptions options)
    : options_(options), builder_(std::make_unique<IndicatorIndex::Builder>()) {}
IntelCompiler::~IntelCompiler() = default;

void IntelCompiler::AddSpec(const std::vector<intel::IndicatorValue>& values, const std::string& pattern,
                            const std::string& pattern_type) {
  spec_.values.clear();
  for (const auto& v : values) {
    ValueSpec vs;
    if (ToValueSpec(v, options_, vs))
      spec_.values.push_back(std::move(vs));
    else
      ++out_.unsupported_values;
  }
  const bool stix = pattern_type.empty() || pattern_type == "stix";
  bool indexed_traffic = false;
  if (values.empty() && stix && pattern.find("network-traffic:") != std::string::npos) {
    // "[network-traffic:dst_ref.value = 'IP']" (MISP's and Talos's exports): an address on one side
    // of a connection, indexed with that role instead of being evaluated against every observation.
    auto traffic = intel::ExtractTrafficAddresses(pattern);
    if (traffic.ok() && !traffic->empty()) {
      for (const auto& t : *traffic) {
        ValueSpec vs;
        vs.type = ValueType::kAddr;
        vs.value = t.value.value;
        vs.role = t.source ? AddrRole::kOrig : AddrRole::kResp;
        spec_.values.push_back(std::move(vs));
      }
      indexed_traffic = true;
      ++out_.traffic_patterns_indexed;
    }
  }
  uint32_t ordinal = builder_->Add(spec_);
  ++added_;
  if (values.empty() && !indexed_traffic) {
    if (stix)
      out_.patterns.push_back({ordinal, pattern});
    else
      ++out_.non_stix_patterns;
  }
}

void IntelCompiler::Add(const intel::StoredIndicator& s) {
  std::vector<ValueSpec> keep = std::move(spec_.values);
  spec_ = ToIndicatorSpec(s.row);
  spec_.values = std::move(keep);
  AddSpec(s.values, s.row.pattern, s.row.pattern_type);
}

void IntelCompiler::Add(const intel::Indicator& ind) {
  spec_.id = ind.id;
  spec_.source = ind.source_id;
  spec_.grade = ind.grade;
  spec_.has_valid_from = ind.valid_from.has_value();
  spec_.valid_from = ind.valid_from.value_or(Timestamp());
  spec_.has_valid_until = ind.valid_until.has_value();
  spec_.valid_until = ind.valid_until.value_or(Timestamp());
  spec_.revoked = ind.revoked;
  spec_.confidence = ind.confidence;
  AddSpec(ind.values, ind.pattern, ind.pattern_type);
}

Result<CompiledIntel> IntelCompiler::Finish() {
  if (!builder_) return Status::Internal("IntelCompiler::Finish called twice");
  ONUS_ASSIGN_OR_RETURN(out_.index, builder_->Build());
  builder_.reset();
  return std::move(out_);
}

Result<CompiledIntel> CompileIntel(const std::vector<intel::StoredIndicator>& indicators,
                                   const CompileOptions& options) {
  IntelCompiler c(options);
  for (const auto& s : indicators) c.Add(s);
  return c.Finish();
}

Result<CompiledIntel> CompileIntel(const std::vector<intel::Indicator>& indicators, const CompileOptions& options) {
  IntelCompiler c(options);
  for (const auto& ind : indicators) c.Add(ind);
  return c.Finish();
}

// ---- pattern evaluation ---------------------------------------------------------------------

struct Hunter::PatternState {
  struct One {
    uint32_t indicator = 0;
    std::shared_ptr<const pattern::CompiledPattern> compiled;
    std::unique_ptr<pattern::StreamMatcher> stream;  // multi-observation patterns
  };
  std::vector<One> patterns;
  uint32_t types = 0;  // detail::ScoTypes bitmask of the object types the patterns name
  pattern::Observation view;
};

Hunter::Hunter(const CompiledIntel& intel, HuntOptions options, SightingSink& sink)
    : index_(intel.index), options_(options), sink_(sink) {
  if (intel.patterns.empty()) return;
  patterns_ = std::make_unique<PatternState>();
  pattern::StreamOptions so;
  so.window_ns = options_.pattern_window_ns;
  so.max_buffered = options_.pattern_max_buffered;
  for (const auto& p : intel.patterns) {
    auto compiled = pattern::CompiledPattern::Compile(p.pattern);
    if (!compiled.ok()) {
      if (skipped_patterns_.size() < 100)
        skipped_patterns_.push_back(std::string(index_->indicator_id(p.indicator)) + ": " +
                                    compiled.status().message());
      continue;
    }
    PatternState::One one;
    one.indicator = p.indicator;
    one.compiled = std::move(compiled).value();
    for (const auto& t : one.compiled->inspection().object_types) patterns_->types |= detail::ScoTypeBit(t);
    if (!one.compiled->inspection().single_observation)
      one.stream = std::make_unique<pattern::StreamMatcher>(one.compiled, so);
    patterns_->patterns.push_back(std::move(one));
  }
  if (patterns_->patterns.empty()) patterns_.reset();
}

Hunter::~Hunter() = default;

size_t Hunter::evaluated_patterns() const { return patterns_ ? patterns_->patterns.size() : 0; }

Location Hunter::Locate(const ingest::Observation& obs, std::string_view& direction) const {
  direction = {};
  if (!obs.has_endpoints) return {};
  auto internal = [this](const IpAddress& a) {
    return options_.context ? options_.context->IsInternal(a) : IsPrivate(a);
  };
  bool oi = internal(obs.orig_h), ri = internal(obs.resp_h);
  if (obs.kind == ingest::ObservationKind::kConn)
    direction = oi && ri ? "internal" : oi ? "outbound" : ri ? "inbound" : "external";
  if (!options_.context) return {};
  Location loc = options_.context->Locate(obs.orig_h);
  if (!loc.found()) loc = options_.context->Locate(obs.resp_h);
  return loc;
}

Status Hunter::Hit(const ingest::Observation& obs, uint32_t entry, std::string_view where, std::string_view seen,
                   bool via_parent, std::string_view, const Location&) {
  const IndexEntry& e = index_->entry(entry);
  Sighting s;
  s.obs = &obs;
  s.indicator = e.indicator;
  s.entry = entry;
  s.type = e.type;
  s.is_subnet = e.is_subnet;
  s.via_parent = via_parent;
  s.stale = !index_->ValidAt(e.indicator, obs.ts);
  s.where = where;
  s.seen = seen;
  s.indicator_value = index_->entry_value(entry);
  s.location = Locate(obs, s.direction);
  ++stats_.sightings;
  if (s.stale) ++stats_.stale;
  return sink_.OnSighting(s);
}

Status Hunter::Addr(const ingest::Observation& obs, const IpAddress& a, std::string_view where, AddrRole side,
                    std::string_view, const Location& loc) {
  ++stats_.lookups;
  Status st;
  bool formatted = false;
  index_->ForEachAddrMatch(a, [&](uint32_t e) {
    if (!st.ok()) return;
    AddrRole role = index_->entry(e).role;
    if (role != AddrRole::kAny && role != side) return;
    if (!formatted) {
      seen_ = a.ToString();
      formatted = true;
    }
    st = Hit(obs, e, where, seen_, false, {}, loc);
  });
  return st;
}

Status Hunter::Domain(const ingest::Observation& obs, std::string_view name, std::string_view where,
                      const Location& loc) {
  if (name.empty() || name == "-") return Status::Ok();
  ++stats_.lookups;
  char normalized[kMaxDomainLength + 1];
  size_t len = 0;
  if (!NormalizeDomainInto(name, normalized, len)) {
    ++stats_.invalid_values;
    return Status::Ok();
  }
  std::string_view seen(normalized, len);
  Status st;
  index_->ForEachDomainMatch(seen, scratch_, [&](uint32_t e) {
    if (!st.ok()) return;
    st = Hit(obs, e, where, seen, index_->entry_value(e) != seen, {}, loc);
  });
  return st;
}

Status Hunter::Value(const ingest::Observation& obs, ValueType t, std::string_view v, std::string_view where,
                     const Location& loc) {
  if (v.empty() || v == "-" || !index_->has_type(t)) return Status::Ok();
  ++stats_.lookups;
  for (uint32_t e : index_->LookupValue(t, v, scratch_)) {
    std::string seen(v);
    ONUS_RETURN_IF_ERROR(Hit(obs, e, where, seen, false, {}, loc));
  }
  return Status::Ok();
}

Status Hunter::Patterns(const ingest::Observation& obs, const Location&) {
  auto& ps = *patterns_;
  if (!detail::BuildScoView(obs, ps.types, ps.view)) return Status::Ok();  // nothing the patterns look at
  for (auto& p : ps.patterns) {
    bool matched = false;
    if (p.stream) {
      auto r = p.stream->Push(ps.view);
      if (!r.ok()) {
        ++stats_.pattern_errors;
        continue;
      }
      matched = r->has_value();
    } else {
      auto r = p.compiled->MatchesObservation(ps.view);
      if (!r.ok()) {
        ++stats_.pattern_errors;
        continue;
      }
      matched = *r;
    }
    if (!matched) continue;
    ++stats_.pattern_matches;
    Sighting s;
    s.obs = &obs;
    s.indicator = p.indicator;
    s.entry = kNoEntry;
    s.where = "pattern";
    s.stale = !index_->ValidAt(p.indicator, obs.ts);
    s.indicator_value = p.compiled->pattern().text;
    seen_ = detail::SummarizeForPattern(obs);
    s.seen = seen_;
    s.location = Locate(obs, s.direction);
    ++stats_.sightings;
    if (s.stale) ++stats_.stale;
    ONUS_RETURN_IF_ERROR(sink_.OnSighting(s));
  }
  return Status::Ok();
}

bool Hunter::Announced(const ingest::InputInfo* input) const {
  if (!input || announced_inputs_.empty()) return false;
  if (announced_inputs_.back() == input) return true;  // the capture being read
  return std::find(announced_inputs_.begin(), announced_inputs_.end(), input) != announced_inputs_.end();
}

Status Hunter::ConnEndpoints(const ingest::Observation& obs) {
  if (!obs.has_endpoints || !index_->has_type(ValueType::kAddr)) return Status::Ok();
  const Location none;
  ONUS_RETURN_IF_ERROR(Addr(obs, obs.orig_h, "conn.orig_h", AddrRole::kOrig, {}, none));
  return Addr(obs, obs.resp_h, "conn.resp_h", AddrRole::kResp, {}, none);
}

Status Hunter::OnConnStart(const ingest::Observation& obs) {
  if (obs.kind != ingest::ObservationKind::kConn) return Status::Ok();
  if (obs.src.input && !Announced(obs.src.input)) announced_inputs_.push_back(obs.src.input);
  return ConnEndpoints(obs);
}

Status Hunter::OnObservation(const ingest::Observation& obs) {
  ++stats_.observations;
  using K = ingest::ObservationKind;
  const Location none;
  const IndicatorIndex& idx = *index_;
  switch (obs.kind) {
    case K::kConn: {
      if (!(obs.start_announced && Announced(obs.src.input))) ONUS_RETURN_IF_ERROR(ConnEndpoints(obs));
      break;
    }
    case K::kDns:
      if (idx.has_type(ValueType::kDomain)) ONUS_RETURN_IF_ERROR(Domain(obs, obs.query, "dns.query", none));
      for (const auto& a : obs.answers) {
        if (a.type == "A" || a.type == "AAAA") {
          if (!idx.has_type(ValueType::kAddr)) continue;
          auto ip = IpAddress::Parse(a.value);
          if (ip.ok()) ONUS_RETURN_IF_ERROR(Addr(obs, *ip, "dns.answers", AddrRole::kAny, {}, none));
        } else if (a.type == "CNAME" || a.type == "PTR" || a.type == "NS" || a.type == "MX" || a.type == "DNAME") {
          if (!idx.has_type(ValueType::kDomain)) continue;
          std::string_view name = a.value;
          if (a.type == "MX") {  // "10 mail.example.com"
            size_t sp = name.rfind(' ');
            if (sp != std::string_view::npos) name = name.substr(sp + 1);
          }
          ONUS_RETURN_IF_ERROR(Domain(obs, name, "dns.answers", none));
        } else if (a.type.empty() && idx.has_type(ValueType::kAddr)) {
          // Zeek's answers column does not say the type: addresses are addresses, the rest names.
          auto ip = IpAddress::Parse(a.value);
          if (ip.ok())
            ONUS_RETURN_IF_ERROR(Addr(obs, *ip, "dns.answers", AddrRole::kAny, {}, none));
          else if (idx.has_type(ValueType::kDomain))
            ONUS_RETURN_IF_ERROR(Domain(obs, a.value, "dns.answers", none));
        } else if (a.type.empty() && idx.has_type(ValueType::kDomain)) {
          ONUS_RETURN_IF_ERROR(Domain(obs, a.value, "dns.answers", none));
        }
      }
      break;
    case K::kTls:
      if (idx.has_type(ValueType::kDomain)) ONUS_RETURN_IF_ERROR(Domain(obs, obs.server_name, "tls.server_name", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kJa3, obs.ja3, "tls.ja3", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kJa3s, obs.ja3s, "tls.ja3s", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kJa4, obs.ja4, "tls.ja4", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kCertSha1, obs.cert_sha1, "tls.cert_sha1", none));
      for (const auto& c : obs.cert_chain_sha1)
        if (c != obs.cert_sha1) ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kCertSha1, c, "tls.cert_chain_sha1", none));
      break;
    case K::kX509:
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kCertSha1, obs.sha1, "x509.sha1", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kCertSha256, obs.sha256, "x509.sha256", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kCertSerial, obs.serial, "x509.serial", none));
      if (idx.has_type(ValueType::kDomain))
        for (const auto& n : obs.san_dns) ONUS_RETURN_IF_ERROR(Domain(obs, n, "x509.san_dns", none));
      break;
    case K::kHttp:
      if (!obs.host.empty()) {
        std::string_view host = obs.host;
        // Strip a port ("host:8080", "[::1]:80"); bracketed IPv6 keeps its address.
        if (!host.empty() && host.front() == '[') {
          size_t rb = host.find(']');
          host = rb == std::string_view::npos ? host.substr(1) : host.substr(1, rb - 1);
        } else if (std::count(host.begin(), host.end(), ':') == 1) {
          host = host.substr(0, host.find(':'));
        }
        auto ip = IpAddress::Parse(host);
        if (ip.ok()) {
          if (idx.has_type(ValueType::kAddr))
            ONUS_RETURN_IF_ERROR(Addr(obs, *ip, "http.host", AddrRole::kAny, {}, none));
        } else if (idx.has_type(ValueType::kDomain)) {
          ONUS_RETURN_IF_ERROR(Domain(obs, host, "http.host", none));
        }
        if (idx.has_type(ValueType::kUrl)) {
          std::string url = "http://" + obs.host;
          if (obs.uri.empty() || obs.uri.front() != '/') url.push_back('/');
          url += obs.uri;
          ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kUrl, url, "http.url", none));
        }
      }
      break;
    case K::kFile:
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kMd5, obs.md5, "file.md5", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kSha1, obs.file_sha1, "file.sha1", none));
      ONUS_RETURN_IF_ERROR(Value(obs, ValueType::kSha256, obs.file_sha256, "file.sha256", none));
      break;
    default:
      break;
  }
  if (patterns_) ONUS_RETURN_IF_ERROR(Patterns(obs, none));
  return Status::Ok();
}

}  // namespace onus::match

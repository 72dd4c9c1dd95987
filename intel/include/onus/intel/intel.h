// Threat intelligence as onus reads it: indicators (with the values match can index), the other
// STIX domain objects (intrusion sets with aliases, malware, tools, campaigns, ATT&CK techniques,
// infrastructure, identities, reports, opinions, relationships, sightings...), and the sources they
// came from with an Admiralty grade. One loader per feed format under intel/feeds/<format>/; the
// format is detected from content.
//
// Contract:
// - LoadIntel never throws, prints or exits. A missing file is NotFound, an unrecognised one
//   Unsupported; a malformed record inside a recognised file is counted in `skipped` with its line
//   and a reason, and the rest of the file is loaded.
// - Every indicator and object carries provenance: the input path, its SHA-256 (of the bytes on
//   disk) and the 1-based line on which its JSON object (or its text line) begins.
// - Every indicator has a source id and a grade. Precedence: IntelOptions::grade, else an
//   `x_onus_grade` property on the STIX identity that created it, else the format's default
//   (kDefaultGrade "F6" = reliability and credibility cannot be judged; ATT&CK: "B2").
// - Non-STIX indicators get deterministic ids: "indicator--" + UUIDv5(kIntelNamespace,
//   source_id + "|" + value_type + "|" + value), and an equivalent STIX pattern string.
// Thread-safety: pure functions over their arguments; results are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/result.h"
#include "onus/core/time.h"

namespace onus::intel {

// Value types of single comparisons match can index. Stored as these strings in
// IndicatorRow::value_type. IPs may be CIDR prefixes ("10.0.0.0/8"); a /32 (/128) is stored as the
// bare address. domain-suffix means "any name strictly below this one" (LIKE '%.x').
inline constexpr std::string_view kIpv4 = "ipv4-addr";
inline constexpr std::string_view kIpv6 = "ipv6-addr";
inline constexpr std::string_view kDomain = "domain-name";
inline constexpr std::string_view kDomainSuffix = "domain-suffix";
inline constexpr std::string_view kUrl = "url";
inline constexpr std::string_view kEmail = "email-addr";
inline constexpr std::string_view kMd5 = "md5";
inline constexpr std::string_view kSha1 = "sha1";
inline constexpr std::string_view kSha256 = "sha256";
inline constexpr std::string_view kSha512 = "sha512";
inline constexpr std::string_view kX509Sha1 = "x509-sha1";
inline constexpr std::string_view kX509Sha256 = "x509-sha256";
inline constexpr std::string_view kX509Md5 = "x509-md5";
inline constexpr std::string_view kX509Serial = "x509-serial";
inline constexpr std::string_view kJa3 = "ja3";
inline constexpr std::string_view kJa3s = "ja3s";
inline constexpr std::string_view kJa4 = "ja4";

inline constexpr std::string_view kDefaultGrade = "F6";
inline constexpr std::string_view kAttackGrade = "B2";
// RFC 4122 name-based (v5) namespace for onus intel ids: UUIDv5(NameSpace_URL,
// "https://onus.invalid/ns/intel") = the value below (checked by a unit test).
inline constexpr std::string_view kIntelNamespace = "195626d6-25bd-5a02-81b0-ff77103ea2b0";

struct IndicatorValue {
  std::string type;   // one of the k* value types above
  std::string value;  // normalised: lowercase hosts and hashes, refanged, CIDR normalised
  auto operator<=>(const IndicatorValue&) const = default;
};

struct Provenance {
  std::string path, sha256;
  int64_t line = 0;  // 1-based line where the record begins (0: unknown)
};

struct Indicator {
  std::string id;  // STIX id, or deterministic "indicator--<uuid5>"
  std::string name, description;
  std::string pattern, pattern_type = "stix", pattern_version;
  // Filled when the pattern is one comparison or a disjunction (OR) of equality comparisons (or
  // LIKE '%.x' on domain names) on indexable properties: match indexes every value. Empty when
  // the pattern needs the evaluator.
  std::vector<IndicatorValue> values;
  std::optional<Timestamp> valid_from, valid_until;
  int confidence = -1;  // 0..100, -1 when absent
  bool revoked = false;
  std::vector<std::string> labels, indicator_types;
  std::string source_id, grade;
  std::vector<std::string> report_ids;     // reports whose object_refs name this indicator (sorted)
  std::vector<std::string> derived_from;   // targets of derived-from relationships from it
  std::string file;  // set when the record comes from a file other than IntelBundle::path (MISP feed)
  int64_t line = 0;
};

// Any other STIX object, kept whole (json is the object's own text, or a STIX 2.1 rendering for
// objects mapped from MISP/CSV feeds).
struct StixObject {
  std::string id, type, name;
  std::vector<std::string> aliases;  // intrusion-set/malware/tool/campaign aliases (x_mitre_aliases too)
  std::string external_id;           // ATT&CK id (T1071.001, G0096, S0154) when present
  bool revoked = false, deprecated = false;
  std::string json;
  std::string source_id;
  std::string file;  // as Indicator::file
  int64_t line = 0;
};

struct Source {
  std::string id;  // STIX identity id or "identity--<uuid5 of the name>"
  std::string name, type, grade;
  std::string detail_json = "{}";
};

struct SkippedRecord {
  int64_t line = 0;
  std::string reason;
};

struct IntelBundle {
  std::string path, sha256;
  std::string format;  // stix-2.1, stix-2.0, attack, misp-event, misp-feed, misp-galaxy, csv, list, zeek-intel
  uint64_t size = 0;
  std::vector<Source> sources;
  std::vector<Indicator> indicators;
  std::vector<StixObject> objects;
  int64_t records = 0;            // records read (objects, attributes, lines with content)
  int64_t skipped_count = 0;      // all skipped records
  std::vector<SkippedRecord> skipped;  // the first IntelOptions::max_skipped_kept of them
};

struct IntelOptions {
  std::string source_name;  // names the source when the content does not (lists, CSV, Zeek intel)
  std::string grade;        // overrides every source grade of this load ("B2")
  std::string value_type;   // forces the value type of one-value-per-line lists (see ParseValueType)
  std::string format;       // forces a format instead of detection ("" = detect)
  bool misp_require_to_ids = false;  // true: MISP attributes with to_ids=false are skipped
  size_t max_skipped_kept = 1000;
  uint64_t max_bytes = uint64_t{4} << 30;  // larger inputs are refused (ResourceExhausted)
  // Value indicators carry only what matching needs (id, values, source, validity, confidence,
  // line): no pattern, name, description or labels. Set by StreamIntel (onus hunt --intel), which
  // reads a sighted indicator's line again in full before storing it.
  bool values_only = false;
};

// Detects the format from content ("stix-2.1", "stix-2.0", "attack", "misp-event", "misp-feed",
// "csv", "list", "zeek-intel", "warninglist"). Directories: a MISP feed (manifest.json) or a MISP
// warning list. NotFound for a missing path, Unsupported when nothing fits.
Result<std::string> DetectFormat(const std::string& path);

Result<IntelBundle> LoadIntel(const std::string& path, const IntelOptions& options = {});

// Values of a STIX pattern that is a single comparison or a disjunction (OR, IN) of them on
// indexable paths (see Indicator::values), parsed by onus::pattern. Returns an empty vector for any
// other valid pattern and the parser's InvalidArgument for text that is not a STIX pattern.
Result<std::vector<IndicatorValue>> ExtractIndicatorValues(std::string_view pattern, bool stix20 = false);

// An address a pattern asks for on one side of a connection.
struct TrafficAddress {
  IndicatorValue value;  // ipv4-addr / ipv6-addr (a CIDR literal is kept as the network, as for ipv4-addr:value)
  bool source = false;   // network-traffic:src_ref (the originator); else dst_ref (the responder)
  auto operator<=>(const TrafficAddress&) const = default;
};
// The addresses of a pattern that is a disjunction of observations each asking only for one side's
// address, the form MISP's and Talos's STIX exports use:
//   [network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.7']
// (the type comparison optional and consistent with the address; `=` or IN; one side per
// observation). Empty when the pattern asks for anything else (ports, both sides, other objects):
// then the pattern evaluator decides. An error only when the pattern does not parse.
Result<std::vector<TrafficAddress>> ExtractTrafficAddresses(std::string_view pattern, bool stix20 = false);
// "[domain-name:value = 'x']", or an OR of such for several values; quotes and backslashes escaped.
std::string StixPatternFor(const std::vector<IndicatorValue>& values);

// Canonical value type for a feed's type name (ip, ipv4, ip-dst, domain, hostname, md5, sha-256,
// x509-fingerprint-sha1, ja3-fingerprint-md5, Intel::ADDR ...); empty when unknown. Two pseudo
// types: "hash" (md5/sha1/sha256/sha512 chosen by length) and "any" (inferred per value).
std::string ParseValueType(std::string_view name);

// Undoes common defanging: hxxp(s) -> http(s), fxp -> ftp, [.] (.) {.} [dot] (dot) -> '.',
// [:] -> ':', [at] (at) [@] -> '@', [/] -> '/', "[://]" -> "://"; trims spaces, quotes, angle
// brackets and the Unicode blanks pasted text carries (no-break spaces, zero-width characters, BOM).
std::string Refang(std::string_view text);
// Infers the type of a (refanged) value: IPv4/IPv6 address or CIDR, ip:port (-> the IP), URL with
// a scheme, email, hex hashes by length (32/40/64/128), domain names. Returns the normalised value,
// or nullopt when the text is none of those.
std::optional<IndicatorValue> InferValue(std::string_view text);
// Validates and normalises `text` as a value of `type` (a canonical value type).
std::optional<IndicatorValue> NormaliseValue(std::string_view type, std::string_view text);

// RFC 4122 version 5 UUID (SHA-1) of `name` in `namespace_uuid` (text form), as lowercase text.
Result<std::string> Uuid5(std::string_view namespace_uuid, std::string_view name);
// "indicator--<uuid5(kIntelNamespace, source_id|type|value[|type|value...])>" over all values.
std::string DeterministicIndicatorId(std::string_view source_id, const std::vector<IndicatorValue>& values);
// "<prefix>--<uuid5(kIntelNamespace, key)>", for sources, reports and actors named by feeds.
std::string DeterministicId(std::string_view prefix, std::string_view key);

}  // namespace onus::intel

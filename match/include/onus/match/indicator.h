// What the index is built from: indicator metadata (id, source, validity) and the typed values
// each indicator contributes, and the names Zeek's intel framework gives those types.
//
// Contract: an IndicatorSpec is what a feed says about one indicator; a ValueSpec is one value it
// matches (an indicator whose pattern is a disjunction of simple comparisons contributes one
// ValueSpec per comparison). Value text is given as written in the feed; the index normalises it
// (see normalize.h) and rejects values that do not parse for their type.
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/time.h"

namespace onus::match {

enum class ValueType : uint8_t {
  kAddr,        // an IPv4/IPv6 address or CIDR ("10.0.0.0/8"); a CIDR is reported as Intel::SUBNET
  kDomain,      // a DNS name
  kUrl,         // a URL (scheme://host[:port]/path?query)
  kEmail,       // an e-mail address
  kMd5,         // file hashes
  kSha1,
  kSha256,
  kCertSha1,    // X.509 certificate fingerprints
  kCertSha256,
  kCertSerial,  // X.509 serial number (hex; colons and leading zeros ignored)
  kJa3,         // TLS client fingerprint (MD5 hex)
  kJa3s,        // TLS server fingerprint (MD5 hex)
  kJa4,         // JA4 text fingerprint ("t13d1516h2_8daaf6152771_b186095e22b6")
};
inline constexpr int kValueTypeCount = 13;

// "addr", "domain", "url", "email", "md5", "sha1", "sha256", "x509-sha1", "x509-sha256",
// "x509-serial", "ja3", "ja3s", "ja4".
std::string_view ValueTypeName(ValueType t);
bool ParseValueType(std::string_view name, ValueType& out);
// Zeek intel.log `seen.indicator_type`: Intel::ADDR, Intel::SUBNET, Intel::DOMAIN, Intel::URL,
// Intel::EMAIL, Intel::FILE_HASH, Intel::CERT_HASH, and (not in Zeek's base set) Intel::CERT_SERIAL,
// Intel::JA3, Intel::JA3S, Intel::JA4.
std::string_view ZeekIntelType(ValueType t, bool is_subnet);

// How a domain value matches names (the other types ignore it).
enum class DomainScope : uint8_t {
  kExact,           // only the name itself (MISP "hostname", Zeek Intel::DOMAIN)
  kZone,            // the name and every name below it, labels walked (MISP "domain")
  kSubdomainsOnly,  // names strictly below it (STIX LIKE '%.example.com')
};

// Which side of a connection an address value must be on (STIX network-traffic:src_ref/dst_ref).
enum class AddrRole : uint8_t { kAny, kOrig, kResp };

struct ValueSpec {
  ValueType type = ValueType::kAddr;
  std::string value;
  DomainScope scope = DomainScope::kExact;
  AddrRole role = AddrRole::kAny;
};

struct IndicatorSpec {
  std::string id;         // STIX id or a derived one
  std::string source;     // source id (identity id, feed name)
  std::string grade;      // Admiralty grade of the source ("B2"), may be empty
  Timestamp valid_from;   // has_valid_from false = always valid from the beginning
  Timestamp valid_until;  // has_valid_until false = open-ended
  bool has_valid_from = false, has_valid_until = false;
  bool revoked = false;
  int confidence = -1;    // 0..100, -1 when absent
  std::vector<ValueSpec> values;
};

}  // namespace onus::match

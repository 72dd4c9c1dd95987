// The STIX Cyber-observable view of one ingest Observation, for the pattern evaluator: only the
// object types the loaded patterns name are built.
// Objects (roots unless noted): ipv4-addr/ipv6-addr (orig, resp), network-traffic (src_ref,
// dst_ref, src_port, dst_port, protocols; HTTP: extensions.'http-request-ext'), domain-name (DNS
// query, TLS SNI, HTTP host, CNAME answers; resolves_to_refs for A/AAAA answers), url (HTTP),
// x509-certificate (hashes.'SHA-1'/'SHA-256', serial_number, subject, issuer), file (hashes.MD5,
// 'SHA-1', 'SHA-256', name, size, mime_type).
// Thread-safety: pure functions; `view` is the caller's scratch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "onus/ingest/observation.h"
#include "onus/pattern/observation.h"

namespace onus::match::detail {

enum ScoType : uint32_t {
  kScoIpv4 = 1u << 0,
  kScoIpv6 = 1u << 1,
  kScoNetworkTraffic = 1u << 2,
  kScoDomain = 1u << 3,
  kScoUrl = 1u << 4,
  kScoX509 = 1u << 5,
  kScoFile = 1u << 6,
  kScoOther = 1u << 31,  // a type no observation carries
};

uint32_t ScoTypeBit(std::string_view stix_type);
// Rebuilds `view` for obs with the object types in `types`; false when it holds no object.
bool BuildScoView(const ingest::Observation& obs, uint32_t types, pattern::Observation& view);
// A short text naming what the observation is about ("10.0.0.1 -> 198.51.100.7:443/tcp", a name...).
std::string SummarizeForPattern(const ingest::Observation& obs);

}  // namespace onus::match::detail

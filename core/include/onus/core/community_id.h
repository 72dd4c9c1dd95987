// Community ID v1 flow hashing (https://github.com/corelight/community-id-spec).
// Contract: the same bidirectional flow gives the same id whichever side is passed as source.
// For ICMP/ICMPv6, ports are type/code and the spec's one-way type pairing is applied.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "onus/core/ip.h"

namespace onus {

// proto: IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP, others port-less).
// Returns "1:<base64 SHA-1>".
std::string CommunityIdV1(const IpAddress& src, const IpAddress& dst, uint8_t proto, uint16_t sport,
                          uint16_t dport, uint16_t seed = 0);

// Length of every Community ID v1 text: "1:" + 28 base64 characters (a 20-byte SHA-1).
inline constexpr size_t kCommunityIdV1Size = 30;

// The same text as CommunityIdV1, written into `out` (not NUL-terminated) without allocating;
// returns a view of `out`. For hot paths (one id per log record or flow).
std::string_view CommunityIdV1Into(const IpAddress& src, const IpAddress& dst, uint8_t proto, uint16_t sport,
                                   uint16_t dport, char (&out)[kCommunityIdV1Size], uint16_t seed = 0);

}  // namespace onus

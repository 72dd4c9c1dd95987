// How the flow table recognises a flow's application protocol, shared with the flow scope
// (IngestOptions::flow_scope) so that both always agree on which flows may carry which protocol.
//
// Contract: the port rules are the flow table's (FlowTable::Dispatch) without its payload checks,
// so a port rule is true for every flow the flow table could give that decoder; the payload rules
// are exactly the ones Dispatch applies to a flow's first payload.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "decoders/pcap/packet.h"

namespace onus::ingest::detail {

// DNS: UDP 53, 5353 (mDNS), 5355 (LLMNR) on either side; TCP 53.
inline bool MayCarryDns(uint8_t proto, uint16_t a, uint16_t b) {
  auto port = [&](uint16_t x) { return a == x || b == x; };
  if (proto == kProtoUdp) return port(53) || port(5353) || port(5355);
  return proto == kProtoTcp && port(53);
}

// Modbus/TCP 502, DNP3 20000 (TCP or UDP), IEC 60870-5-104 2404.
inline bool MayCarryIcs(uint8_t proto, uint16_t a, uint16_t b) {
  auto port = [&](uint16_t x) { return a == x || b == x; };
  if (proto == kProtoUdp) return port(20000);
  return proto == kProtoTcp && (port(502) || port(20000) || port(2404));
}

// A TCP payload that opens an HTTP request or response.
inline bool StartsWithHttp(const uint8_t* d, size_t n) {
  static constexpr std::string_view kTokens[] = {"GET ",     "POST ",  "HEAD ",  "PUT ",     "DELETE ", "OPTIONS ",
                                                 "CONNECT ", "TRACE ", "PATCH ", "HTTP/1.", "PROPFIND "};
  if (n < 4) return false;
  switch (d[0]) {  // most payloads start with none of the tokens' letters
    case 'G': case 'P': case 'H': case 'D': case 'O': case 'C': case 'T': break;
    default: return false;
  }
  for (std::string_view t : kTokens) {
    if (n >= t.size() && d[0] == static_cast<uint8_t>(t[0]) && std::memcmp(d, t.data(), t.size()) == 0) return true;
  }
  return false;
}

// A TCP payload that opens a TLS record (handshake or alert, SSL 3.0 to TLS 1.3).
inline bool LooksLikeTls(const uint8_t* d, size_t n) {
  return n >= 3 && (d[0] == 0x16 || d[0] == 0x15) && d[1] == 0x03 && d[2] <= 0x04;
}

}  // namespace onus::ingest::detail

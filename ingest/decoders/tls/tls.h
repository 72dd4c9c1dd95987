// TLS handshakes: ClientHello (SNI, ALPN, versions, JA3, JA4), ServerHello (version, JA3S) and
// Certificate messages of TLS ≤ 1.2 (each certificate → an x509 observation via decoders/x509),
// over a reassembled TCP stream, and the tls application decoder that emits one tls observation
// per connection.
// Contract: every length field is checked against the bytes that are there; records are at most
// 18,432 bytes and handshake messages at most 256 KiB (larger: an anomaly and the decoder stops).
// GREASE values (RFC 8701) are excluded from JA3/JA3S/JA4. The decoder is Done once the handshake
// is over (ChangeCipherSpec, application data, a TLS 1.3 ServerHello, or non-TLS bytes).
// JA3/JA3S: https://github.com/salesforce/ja3 ; JA4: https://github.com/FoxIO-LLC/ja4 (JA4 TLS client).
// Thread-safety: pure functions; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onus::ingest::detail {

struct ClientHello {
  uint16_t legacy_version = 0;
  std::vector<uint16_t> ciphers, extensions, groups, sig_algs, versions;
  std::vector<uint8_t> point_formats;
  std::string sni;
  std::vector<std::string> alpn;
};

struct ServerHello {
  uint16_t legacy_version = 0;
  uint16_t selected_version = 0;  // supported_versions extension, else legacy_version
  uint16_t cipher = 0;
  std::vector<uint16_t> extensions;
};

bool IsGrease(uint16_t v);
// `body` is the handshake message body (after the 4-byte handshake header).
bool ParseClientHello(const uint8_t* body, size_t len, ClientHello& out);
bool ParseServerHello(const uint8_t* body, size_t len, ServerHello& out);

std::string Ja3String(const ClientHello& ch);
std::string Ja3sString(const ServerHello& sh);
// JA4 TLS client fingerprint ("t13d1516h2_8daaf6152771_e5627efa2ab1"); `transport` is 't' (TCP)
// or 'q' (QUIC). `raw` gives the unhashed form (JA4_r) when not null.
std::string Ja4(const ClientHello& ch, char transport, std::string* raw = nullptr);
// "TLSv12", "TLSv13", "SSLv3", ... (Zeek's ssl.log names), or the hex value when unknown.
std::string TlsVersionName(uint16_t v);

}  // namespace onus::ingest::detail

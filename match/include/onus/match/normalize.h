// Canonical forms of indicator values, applied identically to feed values (when the index is
// built) and to observed values (when they are looked up), so that equal things compare equal.
//
// - Domain: ASCII lowercase, one trailing dot removed, 1..253 bytes, labels 1..63 bytes, no empty
//   label, no whitespace or control bytes. (Internationalised names must arrive as A-labels.)
// - URL (RFC 3986 §6.2.2): scheme and host lowercase, a trailing dot of the host removed, the
//   scheme's default port removed (http 80, https 443, ftp 21, ws 80, wss 443), percent-encoded
//   unreserved characters (ALPHA DIGIT - . _ ~) decoded, other percent-encodings' hex uppercased,
//   an empty path made "/", the fragment dropped. A URL without a scheme is taken as http.
// - Hex digests (MD5, SHA-1, SHA-256, JA3): case-insensitive; colons and spaces between bytes are
//   ignored; decoded to raw bytes of the exact expected length.
// - X.509 serial: hex, colons/spaces ignored, lowercase, leading zeros removed ("0" stays "0").
// - E-mail: surrounding space and a "mailto:" prefix removed, lowercased.
// - JA4: lowercased.
// Contract: the *Into forms write into caller-provided scratch and never allocate once the scratch
// has grown to the input's size; they return false when the input is not a valid value of the type.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "onus/core/result.h"

namespace onus::match {

inline constexpr size_t kMaxDomainLength = 253;

// Writes the canonical domain into out[0..len); out must hold kMaxDomainLength bytes.
bool NormalizeDomainInto(std::string_view in, char* out, size_t& len);
Result<std::string> NormalizeDomain(std::string_view in);

bool NormalizeUrlInto(std::string_view in, std::string& out);
Result<std::string> NormalizeUrl(std::string_view in);

// Decodes exactly `n` bytes of hex (colons/spaces between byte pairs allowed).
bool DecodeHexDigest(std::string_view in, uint8_t* out, size_t n);

bool NormalizeSerialInto(std::string_view in, std::string& out);
bool NormalizeEmailInto(std::string_view in, std::string& out);
bool NormalizeJa4Into(std::string_view in, std::string& out);

// Removes common defanging from feed text: "hxxp" → "http", "[.]" / "(.)" / "{.}" / "[dot]" → ".",
// "[:]" → ":", "[@]" / "[at]" → "@". Used on feed values only, never on telemetry.
std::string Refang(std::string_view in);

}  // namespace onus::match

// X.509 certificates (DER, as carried in TLS ≤ 1.2 Certificate messages) → x509 observation
// fields, parsed with OpenSSL's d2i_X509.
// Contract: FillX509() reads only [der, der + len); on failure it returns false and leaves the
// hash fields set (a certificate OpenSSL cannot parse still has fingerprints). Subject and issuer
// are RFC 2253 strings (as Zeek's x509.log), the serial is upper-case hex, validity times are UTC.
// Thread-safety: pure function (OpenSSL's parser is thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>

#include "onus/ingest/observation.h"

namespace onus::ingest::detail {

bool FillX509(const uint8_t* der, size_t len, Observation& out);

}  // namespace onus::ingest::detail

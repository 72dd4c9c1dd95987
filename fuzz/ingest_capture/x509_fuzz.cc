// The X.509 path: DER → OpenSSL d2i_X509 → subject, issuer, serial, validity, SAN, fingerprints.
#include <cstddef>
#include <cstdint>

#include "decoders/x509/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onus::ingest::Observation o;
  (void)onus::ingest::detail::FillX509(data, size, o);
  if (o.sha1.size() != 40 || o.sha256.size() != 64) __builtin_trap();
  return 0;
}

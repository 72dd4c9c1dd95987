// TLS record/handshake parsing, ClientHello/ServerHello, JA3/JA3S/JA4 and the certificate path
// on hostile bytes.
#include <cstddef>
#include <cstdint>

#include "decoders/tls/tls.h"
#include "fuzz_emitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest::detail;  // NOLINT
  ClientHello ch;
  if (ParseClientHello(data, size, ch)) {
    (void)Ja3String(ch);
    (void)Ja4(ch, 't');
  }
  ServerHello sh;
  if (ParseServerHello(data, size, sh)) (void)Ja3sString(sh);
  FuzzEmitter e;
  auto dec = MakeTlsDecoder();
  FeedStream(*dec, data, size, e);
  return 0;
}

// DNS message parsing and the DNS decoder (TCP framing) on hostile bytes.
#include <cstddef>
#include <cstdint>

#include "decoders/dns/dns.h"
#include "fuzz_emitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest::detail;  // NOLINT
  DnsMessage m;
  const char* err = nullptr;
  if (ParseDnsMessage(data, size, m, &err)) {
    if (m.qname.size() > 4 * 255) __builtin_trap();
  }
  FuzzEmitter e;
  auto udp = MakeDnsDecoder(false);
  udp->OnData(0, data, size, e);
  udp->OnEnd(e);
  auto tcp = MakeDnsDecoder(true);
  FeedStream(*tcp, data, size, e);
  return 0;
}

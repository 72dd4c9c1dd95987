// HTTP/1.x heads and the HTTP stream decoder (bodies, chunked framing, pipelining).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decoders/http/http.h"
#include "fuzz_emitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest::detail;  // NOLINT
  HttpHead h;
  (void)ParseHttpHead(std::string_view(reinterpret_cast<const char*>(data), size), h);
  FuzzEmitter e;
  auto dec = MakeHttpDecoder();
  FeedStream(*dec, data, size, e);
  return 0;
}

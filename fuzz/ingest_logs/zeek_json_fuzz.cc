// Fuzz target: Zeek JSON log lines.
#include <memory>

#include "decoders/zeek/zeek_json.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;
  detail::ZeekShared shared;
  shared.max_fuids = 64;
  return fuzz::RunLines(data, size, InputFormat::kZeekJson, "conn", [&](detail::LogEmitter& e) {
    return std::make_unique<detail::ZeekJsonDecoder>(e, &shared);
  });
}

// Fuzz target: Suricata EVE lines.
#include <memory>

#include "decoders/eve/eve.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;
  return fuzz::RunLines(data, size, InputFormat::kSuricataEve, "eve", [](detail::LogEmitter& e) {
    return std::make_unique<detail::EveDecoder>(e);
  });
}

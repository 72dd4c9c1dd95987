// Fuzz target: SCADA/EMS grid event JSON lines.
#include <memory>

#include "decoders/grid/grid.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;
  return fuzz::RunLines(data, size, InputFormat::kGridJsonl, "grid", [](detail::LogEmitter& e) {
    return std::make_unique<detail::GridDecoder>(e);
  });
}

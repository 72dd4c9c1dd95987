// Fuzz target: Zeek TSV lines (headers and records). The first input line picks nothing: inputs
// carry their own #separator/#fields headers, as the seed corpus shows.
#include <memory>

#include "decoders/zeek/zeek_tsv.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;
  detail::ZeekShared shared;
  shared.max_fuids = 64;
  return fuzz::RunLines(data, size, InputFormat::kZeekTsv, "", [&](detail::LogEmitter& e) {
    return std::make_unique<detail::ZeekTsvDecoder>(e, &shared);
  });
}

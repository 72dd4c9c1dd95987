// Shared by the ingest_logs fuzz targets: runs one line decoder over fuzz input split into lines,
// with a sink that serialises every observation (so the JSON writer is fuzzed too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "log_emitter.h"
#include "onus/ingest/observation_json.h"

namespace onus::ingest::fuzz {

class JsonSink : public ObservationSink {
 public:
  Status OnObservation(const Observation& obs) override {
    out.clear();
    AppendJsonLine(obs, out);
    if (out.empty() || out.back() != '\n') __builtin_trap();
    return Status::Ok();
  }
  std::string out;
};

template <typename MakeDecoder>
int RunLines(const uint8_t* data, size_t size, InputFormat format, std::string_view log_type, MakeDecoder make) {
  InputInfo info;
  info.path = "fuzz";
  info.format = format;
  info.log_type = std::string(log_type);
  IngestOptions options;
  options.max_warnings = 4;
  JsonSink sink;
  IngestStats stats;
  detail::LogEmitter emitter(&info, options, sink, stats);
  auto decoder = make(emitter);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  uint64_t line_no = 0;
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (!decoder->Line(line, ++line_no).ok()) break;
  }
  (void)decoder->Finish();
  return 0;
}

}  // namespace onus::ingest::fuzz

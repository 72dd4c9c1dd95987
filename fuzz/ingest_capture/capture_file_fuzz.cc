// Whole capture files through ReadCapture (MappedPcap for classic pcap, libpcap for pcapng, the resync after
// damaged records, and everything above). The input is written to a temporary file. Flow starts are
// announced (IngestOptions::conn_starts) and checked: every record of a flow comes after its start,
// and every conn record says its start was announced. The file is then read twice more without a
// flow-table limit, with and without a flow scope (IngestOptions::flow_scope: the payload pass over a
// damaged file, the gate): every record the scoped read makes is one the full read makes, byte for
// byte (uid, record and provenance included).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onus/ingest/capture.h"
#include "onus/ingest/observation_json.h"
#include "onus/ingest/reader.h"

namespace {
class StartSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    if (o.kind != onus::ingest::ObservationKind::kConn || o.uid.empty() || !uids.insert(o.uid).second) __builtin_trap();
    return onus::Status::Ok();
  }
  std::unordered_set<std::string> uids;
};

class CheckSink : public onus::ingest::ObservationSink {
 public:
  explicit CheckSink(const StartSink& starts) : starts_(starts) {}
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    if (!o.uid.empty() && !starts_.uids.count(o.uid)) __builtin_trap();  // a record before its flow's start
    if (o.kind == onus::ingest::ObservationKind::kConn && !o.start_announced) __builtin_trap();
    return onus::Status::Ok();
  }

 private:
  const StartSink& starts_;
};
class LineSink : public onus::ingest::ObservationSink {
 public:
  onus::Status OnObservation(const onus::ingest::Observation& o) override {
    ++lines[onus::ingest::ToJsonLine(o)];
    return onus::Status::Ok();
  }
  std::unordered_map<std::string, int> lines;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest;  // NOLINT
  const std::string path = "/tmp/onus_capture_fuzz_" + std::to_string(getpid()) + ".pcap";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  InputInfo info;
  info.path = path;
  info.format = size >= 4 && data[0] == 0x0A && data[1] == 0x0D ? InputFormat::kPcapng : InputFormat::kPcap;
  IngestOptions options;
  options.max_flows = 64;
  StartSink starts;
  options.conn_starts = &starts;
  IngestStats stats;
  CheckSink sink(starts);
  (void)ReadCapture(info, options, sink, stats);

  // A scope from the input's last byte: which protocols, and an endpoint rule on the address's last byte.
  const uint8_t pick = size ? data[size - 1] : 0;
  FlowScope scope;
  scope.dns = pick & 1;
  scope.http = pick & 2;
  scope.tls = pick & 4;
  scope.ics = pick & 8;
  if (pick & 16) scope.endpoint = [pick](const onus::IpAddress& a) { return (a.bytes()[15] & 7) == (pick >> 5); };
  IngestOptions full_options, scoped_options;
  scoped_options.flow_scope = &scope;
  LineSink full, scoped;
  IngestStats full_stats, scoped_stats;
  (void)ReadCapture(info, full_options, full, full_stats);
  (void)ReadCapture(info, scoped_options, scoped, scoped_stats);
  for (const auto& [line, n] : scoped.lines) {
    auto it = full.lines.find(line);
    if (it == full.lines.end() || it->second < n) __builtin_trap();  // a record the full read does not make
  }
  if (scoped_stats.records != full_stats.records) __builtin_trap();
  std::remove(path.c_str());
  return 0;
}

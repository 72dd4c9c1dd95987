#include "decoders/flow/record_emitter.h"

#include "log_emitter.h"

namespace onus::ingest::detail {

RecordEmitter::RecordEmitter(const InputInfo& info, const IngestOptions& options, ObservationSink& sink,
                             IngestStats& stats)
    : info_(info), options_(options), sink_(sink), stats_(stats) {
  if (options.kinds.empty()) {
    wanted_ = ~0u;
  } else {
    for (auto k : options.kinds) wanted_ |= 1u << static_cast<unsigned>(k);
  }
  if (!options.emit_anomalies) wanted_ &= ~(1u << static_cast<unsigned>(ObservationKind::kAnomaly));
  obs_.src.input = &info_;
  obs_.src.is_packet = true;
  start_obs_.kind = ObservationKind::kConn;
  start_obs_.src.input = &info_;
  start_obs_.src.is_packet = true;
}

Observation& RecordEmitter::Begin(ObservationKind k, int64_t ts_ns, uint64_t packet_index) {
  ResetObservation(obs_);  // keeps string capacity: steady-state emission does not allocate
  obs_.kind = k;
  obs_.ts = Timestamp::FromNanos(ts_ns);
  obs_.src.input = &info_;
  obs_.src.record = packet_index;
  obs_.src.is_packet = true;
  return obs_;
}

Observation* RecordEmitter::BeginStart(int64_t ts_ns, uint64_t packet_index) {
  if (!options_.conn_starts || !status_.ok()) return nullptr;
  // Only identity fields are ever set on start_obs_ (by the flow table, each time), so the rest stays
  // as the constructor left it: no reset per flow.
  start_obs_.ts = Timestamp::FromNanos(ts_ns);
  start_obs_.src.record = packet_index;
  return &start_obs_;
}

void RecordEmitter::CommitStart() {
  if (!status_.ok()) return;
  status_ = options_.conn_starts->OnObservation(start_obs_);
}

void RecordEmitter::Commit() {
  if (!status_.ok()) return;
  status_ = sink_.OnObservation(obs_);
  ++emitted_;
  ++stats_.observations;
}

Observation* RecordEmitter::Malformed(uint64_t packet_index, uint64_t offset, int64_t ts_ns, std::string_view what) {
  ++stats_.malformed;
  if (stats_.warnings.size() < options_.max_warnings) {
    std::string w = info_.path;
    w += ": packet ";
    w += std::to_string(packet_index);
    w += " (offset ";
    w += std::to_string(offset);
    w += "): ";
    w += what;
    stats_.warnings.push_back(std::move(w));
  }
  if (!Wants(ObservationKind::kAnomaly)) return nullptr;
  Observation& o = Begin(ObservationKind::kAnomaly, ts_ns, packet_index);
  o.anomaly.assign(what.data(), what.size());
  return &o;
}

void RecordEmitter::Warn(std::string text) {
  if (stats_.warnings.size() < options_.max_warnings) stats_.warnings.push_back(info_.path + ": " + text);
}

void MakeUid(uint64_t seed, uint64_t first_packet, std::string& out) {
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  uint64_t lo = mix(seed ^ mix(first_packet));
  uint64_t hi = mix(lo ^ 0x5bd1e995ULL) & 0xFFFFFFFFULL;  // 32 more bits: 96 in all
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // 11 base62 digits hold 64 bits (62^11 > 2^64) and 6 hold 32 (62^6 > 2^32): 17 digits.
  char buf[18];
  buf[0] = 'C';
  for (int i = 17; i >= 7; --i) {
    buf[i] = kDigits[lo % 62];
    lo /= 62;
  }
  for (int i = 6; i >= 1; --i) {
    buf[i] = kDigits[hi % 62];
    hi /= 62;
  }
  out.assign(buf, sizeof(buf));
}

}  // namespace onus::ingest::detail

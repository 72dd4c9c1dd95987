// Turns capture findings into Observations for the caller's sink: kind filtering, counting,
// capped warnings and anomaly records, and one reusable scratch Observation (no allocation per
// record once its strings have grown).
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "onus/ingest/observation.h"
#include "onus/ingest/reader.h"

namespace onus::ingest::detail {

class RecordEmitter {
 public:
  RecordEmitter(const InputInfo& info, const IngestOptions& options, ObservationSink& sink, IngestStats& stats);

  bool Wants(ObservationKind k) const { return (wanted_ >> static_cast<unsigned>(k)) & 1u; }
  // The scratch observation, cleared, with kind, ts and provenance set.
  Observation& Begin(ObservationKind k, int64_t ts_ns, uint64_t packet_index);
  // Delivers the scratch observation (once the sink failed, nothing more is delivered).
  void Commit();
  // The scratch observation of a flow start (IngestOptions::conn_starts), kConn with ts and
  // provenance set, for the caller to fill with the flow's identity (uid, community_id, endpoints,
  // ports, proto: the same fields every time); null when starts are not announced. Separate from
  // Begin()'s scratch.
  Observation* BeginStart(int64_t ts_ns, uint64_t packet_index);
  void CommitStart();
  bool AnnouncesStarts() const { return options_.conn_starts != nullptr; }
  // A malformed record: counts stats.malformed, keeps a capped warning
  // "path: packet N (offset X): what" and, when wanted, emits an anomaly observation. The
  // returned observation pointer (or null when anomalies are not wanted) lets the caller add the
  // flow identity before CommitAnomaly().
  Observation* Malformed(uint64_t packet_index, uint64_t offset, int64_t ts_ns, std::string_view what);
  void CommitAnomaly() { Commit(); }
  // A warning that is not tied to a packet (e.g. the capture ends in the middle of a record).
  void Warn(std::string text);

  const Status& status() const { return status_; }
  const InputInfo& info() const { return info_; }
  uint64_t emitted() const { return emitted_; }

 private:
  const InputInfo& info_;
  const IngestOptions& options_;
  ObservationSink& sink_;
  IngestStats& stats_;
  uint32_t wanted_ = 0;
  Observation obs_;
  Observation start_obs_;
  Status status_;
  uint64_t emitted_ = 0;
};

// Zeek-style connection uid: "C" + 17 base62 characters from 96 bits, derived deterministically
// from a per-input seed and the packet that began the flow (so re-reading a capture yields the
// same uids, and a flow's uid does not depend on which other flows were decoded).
void MakeUid(uint64_t seed, uint64_t first_packet, std::string& out);

}  // namespace onus::ingest::detail

// HuntRecorder: what a hunt keeps. It is the Hunter's SightingSink (sightings → case rows and
// intel.log-style JSON lines) and an ObservationSink for the notable observations later stages
// need one by one:
//   - every ICS command (is_command) and a capped sample of ICS polls (per source, destination and
//     function code: the first `ics_polls_per_key`, at most `max_ics_polls` in all);
//   - every grid/SCADA event;
//   - every conn whose responder is in an OT segment and whose originator is outside that segment
//     (another site, IT, DMZ or the internet) — needs a case context.
// Each row carries site/segment (from the context) and provenance (input id + record).
//
// Contract: inputs are registered in the case on their first observation (BeginInput by SHA-256)
// — or, when the input's digest is still pending (IngestOptions::decode_before_digest), once it is
// known, in the order the inputs were first seen — and completed by Finish(). From construction
// until Finish() (or destruction) the store connection's foreign-key checks are off (the recorder's
// rows reference only rows it wrote or found itself): writes that rely on ON DELETE CASCADE, such
// as CaseStore::PutFinding, belong after Finish(). Rows are written in batched transactions (`batch_rows`); AddSighting
// and AddObservation are INSERT OR IGNORE on their record keys, so hunting the same telemetry again
// (e.g. with new intel) adds only what is new. Sightings are inserted in chunks of kSightingChunk,
// each sorted by (indicator, input, record, where, value); their rows are formatted by the thread
// that inserts them. JSON lines go to the `emit` callback (the CLI writes
// them); the library never prints.
// Thread-safety: one calling thread (the CaseStore's); with background_writes the recorder's own
// writer thread uses the store only while the caller's thread does not.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "onus/core/case_context.h"
#include "onus/ingest/observation.h"
#include "onus/intel/warninglist.h"
#include "onus/match/hunt.h"
#include "onus/store/case_store.h"

namespace onus::match {

struct RecorderOptions {
  const CaseContext* context = nullptr;  // not owned; may be null
  int64_t batch_rows = 10000;
  size_t ics_polls_per_key = 10;
  size_t max_ics_polls = 10000;
  std::string now_rfc3339;  // ingest time stamp for new inputs ("" = the wall clock)
  std::function<void(std::string_view json_line)> emit;  // may be empty
  // MISP warning lists (not owned; may be null): a sighting whose seen value (or indicator value)
  // is on a CDN, cloud, public-DNS, dynamic-DNS, sinkhole, parking or scanner list carries that
  // annotation in its stored row (annotations_json) and its JSON line. Lists of kind "other"
  // (RFC 1918, TLDs, top-site rankings...) are not attached.
  const intel::WarningListSet* warninglists = nullptr;
  // Sightings are inserted by a writer thread of the recorder's own, one chunk at a time, while the
  // caller goes on decoding (the caller's thread fills the next chunk). Every other write (inputs,
  // notable observations, Finish) waits until the writer is idle, so the connection is never used
  // by two threads at once. Rows and their order are the same either way.
  bool background_writes = false;
};

struct SightingSummary {
  std::string indicator_id, value, where, site;
  bool stale = false;
  uint64_t count = 0;
  Timestamp first, last;
};

struct RecorderStats {
  uint64_t sightings = 0, stale = 0;
  uint64_t observations_kept = 0;  // notable observations written
  uint64_t ics_polls_dropped = 0;  // polls beyond the sample caps
  uint64_t inputs = 0;
};

class HuntRecorder : public SightingSink, public ingest::ObservationSink {
 public:
  static constexpr size_t kSightingChunk = 4096;   // sightings sorted and inserted together
  // Sightings held while their input's SHA-256 is still being computed (IngestOptions::
  // decode_before_digest); beyond this, the recorder waits for the digest.
  static constexpr size_t kMaxDeferredSightings = 1 << 16;

  HuntRecorder(store::CaseStore& store, const IndicatorIndex& index, RecorderOptions options);
  ~HuntRecorder() override;

  Status OnSighting(const Sighting& s) override;
  Status OnObservation(const ingest::Observation& obs) override;
  // Registers inputs that produced no observation (so they are recorded too), commits the open
  // batch and marks every input complete with its record count.
  Status Finish(const std::vector<const ingest::InputInfo*>& inputs);

  // Input row id for an input (0 when it has not been registered).
  int64_t InputId(const ingest::InputInfo* info) const;
  // The input's row id, registering it (and every input first seen before it) if need be; waits for
  // its SHA-256 if that is still pending.
  Result<int64_t> EnsureInput(const ingest::InputInfo& info);

  const RecorderStats& stats() const { return stats_; }
  // Aggregates per (indicator, value, where, site, stale), in first-seen order.
  std::vector<SightingSummary> Summaries() const;

 private:
  Status EnsureTx();
  void RestoreForeignKeys();  // turns the connection's foreign-key checks back on, once no batch is open
  bool foreign_keys_off_ = false;
  Status Row();  // counts a row; commits and reopens the batch at batch_rows
  Status Keep(const ingest::Observation& obs, const Location& loc);
  Status FlushSightings();  // inserts the pending sightings in key order (or hands them to the writer)
  // A sighting as the hunt saw it, kept raw: the row (time stamp and addresses as text) is
  // formatted by the thread that inserts it, beside decoding when writes are in the background.
  struct PendingSighting {
    uint32_t indicator = 0;
    uint32_t summary = 0;  // its SightingSummary: the key group_of_summary_ is looked up by
    bool pattern = false, stale = false, has_endpoints = false, is_packet = false;
    ValueType type = ValueType::kAddr;
    std::string value, where, site, segment, uid, community_id, annotations_json;
    Timestamp ts;
    IpAddress orig_h, resp_h;
    int64_t input_id = 0, record = 0;
    const ingest::InputInfo* input = nullptr;  // set while the input is not registered (input_id 0)
  };
  Status InsertSorted(std::vector<PendingSighting>& rows, size_t n);
  Status WaitForWriter();   // until the writer is idle; its first error, if any
  void WriterLoop();


  store::CaseStore& store_;
  const IndicatorIndex& index_;
  RecorderOptions options_;
  std::unique_ptr<store::Transaction> tx_;
  int64_t rows_in_batch_ = 0;
  struct InputState {
    int64_t id = 0;
    bool registered = false;  // has its input row (id)
    bool was_complete = false;
    uint64_t max_record = 0;
  };
  InputState& StateFor(const ingest::InputInfo& info);  // no store access
  Status Register(const ingest::InputInfo& info, InputState& state);
  std::unordered_map<const ingest::InputInfo*, InputState> inputs_;
  std::vector<const ingest::InputInfo*> input_order_;  // first seen first
  size_t unregistered_ = 0;                             // pending sightings of an unregistered input
  const ingest::InputInfo* unregistered_input_ = nullptr;
  const ingest::InputInfo* last_info_ = nullptr;
  InputState* last_state_ = nullptr;
  std::unordered_map<std::string, size_t> polls_per_key_;
  uint64_t polls_kept_ = 0;
  std::vector<PendingSighting> pending_;  // reused entries; the first pending_n_ are pending
  size_t pending_n_ = 0;
  std::vector<uint32_t> order_;  // used by whichever thread inserts (never both at once)
  store::SightingRow row_;       // likewise: the row being inserted (strings keep their capacity)
  // Likewise: the case's sighting group of each summary (a summary's indicator, value and where
  // name one group), so a chunk's rows find their group without building its text key.
  static constexpr int64_t kNoGroup = INT64_MIN;
  std::vector<int64_t> group_of_summary_;
  // Background writes: the chunk being written and the handshake (mu_ guards busy_, stop_,
  // writer_status_ and the hand-over of writing_/tx_/rows_in_batch_ between the threads).
  std::vector<PendingSighting> writing_;
  size_t writing_n_ = 0;
  std::thread writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false, stop_ = false;
  Status writer_status_;
  // The summary of a sighting's (indicator, value, where, site, stale), made on first use.
  SightingSummary& SummaryFor(const Sighting& s);
  // Summary lookup without building a key: open addressing over summary numbers by a 64-bit hash
  // of the five fields; a hash match is confirmed on the summary's own fields.
  static constexpr uint32_t kNoSummary = UINT32_MAX;
  std::vector<uint32_t> summary_slots_;       // power-of-two size, at most half full
  std::vector<uint64_t> summary_hashes_;      // per summary
  std::vector<uint32_t> summary_indicators_;  // per summary: the indicator ordinal
  std::vector<SightingSummary> summaries_;
  RecorderStats stats_;
};

// The intel.log-style JSON line of a sighting (without newline). `input_id` is the case's input
// row; `annotations` are the context's infrastructure notes and the warning-list hits for the seen
// and indicator values.
std::string SightingJson(const Sighting& s, const IndicatorIndex& index, const CaseContext* context,
                         const intel::WarningListSet* warninglists = nullptr);
// The `annotations` array of a sighting as JSON text: the context's infrastructure notes and the
// warning-list hits (kind != other) for the seen value and, when different, the indicator value.
std::string SightingAnnotationsJson(const Sighting& s, const CaseContext* context,
                                    const intel::WarningListSet* warninglists);

}  // namespace onus::match

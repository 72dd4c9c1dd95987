// The ingest entry point: read any supported input (capture, Zeek log or log directory, Suricata
// EVE, SCADA/EMS JSON lines) into Observations, detecting the format from content, not the name.
//
// Contract:
// - ReadInputs() hashes each file (SHA-256 as stored), fills an InputInfo that lives in the
//   returned IngestRun, and streams observations to the sink in file order. A file whose hash fails
//   fails the run (with decode_before_digest: once its decoding is done, at the latest).
// - Malformed records never stop a file: they are counted, a warning naming file and offset/line
//   is kept (capped), and an anomaly observation is emitted when options.emit_anomalies is set.
// - An input that is no known format yields Status::Unsupported naming the file (the CLI maps it
//   to exit 2). A missing or unreadable file is IoError/NotFound.
// Thread-safety: one ReadInputs call per thread; the sink is called from the calling thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/progress.h"
#include "onus/core/result.h"
#include "onus/ingest/observation.h"

namespace onus {
class FileDigests;  // onus/core/file_digests.h
}

namespace onus::ingest {

// Captures only: the flows a consumer can use, when that is fewer than all of them (a hunt for
// addresses needs the flows of those addresses, DNS answers and HTTP hosts, not every TLS session).
// A flow is decoded when
// - either endpoint is wanted (`endpoint`, called for both addresses of every packet), or
// - it may carry one of the protocols asked for: DNS and ICS by port (the flow table's ports), HTTP
//   by payload: a first pass over the file notes the TCP connections with a payload that starts
//   like HTTP, which the flow table only learns after the connection's first packets.
// A scope applies only to a classic pcap that maps into memory, in time order (the first pass
// checks), and only when it does not ask for TLS (most TCP traffic: such a scope would keep every
// TCP flow). Every other read decodes every flow: pcapng, gzip, pipes, captures whose time goes
// back (the flow table's expiry would then depend on the flows left out).
// A decoded flow is decoded exactly as without a scope: the same records with the same uids,
// record numbers and provenance (uids derive from the flow's first packet). The other flows make no
// record at all (no conn, no anomaly above the IP layer); damaged packets are still reported. Only
// when the flow table is full does a scope change what is evicted (fewer flows, fewer evictions).
struct FlowScope {
  std::function<bool(const IpAddress&)> endpoint;  // null: no endpoint is wanted for itself
  bool dns = false, http = false, tls = false, ics = false;
};

struct IngestOptions {
  // Kinds to emit; empty = all.
  std::vector<ObservationKind> kinds;
  bool emit_anomalies = true;
  // Flow table (captures).
  double tcp_inactivity_timeout_s = 300;
  double udp_inactivity_timeout_s = 60;
  double icmp_inactivity_timeout_s = 60;
  size_t max_flows = 1 << 20;
  // Decode application protocols (DNS, TLS, HTTP, ICS) in captures; false = flows only.
  bool decode_protocols = true;
  ProgressReporter* progress = nullptr;  // not owned; may be null
  size_t max_warnings = 100;             // per run; further warnings are only counted
  // The inputs' SHA-256 (InputInfo::sha256, known before an input's first observation). Null: the
  // reader hashes its inputs on a thread of its own, each one ahead of its decoding (the first input
  // is waited for). A caller that can start hashing earlier (e.g. while it loads intelligence) passes
  // its own, built over ExpandInputs(paths). Not owned.
  FileDigests* digests = nullptr;
  // Start decoding an input before its SHA-256 is known instead of waiting for the hash: the sink
  // must then treat InputInfo::sha256 as pending (AwaitSha256 / Sha256Known) until ReadInputs moves
  // on from that input. For sinks that need the digest late or not at all (a hunt stores its
  // sightings in chunks); the file is then hashed while it is decoded, not before.
  bool decode_before_digest = false;
  // Captures only: when a flow begins (its first packet), this sink receives a kConn observation
  // holding only the flow's identity — uid, community_id, endpoints, ports, proto — with the
  // flow's first time stamp and packet as ts and record, like Zeek's new_connection event. The
  // flow's full conn record still goes to the main sink when it ends, with start_announced set.
  // A consumer that needs only endpoints (intel on addresses) can act at once instead of at the
  // end of the flow, which for a long-lived flow or a short capture is the final flush. Called on
  // the reading thread, before any other record of that flow. Not owned; null = not announced.
  ObservationSink* conn_starts = nullptr;
  // Captures only: decode only the flows in this scope (see FlowScope). Null = every flow. Not owned.
  const FlowScope* flow_scope = nullptr;
};

struct IngestStats {
  uint64_t files = 0;
  uint64_t records = 0;       // packets or lines read
  uint64_t observations = 0;  // emitted
  uint64_t malformed = 0;     // records that could not be (fully) decoded
  uint64_t bytes = 0;
  std::vector<std::string> warnings;  // "path: offset N: what" / "path:LINE: what"
};

// Keeps the InputInfo objects that observations point at (stable addresses).
struct IngestRun {
  std::deque<InputInfo> inputs;
  IngestStats stats;
};

Result<InputFormat> DetectFormat(const std::string& path);
// Expands directories (recursively; Zeek rotated names like conn.2021-03-01-00-00-00.log.gz
// included) into the sorted list of files to read.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths);
// The files ReadInputs(paths) reads, in its order: directories expanded, files found in a directory
// that are no known format left out (their paths in `skipped`, when given); an explicit file of no
// known format is Unsupported. For a caller that must know its inputs before reading them (to hash
// them early, or to fail before slow preparation).
Result<std::vector<std::string>> PlanInputs(const std::vector<std::string>& paths,
                                            std::vector<std::string>* skipped = nullptr);
Status ReadInputs(const std::vector<std::string>& paths, const IngestOptions& options, ObservationSink& sink,
                  IngestRun& run);

}  // namespace onus::ingest

// The one observation model every ingest source produces (captures, Zeek logs, Suricata EVE,
// SCADA/EMS event logs) and every later stage consumes (match, analytics, evidence).
//
// Contract:
// - Field names follow Zeek's where Zeek has one (see docs/observation.md for the JSON form).
// - Every Observation carries provenance: the input (path + SHA-256 of the file as stored) and the
//   record number within it: a 1-based packet index for captures (the packet that completed or
//   best identifies the record, e.g. the first packet of a flow) or a 1-based line number for text.
// - Unset strings are empty; unset numbers are 0 with the matching has_* flag false where 0 is a
//   legitimate value.
// - An Observation is a plain value. Sources may reuse one object between emits: a sink that keeps
//   it must copy it.
// Thread-safety: value type; an InputInfo is immutable once the first observation is emitted (but
// for a pending sha256, see InputInfo) and may be shared across threads once its input is read.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "onus/core/ip.h"
#include "onus/core/status.h"
#include "onus/core/time.h"

namespace onus {
class FileDigests;  // onus/core/file_digests.h
}

namespace onus::ingest {

enum class ObservationKind : uint8_t {
  kConn,
  kDns,
  kTls,
  kX509,
  kHttp,
  kFile,
  kIcs,
  kAlert,
  kAnomaly,  // malformed input, Zeek's "weird": what was wrong and where
  kGrid,     // physical/grid telemetry (SCADA/EMS event: trip, command, alarm...)
  kOther,    // a pass-through log line (other Zeek logs, other EVE event types)
};

std::string_view KindName(ObservationKind k);
bool ParseKind(std::string_view name, ObservationKind& out);

enum class InputFormat : uint8_t { kUnknown, kPcap, kPcapng, kZeekTsv, kZeekJson, kSuricataEve, kGridJsonl };
std::string_view InputFormatName(InputFormat f);

// One input file, as read. Owned by the source that reads it; observations point at it.
struct InputInfo {
  std::string path;  // as given on the command line (or directory + file name)
  // SHA-256 of the file as stored (compressed files hashed compressed). Set before the input's first
  // observation reaches the sink — unless the run lets decoding start first
  // (IngestOptions::decode_before_digest): then it stays empty until AwaitSha256() or Sha256Known()
  // fills it, which only the reading thread (the sink's) may call. ReadInputs fills it before it
  // moves on from the input, so after that any thread may read it.
  mutable std::string sha256;
  uint64_t size = 0;
  InputFormat format = InputFormat::kUnknown;
  std::string log_type;  // Zeek #path / EVE family ("conn", "dns"...), empty for captures
  uint64_t records = 0;  // packets or lines read: set when ReadInputs is done with the input

  // Fills sha256, waiting for the hash if it is still running; the hashing error if it failed.
  Status AwaitSha256() const;
  // Fills sha256 if the hash is done (never waits): whether sha256 is set.
  bool Sha256Known() const;
  // ReadInputs only: where the pending digest comes from (null once sha256 is set or the input read).
  mutable FileDigests* pending_digest = nullptr;
};

struct SourceRef {
  const InputInfo* input = nullptr;  // not owned; outlives the observation's use in a pipeline
  uint64_t record = 0;               // 1-based packet index or line number
  bool is_packet = false;            // record counts packets (captures) rather than lines
};

struct DnsAnswer {
  std::string type;  // "A", "AAAA", "CNAME", "TXT", ...
  std::string value;
  uint32_t ttl = 0;
};

struct Observation {
  ObservationKind kind = ObservationKind::kConn;
  Timestamp ts;
  std::string uid;           // Zeek-style connection uid ("C..."), shared by records of one flow
  std::string community_id;  // Community ID v1 of the flow, when the flow is known
  IpAddress orig_h, resp_h;
  uint16_t orig_p = 0, resp_p = 0;
  bool has_endpoints = false;
  std::string proto;  // "tcp", "udp", "icmp", ...
  SourceRef src;

  // conn
  std::string service;
  double duration = 0;
  uint64_t orig_bytes = 0, resp_bytes = 0, orig_pkts = 0, resp_pkts = 0;
  uint64_t orig_ip_bytes = 0, resp_ip_bytes = 0;
  std::string conn_state, history;
  bool local_orig = false, local_resp = false;
  // A conn record from a capture whose flow was announced when it began (IngestOptions::conn_starts):
  // its endpoints were delivered then, with the same uid, time and record. Not serialised.
  bool start_announced = false;

  // dns
  std::string query, qtype_name, rcode_name;
  uint16_t qtype = 0, rcode = 0;
  bool has_rcode = false;
  std::vector<DnsAnswer> answers;

  // tls
  std::string server_name, tls_version, ja3, ja3s, ja4, ja3_string, ja3s_string;
  std::vector<std::string> alpn;
  std::string cert_sha1;                // leaf certificate fingerprint (hex, lowercase)
  std::vector<std::string> cert_chain_sha1;

  // x509 (certificate seen; also used for the leaf of a tls record's chain)
  std::string sha1, sha256, subject, issuer, serial;
  Timestamp not_before, not_after;
  std::vector<std::string> san_dns;

  // http
  std::string method, host, uri, user_agent, content_type, referrer;
  uint16_t status_code = 0;
  uint64_t request_body_len = 0, response_body_len = 0;

  // file
  std::string md5, file_sha1, file_sha256, mime_type, filename;
  uint64_t file_size = 0;

  // ics
  std::string ics_protocol;  // "modbus", "dnp3", "iec104"
  std::string function;      // protocol function name ("write_single_register", "direct_operate"...)
  uint32_t function_code = 0;
  bool is_command = false;   // a control command or write was sent (not just a read/poll)

  // alert (Suricata) / anomaly
  std::string signature, category, action;
  uint64_t signature_id = 0;
  int severity = 0;
  std::string anomaly;  // anomaly name, e.g. "truncated_packet", "bad_ip_checksum", "broken_log_line"

  // grid (SCADA/EMS events)
  std::string site, asset, grid_event, initiator, command, console, note;

  // other: the log type and the raw record for pass-through
  std::string log_type;
  std::string raw;
};

// Receives observations from a source. Return a non-OK Status to stop the source early.
class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  virtual Status OnObservation(const Observation& obs) = 0;
};

}  // namespace onus::ingest

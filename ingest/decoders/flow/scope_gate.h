// The flow scope (IngestOptions::flow_scope) at packet level: which decoded packets go on to the
// flow table. The capture reader first calls Note() on every packet (the payload pass, when
// wants_payload_pass()), then asks InScope() for each packet of the real pass.
//
// Contract: InScope() is a property of the flow — true for every packet of a flow or for none —
// because each rule looks only at what all packets of a flow share (both endpoints, both ports,
// the TCP connection's marks). It is true for every flow that can produce a record of a protocol
// the scope asks for: detect.h's port rules hold for every flow the flow table gives a DNS or ICS
// decoder, and a TCP connection is marked when any of its payloads starts the way the flow table's
// HTTP detection requires of the first one (a superset: marks are per connection 4-tuple, so a
// reused tuple and the rare 64-bit key collision only decode more).
// Exact — a flow in scope gets the records, uid and provenance the full read gives it — when the
// capture is in time order: the flow table then expires flows in order of their last packet, so
// what it expires does not depend on the flows left out. The reader applies a gate only then
// (checked by its pass over the file) and otherwise reads every flow. (Beyond the flow table's
// capacity the full read evicts flows the scoped read keeps: a scoped read can only be closer to
// the traffic there.)
// Memory: 8 bytes per marked connection (16 with the table's slack), at most max_marks of them: a
// capture with more HTTP connections than that keeps every TCP flow instead (the marks are dropped).
// Thread-safety: one thread.
#pragma once

#include <cstdint>
#include <vector>

#include "decoders/pcap/packet.h"
#include "onus/ingest/reader.h"

namespace onus::ingest::detail {

class ScopeGate {
 public:
  static constexpr size_t kMaxMarks = size_t{1} << 22;  // 64 MiB of table
  explicit ScopeGate(const FlowScope& scope, size_t max_marks = kMaxMarks);

  // Whether a payload pass would narrow this scope: it asks for HTTP and not for TLS. A scope that
  // asks for TLS keeps every TCP flow: TLS is most of the TCP a network carries, so the pass would
  // cost more than it saves (on the bench capture, 65% TLS, a hunt with a pass took 10% longer).
  bool wants_payload_pass() const { return payload_pass_; }
  // Every TCP flow is in scope: TLS is asked for, or the marks overflowed.
  bool keeps_every_tcp_flow() const { return all_tcp_; }
  // Payload pass: marks the TCP connection of a payload that starts like HTTP.
  void Note(const DecodedPacket& p);
  bool InScope(const DecodedPacket& p) const;
  size_t marked() const { return used_; }
  // More connections opened like HTTP than max_marks: every TCP flow is kept.
  bool overflowed() const { return overflowed_; }

 private:
  static uint64_t TcpKey(const DecodedPacket& p);
  size_t Slot(uint64_t key) const;  // where key is, or the empty slot it would take
  bool Marked(uint64_t key) const;
  void Mark(uint64_t key);

  const FlowScope& scope_;
  bool payload_pass_;           // HTTP is found through the marks of a payload pass
  bool all_tcp_;                // TLS is asked for, or the marks overflowed
  std::vector<uint64_t> slots_;  // open addressing; 0 = empty (a key of 0 is stored as 1)
  size_t used_ = 0;
  size_t max_marks_;
  bool overflowed_ = false;
};

}  // namespace onus::ingest::detail

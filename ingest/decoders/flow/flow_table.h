// The bidirectional flow table: packets → Zeek-like conn records, and the dispatch of each flow's
// payload to an application decoder (dns, tls, http, modbus, dnp3, iec104).
//
// Contract:
// - A flow is keyed by its unordered 5-tuple (ICMP: addresses + type, echo-style replies paired
//   with their requests). The originator is the sender of the flow's first packet.
// - Memory: at most config.max_flows flows; a new flow beyond that evicts the least recently
//   active one, which emits its conn record first, so no flow's summary is ever lost. A Flow is
//   a fixed-size record (sizeof(Flow) + 8 bytes of index, see kBytesPerFlow); application decoders
//   and their reassembly buffers are allocated only for flows that carry a recognised protocol
//   and are freed as soon as the decoder is done (TLS after its handshake).
// - Inactive flows expire after the per-protocol inactivity timeout (capture time); TCP flows
//   closed by FIN from both sides or by RST expire after config.tcp_close_delay_ns. A SYN on a
//   closed flow's tuple starts a new flow.
// - Byte counts follow Zeek: TCP orig_bytes/resp_bytes are the span of sequence space covered by
//   payload (highest seq+len seen minus the initial sequence number, SYN and FIN excluded), so
//   retransmissions are not double counted and bytes missing from the capture are still counted;
//   UDP and other protocols sum the payload lengths from their headers (ICMP: after the 8-byte
//   header); *_ip_bytes sum IP total lengths; *_pkts count packets.
// - conn_state and history follow Zeek's base/protocols/conn (S0, S1, SF, REJ, S2, S3, RSTO,
//   RSTR, RSTOS0, RSTRH, SH, SHR, OTH; history letters S H A D F R once per direction).
// Thread-safety: single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decoders/flow/app.h"
#include "decoders/flow/record_emitter.h"
#include "decoders/flow/tcp_reassembly.h"
#include "decoders/pcap/packet.h"

namespace onus::ingest::detail {

struct FlowConfig {
  int64_t tcp_timeout_ns = 300LL * 1000000000LL;
  int64_t udp_timeout_ns = 60LL * 1000000000LL;
  int64_t other_timeout_ns = 60LL * 1000000000LL;
  int64_t tcp_close_delay_ns = 5LL * 1000000000LL;
  size_t max_flows = 1 << 20;
  bool decode_protocols = true;
  uint64_t uid_seed = 0;
};

struct AppSlot;  // a flow's application decoder + TCP reassemblers (heap, only while decoding)

struct Flow {
  IpAddress orig_h, resp_h;
  int64_t first_ns = 0, last_ns = 0;
  uint64_t first_index = 0;  // its first packet: also the uid's source (one flow per packet at most)
  uint64_t bytes[2] = {0, 0};
  uint64_t pkts[2] = {0, 0};
  uint64_t ip_bytes[2] = {0, 0};
  uint32_t seq_base[2] = {0, 0};
  uint32_t seq_span[2] = {0, 0};
  std::unique_ptr<AppSlot> app;
  uint32_t hash = 0;
  uint32_t prev = 0, next = 0;  // LRU links (kNil = none)
  uint16_t orig_p = 0, resp_p = 0;
  uint16_t hist_mask[2] = {0, 0};
  uint8_t proto = 0;
  uint8_t icmp_key = 0;  // ICMP: the request-side type that pairs both directions
  uint8_t lru = 0;
  uint8_t tcp_state[2] = {0, 0};
  uint8_t seq_known = 0;     // bit d: seq_base[d] set
  uint8_t service = 0;       // ServiceId
  uint8_t app_decided = 0;   // 1: detection done (app set or no protocol recognised)
  uint8_t hist_len = 0;
  bool in_use = false;
  char history[24] = {};
  char community_id[30] = {};  // "1:" + 28 base64 characters, computed on first use
};

class FlowTable final : private AppEmitter {
 public:
  static constexpr size_t kBytesPerFlow = sizeof(Flow) + 2 * sizeof(uint32_t);

  FlowTable(const FlowConfig& config, RecordEmitter& emitter);
  ~FlowTable() override;
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // One decoded packet (kOk). Expires flows whose timeouts passed at p.ts_ns first.
  void OnPacket(const DecodedPacket& p);
  // Ends every flow (end of capture), emitting conn records in order of first packet.
  void Flush();

  size_t active() const { return active_; }
  size_t peak_active() const { return peak_active_; }
  uint64_t flows_created() const { return created_; }
  uint64_t evicted_for_capacity() const { return evicted_; }

 private:
  static constexpr uint32_t kNil = 0xFFFFFFFFu;
  static constexpr uint32_t kChunkBits = 12;

  Flow& At(uint32_t i) { return chunks_[i >> kChunkBits][i & ((1u << kChunkBits) - 1)]; }
  uint32_t Find(const DecodedPacket& p, uint32_t h, uint8_t icmp_key, int& dir);
  uint32_t Create(const DecodedPacket& p, uint32_t h, uint8_t icmp_key);
  void End(uint32_t idx);  // emit conn, free
  void EmitConn(Flow& f);
  void Expire(int64_t now_ns);
  void LruUnlink(uint32_t idx);
  void LruPushFront(uint32_t idx, uint8_t list);
  void IndexInsert(uint32_t idx);
  void IndexErase(uint32_t idx);
  void Grow();
  void UpdateTcp(Flow& f, int dir, const DecodedPacket& p);
  void AddHistory(Flow& f, int dir, char upper);
  void Dispatch(Flow& f, int dir, const DecodedPacket& p);
  int64_t TimeoutFor(uint8_t list) const;
  void FillIdentity(Observation& o, Flow& f);

  // AppEmitter (the flow and packet being processed).
  bool Wants(ObservationKind k) const override { return emitter_.Wants(k); }
  Observation& Begin(ObservationKind k) override { return BeginAt(k, cur_ts_, cur_index_); }
  Observation& BeginAt(ObservationKind k, int64_t ts_ns, uint64_t packet_index) override;
  int64_t packet_ts() const override { return cur_ts_; }
  uint64_t packet_index() const override { return cur_index_; }
  uint16_t orig_port() const override { return cur_flow_ ? cur_flow_->orig_p : 0; }
  uint16_t resp_port() const override { return cur_flow_ ? cur_flow_->resp_p : 0; }
  void Commit() override { emitter_.Commit(); }
  void SetService(const char* name) override;
  void Anomaly(const char* what) override;

  FlowConfig config_;
  RecordEmitter& emitter_;
  std::vector<std::unique_ptr<Flow[]>> chunks_;
  uint32_t capacity_ = 0;       // flows allocated in chunks_
  std::vector<uint32_t> free_;  // free flow indices
  std::vector<uint32_t> slots_; // open addressing, kNil = empty
  uint32_t mask_ = 0;
  uint32_t head_[4] = {kNil, kNil, kNil, kNil};
  uint32_t tail_[4] = {kNil, kNil, kNil, kNil};
  size_t active_ = 0, peak_active_ = 0;
  uint64_t created_ = 0, evicted_ = 0;
  bool flushing_ = false;
  // Context for AppEmitter calls.
  Flow* cur_flow_ = nullptr;
  int64_t cur_ts_ = 0;
  uint64_t cur_index_ = 0, cur_offset_ = 0;
  std::string community_scratch_;
};

}  // namespace onus::ingest::detail

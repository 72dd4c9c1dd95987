// The seam between the flow table and the application-protocol decoders (dns, tls, http,
// modbus, dnp3, iec104): a decoder receives a flow's payload per direction and emits records
// through an AppEmitter that fills in the flow's identity (uid, community_id, endpoints, proto)
// and provenance (the current packet).
// Thread-safety: both are used by one flow table on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "onus/ingest/observation.h"

namespace onus::ingest::detail {

class AppEmitter {
 public:
  virtual ~AppEmitter() = default;
  virtual bool Wants(ObservationKind k) const = 0;
  // A cleared observation of kind k carrying the current flow's identity, the current packet's
  // time and provenance. Valid until Commit().
  virtual Observation& Begin(ObservationKind k) = 0;
  // As Begin, for a record that belongs to an earlier packet (a request answered later).
  virtual Observation& BeginAt(ObservationKind k, int64_t ts_ns, uint64_t packet_index) = 0;
  // The packet being processed (what Begin() uses).
  virtual int64_t packet_ts() const = 0;
  virtual uint64_t packet_index() const = 0;
  // The flow's ports (orig = sender of its first packet).
  virtual uint16_t orig_port() const = 0;
  virtual uint16_t resp_port() const = 0;
  virtual void Commit() = 0;
  // Confirms the flow's service (Zeek names: "dns", "ssl", "http", "modbus", "dnp3", "iec104").
  virtual void SetService(const char* name) = 0;
  // Protocol data that violates its format: counted as malformed, warned, and an anomaly record.
  virtual void Anomaly(const char* what) = 0;
};

class AppDecoder {
 public:
  virtual ~AppDecoder() = default;
  // dir 0: originator → responder, 1: responder → originator. Over TCP `data` is the next
  // in-order bytes of that direction's stream; over UDP one datagram's payload.
  virtual void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) = 0;
  // TCP: bytes are missing before the next OnData of `dir` (loss, snaplen cut, capacity).
  virtual void OnGap(int dir, AppEmitter& e) {
    (void)dir;
    (void)e;
  }
  // The flow ends: emit whatever is pending (an unanswered DNS query, an HTTP request...).
  virtual void OnEnd(AppEmitter& e) { (void)e; }
  // True once the decoder wants no more data; the flow table then frees it and its buffers.
  virtual bool Done() const = 0;
  // With Done(): the stream is not this protocol (or is beyond repair); the flow stops decoding.
  // Otherwise a flow whose service is known re-creates the decoder on its next payload.
  virtual bool Failed() const { return false; }
  // Called on a decoder re-created mid-stream (after an earlier one was Done): the next bytes may
  // be in the middle of a message, so it should look for the next message start quietly.
  virtual void Resume() {}
};

// Factories, one per protocol folder.
std::unique_ptr<AppDecoder> MakeDnsDecoder(bool over_tcp);
std::unique_ptr<AppDecoder> MakeTlsDecoder();
std::unique_ptr<AppDecoder> MakeHttpDecoder();
std::unique_ptr<AppDecoder> MakeModbusDecoder();
std::unique_ptr<AppDecoder> MakeDnp3Decoder(bool over_tcp);
std::unique_ptr<AppDecoder> MakeIec104Decoder();

}  // namespace onus::ingest::detail

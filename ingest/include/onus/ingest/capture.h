// Packet captures (pcap and pcapng from a memory mapping, gzip via libpcap; per-interface link
// types in pcapng; the link types of decoders/pcap/packet.h, tunnels decapsulated) → conn, dns, tls,
// x509, http, ics and anomaly observations, through a bounded bidirectional flow table.
// Contract: memory is bounded by options.max_flows, never by the capture's size; a flow evicted for
// capacity still emits its summary; record numbers are 1-based packet indexes.
// Thread-safety: one call per thread.
#pragma once

#include "onus/ingest/observation.h"
#include "onus/ingest/reader.h"

namespace onus::ingest {

// `info` must already carry path, sha256, size and format (kPcap or kPcapng).
Status ReadCapture(const InputInfo& info, const IngestOptions& options, ObservationSink& sink, IngestStats& stats);

}  // namespace onus::ingest

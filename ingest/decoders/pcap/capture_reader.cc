// ReadCapture: classic pcap and pcapng from a memory mapping (MappedPcap, MappedPcapng), gzip
// through libpcap's offline reader → PacketDecoder → FlowTable → application decoders → the caller's
// ObservationSink.
#include <pcap/pcap.h>
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "decoders/flow/flow_table.h"
#include "decoders/flow/record_emitter.h"
#include "decoders/flow/scope_gate.h"
#include "decoders/pcap/mapped_pcap.h"
#include "decoders/pcap/mapped_pcapng.h"
#include "decoders/pcap/packet.h"
#include "decoders/pcap/resync.h"
#include "onus/core/hash.h"
#include "onus/ingest/capture.h"

namespace onus::ingest {

namespace {

struct PcapClose {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

// The seed of a capture's flow uids: a digest of the file's size, first and last 64 KiB. Uids then
// differ between captures and repeat for the same file, and decoding need not wait for the whole
// file's SHA-256 (which another thread may still be computing).
uint64_t UidSeed(const InputInfo& info) {
  constexpr size_t kPart = 64 * 1024;
  std::string sample = std::to_string(info.size) + '\n';
  if (FILE* f = std::fopen(info.path.c_str(), "rb")) {
    char buf[kPart];
    size_t got = std::fread(buf, 1, kPart, f);
    sample.append(buf, got);
    if (info.size > kPart && std::fseek(f, -static_cast<long>(kPart), SEEK_END) == 0) {  // may overlap
      got = std::fread(buf, 1, kPart, f);
      sample.append(buf, got);
    }
    std::fclose(f);
  }
  const std::string digest = Sha256Hex(sample);
  uint64_t v = 0xCBF29CE484222325ULL;
  for (char c : digest.substr(0, 16)) v = (v ^ static_cast<uint8_t>(c)) * 0x100000001B3ULL;
  return v;
}

bool IsGzip(const std::string& path) {
  unsigned char m[2] = {0, 0};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  size_t got = std::fread(m, 1, 2, f);
  std::fclose(f);
  return got == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

// A gzip-compressed capture as a read-only stdio stream (glibc fopencookie over zlib's gzFile), so
// libpcap reads it like a plain file. Offsets are in the decompressed stream.
ssize_t GzCookieRead(void* cookie, char* buf, size_t n) {
  int r = gzread(static_cast<gzFile>(cookie), buf, static_cast<unsigned>(n > INT_MAX ? INT_MAX : n));
  return r < 0 ? -1 : r;
}
int GzCookieSeek(void* cookie, off64_t* off, int whence) {
  if (whence == SEEK_END) return -1;
  z_off_t r = gzseek(static_cast<gzFile>(cookie), static_cast<z_off_t>(*off), whence);
  if (r < 0) return -1;
  *off = r;
  return 0;
}
int GzCookieClose(void* cookie) { return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : -1; }

FILE* OpenGzipStream(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return nullptr;
  gzbuffer(gz, 1 << 17);
  cookie_io_functions_t io{GzCookieRead, nullptr, GzCookieSeek, GzCookieClose};
  FILE* f = fopencookie(gz, "rb", io);
  if (!f) gzclose(gz);
  return f;
}

// libpcap's time stamp (nanosecond precision) in ns; pcapng's 64-bit times can lie beyond what
// int64 nanoseconds hold (hostile or broken files): those saturate instead of overflowing.
int64_t TimestampNs(const timeval& ts) {
  int64_t ns = 0;
  if (__builtin_mul_overflow(static_cast<int64_t>(ts.tv_sec), int64_t{1000000000}, &ns) ||
      __builtin_add_overflow(ns, static_cast<int64_t>(ts.tv_usec), &ns))
    return ts.tv_sec < 0 ? INT64_MIN : INT64_MAX;
  return ns;
}

// The resync policy of every read of a capture, both passes of a scoped read alike: at most 1000
// resyncs, each looking for the next plausible record from the byte after the damage.
bool NextAfterDamage(detail::CaptureResync& resync, int& resyncs, uint64_t at, int64_t last_sec, int snaplen,
                     uint64_t& next) {
  return ++resyncs <= 1000 && resync.Find(at + 1, last_sec, snaplen, next);
}

// Every record of a mapped classic pcap, in order: on_record(rec) returns false to stop; after a
// damaged record on_damage(why, at, next) returns whether reading goes on, at `next`.
template <typename OnRecord, typename OnDamage>
void WalkMapped(detail::MappedPcap& mapped, OnRecord&& on_record, OnDamage&& on_damage) {
  detail::PcapRecord rec;
  for (;;) {
    detail::MappedPcap::Next r = mapped.Read(rec);
    if (r == detail::MappedPcap::Next::kRecord) {
      if (!on_record(rec)) return;
      continue;
    }
    if (r == detail::MappedPcap::Next::kEnd) return;
    uint64_t next = 0;
    if (!on_damage(mapped.error(), mapped.offset(), next)) return;
    mapped.Seek(next);
  }
}

// The pass of a flow scope over a classic pcap, before the real one, through a mapping of its own
// (the real pass's mapping hands pages back behind it): it checks that time never goes backward
// and, when the gate wants it, notes every decoded packet (the payload pass). Damaged records are
// skipped exactly as the real pass skips them (which reports them). False: the scope cannot be
// exact for this file — it does not map again, or a record is older than one before it, when
// which flows expire first depends on flows outside the scope (the flow table expires from the
// least recently used end) — and the read keeps every flow.
bool ScopePass(const InputInfo& info, int dlt, int snaplen, bool swapped, detail::ScopeGate& gate) {
  std::unique_ptr<detail::MappedPcap> mapped = detail::MappedPcap::Open(info.path);
  if (!mapped) return false;
  detail::CaptureResync resync(info.path, false, swapped);
  detail::PacketDecoder decoder;
  detail::DecodedPacket pkt;
  const bool note = gate.wants_payload_pass();
  int64_t last_sec = 0, latest_ns = INT64_MIN;
  bool ordered = true;
  int resyncs = 0;
  WalkMapped(
      *mapped,
      [&](const detail::PcapRecord& rec) {
        if (rec.ts_ns < latest_ns) {
          ordered = false;
          return false;
        }
        latest_ns = rec.ts_ns;
        last_sec = rec.ts_ns / 1000000000LL;
        if (note && decoder.Decode(dlt, rec.data, rec.caplen, rec.len, pkt) == detail::DecodeResult::kOk) gate.Note(pkt);
        return true;
      },
      [&](const std::string&, uint64_t at, uint64_t& next) {
        return NextAfterDamage(resync, resyncs, at, last_sec, snaplen, next);
      });
  return ordered;
}

}  // namespace

Status ReadCapture(const InputInfo& info, const IngestOptions& options, ObservationSink& sink, IngestStats& stats) {
  char err[PCAP_ERRBUF_SIZE] = {0};
  const bool gzipped = IsGzip(info.path);
  // Classic pcap on a regular file is read from a memory mapping (no copy, no call per record);
  // pcapng, compressed captures and anything that does not map go through libpcap.
  std::unique_ptr<detail::MappedPcap> mapped;
  if (!gzipped && info.format == InputFormat::kPcap) mapped = detail::MappedPcap::Open(info.path);
  // Uncompressed pcapng likewise, through onus's own reader: libpcap's refuses interfaces that
  // differ in link type or snap length (multi-interface and merged captures).
  std::unique_ptr<detail::MappedPcapng> mapped_ng;
  if (!gzipped && info.format == InputFormat::kPcapng) mapped_ng = detail::MappedPcapng::Open(info.path);
  std::unique_ptr<pcap_t, PcapClose> pc;
  if (mapped_ng) {
    // read below
  } else if (!mapped && gzipped) {
    FILE* gz = OpenGzipStream(info.path);
    if (!gz) return Status::IoError("'" + info.path + "': cannot open gzip stream");
    pc.reset(pcap_fopen_offline_with_tstamp_precision(gz, PCAP_TSTAMP_PRECISION_NANO, err));
    if (!pc) std::fclose(gz);  // pcap_close owns the stream only once opened
  } else if (!mapped) {
    pc.reset(pcap_open_offline_with_tstamp_precision(info.path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err));
  }
  if (!mapped && !mapped_ng && !pc) {
    if (errno == ENOENT) return Status::NotFound("'" + info.path + "': " + err);
    return Status::Corrupt("'" + info.path + "': not a readable capture: " + err);
  }
  // A pcapng's packets carry their own interface's link type; `dlt` is its first interface's.
  const int dlt = mapped ? mapped->linktype()
                  : mapped_ng ? (mapped_ng->first_linktype() >= 0 ? mapped_ng->first_linktype() : detail::kDltEthernet)
                              : pcap_datalink(pc.get());
  if (!detail::IsSupportedDlt(dlt)) {
    const char* name = pcap_datalink_val_to_name(dlt);
    return Status::Unsupported("'" + info.path + "': link type " + std::to_string(dlt) + " (" +
                               (name ? name : "unknown") + ") is not supported");
  }
  const int snaplen = mapped      ? static_cast<int>(mapped->snaplen())
                      : mapped_ng ? static_cast<int>(mapped_ng->first_snaplen())
                                  : pcap_snapshot(pc.get());
  const bool swapped = mapped ? mapped->swapped() : mapped_ng ? mapped_ng->swapped() : pcap_is_swapped(pc.get()) != 0;
  detail::RecordEmitter emitter(info, options, sink, stats);
  detail::FlowConfig cfg;
  cfg.tcp_timeout_ns = static_cast<int64_t>(options.tcp_inactivity_timeout_s * 1e9);
  cfg.udp_timeout_ns = static_cast<int64_t>(options.udp_inactivity_timeout_s * 1e9);
  cfg.other_timeout_ns = static_cast<int64_t>(options.icmp_inactivity_timeout_s * 1e9);
  cfg.max_flows = options.max_flows;
  cfg.decode_protocols = options.decode_protocols;
  cfg.uid_seed = UidSeed(info);
  detail::FlowTable flows(cfg, emitter);
  detail::PacketDecoder decoder;
  detail::DecodedPacket pkt;
  detail::CaptureResync resync(info.path, info.format == InputFormat::kPcapng, swapped);
  // A flow scope applies to a mapped classic pcap in time order, and only when it leaves TCP flows
  // out (a scope asking for TLS keeps them all: the rest it could leave out is too little to pay
  // for the pass). Anything else is read whole: exact, if slower.
  std::unique_ptr<detail::ScopeGate> gate;
  if (options.flow_scope && mapped) {
    auto g = std::make_unique<detail::ScopeGate>(*options.flow_scope);
    if (!g->keeps_every_tcp_flow() && ScopePass(info, dlt, snaplen, swapped, *g)) gate = std::move(g);
  }

  uint64_t index = 0;
  int64_t last_sec = 0;
  int resyncs = 0;
  // One good record: decoded and handed to the flow table (or counted as malformed).
  auto on_record = [&](int64_t ts_ns, const u_char* data, uint32_t caplen, uint32_t len, uint64_t offset,
                       int linktype) {
    ++index;
    ++stats.records;
    stats.bytes += caplen;
    pkt.ts_ns = ts_ns;
    last_sec = ts_ns / 1000000000LL;
    pkt.index = index;
    pkt.file_offset = offset;
    switch (decoder.Decode(linktype, data, caplen, len, pkt)) {
      case detail::DecodeResult::kOk:
        if (!gate || gate->InScope(pkt)) flows.OnPacket(pkt);
        break;
      case detail::DecodeResult::kMalformed:
        if (emitter.Malformed(index, pkt.file_offset, pkt.ts_ns, pkt.error)) emitter.CommitAnomaly();
        break;
      default:
        break;
    }
    if (options.progress) options.progress->Update(stats.records, pkt.file_offset);
  };
  // A broken record at `at`: counted, then the next plausible record is looked for. False = stop.
  auto recover = [&](const std::string& why, uint64_t at, uint64_t& next) {
    if (emitter.Malformed(index + 1, at, last_sec * 1000000000LL, "bad_capture_record: " + why)) {
      emitter.CommitAnomaly();
    }
    if (gzipped) {  // resync scans the file as stored; a compressed stream cannot be searched that way
      emitter.Warn("stopped reading at offset " + std::to_string(at) + " of the decompressed capture");
      return false;
    }
    if (!NextAfterDamage(resync, resyncs, at, last_sec, snaplen, next)) {
      emitter.Warn("stopped reading at offset " + std::to_string(at) + ": no further valid record");
      return false;
    }
    emitter.Warn("skipped " + std::to_string(next - at) + " bytes of damaged capture at offset " + std::to_string(at));
    return true;
  };

  if (mapped) {
    WalkMapped(
        *mapped,
        [&](const detail::PcapRecord& rec) {
          on_record(rec.ts_ns, rec.data, rec.caplen, rec.len, rec.offset, dlt);
          return emitter.status().ok();
        },
        recover);
    if (emitter.status().ok()) flows.Flush();
    return emitter.status();
  }
  if (mapped_ng) {
    detail::PcapRecord rec;
    int linktype = dlt;
    for (;;) {
      const detail::MappedPcapng::Next r = mapped_ng->Read(rec, linktype);
      if (r == detail::MappedPcapng::Next::kRecord) {
        on_record(rec.ts_ns, rec.data, rec.caplen, rec.len, rec.offset, linktype);
        if (!emitter.status().ok()) break;
        continue;
      }
      if (r == detail::MappedPcapng::Next::kEnd) break;
      uint64_t next = 0;
      if (!recover(mapped_ng->error(), mapped_ng->offset(), next)) break;
      mapped_ng->Seek(next);
    }
    if (emitter.status().ok()) flows.Flush();
    return emitter.status();
  }

  FILE* fp = pcap_file(pc.get());
  const bool pcapng = info.format == InputFormat::kPcapng;
  long offset = fp ? std::ftell(fp) : 0;
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    int r = pcap_next_ex(pc.get(), &h, &data);
    if (r == 1) {
      on_record(TimestampNs(h->ts), data, h->caplen, h->len, offset < 0 ? 0 : static_cast<uint64_t>(offset), dlt);
      // Classic pcap: records are a 16-byte header + caplen (no syscall per packet); pcapng blocks
      // vary, so ask the stream.
      if (pcapng) {
        if (fp) offset = std::ftell(fp);
      } else {
        offset += 16 + static_cast<long>(h->caplen);
      }
      if (!emitter.status().ok()) break;
      continue;
    }
    if (r == PCAP_ERROR_BREAK || r == 0) break;  // end of file
    const uint64_t at = offset < 0 ? 0 : static_cast<uint64_t>(offset);
    uint64_t next = 0;
    if (!recover(pcap_geterr(pc.get()), at, next)) break;
    if (!fp || std::fseek(fp, static_cast<long>(next), SEEK_SET) != 0) break;
    offset = static_cast<long>(next);
  }
  if (emitter.status().ok()) flows.Flush();
  return emitter.status();
}

}  // namespace onus::ingest

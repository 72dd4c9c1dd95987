#include "decoders/flow/flow_table.h"

#include <algorithm>
#include <cstring>

#include "decoders/flow/detect.h"
#include "onus/core/community_id.h"

namespace onus::ingest::detail {

// A flow's application decoder and, over TCP, one reassembler per direction.
struct AppSlot {
  std::unique_ptr<AppDecoder> dec;
  TcpReassembler tcp[2];
};

namespace {

enum TcpState : uint8_t { kInactive, kSynSent, kSynAckSent, kPartial, kEstablished, kClosed, kReset };
enum ServiceId : uint8_t { kSvcNone, kSvcDns, kSvcSsl, kSvcHttp, kSvcModbus, kSvcDnp3, kSvcIec104 };
enum LruList : uint8_t { kLruTcp, kLruUdp, kLruOther, kLruClosing };

const char* ServiceName(uint8_t s) {
  switch (s) {
    case kSvcDns: return "dns";
    case kSvcSsl: return "ssl";
    case kSvcHttp: return "http";
    case kSvcModbus: return "modbus";
    case kSvcDnp3: return "dnp3";
    case kSvcIec104: return "iec104";
    default: return "";
  }
}

// History letters in bit order (upper case; the responder's are lower case).
constexpr char kHistLetters[] = "SHADFRCTWIQ";
int HistBit(char upper) {
  const char* p = std::strchr(kHistLetters, upper);
  return p ? static_cast<int>(p - kHistLetters) : 0;
}

uint8_t IcmpKey(uint8_t proto, uint8_t type) {
  if (proto == kProtoIcmp) {
    switch (type) {
      case 0: return 8;    // echo reply → echo request
      case 14: return 13;  // timestamp
      case 16: return 15;  // information
      case 18: return 17;  // address mask
      case 9: return 10;   // router advertisement → solicitation
      default: return type;
    }
  }
  switch (type) {  // ICMPv6
    case 129: return 128;
    case 134: return 133;
    case 136: return 135;
    default: return type;
  }
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h *= 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 32);
}

// Order-independent hash of the two endpoints.
uint32_t HashEndpoints(const IpAddress& a, uint16_t ap, const IpAddress& b, uint16_t bp, uint8_t proto) {
  int c = std::memcmp(a.bytes().data(), b.bytes().data(), 16);
  const IpAddress* x = &a;
  const IpAddress* y = &b;
  uint16_t xp = ap, yp = bp;
  if (c > 0 || (c == 0 && ap > bp)) {
    std::swap(x, y);
    std::swap(xp, yp);
  }
  uint64_t h = proto;
  h = Mix(h, Load64(x->bytes().data()));
  h = Mix(h, Load64(x->bytes().data() + 8));
  h = Mix(h, Load64(y->bytes().data()));
  h = Mix(h, Load64(y->bytes().data() + 8));
  h = Mix(h, (static_cast<uint64_t>(xp) << 16) | yp);
  return static_cast<uint32_t>(h ^ (h >> 29));
}

bool IsIcmp(uint8_t proto) { return proto == kProtoIcmp || proto == kProtoIcmpV6; }

const char* ProtoName(uint8_t proto) {
  switch (proto) {
    case kProtoTcp: return "tcp";
    case kProtoUdp: return "udp";
    case kProtoIcmp:
    case kProtoIcmpV6: return "icmp";
    default: return "unknown_transport";
  }
}

}  // namespace

FlowTable::FlowTable(const FlowConfig& config, RecordEmitter& emitter) : config_(config), emitter_(emitter) {
  if (config_.max_flows == 0) config_.max_flows = 1;
  if (config_.max_flows > 0x7FFFFFF0u) config_.max_flows = 0x7FFFFFF0u;
}

FlowTable::~FlowTable() = default;

int64_t FlowTable::TimeoutFor(uint8_t list) const {
  switch (list) {
    case kLruTcp: return config_.tcp_timeout_ns;
    case kLruUdp: return config_.udp_timeout_ns;
    case kLruClosing: return config_.tcp_close_delay_ns;
    default: return config_.other_timeout_ns;
  }
}

void FlowTable::LruUnlink(uint32_t idx) {
  Flow& f = At(idx);
  if (f.prev != kNil) At(f.prev).next = f.next; else head_[f.lru] = f.next;
  if (f.next != kNil) At(f.next).prev = f.prev; else tail_[f.lru] = f.prev;
  f.prev = f.next = kNil;
}

void FlowTable::LruPushFront(uint32_t idx, uint8_t list) {
  Flow& f = At(idx);
  f.lru = list;
  f.prev = kNil;
  f.next = head_[list];
  if (head_[list] != kNil) At(head_[list]).prev = idx;
  head_[list] = idx;
  if (tail_[list] == kNil) tail_[list] = idx;
}

void FlowTable::Grow() {
  size_t n = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(n, kNil);
  mask_ = static_cast<uint32_t>(n - 1);
  for (uint32_t i = 0; i < capacity_; ++i) {
    if (At(i).in_use) IndexInsert(i);
  }
}

void FlowTable::IndexInsert(uint32_t idx) {
  uint32_t i = At(idx).hash & mask_;
  while (slots_[i] != kNil) i = (i + 1) & mask_;
  slots_[i] = idx;
}

void FlowTable::IndexErase(uint32_t idx) {
  uint32_t i = At(idx).hash & mask_;
  while (slots_[i] != idx) i = (i + 1) & mask_;
  slots_[i] = kNil;
  // Backward-shift deletion keeps every probe chain unbroken.
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & mask_;
    if (slots_[j] == kNil) break;
    uint32_t home = At(slots_[j]).hash & mask_;
    bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      slots_[i] = slots_[j];
      slots_[j] = kNil;
      i = j;
    }
  }
}

uint32_t FlowTable::Find(const DecodedPacket& p, uint32_t h, uint8_t icmp_key, int& dir) {
  if (slots_.empty()) return kNil;
  const bool icmp = IsIcmp(p.proto);
  for (uint32_t i = h & mask_;; i = (i + 1) & mask_) {
    uint32_t idx = slots_[i];
    if (idx == kNil) return kNil;
    Flow& f = At(idx);
    if (f.hash != h || f.proto != p.proto) continue;
    if (icmp) {
      if (f.icmp_key != icmp_key) continue;
      if (f.orig_h == p.src && f.resp_h == p.dst) {
        dir = 0;
        return idx;
      }
      if (f.orig_h == p.dst && f.resp_h == p.src) {
        dir = 1;
        return idx;
      }
      continue;
    }
    if (f.orig_p == p.sport && f.resp_p == p.dport && f.orig_h == p.src && f.resp_h == p.dst) {
      dir = 0;
      return idx;
    }
    if (f.orig_p == p.dport && f.resp_p == p.sport && f.orig_h == p.dst && f.resp_h == p.src) {
      dir = 1;
      return idx;
    }
  }
}

uint32_t FlowTable::Create(const DecodedPacket& p, uint32_t h, uint8_t icmp_key) {
  if (active_ >= config_.max_flows) {
    // Evict the least recently active flow (its summary is emitted).
    uint32_t victim = kNil;
    int64_t oldest = 0;
    for (uint32_t l = 0; l < 4; ++l) {
      uint32_t t = tail_[l];
      if (t != kNil && (victim == kNil || At(t).last_ns < oldest)) {
        victim = t;
        oldest = At(t).last_ns;
      }
    }
    if (victim != kNil) {
      End(victim);
      ++evicted_;
    }
  }
  if (free_.empty()) {
    chunks_.emplace_back(new Flow[1u << kChunkBits]);
    uint32_t base = capacity_;
    capacity_ += 1u << kChunkBits;
    free_.reserve(free_.size() + (1u << kChunkBits));
    for (uint32_t i = capacity_; i > base; --i) free_.push_back(i - 1);
  }
  if ((active_ + 1) * 2 > slots_.size()) Grow();
  uint32_t idx = free_.back();
  free_.pop_back();
  Flow& f = At(idx);
  f.orig_h = p.src;
  f.resp_h = p.dst;
  f.orig_p = p.sport;
  f.resp_p = p.dport;
  f.proto = p.proto;
  f.icmp_key = icmp_key;
  f.first_ns = f.last_ns = p.ts_ns;
  f.first_index = p.index;
  ++created_;
  f.bytes[0] = f.bytes[1] = f.pkts[0] = f.pkts[1] = f.ip_bytes[0] = f.ip_bytes[1] = 0;
  f.seq_base[0] = f.seq_base[1] = f.seq_span[0] = f.seq_span[1] = 0;
  f.app.reset();
  f.hash = h;
  f.prev = f.next = kNil;
  f.hist_mask[0] = f.hist_mask[1] = 0;
  f.tcp_state[0] = f.tcp_state[1] = kInactive;
  f.seq_known = 0;
  f.service = kSvcNone;
  f.app_decided = 0;
  f.hist_len = 0;
  f.community_id[0] = 0;
  f.in_use = true;
  IndexInsert(idx);
  uint8_t list = p.proto == kProtoTcp ? kLruTcp : p.proto == kProtoUdp ? kLruUdp : kLruOther;
  LruPushFront(idx, list);
  ++active_;
  peak_active_ = std::max(peak_active_, active_);
  return idx;
}

void FlowTable::AddHistory(Flow& f, int dir, char upper) {
  int bit = HistBit(upper);
  if (f.hist_mask[dir] & (1u << bit)) return;
  f.hist_mask[dir] |= static_cast<uint16_t>(1u << bit);
  if (f.hist_len < sizeof(f.history)) {
    f.history[f.hist_len++] = dir == 0 ? upper : static_cast<char>(upper - 'A' + 'a');
  }
}

void FlowTable::UpdateTcp(Flow& f, int dir, const DecodedPacket& p) {
  const uint8_t fl = p.tcp_flags;
  uint8_t& me = f.tcp_state[dir];
  uint8_t& peer = f.tcp_state[1 - dir];
  const bool syn = fl & kTcpSyn, ack = fl & kTcpAck, fin = fl & kTcpFin, rst = fl & kTcpRst;
  if (syn && fin) AddHistory(f, dir, 'Q');
  if (rst) {
    me = kReset;
    AddHistory(f, dir, 'R');
  } else if (syn) {
    if (ack) {
      AddHistory(f, dir, 'H');
      if (me == kInactive || me == kPartial) me = kSynAckSent;
    } else {
      AddHistory(f, dir, 'S');
      if (me == kInactive || me == kPartial) me = kSynSent;
    }
  } else if (fin) {
    AddHistory(f, dir, 'F');
    if (me != kReset) me = kClosed;
  } else {
    if (me == kSynSent || me == kSynAckSent) {
      if (ack) {
        me = kEstablished;
        if (peer == kSynSent || peer == kSynAckSent) peer = kEstablished;
      }
    } else if (me == kInactive) {
      me = kPartial;
    }
    if (ack && p.payload_wire_len == 0) AddHistory(f, dir, 'A');
  }
  if (p.payload_wire_len > 0) AddHistory(f, dir, 'D');
  // Sequence-space byte count.
  const uint32_t bit = 1u << dir;
  const uint32_t start = syn ? p.seq + 1 : p.seq;
  if (!(f.seq_known & bit)) {
    if (rst && !syn && p.payload_wire_len == 0) return;  // a bare RST's seq says nothing
    f.seq_base[dir] = start;
    f.seq_known |= static_cast<uint8_t>(bit);
  }
  if (p.payload_wire_len > 0) {
    uint32_t rel = start + p.payload_wire_len - f.seq_base[dir];
    if (rel < 0x80000000u && rel > f.seq_span[dir]) f.seq_span[dir] = rel;
  }
}

void FlowTable::OnPacket(const DecodedPacket& p) {
  Expire(p.ts_ns);
  cur_ts_ = p.ts_ns;
  cur_index_ = p.index;
  cur_offset_ = p.file_offset;
  const bool icmp = IsIcmp(p.proto);
  const uint8_t icmp_key = icmp ? IcmpKey(p.proto, p.icmp_type) : 0;
  const uint32_t h = icmp ? HashEndpoints(p.src, icmp_key, p.dst, icmp_key, p.proto)
                          : HashEndpoints(p.src, p.sport, p.dst, p.dport, p.proto);
  int dir = 0;
  uint32_t idx = Find(p, h, icmp_key, dir);
  if (idx != kNil && p.proto == kProtoTcp && (p.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn) {
    // A new SYN on a tuple whose connection was closed or reset: port reuse, a new connection.
    Flow& f = At(idx);
    if (f.tcp_state[0] >= kClosed || f.tcp_state[1] >= kClosed) {
      End(idx);
      idx = kNil;
    }
  }
  if (idx == kNil) {
    idx = Create(p, h, icmp_key);
    dir = 0;
    if (Observation* start = emitter_.BeginStart(p.ts_ns, p.index)) {
      FillIdentity(*start, At(idx));
      emitter_.CommitStart();
    }
  }
  Flow& f = At(idx);
  // Like Zeek, packets after both sides closed (the last ACK) count but do not extend duration.
  const bool finished = p.proto == kProtoTcp && f.tcp_state[0] == kClosed && f.tcp_state[1] == kClosed;
  if (p.ts_ns > f.last_ns && !finished) f.last_ns = p.ts_ns;
  ++f.pkts[dir];
  f.ip_bytes[dir] += p.ip_len;
  if (p.proto == kProtoTcp) {
    UpdateTcp(f, dir, p);
  } else {
    f.bytes[dir] += p.payload_wire_len;
    f.tcp_state[dir] = 1;  // UDP/other: this side was active
    if (p.proto == kProtoUdp && p.payload_wire_len > 0) AddHistory(f, dir, 'D');
  }
  cur_flow_ = &f;
  Dispatch(f, dir, p);
  cur_flow_ = nullptr;
  // Each list stays in order of last_ns, so Expire() ends exactly the flows idle past their timeout
  // whatever else the table holds (in a capture in time order): a finished flow, whose last_ns a
  // packet no longer moves, keeps its place.
  if (finished) return;
  LruUnlink(idx);
  uint8_t list = f.lru;
  if (p.proto == kProtoTcp) {
    const bool closed = (f.tcp_state[0] == kClosed && f.tcp_state[1] == kClosed) || f.tcp_state[0] == kReset ||
                        f.tcp_state[1] == kReset;
    list = closed ? kLruClosing : kLruTcp;
  }
  LruPushFront(idx, list);
}

void FlowTable::Dispatch(Flow& f, int dir, const DecodedPacket& p) {
  if (!config_.decode_protocols) return;
  if (!f.app) {
    if (f.app_decided || p.payload_len == 0) return;
    if (p.proto != kProtoTcp && p.proto != kProtoUdp) {
      f.app_decided = 1;
      return;
    }
    const uint8_t* d = p.payload;
    const size_t n = p.payload_len;
    auto port = [&](uint16_t x) { return f.orig_p == x || f.resp_p == x; };
    std::unique_ptr<AppDecoder> dec;
    if (p.proto == kProtoUdp) {
      if (f.service == kSvcDns || MayCarryDns(p.proto, f.orig_p, f.resp_p)) {
        dec = MakeDnsDecoder(false);
      } else if (f.service == kSvcDnp3 || (MayCarryIcs(p.proto, f.orig_p, f.resp_p) && n >= 2 && d[0] == 0x05 && d[1] == 0x64)) {
        dec = MakeDnp3Decoder(false);
      }
    } else {
      switch (f.service) {
        case kSvcDns: dec = MakeDnsDecoder(true); break;
        case kSvcHttp: dec = MakeHttpDecoder(); break;
        case kSvcModbus: dec = MakeModbusDecoder(); break;
        case kSvcDnp3: dec = MakeDnp3Decoder(true); break;
        case kSvcIec104: dec = MakeIec104Decoder(); break;
        default: break;
      }
      if (!dec && f.service == kSvcNone) {
        if (LooksLikeTls(d, n)) {
          dec = MakeTlsDecoder();
        } else if (StartsWithHttp(d, n)) {
          dec = MakeHttpDecoder();
        } else if (MayCarryDns(p.proto, f.orig_p, f.resp_p)) {
          dec = MakeDnsDecoder(true);
        } else if (port(502) && n >= 7 && d[2] == 0 && d[3] == 0 && d[5] >= 2 && d[4] == 0) {
          dec = MakeModbusDecoder();
        } else if (port(20000) && n >= 2 && d[0] == 0x05 && d[1] == 0x64) {
          dec = MakeDnp3Decoder(true);
        } else if (port(2404) && d[0] == 0x68) {
          dec = MakeIec104Decoder();
        }
      }
    }
    f.app_decided = 1;
    if (!dec) return;
    if (f.service != kSvcNone) dec->Resume();
    f.app = std::make_unique<AppSlot>();
    f.app->dec = std::move(dec);
  }
  AppSlot& a = *f.app;
  if (p.proto == kProtoTcp) {
    a.tcp[dir].Feed(dir, p.seq, (p.tcp_flags & kTcpSyn) != 0, p.payload, p.payload_len, p.payload_wire_len, *a.dec,
                    *this);
  } else if (p.payload_len > 0) {
    a.dec->OnData(dir, p.payload, p.payload_len, *this);
  }
  if (a.dec->Done()) {
    // Protocols carried message after message may start again on the next payload; TLS is over,
    // and so is a stream that turned out not to be its protocol.
    f.app_decided = (f.service == kSvcNone || f.service == kSvcSsl || a.dec->Failed()) ? 1 : 0;
    f.app.reset();
  }
}

void FlowTable::FillIdentity(Observation& o, Flow& f) {
  MakeUid(config_.uid_seed, f.first_index, o.uid);
  if (f.community_id[0] == 0) {
    static_assert(sizeof(f.community_id) == kCommunityIdV1Size);
    CommunityIdV1Into(f.orig_h, f.resp_h, f.proto, f.orig_p, f.resp_p, f.community_id);
  }
  o.community_id.assign(f.community_id, strnlen(f.community_id, sizeof(f.community_id)));
  o.orig_h = f.orig_h;
  o.resp_h = f.resp_h;
  o.orig_p = f.orig_p;
  o.resp_p = f.resp_p;
  o.has_endpoints = true;
  o.proto = ProtoName(f.proto);
}

Observation& FlowTable::BeginAt(ObservationKind k, int64_t ts_ns, uint64_t packet_index) {
  Observation& o = emitter_.Begin(k, ts_ns, packet_index);
  if (cur_flow_) FillIdentity(o, *cur_flow_);
  return o;
}

void FlowTable::SetService(const char* name) {
  if (!cur_flow_) return;
  for (uint8_t s = kSvcDns; s <= kSvcIec104; ++s) {
    if (std::strcmp(ServiceName(s), name) == 0) {
      if (cur_flow_->service == kSvcNone) cur_flow_->service = s;
      return;
    }
  }
}

void FlowTable::Anomaly(const char* what) {
  Observation* o = emitter_.Malformed(cur_index_, cur_offset_, cur_ts_, what);
  if (o) {
    if (cur_flow_) FillIdentity(*o, *cur_flow_);
    emitter_.CommitAnomaly();
  }
}

void FlowTable::EmitConn(Flow& f) {
  if (!emitter_.Wants(ObservationKind::kConn)) return;
  Observation& o = emitter_.Begin(ObservationKind::kConn, f.first_ns, f.first_index);
  FillIdentity(o, f);
  o.start_announced = emitter_.AnnouncesStarts();
  o.service = ServiceName(f.service);
  int64_t span = 0;  // exact; in doubles only when hostile time stamps put it beyond int64
  o.duration = __builtin_sub_overflow(f.last_ns, f.first_ns, &span)
                   ? (static_cast<double>(f.last_ns) - static_cast<double>(f.first_ns)) / 1e9
                   : static_cast<double>(span) / 1e9;
  if (f.proto == kProtoTcp) {
    o.orig_bytes = f.seq_span[0];
    o.resp_bytes = f.seq_span[1];
  } else {
    o.orig_bytes = f.bytes[0];
    o.resp_bytes = f.bytes[1];
  }
  o.orig_pkts = f.pkts[0];
  o.resp_pkts = f.pkts[1];
  o.orig_ip_bytes = f.ip_bytes[0];
  o.resp_ip_bytes = f.ip_bytes[1];
  o.history.assign(f.history, f.hist_len);
  // Zeek's conn_state (base/protocols/conn/main.zeek).
  const char* st = "OTH";
  if (f.proto == kProtoTcp) {
    const uint8_t os = f.tcp_state[0], rs = f.tcp_state[1];
    const bool o_inactive = os == kInactive || os == kPartial;
    const bool r_inactive = rs == kInactive || rs == kPartial;
    if (rs == kReset) {
      if (os == kSynSent || os == kSynAckSent || (os == kReset && f.seq_span[0] == 0 && f.seq_span[1] == 0)) {
        st = "REJ";
      } else {
        st = o_inactive ? "RSTRH" : "RSTR";
      }
    } else if (os == kReset) {
      if (r_inactive) {
        // /^?S[^HAFGIQ]*R.*/ on the history
        const std::string& h = o.history;
        size_t i = 0;
        if (i < h.size() && h[i] == '^') ++i;
        bool match = false;
        if (i < h.size() && h[i] == 'S') {
          for (++i; i < h.size(); ++i) {
            if (h[i] == 'R') {
              match = true;
              break;
            }
            if (std::strchr("HAFGIQ", h[i])) break;
          }
        }
        st = match ? "RSTOS0" : "OTH";
      } else {
        st = "RSTO";
      }
    } else if (rs == kClosed && os == kClosed) {
      st = "SF";
    } else if (os == kClosed) {
      st = r_inactive ? "SH" : "S2";
    } else if (rs == kClosed) {
      st = o_inactive ? "SHR" : "S3";
    } else if (os == kSynSent && rs == kInactive) {
      st = "S0";
    } else if (os == kEstablished && rs == kEstablished) {
      st = "S1";
    }
  } else if (f.proto == kProtoUdp) {
    const bool oa = f.tcp_state[0] != 0, ra = f.tcp_state[1] != 0;
    st = oa ? (ra ? "SF" : "S0") : (ra ? "SHR" : "OTH");
  }
  o.conn_state = st;
  emitter_.Commit();
}

void FlowTable::End(uint32_t idx) {
  Flow& f = At(idx);
  Flow* saved_flow = cur_flow_;
  int64_t saved_ts = cur_ts_;
  uint64_t saved_index = cur_index_;
  cur_flow_ = &f;
  cur_ts_ = f.last_ns;
  if (f.app) {
    for (int d = 0; d < 2; ++d) f.app->tcp[d].Flush(d, *f.app->dec, *this);
    f.app->dec->OnEnd(*this);
    f.app.reset();
  }
  EmitConn(f);
  cur_flow_ = saved_flow;
  cur_ts_ = saved_ts;
  cur_index_ = saved_index;
  f.in_use = false;
  --active_;
  if (flushing_) return;  // Flush() drops the index and lists wholesale
  LruUnlink(idx);
  IndexErase(idx);
  free_.push_back(idx);
}

void FlowTable::Expire(int64_t now_ns) {
  for (uint8_t l = 0; l < 4; ++l) {
    const int64_t timeout = TimeoutFor(l);
    // A deadline past the end of int64 time never comes (hostile time stamps saturate there).
    int64_t deadline = 0;
    while (tail_[l] != kNil && !__builtin_add_overflow(At(tail_[l]).last_ns, timeout, &deadline) && deadline < now_ns)
      End(tail_[l]);
  }
}

void FlowTable::Flush() {
  // (first packet, flow) pairs sorted contiguously: no pointer chasing in the comparisons.
  std::vector<std::pair<uint64_t, uint32_t>> live;
  live.reserve(active_);
  for (uint32_t i = 0; i < capacity_; ++i) {
    if (At(i).in_use) live.emplace_back(At(i).first_index, i);
  }
  std::sort(live.begin(), live.end());
  flushing_ = true;
  for (auto& [first, i] : live) End(i);
  flushing_ = false;
  std::fill(slots_.begin(), slots_.end(), kNil);
  for (uint32_t l = 0; l < 4; ++l) head_[l] = tail_[l] = kNil;
  free_.clear();
  for (uint32_t i = capacity_; i > 0; --i) free_.push_back(i - 1);
}

}  // namespace onus::ingest::detail

#include "decoders/dns/dns.h"

#include <cstring>
#include <memory>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

namespace {

inline uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}

constexpr int kMaxJumps = 64;
constexpr size_t kMaxName = 255;

// Reads a (possibly compressed) name starting at *pos; advances *pos past it in the record.
bool ReadName(const uint8_t* d, size_t n, size_t* pos, std::string& out) {
  out.clear();
  size_t p = *pos;
  size_t end_in_record = 0;
  bool jumped = false;
  int jumps = 0;
  size_t raw = 0;
  size_t last_label_start = p;
  for (;;) {
    if (p >= n) return false;
    uint8_t l = d[p];
    if (l == 0) {
      if (!jumped) end_in_record = p + 1;
      break;
    }
    if ((l & 0xC0) == 0xC0) {
      if (p + 1 >= n) return false;
      size_t target = static_cast<size_t>(l & 0x3F) << 8 | d[p + 1];
      if (!jumped) end_in_record = p + 2;
      if (target >= last_label_start || ++jumps > kMaxJumps) return false;  // must point backwards
      jumped = true;
      p = target;
      last_label_start = target;
      continue;
    }
    if ((l & 0xC0) != 0) return false;  // extended label types are not used in practice
    if (p + 1 + l > n) return false;
    raw += l + 1;
    if (raw > kMaxName) return false;
    if (!out.empty()) out.push_back('.');
    for (size_t i = 0; i < l; ++i) {
      uint8_t c = d[p + 1 + i];
      if (c > 0x20 && c < 0x7F && c != '\\' && c != '.') {
        out.push_back(static_cast<char>(c));
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    p += 1 + l;
  }
  *pos = end_in_record;
  return true;
}

}  // namespace

const char* DnsTypeName(uint16_t t) {
  switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 41: return "OPT";
    case 43: return "DS";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 252: return "AXFR";
    case 255: return "*";
    case 257: return "CAA";
    default: return nullptr;
  }
}

const char* DnsRcodeName(uint16_t r) {
  static constexpr const char* kNames[] = {"NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                           "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE"};
  return r < sizeof(kNames) / sizeof(kNames[0]) ? kNames[r] : nullptr;
}

std::string DnsTypeText(uint16_t t) {
  const char* n = DnsTypeName(t);
  return n ? std::string(n) : std::to_string(t);
}

std::string DnsRcodeText(uint16_t r) {
  const char* n = DnsRcodeName(r);
  return n ? std::string(n) : std::to_string(r);
}

bool ParseDnsMessage(const uint8_t* d, size_t n, DnsMessage& m, const char** error) {
  const char* dummy;
  if (!error) error = &dummy;
  m.answers.clear();
  m.qname.clear();
  m.has_question = false;
  m.qtype = m.qclass = 0;
  if (n < 12) {
    *error = "dns_truncated_header";
    return false;
  }
  m.id = Be16(d);
  uint16_t flags = Be16(d + 2);
  m.is_response = (flags & 0x8000) != 0;
  m.opcode = static_cast<uint8_t>((flags >> 11) & 0xF);
  m.rcode = static_cast<uint8_t>(flags & 0xF);
  m.qdcount = Be16(d + 4);
  m.ancount = Be16(d + 6);
  if (m.opcode > 6) {
    *error = "dns_bad_opcode";
    return false;
  }
  size_t pos = 12;
  if (m.qdcount > 0) {
    if (!ReadName(d, n, &pos, m.qname)) {
      *error = "dns_bad_query_name";
      return false;
    }
    if (pos + 4 > n) {
      *error = "dns_truncated_question";
      return false;
    }
    m.qtype = Be16(d + pos);
    m.qclass = Be16(d + pos + 2);
    pos += 4;
    m.has_question = true;
    // Skip further questions (rare); stop at the first bad one.
    for (uint16_t q = 1; q < m.qdcount && q < 64; ++q) {
      std::string skip;
      if (!ReadName(d, n, &pos, skip) || pos + 4 > n) return true;
      pos += 4;
    }
  } else if (!m.is_response) {
    *error = "dns_no_question";
    return false;
  }
  std::string name;
  for (uint16_t a = 0; a < m.ancount && a < 256; ++a) {
    if (!ReadName(d, n, &pos, name)) break;
    if (pos + 10 > n) break;
    uint16_t type = Be16(d + pos);
    uint32_t ttl = Be32(d + pos + 4);
    uint16_t rdlen = Be16(d + pos + 8);
    pos += 10;
    if (pos + rdlen > n) break;
    const uint8_t* rd = d + pos;
    DnsAnswer ans;
    bool keep = true;
    switch (type) {
      case 1:
        if (rdlen != 4) { keep = false; break; }
        ans.value = IpAddress::FromV4Bytes(rd).ToString();
        break;
      case 28:
        if (rdlen != 16) { keep = false; break; }
        ans.value = IpAddress::FromV6Bytes(rd).ToString();
        break;
      case 2:
      case 5:
      case 12: {
        size_t p2 = pos;
        if (!ReadName(d, pos + rdlen, &p2, ans.value)) keep = false;
        // Compression may point anywhere earlier in the message: re-read against the whole buffer.
        if (!keep) {
          p2 = pos;
          keep = ReadName(d, n, &p2, ans.value);
        }
        break;
      }
      case 15: {
        if (rdlen < 3) { keep = false; break; }
        size_t p2 = pos + 2;
        keep = ReadName(d, n, &p2, ans.value);
        break;
      }
      case 16: {
        size_t i = 0;
        while (i < rdlen) {
          size_t l = rd[i];
          if (i + 1 + l > rdlen) { keep = false; break; }
          if (!ans.value.empty()) ans.value.push_back(' ');
          ans.value.append(reinterpret_cast<const char*>(rd + i + 1), l);
          i += 1 + l;
        }
        break;
      }
      default:
        keep = false;
    }
    if (keep) {
      ans.type = DnsTypeName(type);
      ans.ttl = ttl;
      m.answers.push_back(std::move(ans));
    }
    pos += rdlen;
  }
  return true;
}

namespace {

class DnsDecoder final : public AppDecoder {
 public:
  explicit DnsDecoder(bool tcp) : tcp_(tcp) {}

  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    if (!tcp_) {
      Message(data, len, e);
      return;
    }
    auto& b = buf_[dir];
    if (failed_[dir]) return;
    // Length-prefixed messages; keep a partial message between segments.
    if (b.empty()) {
      while (len >= 2) {
        size_t m = Be16(data);
        if (len < 2 + m) break;
        Message(data + 2, m, e);
        data += 2 + m;
        len -= 2 + m;
      }
      if (len > 0) b.assign(data, data + len);
      return;
    }
    b.insert(b.end(), data, data + len);
    size_t off = 0;
    while (b.size() - off >= 2) {
      size_t m = Be16(b.data() + off);
      if (b.size() - off < 2 + m) break;
      Message(b.data() + off + 2, m, e);
      off += 2 + m;
    }
    b.erase(b.begin(), b.begin() + static_cast<ptrdiff_t>(off));
    if (b.empty()) std::vector<uint8_t>().swap(b);
  }

  void OnGap(int dir, AppEmitter&) override {
    buf_[dir].clear();
    std::vector<uint8_t>().swap(buf_[dir]);
    failed_[dir] = true;  // lost framing
  }

  void OnEnd(AppEmitter& e) override {
    for (auto& q : pending_) EmitPair(q, nullptr, e);
    pending_.clear();
  }

  bool Done() const override { return pending_.empty() && buf_[0].empty() && buf_[1].empty(); }
  bool Failed() const override { return failed_[0] && failed_[1]; }

 private:
  struct Pending {
    uint16_t id;
    uint16_t qtype;
    int64_t ts;
    uint64_t index;
    std::string qname;
  };

  static uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

  void Message(const uint8_t* d, size_t n, AppEmitter& e) {
    const char* err = nullptr;
    if (!ParseDnsMessage(d, n, msg_, &err)) {
      e.Anomaly(err);
      return;
    }
    e.SetService("dns");
    if (!msg_.is_response) {
      if (pending_.size() >= 16) {
        EmitPair(pending_.front(), nullptr, e);
        pending_.erase(pending_.begin());
      }
      pending_.push_back(Pending{msg_.id, msg_.qtype, e.packet_ts(), e.packet_index(), msg_.qname});
      return;
    }
    for (size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i].id == msg_.id) {
        EmitPair(pending_[i], &msg_, e);
        pending_.erase(pending_.begin() + static_cast<ptrdiff_t>(i));
        return;
      }
    }
    Pending alone{msg_.id, msg_.qtype, e.packet_ts(), e.packet_index(), msg_.qname};
    EmitPair(alone, &msg_, e);
  }

  void EmitPair(const Pending& q, const DnsMessage* r, AppEmitter& e) {
    if (!e.Wants(ObservationKind::kDns)) return;
    Observation& o = e.BeginAt(ObservationKind::kDns, q.ts, q.index);
    o.query = q.qname;
    o.qtype = q.qtype;
    if (q.qtype != 0 || !q.qname.empty()) o.qtype_name = DnsTypeText(q.qtype);
    if (r) {
      o.rcode = r->rcode;
      o.has_rcode = true;
      o.rcode_name = DnsRcodeText(r->rcode);
      o.answers = r->answers;
    }
    e.Commit();
  }

  bool tcp_;
  bool failed_[2] = {false, false};
  std::vector<uint8_t> buf_[2];
  std::vector<Pending> pending_;
  DnsMessage msg_;
};

}  // namespace

std::unique_ptr<AppDecoder> MakeDnsDecoder(bool over_tcp) { return std::make_unique<DnsDecoder>(over_tcp); }

}  // namespace onus::ingest::detail

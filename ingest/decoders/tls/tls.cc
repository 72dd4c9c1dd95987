#include "decoders/tls/tls.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#include <openssl/evp.h>

#include <charconv>

#include "decoders/flow/app.h"
#include "decoders/x509/x509.h"
#include "onus/core/hash.h"

namespace onus::ingest::detail {

namespace {

// Bounds-checked big-endian reader: any read past the end sets ok=false and yields zeros.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool ok() const { return ok_; }
  size_t left() const { return ok_ ? n_ - pos_ : 0; }
  uint8_t U8() { return Need(1) ? p_[pos_++] : 0; }
  uint16_t U16() {
    if (!Need(2)) return 0;
    uint16_t v = static_cast<uint16_t>(p_[pos_] << 8 | p_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t U24() {
    if (!Need(3)) return 0;
    uint32_t v = static_cast<uint32_t>(p_[pos_]) << 16 | static_cast<uint32_t>(p_[pos_ + 1]) << 8 | p_[pos_ + 2];
    pos_ += 3;
    return v;
  }
  const uint8_t* Bytes(size_t n) {
    if (!Need(n)) return nullptr;
    const uint8_t* r = p_ + pos_;
    pos_ += n;
    return r;
  }
  Reader Sub(size_t n) {
    const uint8_t* b = Bytes(n);
    if (!b) {
      Reader r(nullptr, 0);
      r.ok_ = false;
      return r;
    }
    return Reader(b, n);
  }

 private:
  bool Need(size_t n) {
    if (!ok_ || n_ - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void AppendNumber(std::string& out, unsigned v) {
  char b[12];
  auto r = std::to_chars(b, b + sizeof(b), v);
  out.append(b, r.ptr);
}

void AppendJoined(std::string& out, const std::vector<uint16_t>& v, bool skip_grease) {
  bool first = true;
  for (uint16_t x : v) {
    if (skip_grease && IsGrease(x)) continue;
    if (!first) out.push_back('-');
    AppendNumber(out, x);
    first = false;
  }
}

constexpr char kHexDigits[] = "0123456789abcdef";

void Hex4(std::string& out, uint16_t v) {
  out.push_back(kHexDigits[v >> 12]);
  out.push_back(kHexDigits[(v >> 8) & 15]);
  out.push_back(kHexDigits[(v >> 4) & 15]);
  out.push_back(kHexDigits[v & 15]);
}

// Digests with the algorithm fetched once (OpenSSL 3 otherwise fetches it on every call), as
// lower-case hex, truncated to `hex_chars`.
std::string DigestHex(const char* algorithm, std::string_view data, size_t hex_chars) {
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = std::strcmp(algorithm, "MD5") == 0 ? md5 : sha256;
  // One context per thread, reused: EVP_Digest allocates and frees a context on every call.
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (md == nullptr || c.ctx == nullptr || EVP_DigestInit_ex2(c.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(c.ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(c.ctx, out, &len) != 1) {
    return algorithm[0] == 'M' ? Md5Hex(data).substr(0, hex_chars) : Sha256Hex(data).substr(0, hex_chars);
  }
  std::string hex;
  hex.reserve(2 * len);
  for (unsigned i = 0; i < len && hex.size() < hex_chars; ++i) {
    hex.push_back(kHexDigits[out[i] >> 4]);
    hex.push_back(kHexDigits[out[i] & 15]);
  }
  hex.resize(std::min(hex.size(), hex_chars));
  return hex;
}

bool IsAlnum(uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

bool IsGrease(uint16_t v) { return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF); }

bool ParseClientHello(const uint8_t* body, size_t len, ClientHello& ch) {
  Reader r(body, len);
  ch = ClientHello();
  ch.legacy_version = r.U16();
  r.Bytes(32);
  r.Bytes(r.U8());  // session id
  Reader cs = r.Sub(r.U16());
  while (cs.ok() && cs.left() >= 2) ch.ciphers.push_back(cs.U16());
  r.Bytes(r.U8());  // compression methods
  if (!r.ok() || !cs.ok()) return false;
  if (r.left() == 0) return true;  // no extensions (SSLv3-era hello)
  Reader ex = r.Sub(r.U16());
  if (!r.ok()) return false;
  while (ex.ok() && ex.left() >= 4) {
    uint16_t type = ex.U16();
    Reader e = ex.Sub(ex.U16());
    if (!ex.ok()) return false;
    ch.extensions.push_back(type);
    switch (type) {
      case 0: {  // server_name
        Reader list = e.Sub(e.U16());
        while (list.ok() && list.left() >= 3) {
          uint8_t kind = list.U8();
          uint16_t n = list.U16();
          const uint8_t* name = list.Bytes(n);
          if (name && kind == 0 && ch.sni.empty()) ch.sni.assign(reinterpret_cast<const char*>(name), n);
        }
        break;
      }
      case 10: {  // supported_groups
        Reader list = e.Sub(e.U16());
        while (list.ok() && list.left() >= 2) ch.groups.push_back(list.U16());
        break;
      }
      case 11: {  // ec_point_formats
        Reader list = e.Sub(e.U8());
        while (list.ok() && list.left() >= 1) ch.point_formats.push_back(list.U8());
        break;
      }
      case 13: {  // signature_algorithms
        Reader list = e.Sub(e.U16());
        while (list.ok() && list.left() >= 2) ch.sig_algs.push_back(list.U16());
        break;
      }
      case 16: {  // ALPN
        Reader list = e.Sub(e.U16());
        while (list.ok() && list.left() >= 1) {
          uint8_t n = list.U8();
          const uint8_t* p = list.Bytes(n);
          if (p) ch.alpn.emplace_back(reinterpret_cast<const char*>(p), n);
        }
        break;
      }
      case 43: {  // supported_versions
        Reader list = e.Sub(e.U8());
        while (list.ok() && list.left() >= 2) ch.versions.push_back(list.U16());
        break;
      }
      default:
        break;
    }
  }
  return ex.ok();
}

bool ParseServerHello(const uint8_t* body, size_t len, ServerHello& sh) {
  Reader r(body, len);
  sh = ServerHello();
  sh.legacy_version = r.U16();
  sh.selected_version = sh.legacy_version;
  r.Bytes(32);
  // TLS 1.3 drafts (0x7fNN in the version field) had no session id or compression method.
  const bool draft13 = (sh.legacy_version >> 8) == 0x7F;
  if (!draft13) r.Bytes(r.U8());
  sh.cipher = r.U16();
  if (!draft13) r.U8();  // compression
  if (!r.ok()) return false;
  if (r.left() == 0) return true;
  Reader ex = r.Sub(r.U16());
  if (!r.ok()) return false;
  while (ex.ok() && ex.left() >= 4) {
    uint16_t type = ex.U16();
    Reader e = ex.Sub(ex.U16());
    if (!ex.ok()) return false;
    sh.extensions.push_back(type);
    if (type == 43) {
      uint16_t v = e.U16();
      if (e.ok()) sh.selected_version = v;
    }
  }
  return ex.ok();
}

std::string Ja3String(const ClientHello& ch) {
  std::string s;
  AppendNumber(s, ch.legacy_version);
  s.push_back(',');
  AppendJoined(s, ch.ciphers, true);
  s.push_back(',');
  AppendJoined(s, ch.extensions, true);
  s.push_back(',');
  AppendJoined(s, ch.groups, true);
  s.push_back(',');
  bool first = true;
  for (uint8_t f : ch.point_formats) {
    if (!first) s.push_back('-');
    AppendNumber(s, f);
    first = false;
  }
  return s;
}

std::string Ja3sString(const ServerHello& sh) {
  std::string s;
  AppendNumber(s, sh.legacy_version);
  s.push_back(',');
  AppendNumber(s, sh.cipher);
  s.push_back(',');
  AppendJoined(s, sh.extensions, true);
  return s;
}

std::string TlsVersionName(uint16_t v) {
  switch (v) {
    case 0x0002: return "SSLv2";
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv10";
    case 0x0302: return "TLSv11";
    case 0x0303: return "TLSv12";
    case 0x0304: return "TLSv13";
    case 0xFEFF: return "DTLSv10";
    case 0xFEFD: return "DTLSv12";
    case 0xFEFC: return "DTLSv13";
    default: {
      if ((v >> 8) == 0x7F) return "TLSv13-draft" + std::to_string(v & 0xFF);
      std::string s = "0x";
      Hex4(s, v);
      return s;
    }
  }
}

std::string Ja4(const ClientHello& ch, char transport, std::string* raw) {
  uint16_t version = 0;
  for (uint16_t v : ch.versions) {
    if (!IsGrease(v) && v > version && v < 0xFE00) version = v;
  }
  if (version == 0) version = ch.legacy_version;
  const char* vs = "00";
  switch (version) {
    case 0x0304: vs = "13"; break;
    case 0x0303: vs = "12"; break;
    case 0x0302: vs = "11"; break;
    case 0x0301: vs = "10"; break;
    case 0x0300: vs = "s3"; break;
    case 0x0002: vs = "s2"; break;
    case 0xFEFF: vs = "d1"; break;
    case 0xFEFD: vs = "d2"; break;
    case 0xFEFC: vs = "d3"; break;
    default: break;
  }
  std::vector<uint16_t> ciphers, exts;
  for (uint16_t c : ch.ciphers)
    if (!IsGrease(c)) ciphers.push_back(c);
  size_t ext_count = 0;
  for (uint16_t e : ch.extensions) {
    if (IsGrease(e)) continue;
    ++ext_count;
    if (e != 0x0000 && e != 0x0010) exts.push_back(e);
  }
  std::string a;
  a.push_back(transport);
  a += vs;
  a.push_back(ch.sni.empty() ? 'i' : 'd');
  const size_t nc = std::min<size_t>(ciphers.size(), 99), ne = std::min<size_t>(ext_count, 99);
  a.push_back(static_cast<char>('0' + nc / 10));
  a.push_back(static_cast<char>('0' + nc % 10));
  a.push_back(static_cast<char>('0' + ne / 10));
  a.push_back(static_cast<char>('0' + ne % 10));
  if (ch.alpn.empty() || ch.alpn[0].empty()) {
    a += "00";
  } else {
    const std::string& first = ch.alpn[0];
    uint8_t f = static_cast<uint8_t>(first.front()), l = static_cast<uint8_t>(first.back());
    if (IsAlnum(f) && IsAlnum(l)) {
      a.push_back(static_cast<char>(f));
      a.push_back(static_cast<char>(l));
    } else {
      a.push_back(kHexDigits[f >> 4]);
      a.push_back(kHexDigits[l & 15]);
    }
  }
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(exts.begin(), exts.end());
  std::string b, c;
  for (size_t i = 0; i < ciphers.size(); ++i) {
    if (i) b.push_back(',');
    Hex4(b, ciphers[i]);
  }
  for (size_t i = 0; i < exts.size(); ++i) {
    if (i) c.push_back(',');
    Hex4(c, exts[i]);
  }
  std::string sigs;
  for (size_t i = 0, n = 0; i < ch.sig_algs.size(); ++i) {
    if (IsGrease(ch.sig_algs[i])) continue;
    if (n++) sigs.push_back(',');
    Hex4(sigs, ch.sig_algs[i]);
  }
  if (!sigs.empty()) c += "_" + sigs;
  if (raw) *raw = a + "_" + b + "_" + c;
  std::string out = a;
  out.push_back('_');
  out += ciphers.empty() ? std::string(12, '0') : DigestHex("SHA256", b, 12);
  out.push_back('_');
  out += exts.empty() ? std::string(12, '0') : DigestHex("SHA256", c, 12);
  return out;
}

namespace {

constexpr size_t kMaxRecord = 16384 + 2048;
constexpr size_t kMaxHandshake = 256 * 1024;

class TlsDecoder final : public AppDecoder {
 public:
  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    if (done_) return;
    auto& rb = rec_[dir];
    // Fast path: whole records in this segment and nothing buffered.
    size_t off = 0;
    if (rb.empty()) {
      while (!done_ && len - off >= 5) {
        size_t rl = static_cast<size_t>(data[off + 3]) << 8 | data[off + 4];
        if (!ValidHeader(data + off, rl, dir, e)) return;
        if (len - off < 5 + rl) break;
        Record(dir, data[off], data + off + 5, rl, e);
        off += 5 + rl;
      }
      if (!done_ && off < len) rb.assign(data + off, data + len);
      return;
    }
    rb.insert(rb.end(), data, data + len);
    while (!done_ && rb.size() - off >= 5) {
      size_t rl = static_cast<size_t>(rb[off + 3]) << 8 | rb[off + 4];
      if (!ValidHeader(rb.data() + off, rl, dir, e)) return;
      if (rb.size() - off < 5 + rl) break;
      Record(dir, rb[off], rb.data() + off + 5, rl, e);
      off += 5 + rl;
    }
    if (done_) return;
    rb.erase(rb.begin(), rb.begin() + static_cast<ptrdiff_t>(off));
  }

  void OnGap(int, AppEmitter& e) override { Finish(e); }
  void OnEnd(AppEmitter& e) override { Finish(e); }
  bool Done() const override { return done_; }

 private:
  bool ValidHeader(const uint8_t* h, size_t rl, int dir, AppEmitter& e) {
    bool ok = h[0] >= 20 && h[0] <= 24 && h[1] == 3 && h[2] <= 4 && rl <= kMaxRecord;
    if (!ok) {
      // Non-TLS bytes: a stream that never was TLS is not ours to judge (no anomaly); a stream
      // that was TLS and breaks its framing is.
      if (seen_record_[dir] && h[1] == 3 && rl > kMaxRecord) e.Anomaly("tls_record_too_long");
      Finish(e);
    }
    return ok;
  }

  void Record(int dir, uint8_t type, const uint8_t* p, size_t n, AppEmitter& e) {
    seen_record_[dir] = true;
    switch (type) {
      case 20:  // change_cipher_spec: what follows is encrypted
        encrypted_[dir] = true;
        if (encrypted_[0] && encrypted_[1]) Finish(e);
        return;
      case 23:  // application data
        Finish(e);
        return;
      case 22:
        break;
      default:
        return;
    }
    if (encrypted_[dir]) return;
    auto& hb = hs_[dir];
    hb.insert(hb.end(), p, p + n);
    size_t off = 0;
    while (!done_ && hb.size() - off >= 4) {
      size_t ml = static_cast<size_t>(hb[off + 1]) << 16 | static_cast<size_t>(hb[off + 2]) << 8 | hb[off + 3];
      if (ml > kMaxHandshake) {
        e.Anomaly("tls_handshake_too_long");
        Finish(e);
        return;
      }
      if (hb.size() - off < 4 + ml) break;
      Handshake(hb[off], hb.data() + off + 4, ml, e);
      off += 4 + ml;
    }
    if (done_) return;
    hb.erase(hb.begin(), hb.begin() + static_cast<ptrdiff_t>(off));
  }

  void Handshake(uint8_t type, const uint8_t* p, size_t n, AppEmitter& e) {
    switch (type) {
      case 1:
        if (!have_ch_) {
          if (ParseClientHello(p, n, ch_)) {
            have_ch_ = true;
            ch_ts_ = e.packet_ts();
            ch_index_ = e.packet_index();
            e.SetService("ssl");
          } else {
            e.Anomaly("tls_malformed_client_hello");
          }
        }
        break;
      case 2:
        if (!have_sh_) {
          if (ParseServerHello(p, n, sh_)) {
            have_sh_ = true;
            e.SetService("ssl");
            if (!have_ch_) {
              ch_ts_ = e.packet_ts();
              ch_index_ = e.packet_index();
            }
            if (sh_.selected_version == 0x0304 || (sh_.selected_version >> 8) == 0x7F) {
              Finish(e);  // TLS 1.3 (or a draft of it): the rest is encrypted
            }
          } else {
            e.Anomaly("tls_malformed_server_hello");
          }
        }
        break;
      case 11:
        if (!have_certs_) Certificates(p, n, e);
        break;
      default:
        break;
    }
  }

  void Certificates(const uint8_t* p, size_t n, AppEmitter& e) {
    have_certs_ = true;
    Reader r(p, n);
    Reader list = r.Sub(r.U24());
    if (!r.ok()) {
      e.Anomaly("tls_malformed_certificate_list");
      return;
    }
    while (list.ok() && list.left() >= 3) {
      uint32_t cl = list.U24();
      const uint8_t* der = list.Bytes(cl);
      if (!der) {
        e.Anomaly("tls_malformed_certificate_list");
        break;
      }
      Observation* o = nullptr;
      Observation scratch;
      if (e.Wants(ObservationKind::kX509)) {
        o = &e.Begin(ObservationKind::kX509);
      } else {
        o = &scratch;
      }
      bool parsed = FillX509(der, cl, *o);
      chain_.push_back(o->sha1);
      if (!parsed) e.Anomaly("x509_unparsable_certificate");
      if (o != &scratch) e.Commit();
    }
  }

  void Finish(AppEmitter& e) {
    if (done_) return;
    done_ = true;
    rec_[0].clear();
    rec_[1].clear();
    hs_[0].clear();
    hs_[1].clear();
    if (!(have_ch_ || have_sh_) || !e.Wants(ObservationKind::kTls)) return;
    Observation& o = e.BeginAt(ObservationKind::kTls, ch_ts_, ch_index_);
    if (have_ch_) {
      o.server_name = ch_.sni;
      o.alpn = ch_.alpn;
      o.ja3_string = Ja3String(ch_);
      o.ja3 = DigestHex("MD5", o.ja3_string, 32);
      o.ja4 = Ja4(ch_, 't');
    }
    if (have_sh_) {
      o.tls_version = TlsVersionName(sh_.selected_version);
      o.ja3s_string = Ja3sString(sh_);
      o.ja3s = DigestHex("MD5", o.ja3s_string, 32);
    }
    if (!chain_.empty()) {
      o.cert_sha1 = chain_.front();
      o.cert_chain_sha1 = chain_;
    }
    e.Commit();
  }

  bool done_ = false;
  bool have_ch_ = false, have_sh_ = false, have_certs_ = false;
  bool encrypted_[2] = {false, false};
  bool seen_record_[2] = {false, false};
  int64_t ch_ts_ = 0;
  uint64_t ch_index_ = 0;
  ClientHello ch_;
  ServerHello sh_;
  std::vector<std::string> chain_;
  std::vector<uint8_t> rec_[2], hs_[2];
};

}  // namespace

std::unique_ptr<AppDecoder> MakeTlsDecoder() { return std::make_unique<TlsDecoder>(); }

}  // namespace onus::ingest::detail

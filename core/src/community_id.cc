#include "onus/core/community_id.h"

#define OPENSSL_SUPPRESS_DEPRECATED  // SHA1_Init/Update/Final, see Sha1Digest
#include <openssl/sha.h>

#include <cstring>
#include <utility>

namespace onus {
namespace {

// ICMPv4 / ICMPv6 type pairs that form one "flow" (spec: one-way vs two-way mapping).
bool IcmpCounterpart(uint8_t proto, uint16_t type, uint16_t& counter) {
  if (proto == 1) {
    switch (type) {
      case 8: counter = 0; return true;
      case 0: counter = 8; return true;
      case 13: counter = 14; return true;
      case 14: counter = 13; return true;
      case 15: counter = 16; return true;
      case 16: counter = 15; return true;
      case 10: counter = 9; return true;
      case 9: counter = 10; return true;
      case 17: counter = 18; return true;
      case 18: counter = 17; return true;
    }
  } else if (proto == 58) {
    switch (type) {
      case 128: counter = 129; return true;
      case 129: counter = 128; return true;
      case 133: counter = 134; return true;
      case 134: counter = 133; return true;
      case 135: counter = 136; return true;
      case 136: counter = 135; return true;
      case 130: counter = 131; return true;
      case 131: counter = 130; return true;
      case 144: counter = 145; return true;
      case 145: counter = 144; return true;
    }
  }
  return false;
}

// SHA-1 of a short message without allocating or dispatching: OpenSSL's low-level SHA1_* calls
// (deprecated in 3.0 in favour of EVP, still provided; EVP_DigestInit allocates a provider context
// per call and was a sixth of the cost of decoding a Zeek conn record). Output is checked against
// EVP (Sha1Raw) in community_id_test.cc.
void Sha1Digest(const unsigned char* data, size_t n, unsigned char (&digest)[20]) {
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, data, n);
  SHA1_Final(digest, &ctx);
}

}  // namespace

std::string_view CommunityIdV1Into(const IpAddress& src_in, const IpAddress& dst_in, uint8_t proto,
                                   uint16_t sport_in, uint16_t dport_in, char (&out)[kCommunityIdV1Size],
                                   uint16_t seed) {
  const IpAddress* src = &src_in;
  const IpAddress* dst = &dst_in;
  uint16_t sport = sport_in, dport = dport_in;
  bool has_ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
  bool one_way = false;
  if (proto == 1 || proto == 58) {
    uint16_t counter = 0;
    uint16_t type = sport;
    if (IcmpCounterpart(proto, type, counter)) {
      dport = counter;
    } else {
      one_way = true;
    }
  }
  // Order endpoints: smaller address (then port) first, unless ICMP one-way.
  size_t addr_len = (src->is_v4() && dst->is_v4()) ? 4 : 16;
  auto addr_ptr = [&](const IpAddress* a) { return a->bytes().data() + (addr_len == 4 ? 12 : 0); };
  int c = std::memcmp(addr_ptr(src), addr_ptr(dst), addr_len);
  bool swap = !(c < 0 || (c == 0 && sport < dport));
  if (one_way) swap = false;
  if (swap) {
    std::swap(src, dst);
    std::swap(sport, dport);
  }
  // seed(2) src dst proto(1) pad(1) [sport(2) dport(2)]
  unsigned char buf[2 + 16 + 16 + 2 + 4];
  size_t n = 0;
  buf[n++] = static_cast<unsigned char>(seed >> 8);
  buf[n++] = static_cast<unsigned char>(seed & 0xff);
  std::memcpy(buf + n, addr_ptr(src), addr_len);
  n += addr_len;
  std::memcpy(buf + n, addr_ptr(dst), addr_len);
  n += addr_len;
  buf[n++] = proto;
  buf[n++] = 0;
  if (has_ports) {
    buf[n++] = static_cast<unsigned char>(sport >> 8);
    buf[n++] = static_cast<unsigned char>(sport & 0xff);
    buf[n++] = static_cast<unsigned char>(dport >> 8);
    buf[n++] = static_cast<unsigned char>(dport & 0xff);
  }
  unsigned char digest[20];
  Sha1Digest(buf, n, digest);
  // Base64 of 20 bytes: six full groups, then two bytes and one '='.
  static const char kT[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char* o = out;
  *o++ = '1';
  *o++ = ':';
  size_t i = 0;
  for (; i + 3 <= 18; i += 3) {
    uint32_t v = (uint32_t{digest[i]} << 16) | (uint32_t{digest[i + 1]} << 8) | digest[i + 2];
    *o++ = kT[v >> 18];
    *o++ = kT[(v >> 12) & 63];
    *o++ = kT[(v >> 6) & 63];
    *o++ = kT[v & 63];
  }
  uint32_t v = (uint32_t{digest[18]} << 16) | (uint32_t{digest[19]} << 8);
  *o++ = kT[v >> 18];
  *o++ = kT[(v >> 12) & 63];
  *o++ = kT[(v >> 6) & 63];
  *o++ = '=';
  return std::string_view(out, kCommunityIdV1Size);
}

std::string CommunityIdV1(const IpAddress& src, const IpAddress& dst, uint8_t proto, uint16_t sport, uint16_t dport,
                          uint16_t seed) {
  char out[kCommunityIdV1Size];
  return std::string(CommunityIdV1Into(src, dst, proto, sport, dport, out, seed));
}

}  // namespace onus

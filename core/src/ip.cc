#include "onus/core/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace onus {
namespace {
constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

IpAddress IpAddress::FromV4(uint32_t h) {
  IpAddress a;
  std::memcpy(a.b_.data(), kMappedPrefix, 12);
  a.b_[12] = static_cast<uint8_t>(h >> 24);
  a.b_[13] = static_cast<uint8_t>(h >> 16);
  a.b_[14] = static_cast<uint8_t>(h >> 8);
  a.b_[15] = static_cast<uint8_t>(h);
  return a;
}

IpAddress IpAddress::FromV4Bytes(const uint8_t bytes[4]) {
  IpAddress a;
  std::memcpy(a.b_.data(), kMappedPrefix, 12);
  std::memcpy(a.b_.data() + 12, bytes, 4);
  return a;
}

IpAddress IpAddress::FromV6Bytes(const uint8_t bytes[16]) {
  IpAddress a;
  std::memcpy(a.b_.data(), bytes, 16);
  return a;
}

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() > INET6_ADDRSTRLEN)
    return Status::InvalidArgument("invalid IP address '" + std::string(text.substr(0, 64)) + "'");
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t out[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, out) == 1) return FromV4Bytes(out);
  } else if (inet_pton(AF_INET6, buf, out) == 1) {
    return FromV6Bytes(out);
  }
  return Status::InvalidArgument("invalid IP address '" + std::string(text) + "'");
}

bool IpAddress::is_v4() const { return std::memcmp(b_.data(), kMappedPrefix, 12) == 0; }

uint32_t IpAddress::v4() const {
  return (uint32_t{b_[12]} << 24) | (uint32_t{b_[13]} << 16) | (uint32_t{b_[14]} << 8) | b_[15];
}

bool IpAddress::is_unset() const {
  for (uint8_t x : b_)
    if (x) return false;
  return true;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {  // dotted quad by hand: inet_ntop goes through sprintf (a hot path when hunting)
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      unsigned v = b_[12 + i];
      if (v >= 100) {
        *p++ = static_cast<char>('0' + v / 100);
        v %= 100;
        *p++ = static_cast<char>('0' + v / 10);
        *p++ = static_cast<char>('0' + v % 10);
      } else if (v >= 10) {
        *p++ = static_cast<char>('0' + v / 10);
        *p++ = static_cast<char>('0' + v % 10);
      } else {
        *p++ = static_cast<char>('0' + v);
      }
      if (i < 3) *p++ = '.';
    }
    return std::string(buf, static_cast<size_t>(p - buf));
  }
  inet_ntop(AF_INET6, b_.data(), buf, sizeof buf);
  return buf;
}

size_t IpAddressHash::operator()(const IpAddress& a) const noexcept {
  uint64_t hi, lo;
  std::memcpy(&hi, a.bytes().data(), 8);
  std::memcpy(&lo, a.bytes().data() + 8, 8);
  uint64_t h = lo * 0x9E3779B97F4A7C15ULL ^ (hi + 0x632BE59BD9B4E019ULL + (lo << 6) + (lo >> 2));
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return static_cast<size_t>(h);
}

namespace {
IpAddress Mask(const IpAddress& a, int len128) {
  uint8_t b[16];
  std::memcpy(b, a.bytes().data(), 16);
  for (int i = 0; i < 16; ++i) {
    int bits = len128 - i * 8;
    if (bits >= 8) continue;
    if (bits <= 0) {
      b[i] = 0;
    } else {
      b[i] &= static_cast<uint8_t>(0xff << (8 - bits));
    }
  }
  return IpAddress::FromV6Bytes(b);
}
}  // namespace

Cidr::Cidr(IpAddress network, int prefix_len) {
  len128_ = network.is_v4() ? prefix_len + 96 : prefix_len;
  if (len128_ < 0) len128_ = 0;
  if (len128_ > 128) len128_ = 128;
  net_ = Mask(network, len128_);
}

Result<Cidr> Cidr::Parse(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view addr_text = text.substr(0, slash);
  ONUS_ASSIGN_OR_RETURN(IpAddress addr, IpAddress::Parse(addr_text));
  // An IPv6-written prefix ("::ffff:0:0/96") counts bits over all 128, even for v4-mapped space.
  bool v6_text = addr_text.find(':') != std::string_view::npos;
  int max = v6_text ? 128 : 32;
  int len = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return Status::InvalidArgument("invalid CIDR prefix in '" + std::string(text) + "'");
    len = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return Status::InvalidArgument("invalid CIDR prefix in '" + std::string(text) + "'");
      len = len * 10 + (c - '0');
    }
    if (len > max) return Status::InvalidArgument("CIDR prefix too long in '" + std::string(text) + "'");
  }
  Cidr c;
  c.len128_ = v6_text ? len : len + 96;
  c.net_ = Mask(addr, c.len128_);
  return c;
}

int Cidr::prefix_len() const { return is_v4() ? len128_ - 96 : len128_; }

bool Cidr::Contains(const IpAddress& a) const { return Mask(a, len128_) == net_; }

bool Cidr::Contains(const Cidr& inner) const {
  return inner.len128_ >= len128_ && Contains(inner.net_);
}

std::string Cidr::ToString() const {
  return net_.ToString() + "/" + std::to_string(prefix_len());
}

}  // namespace onus

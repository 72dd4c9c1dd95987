// IPv4/IPv6 addresses and CIDR prefixes.
// Contract: an IpAddress holds 16 bytes in network order; IPv4 is stored as the v4-mapped form
// ::ffff:a.b.c.d with is_v4() true. Parsing an IPv6 text "::ffff:1.2.3.4" yields the same address
// as "1.2.3.4" (they are one host on the wire), and formatting prints it as dotted IPv4.
// Cidr("1.2.3.4/24") is normalised to its network (1.2.3.0/24); IPv4 prefixes are stored as
// prefix+96 over the mapped space, so an IPv4 CIDR contains exactly the v4(-mapped) hosts.
// Thread-safety: value types.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "onus/core/result.h"

namespace onus {

class IpAddress {
 public:
  IpAddress() = default;  // "::" (unspecified IPv6)
  static IpAddress FromV4(uint32_t host_order);
  static IpAddress FromV4Bytes(const uint8_t bytes[4]);
  static IpAddress FromV6Bytes(const uint8_t bytes[16]);
  static Result<IpAddress> Parse(std::string_view text);

  bool is_v4() const;
  uint32_t v4() const;  // host order; only meaningful when is_v4()
  const std::array<uint8_t, 16>& bytes() const { return b_; }
  std::string ToString() const;
  // True for the all-zero address (used as "unset").
  bool is_unset() const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  std::array<uint8_t, 16> b_{};
};

class Cidr {
 public:
  Cidr() = default;
  Cidr(IpAddress network, int prefix_len);  // prefix_len in the address's own family (0..32 or 0..128)
  static Result<Cidr> Parse(std::string_view text);  // "10.0.0.0/8", "2001:db8::/32", or a bare address

  const IpAddress& network() const { return net_; }
  int prefix_len() const;  // in the address family's own terms
  int prefix_len128() const { return len128_; }
  bool is_v4() const { return net_.is_v4() && len128_ >= 96; }
  bool Contains(const IpAddress& a) const;
  bool Contains(const Cidr& inner) const;
  std::string ToString() const;

  auto operator<=>(const Cidr&) const = default;

 private:
  IpAddress net_;
  int len128_ = 0;
};

struct IpAddressHash {
  size_t operator()(const IpAddress& a) const noexcept;
};

}  // namespace onus

template <>
struct std::hash<onus::IpAddress> : onus::IpAddressHash {};

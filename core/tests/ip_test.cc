#include "onus/core/ip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

namespace onus {
namespace {

IpAddress Ip(const char* s) { return *IpAddress::Parse(s); }
Cidr Net(const char* s) { return *Cidr::Parse(s); }

TEST(Ip, ParseFormatRoundTrip) {
  EXPECT_EQ(Ip("10.1.2.3").ToString(), "10.1.2.3");
  EXPECT_TRUE(Ip("10.1.2.3").is_v4());
  EXPECT_EQ(Ip("10.1.2.3").v4(), 0x0a010203u);
  EXPECT_EQ(Ip("2001:DB8::1").ToString(), "2001:db8::1");
  EXPECT_FALSE(Ip("2001:db8::1").is_v4());
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/8", "gg::1", "01.2.3.4x"})
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
}

TEST(Ip, V4MappedV6IsTheSameHost) {
  EXPECT_EQ(Ip("::ffff:192.0.2.1"), Ip("192.0.2.1"));
  EXPECT_EQ(Ip("::ffff:192.0.2.1").ToString(), "192.0.2.1");
  EXPECT_TRUE(Net("192.0.2.0/24").Contains(Ip("::ffff:192.0.2.77")));
}

TEST(Cidr, EdgeCases) {
  EXPECT_TRUE(Net("0.0.0.0/0").Contains(Ip("255.255.255.255")));
  EXPECT_FALSE(Net("0.0.0.0/0").Contains(Ip("2001:db8::1")));  // IPv4 /0 is all of IPv4 only
  EXPECT_TRUE(Net("::/0").Contains(Ip("2001:db8::1")));
  EXPECT_TRUE(Net("::/0").Contains(Ip("1.2.3.4")));  // v4-mapped space is inside ::/0
  EXPECT_TRUE(Net("10.0.0.5/32").Contains(Ip("10.0.0.5")));
  EXPECT_FALSE(Net("10.0.0.5/32").Contains(Ip("10.0.0.6")));
  EXPECT_TRUE(Net("2001:db8::1/128").Contains(Ip("2001:db8::1")));
  EXPECT_FALSE(Net("2001:db8::1/128").Contains(Ip("2001:db8::2")));
  EXPECT_EQ(Net("10.1.2.3/8").ToString(), "10.0.0.0/8");
  EXPECT_EQ(Net("10.1.2.3/8").prefix_len(), 8);
  EXPECT_EQ(Net("2001:db8:ffff::/33").ToString(), "2001:db8:8000::/33");
  EXPECT_EQ(Net("1.2.3.4").prefix_len(), 32);
  EXPECT_TRUE(Net("10.0.0.0/8").Contains(Net("10.12.0.0/17")));
  EXPECT_FALSE(Net("10.12.0.0/17").Contains(Net("10.0.0.0/8")));
  EXPECT_TRUE(Net("::ffff:0:0/96").Contains(Ip("8.8.8.8")));
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x"})
    EXPECT_FALSE(Cidr::Parse(bad).ok()) << bad;
}

TEST(Ip, HashDistinguishesFamilies) {
  IpAddressHash h;
  EXPECT_EQ(h(Ip("1.2.3.4")), h(Ip("::ffff:1.2.3.4")));
  EXPECT_NE(h(Ip("1.2.3.4")), h(Ip("::102:304")));
}

TEST(IpAddress, DottedQuadAgreesWithInetNtopEverywhere) {
  // The v4 formatter is hand-written: compare it with inet_ntop on edge bytes and a sweep.
  const uint8_t edges[] = {0, 1, 9, 10, 11, 99, 100, 101, 109, 110, 199, 200, 209, 250, 255};
  uint32_t x = 2463534242u;  // xorshift32 state
  for (int i = 0; i < 20000; ++i) {
    uint8_t b[4];
    if (i < 15 * 15) {
      b[0] = b[2] = edges[i % 15];
      b[1] = b[3] = edges[i / 15];
    } else {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      std::memcpy(b, &x, 4);
    }
    char want[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, b, want, sizeof want), nullptr);
    auto ip = IpAddress::Parse(want);
    ASSERT_TRUE(ip.ok()) << want;
    EXPECT_EQ(ip->ToString(), want);
  }
}

}  // namespace
}  // namespace onus

#include "onus/core/community_id.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "onus/core/hash.h"

namespace onus {
namespace {

IpAddress Ip(const char* s) { return *IpAddress::Parse(s); }

// Published vectors: corelight/community-id-spec baseline, as used in Zeek's community_id_v1 test.
TEST(CommunityId, PublishedVectorsSeed0) {
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 6, 1122, 3344), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  EXPECT_EQ(CommunityIdV1(Ip("5.6.7.8"), Ip("1.2.3.4"), 6, 3344, 1122), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 17, 1122, 3344), "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 1, 8, 0), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
  EXPECT_EQ(CommunityIdV1(Ip("5.6.7.8"), Ip("1.2.3.4"), 1, 0, 0), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
  EXPECT_EQ(CommunityIdV1(Ip("fe80:0001:0203:0405:0607:0809:0A0B:0C0D"), Ip("fe80:1011:1213:1415:1617:1819:1A1B:1C1D"),
                          58, 128, 0),
            "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 46, 0, 0), "1:ikv3kmf89luf73WPz1jOs49S768=");
}

TEST(CommunityId, PublishedVectorsSeed1) {
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 6, 1122, 3344, 1), "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 17, 1122, 3344, 1), "1:OShq+iKDAMVouh/4bMxB9Sz4amw=");
  EXPECT_EQ(CommunityIdV1(Ip("1.2.3.4"), Ip("5.6.7.8"), 1, 8, 0, 1), "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
  EXPECT_EQ(CommunityIdV1(Ip("fe80:0001:0203:0405:0607:0809:0A0B:0C0D"), Ip("fe80:1011:1213:1415:1617:1819:1A1B:1C1D"),
                          58, 128, 0, 1),
            "1:IO27GQzPuCtNnwFvjWALMHu5tJE=");
}

TEST(CommunityId, DirectionIndependentForSameAddresses) {
  EXPECT_EQ(CommunityIdV1(Ip("10.0.0.1"), Ip("10.0.0.1"), 6, 80, 5000),
            CommunityIdV1(Ip("10.0.0.1"), Ip("10.0.0.1"), 6, 5000, 80));
}

TEST(CommunityId, IntoWritesTheSameTextWithoutAllocating) {
  char out[kCommunityIdV1Size];
  EXPECT_EQ(CommunityIdV1Into(Ip("1.2.3.4"), Ip("5.6.7.8"), 6, 1122, 3344, out), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  EXPECT_EQ(CommunityIdV1Into(Ip("1.2.3.4"), Ip("5.6.7.8"), 1, 8, 0, out, 1), "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
  EXPECT_EQ(CommunityIdV1Into(Ip("fe80:0001:0203:0405:0607:0809:0A0B:0C0D"),
                              Ip("fe80:1011:1213:1415:1617:1819:1A1B:1C1D"), 58, 128, 0, out, 1),
            "1:IO27GQzPuCtNnwFvjWALMHu5tJE=");
}

// The spec's construction written out independently (core's Sha1Raw + Base64Encode), compared with
// both entry points over random flows of every family and protocol class.
std::string Reference(const IpAddress& a, const IpAddress& b, uint8_t proto, uint16_t ap, uint16_t bp,
                      uint16_t seed) {
  bool v4 = a.is_v4() && b.is_v4();
  auto addr = [&](const IpAddress& x) {
    return std::string(reinterpret_cast<const char*>(x.bytes().data()) + (v4 ? 12 : 0), v4 ? 4 : 16);
  };
  std::string sa = addr(a), sb = addr(b);
  bool ports = proto == 6 || proto == 17 || proto == 132;
  if (!ports || proto == 1 || proto == 58) ap = bp = 0;
  if (sb < sa || (sb == sa && bp < ap)) {
    std::swap(sa, sb);
    std::swap(ap, bp);
  }
  std::string buf;
  buf += static_cast<char>(seed >> 8);
  buf += static_cast<char>(seed & 0xff);
  buf += sa + sb;
  buf += static_cast<char>(proto);
  buf += '\0';
  if (ports) {
    buf += static_cast<char>(ap >> 8);
    buf += static_cast<char>(ap & 0xff);
    buf += static_cast<char>(bp >> 8);
    buf += static_cast<char>(bp & 0xff);
  }
  return "1:" + Base64Encode(Sha1Raw(buf));
}

TEST(CommunityId, RandomFlowsMatchTheSpecConstruction) {
  std::mt19937_64 rng(42);
  char out[kCommunityIdV1Size];
  const uint8_t protos[] = {6, 17, 132, 47, 50};
  for (int i = 0; i < 2000; ++i) {
    uint8_t raw[2][16];
    for (auto& r : raw)
      for (auto& x : r) x = static_cast<uint8_t>(rng() & (i % 7 == 0 ? 1 : 0xff));  // many equal addresses
    bool v4 = i % 2 == 0;
    IpAddress a = v4 ? IpAddress::FromV4Bytes(raw[0]) : IpAddress::FromV6Bytes(raw[0]);
    IpAddress b = v4 ? IpAddress::FromV4Bytes(raw[1]) : IpAddress::FromV6Bytes(raw[1]);
    uint8_t proto = protos[rng() % 5];
    auto ap = static_cast<uint16_t>(rng() % (i % 5 == 0 ? 3 : 65536));
    auto bp = static_cast<uint16_t>(rng() % (i % 5 == 0 ? 3 : 65536));
    auto seed = static_cast<uint16_t>(i % 3 == 0 ? rng() : 0);
    std::string want = Reference(a, b, proto, ap, bp, seed);
    ASSERT_EQ(CommunityIdV1(a, b, proto, ap, bp, seed), want) << i;
    ASSERT_EQ(CommunityIdV1Into(b, a, proto, bp, ap, out, seed), want) << i;
  }
}

}  // namespace
}  // namespace onus

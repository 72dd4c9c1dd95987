#include "onus/core/community_id.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace onus

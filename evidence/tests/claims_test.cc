#include "onus/evidence/claims.h"

#include <gtest/gtest.h>

#include <string>

namespace onus::evidence {
namespace {

const char* kGood = R"({
  "claims": [
    {"id": "C1", "source": {"name": "vendor", "type": "vendor", "date": "2021-07-08", "grade": "B2", "derived_from": []},
     "text": "t",
     "propositions": [{"kind": "intrusion", "site": "S1"}, {"kind": "nexus", "country": "cn"}]},
    {"id": "C2",
     "source": {"name": "paper", "grade": "C3", "derived_from": ["C1"], "ingestible_evidence": false},
     "propositions": [{"kind": "causation", "site": "S1", "event": "E1", "negated": true, "hedge": "may well",
                       "from": "2021-06-01T00:00:00Z"}]},
    {"id": "C3", "source": {"name": "ministry", "type": "accused-party", "grade": "F6"},
     "propositions": [{"kind": "cluster", "sites": ["S1", "S2"]}]}
  ]
})";

TEST(ClaimSet, ParsesPropositionsSourcesAndLines) {
  auto r = ClaimSet::Parse(kGood, "claims.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& c = r->claims();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].id, "C1");
  EXPECT_EQ(c[0].line, 3);
  EXPECT_EQ(c[1].line, 6);
  EXPECT_TRUE(c[0].independent());
  EXPECT_FALSE(c[1].independent());
  EXPECT_FALSE(c[1].source.ingestible_evidence);
  EXPECT_EQ(c[0].propositions[1].country, "CN");
  EXPECT_TRUE(c[1].propositions[0].negated);
  ASSERT_TRUE(c[1].propositions[0].from.has_value());
  EXPECT_EQ(c[2].propositions[0].sites.size(), 2u);
  EXPECT_TRUE(c[2].interested_party());
  EXPECT_FALSE(c[0].interested_party());
  EXPECT_EQ(r->sha256().size(), 64u);
}

TEST(ClaimSet, RejectsMalformedInputWithWhere) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"", "not valid JSON"},
      {"{\"claims\": [", "not valid JSON"},  // truncated
      {"[]", "not an object"},
      {"{}", "no \"claims\" array"},
      {"{\"claims\": {}}", "no \"claims\" array"},
      {"{\"claims\": [1]}", "claims[0]"},
      {"{\"claims\": [{\"propositions\": []}]}", "no \"id\""},
      {"{\"claims\": [{\"id\": \"a\"}]}", "no \"propositions\""},
      {"{\"claims\": [{\"id\": \"a\", \"propositions\": [{}]}]}", "no \"kind\""},
      {"{\"claims\": [{\"id\": \"a\", \"propositions\": [{\"kind\": \"blame\"}]}]}", "unknown kind"},
      {"{\"claims\": [{\"id\": \"a\", \"propositions\": [{\"kind\": \"intrusion\", \"from\": \"yesterday\"}]}]}", "RFC 3339"},
      {"{\"claims\": [{\"id\": \"a\", \"source\": 5, \"propositions\": []}]}", "source"},
      {"{\"claims\": [{\"id\": \"a\", \"propositions\": []}, {\"id\": \"a\", \"propositions\": []}]}", "duplicate"},
      {"\xff\xfe{\"claims\": []}", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto r = ClaimSet::Parse(c.text, "x.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("x.json"), std::string::npos);
  }
}

TEST(ClaimSet, WrongTypesAreIgnoredNotFatal) {
  auto r = ClaimSet::Parse(R"({"claims": [{"id": "a", "text": 5, "source": {"name": 3, "derived_from": "x"},
      "propositions": [{"kind": "actor", "actor": ["x"], "negated": "yes", "sites": [1, "S"]}]}]})", "y.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& p = r->claims()[0].propositions[0];
  EXPECT_TRUE(p.actor.empty());
  EXPECT_FALSE(p.negated);
  EXPECT_EQ(p.sites, std::vector<std::string>{"S"});
  EXPECT_TRUE(r->claims()[0].independent());
}

TEST(ClaimSet, DeepNestingIsRejectedOrIgnoredWithoutCrash) {
  std::string deep = "{\"claims\": [{\"id\": \"a\", \"x\": ";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += ", \"propositions\": []}]}";
  auto r = ClaimSet::Parse(deep, "deep.json");
  (void)r;  // either outcome is fine; it must not crash
  SUCCEED();
}

TEST(ClaimSet, LoadMissingFileNamesIt) {
  auto r = ClaimSet::Load("/nonexistent/claims.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/claims.json"), std::string::npos);
}

}  // namespace
}  // namespace onus::evidence

#include "onus/core/case_context.h"

#include <gtest/gtest.h>

namespace onus {
namespace {

const char* kContext = R"({
  "sites": [
    {"id": "CTRL-1", "name": "Regional grid control centre", "sector": "energy",
     "segments": [{"id": "it", "kind": "it", "cidrs": ["10.12.0.0/17"]},
                  {"id": "ot", "kind": "ot", "cidrs": ["10.12.128.0/17"]},
                  {"id": "scada", "kind": "ot", "cidrs": ["10.12.200.0/24"]}],
     "egress": ["203.0.113.7"]}
  ],
  "telemetry": [
    {"site": "CTRL-1", "from": "2021-03-01T00:00:00Z", "to": "2021-03-08T00:00:00Z", "kinds": ["conn", "dns"]}
  ],
  "events": [
    {"id": "outage-1", "kind": "power-outage", "site": "CTRL-1", "segment": "ot",
     "from": "2021-03-05T04:28:00Z", "to": "2021-03-05T16:00:00Z",
     "cause_established": {"kind": "physical", "text": "line trips", "grade": "B2"}}
  ],
  "infrastructure": [
    {"value": "198.51.100.23", "kind": "compromised-device", "source": "R7", "grade": "B2"},
    {"value": "camdvr.org", "kind": "dynamic-dns"},
    {"value": "192.0.2.0/24", "kind": "cdn"}
  ]
})";

IpAddress Ip(const char* s) { return *IpAddress::Parse(s); }

TEST(CaseContext, ParsesAndLocates) {
  auto c = CaseContext::Parse(kContext, "ctx.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->sites().size(), 1u);
  EXPECT_EQ(c->sites()[0].line, 3);
  EXPECT_EQ(c->Locate(Ip("10.12.1.5")).segment, "it");
  EXPECT_EQ(c->Locate(Ip("10.12.200.9")).segment, "scada");  // most specific wins
  EXPECT_EQ(c->Locate(Ip("10.12.129.9")).segment_kind, "ot");
  EXPECT_EQ(c->Locate(Ip("203.0.113.7")).segment, "egress");
  EXPECT_FALSE(c->Locate(Ip("8.8.8.8")).found());
  EXPECT_TRUE(c->IsInternal(Ip("10.12.0.1")));
  ASSERT_EQ(c->events().size(), 1u);
  EXPECT_TRUE(c->events()[0].has_cause);
  EXPECT_EQ(c->events()[0].line, 13);
  EXPECT_EQ(c->infrastructure()[2].line, 20);
}

TEST(CaseContext, NotesAndWatchedWindows) {
  auto c = CaseContext::Parse(kContext, "ctx.json");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->NotesFor("198.51.100.23").size(), 1u);
  EXPECT_EQ(c->NotesFor("gate-cam01.camdvr.org").size(), 1u);
  EXPECT_EQ(c->NotesFor("notcamdvr.org").size(), 0u);
  EXPECT_EQ(c->NotesFor("192.0.2.77").size(), 1u);
  auto t = *ParseRfc3339("2021-03-02T00:00:00Z");
  EXPECT_TRUE(c->Watched("CTRL-1", "dns", t));
  EXPECT_FALSE(c->Watched("CTRL-1", "http", t));
  EXPECT_FALSE(c->Watched("CTRL-1", "conn", *ParseRfc3339("2021-03-09T00:00:00Z")));
}

TEST(CaseContext, RejectsBadInputNamingWhere) {
  auto bad_json = CaseContext::Parse("{\"sites\": [", "c.json");
  EXPECT_FALSE(bad_json.ok());
  auto bad_cidr = CaseContext::Parse(R"({"sites": [{"id": "A", "segments": [{"id": "it", "cidrs": ["10.0.0.0/99"]}]}]})",
                                     "c.json");
  ASSERT_FALSE(bad_cidr.ok());
  EXPECT_NE(bad_cidr.status().message().find("sites[0]"), std::string::npos);
  auto bad_time = CaseContext::Parse(R"({"events": [{"id": "e", "from": "yesterday"}]})", "c.json");
  EXPECT_FALSE(bad_time.ok());
  auto empty = CaseContext::Parse("{}", "c.json");
  EXPECT_TRUE(empty.ok());
}

TEST(CaseContext, LoadsPortgridContext) {
  auto c = CaseContext::Load(std::string(ONUS_SHARED_DIR) + "/data/scenarios/portgrid/context.json");
  if (!c.ok()) GTEST_SKIP() << "shared data not present";
  EXPECT_EQ(c->sites().size(), 5u);
  EXPECT_EQ(c->Locate(Ip("10.40.10.51")).site, "GRID-TX");
  EXPECT_EQ(c->sha256().size(), 64u);
}

TEST(ArrayElementLines, IgnoresNestedAndStrings) {
  std::string t = "{\n \"x\": \"[{\",\n \"claims\": [\n  {\"a\": [{}]},\n  {\"b\": \"}\"}\n ]\n}";
  EXPECT_EQ(ArrayElementLines(t, "claims"), (std::vector<int>{4, 5}));
  EXPECT_TRUE(ArrayElementLines(t, "missing").empty());
}

TEST(ArrayElementMemberLines, TheElementsOwnMemberOrItsFirstLine) {
  // Element 1 names "id" in a nested object and in a string before its own "id"; element 2 has
  // none (its first line); element 3 has the value "id" but no such key.
  std::string t =
      "{\n \"claims\": [\n  {\"n\": {\"id\": 1}, \"s\": \"\\\"id\\\": 2\",\n   \"id\": \"c1\"},\n"
      "  {\"x\": 1},\n  {\"y\": \"id\",\n   \"z\": 2}\n ],\n \"id\": 9\n}";
  EXPECT_EQ(ArrayElementMemberLines(t, "claims", "id"), (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(ArrayElementLines(t, "claims"), (std::vector<int>{3, 5, 6}));
  EXPECT_TRUE(ArrayElementMemberLines(t, "missing", "id").empty());
  std::vector<int> elements;
  ArrayElementMemberLines(t, "claims", "id", &elements);
  EXPECT_EQ(elements, ArrayElementLines(t, "claims"));
  // Cut off inside the array, inside a key, inside an escape: what was seen, nothing invented.
  for (size_t cut : {t.find("\"id\": \"c1") + 2, t.find("\\\""), t.find("{\"y")}) {
    std::vector<int> part_elements;
    auto part = ArrayElementMemberLines(t.substr(0, cut), "claims", "id", &part_elements);
    ASSERT_EQ(part.size(), part_elements.size()) << cut;
    for (size_t i = 0; i < part.size(); ++i) EXPECT_GE(part[i], part_elements[i]) << cut;
  }
}

}  // namespace
}  // namespace onus

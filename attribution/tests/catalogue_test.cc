#include "onus/attribution/catalogue.h"

#include <gtest/gtest.h>

#include <string>

#include "onus/core/file.h"

namespace onus::attribution {
namespace {

// A small STIX 2.1 bundle: two groups (one revoked), a campaign attributed to G1, techniques
// with a sub-technique, malware and a tool, and uses relations with citations.
std::string SmallBundle() {
  return R"({"type":"bundle","id":"bundle--1","objects":[
 {"type":"intrusion-set","id":"intrusion-set--g1","name":"Group One","aliases":["G-One","Group One"],
  "modified":"2024-01-01T00:00:00Z","external_references":[{"source_name":"mitre-attack","external_id":"G9001"}]},
 {"type":"intrusion-set","id":"intrusion-set--g2","name":"Group Two","modified":"2024-01-01T00:00:00Z"},
 {"type":"intrusion-set","id":"intrusion-set--old","name":"Old","revoked":true},
 {"type":"intrusion-set","id":"intrusion-set--dep","name":"Dep","x_mitre_deprecated":true},
 {"type":"campaign","id":"campaign--c1","name":"C1"},
 {"type":"attack-pattern","id":"attack-pattern--t1","name":"Cmd","external_references":[{"source_name":"mitre-attack","external_id":"T1059"}]},
 {"type":"attack-pattern","id":"attack-pattern--t1a","name":"PowerShell","external_references":[{"source_name":"mitre-attack","external_id":"T1059.001"}]},
 {"type":"attack-pattern","id":"attack-pattern--t2","name":"Phish","external_references":[{"source_name":"mitre-attack","external_id":"T1566"}]},
 {"type":"attack-pattern","id":"attack-pattern--gone","name":"Gone","revoked":true},
 {"type":"malware","id":"malware--m1","name":"Implant","x_mitre_aliases":["Imp"]},
 {"type":"tool","id":"tool--x1","name":"Mimikatz"},
 {"type":"identity","id":"identity--i","name":"someone"},
 {"type":"relationship","id":"relationship--1","relationship_type":"uses","source_ref":"intrusion-set--g1","target_ref":"attack-pattern--t1a",
  "external_references":[{"source_name":"Report A"},{"source_name":"Report B"}]},
 {"type":"relationship","id":"relationship--2","relationship_type":"uses","source_ref":"intrusion-set--g1","target_ref":"malware--m1",
  "external_references":[{"source_name":"Report A"}]},
 {"type":"relationship","id":"relationship--3","relationship_type":"uses","source_ref":"intrusion-set--g2","target_ref":"tool--x1"},
 {"type":"relationship","id":"relationship--4","relationship_type":"attributed-to","source_ref":"campaign--c1","target_ref":"intrusion-set--g2"},
 {"type":"relationship","id":"relationship--5","relationship_type":"uses","source_ref":"campaign--c1","target_ref":"attack-pattern--t2",
  "external_references":[{"source_name":"Report C"}]},
 {"type":"relationship","id":"relationship--6","relationship_type":"uses","source_ref":"intrusion-set--g1","target_ref":"attack-pattern--gone"},
 {"type":"relationship","id":"relationship--7","relationship_type":"uses","source_ref":"intrusion-set--g2","target_ref":"malware--m1","revoked":true},
 {"type":"relationship","id":"relationship--8","relationship_type":"revoked-by","source_ref":"intrusion-set--old","target_ref":"intrusion-set--g1"},
 {"type":"relationship","id":"relationship--9","relationship_type":"uses","source_ref":"malware--m1","target_ref":"attack-pattern--t2"},
 {"type":"relationship","id":"relationship--10","relationship_type":"uses","source_ref":"intrusion-set--g1","target_ref":"attack-pattern--nowhere"}
]})";
}

Catalogue Load(const std::string& text) {
  CatalogueBuilder b;
  EXPECT_TRUE(b.AddBundleText(text, "small.json").ok());
  auto c = b.Build();
  EXPECT_TRUE(c.ok());
  return std::move(c).value();
}

TEST(Catalogue, LoadsGroupsTargetsAndUses) {
  Catalogue c = Load(SmallBundle());
  ASSERT_EQ(c.groups().size(), 2u);  // revoked and deprecated skipped
  EXPECT_EQ(c.groups()[0].stix_id, "intrusion-set--g1");
  EXPECT_EQ(c.groups()[0].external_id, "G9001");
  EXPECT_EQ(c.groups()[0].aliases, (std::vector<std::string>{"G-One", "Group One"}));
  EXPECT_EQ(c.targets().size(), 5u);  // t1, t1a, t2, m1, x1 (revoked attack-pattern skipped)
  const auto t1a = c.FindTargetByExternalId("T1059.001");
  ASSERT_TRUE(t1a);
  ASSERT_TRUE(c.ParentTechnique(*t1a));
  EXPECT_EQ(c.targets()[*c.ParentTechnique(*t1a)].external_id, "T1059");
  const auto m1 = c.FindTarget("malware--m1");
  ASSERT_TRUE(m1);
  EXPECT_EQ(c.targets()[*m1].aliases, std::vector<std::string>{"Imp"});
  // uses: g1→t1a, g1→m1, g2→x1, g2→t2 (via campaign). Revoked/dangling ones dropped.
  ASSERT_EQ(c.uses().size(), 4u);
  EXPECT_EQ(c.uses()[0].citations, (std::vector<std::string>{"Report A", "Report B"}));
  bool via_campaign = false;
  for (const auto& u : c.uses()) {
    if (!u.via_campaigns.empty()) {
      via_campaign = true;
      EXPECT_EQ(c.groups()[u.group].stix_id, "intrusion-set--g2");
      EXPECT_EQ(u.via_campaigns[0], "campaign--c1");
      EXPECT_FALSE(u.direct);
    }
  }
  EXPECT_TRUE(via_campaign);
  EXPECT_EQ(c.software_techniques().size(), 1u);
  EXPECT_EQ(c.stats().dangling_relationships, 2u);  // --gone (revoked target) and --nowhere
  EXPECT_GE(c.stats().ignored_objects, 1u);
  EXPECT_EQ(c.sources()[0].path, "small.json");
}

TEST(Catalogue, RevokedIdsRedirect) {
  Catalogue c = Load(SmallBundle());
  auto g = c.FindGroup("intrusion-set--old");
  ASSERT_TRUE(g);
  EXPECT_EQ(c.groups()[*g].stix_id, "intrusion-set--g1");
  EXPECT_FALSE(c.FindGroup("intrusion-set--dep"));
}

TEST(Catalogue, WithoutCitationDropsOnlyUnsupportedRelations) {
  Catalogue c = Load(SmallBundle());
  const uint32_t g1 = *c.FindGroup("intrusion-set--g1");
  Catalogue h = c.WithoutCitation(g1, "Report A");
  // g1→t1a keeps Report B; g1→m1 loses its only support.
  ASSERT_EQ(h.uses().size(), 3u);
  for (const auto& u : h.uses()) {
    if (u.group == g1) {
      EXPECT_EQ(h.targets()[u.target].external_id, "T1059.001");
      EXPECT_EQ(u.citations, std::vector<std::string>{"Report B"});
    }
  }
  EXPECT_EQ(c.uses().size(), 4u);  // the original is unchanged
}

TEST(Catalogue, WithoutRelationsCitingDropsEveryRelationTheReportSupports) {
  Catalogue c = Load(SmallBundle());
  const uint32_t g1 = *c.FindGroup("intrusion-set--g1");
  Catalogue h = c.WithoutRelationsCiting(g1, "Report A");
  // Both of g1's relations cite Report A: both go, even g1→t1a which Report B also states.
  ASSERT_EQ(h.uses().size(), 2u);
  for (const auto& u : h.uses()) EXPECT_NE(u.group, g1);
  EXPECT_EQ(c.uses().size(), 4u);
  // A report nobody cites changes nothing.
  EXPECT_EQ(c.WithoutRelationsCiting(g1, "Report Z").uses().size(), 4u);
}

TEST(Catalogue, WithoutGroupReindexes) {
  Catalogue c = Load(SmallBundle());
  Catalogue h = c.WithoutGroup(0);
  ASSERT_EQ(h.groups().size(), 1u);
  EXPECT_EQ(h.groups()[0].stix_id, "intrusion-set--g2");
  EXPECT_FALSE(h.FindGroup("intrusion-set--g1"));
  for (const auto& u : h.uses()) EXPECT_EQ(u.group, 0u);
  EXPECT_EQ(h.uses().size(), 2u);
}

TEST(Catalogue, CopiesKeepWorkingLookups) {
  Catalogue c = Load(SmallBundle());
  Catalogue copy = c;
  Catalogue moved = std::move(c);
  EXPECT_TRUE(copy.FindTargetByExternalId("T1566"));
  EXPECT_TRUE(moved.FindTargetByExternalId("T1566"));
  EXPECT_TRUE(moved.FindGroupByExternalId("G9001"));
}

TEST(Catalogue, DuplicateObjectsLatestModifiedWins) {
  CatalogueBuilder b;
  ASSERT_TRUE(b.AddBundleText(R"({"type":"bundle","objects":[{"type":"intrusion-set","id":"intrusion-set--a","name":"New","modified":"2025-01-01T00:00:00Z"}]})", "a").ok());
  ASSERT_TRUE(b.AddBundleText(R"({"type":"bundle","objects":[{"type":"intrusion-set","id":"intrusion-set--a","name":"Old","modified":"2020-01-01T00:00:00Z"}]})", "b").ok());
  auto c = b.Build();
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->groups().size(), 1u);
  EXPECT_EQ(c->groups()[0].name, "New");
  EXPECT_EQ(c->sources().size(), 2u);
}

TEST(Catalogue, RejectsWhatIsNotABundle) {
  for (const char* text : {"", "{", "[1,2]", "{\"type\":\"indicator\"}", "{\"type\":\"bundle\",\"objects\":3}",
                           "\"bundle\"", "{\"type\":\"bundle\",\"objects\":[{\"type\":\"intrusion-set\"", "nul"}) {
    CatalogueBuilder b;
    Status st = b.AddBundleText(text, "bad.json");
    EXPECT_FALSE(st.ok()) << text;
    EXPECT_NE(st.message().find("bad.json"), std::string::npos) << st.message();
  }
}

TEST(Catalogue, HostileObjectsAreSkippedNotFatal) {
  CatalogueBuilder b;
  ASSERT_TRUE(b.AddBundleText(R"({"type":"bundle","objects":[1,"x",null,{"type":3},{"id":"intrusion-set--x"},
     {"type":"relationship","id":"relationship--x"},{"type":"intrusion-set","id":"intrusion-set--ok","name":7,"aliases":[1,null,"A"]}]})",
                              "h").ok());
  auto c = b.Build();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->groups().size(), 1u);
  EXPECT_EQ(c->groups()[0].aliases, std::vector<std::string>{"A"});
  EXPECT_EQ(c->stats().malformed_objects, 6u);
}

TEST(Catalogue, MissingFileNamesThePath) {
  auto c = LoadCatalogue({"/nonexistent/catalogue.json"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_NE(c.status().message().find("/nonexistent/catalogue.json"), std::string::npos);
}

TEST(Catalogue, AttackEnterpriseBundleCounts) {
  const std::string path = std::string(ONUS_SHARED_DIR) + "/data/attack/enterprise-attack-bundle.json.gz";
  if (!FileExists(path)) GTEST_SKIP() << "no " << path;
  auto c = LoadCatalogue({path});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // MANIFEST.md: live groups 172, software 784, techniques 691.
  EXPECT_EQ(c->groups().size(), 172u);
  size_t software = 0, techniques = 0;
  for (const auto& t : c->targets()) (IsSoftware(t.kind) ? software : techniques)++;
  EXPECT_EQ(software, 784u);
  EXPECT_EQ(techniques, 691u);
  // 5466 intrusion-set uses plus those credited through campaigns, merged per (group, target).
  EXPECT_GE(c->uses().size(), 5466u);
  size_t direct = 0;
  for (const auto& u : c->uses()) direct += u.direct;
  EXPECT_EQ(direct, 5466u);
  EXPECT_EQ(c->sources()[0].sha256.size(), 64u);
  auto apt28 = c->FindGroupByExternalId("G0007");
  ASSERT_TRUE(apt28);
  EXPECT_EQ(c->groups()[*apt28].name, "APT28");
}

}  // namespace
}  // namespace onus::attribution

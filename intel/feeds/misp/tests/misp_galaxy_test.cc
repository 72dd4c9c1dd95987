// MISP galaxy cluster files: mapping to STIX objects, nexus assertions, provenance lines, reference
// galaxies refused, hostile input.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "feed.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

const std::string kShared = std::string(ONUS_SHARED_DIR) + "/data/";

Result<IntelBundle> Load(std::string_view text) {
  IntelBundle b;
  detail::CollectingSink sink(&b, 100);
  Status st = detail::LoadMispGalaxyText(text, {"galaxy.json", "misp-galaxy"}, {}, sink);
  if (!st.ok()) return st;
  return b;
}

std::map<std::string, const StixObject*> ById(const IntelBundle& b) {
  std::map<std::string, const StixObject*> m;
  for (const auto& o : b.objects) m[o.id] = &o;
  return m;
}

const char kActors[] = R"({
  "authors": ["onus tests"],
  "category": "actor",
  "name": "Threat Actor",
  "source": "Example Galaxy Project",
  "type": "threat-actor",
  "uuid": "7cdff317-a673-4474-84ec-4f1754947823",
  "values": [
    {
      "description": "A synthetic group.",
      "meta": {
        "attribution-confidence": "50",
        "country": "cn",
        "refs": ["https://example.invalid/report"],
        "synonyms": ["Example Group", "EXAMPLE PANDA", "EXG"]
      },
      "uuid": "11111111-1111-4111-8111-111111111111",
      "value": "EXAMPLE PANDA"
    },
    {
      "meta": {"country": "mideast", "synonyms": ["Nowhere"]},
      "uuid": "not-a-uuid",
      "value": "Regional Group"
    },
    {"meta": {"country": "IR", "attribution-confidence": 700}, "value": "Kitten - G9999"},
    {"description": "no value"},
    42
  ]
})";

TEST(MispGalaxy, ActorsBecomeIntrusionSetsWithTheirNexus) {
  auto r = Load(kActors);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IntelBundle& b = *r;
  EXPECT_EQ(b.records, 5);
  EXPECT_EQ(b.skipped_count, 2);  // no value; not an object
  EXPECT_TRUE(b.indicators.empty());
  ASSERT_EQ(b.sources.size(), 1u);
  EXPECT_EQ(b.sources[0].name, "Example Galaxy Project");
  EXPECT_EQ(b.sources[0].grade, kDefaultGrade);
  auto by = ById(b);

  const StixObject* panda = by["intrusion-set--11111111-1111-4111-8111-111111111111"];
  ASSERT_NE(panda, nullptr);
  EXPECT_EQ(panda->name, "EXAMPLE PANDA");
  EXPECT_EQ(panda->aliases, (std::vector<std::string>{"Example Group", "EXG"}));  // the name itself dropped
  EXPECT_EQ(panda->line, 18);  // the "value" line
  auto pj = nlohmann::json::parse(panda->json);
  EXPECT_EQ(pj["description"], "A synthetic group.");
  EXPECT_EQ(pj["external_references"][0]["url"], "https://example.invalid/report");

  // The country is the galaxy's nexus assertion: a location and an originates-from relationship.
  std::string cn = DeterministicId("location", "country|CN");
  ASSERT_NE(by[cn], nullptr);
  EXPECT_EQ(nlohmann::json::parse(by[cn]->json)["country"], "CN");
  int rels = 0;
  for (const auto& o : b.objects) {
    if (o.type != "relationship") continue;
    auto j = nlohmann::json::parse(o.json);
    EXPECT_EQ(j["relationship_type"], "originates-from");
    if (j["source_ref"] == panda->id) {
      EXPECT_EQ(j["target_ref"], cn);
      EXPECT_EQ(j["confidence"], 50);
      EXPECT_EQ(o.line, 13);  // the "country" line
    } else {
      // "Kitten": an out-of-range confidence is left out, not clamped.
      EXPECT_FALSE(j.contains("confidence"));
      EXPECT_EQ(j["target_ref"], DeterministicId("location", "country|IR"));
    }
    ++rels;
  }
  EXPECT_EQ(rels, 2);  // "mideast" is no ISO country: no nexus

  // Without a uuid the id is deterministic; an ATT&CK suffix becomes the external id.
  const StixObject* regional = nullptr;
  const StixObject* kitten = nullptr;
  for (const auto& o : b.objects) {
    if (o.name == "Regional Group") regional = &o;
    if (o.name == "Kitten") kitten = &o;
  }
  ASSERT_NE(regional, nullptr);
  EXPECT_EQ(regional->id, DeterministicId("intrusion-set", "misp-galaxy|intrusion-set|regional group"));
  ASSERT_NE(kitten, nullptr);
  EXPECT_EQ(kitten->external_id, "G9999");
  auto again = Load(kActors);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ById(*again).count(regional->id), 1u);
}

TEST(MispGalaxy, SoftwareAndTechniqueGalaxiesAndReferenceGalaxies) {
  auto malware = Load(R"({"type":"mitre-malware","category":"tool","uuid":"u","authors":[],"values":[
    {"value":"ExampleRAT - S9999","uuid":"44444444-4444-4444-8444-444444444444","meta":{"external_id":["S9999"]}}]})");
  ASSERT_TRUE(malware.ok()) << malware.status().ToString();
  ASSERT_EQ(malware->objects.size(), 1u);
  EXPECT_EQ(malware->objects[0].id, "malware--44444444-4444-4444-8444-444444444444");
  EXPECT_EQ(malware->objects[0].name, "ExampleRAT");
  EXPECT_EQ(malware->objects[0].external_id, "S9999");
  EXPECT_EQ(nlohmann::json::parse(malware->objects[0].json)["is_family"], true);

  auto tool = Load(R"({"type":"tool","category":"tool","uuid":"u","authors":[],"values":[{"value":"ExampleTool"}]})");
  ASSERT_TRUE(tool.ok());
  EXPECT_EQ(tool->objects.at(0).type, "tool");
  // A tool's country is not a nexus (only actors have one).
  auto tool_country = Load(R"({"type":"tool","category":"tool","uuid":"u","authors":[],
    "values":[{"value":"T","meta":{"country":"CN"}}]})");
  ASSERT_TRUE(tool_country.ok());
  EXPECT_EQ(tool_country->objects.size(), 1u);

  auto country = Load(R"({"type":"country","category":"country","uuid":"u","authors":[],"values":[{"value":"x"}]})");
  EXPECT_EQ(country.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(country.status().ToString().find("reference data"), std::string::npos);
}

TEST(MispGalaxy, HostileInputFailsCleanly) {
  std::string text(kActors);
  EXPECT_EQ(Load(text.substr(0, text.size() / 2)).status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(Load(R"({"type":"threat-actor","values":{}})").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(Load("[]").status().code(), StatusCode::kCorrupt);
  auto odd = Load(R"({"type":"threat-actor","uuid":"x","authors":[],"values":[{"value":"X",
    "meta":{"country":5,"synonyms":"Y","attribution-confidence":"50%","refs":[1,"https://x.invalid"]}}]})");
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  ASSERT_EQ(odd->objects.size(), 1u);
  EXPECT_EQ(odd->objects[0].aliases, std::vector<std::string>{"Y"});
}

TEST(MispGalaxy, SharedGalaxiesAreDetectedAndLoaded) {
  std::string dir = kShared + "misp/misp-galaxy/clusters/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  EXPECT_EQ(*DetectFormat(dir + "threat-actor.json"), "misp-galaxy");
  auto r = LoadIntel(dir + "threat-actor.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "misp-galaxy");
  EXPECT_EQ(r->records, 1041);
  EXPECT_EQ(r->skipped_count, 0);
  const StixObject* apt1 = nullptr;
  size_t nexus = 0;
  for (const auto& o : r->objects) {
    if (o.type == "intrusion-set" && o.name == "APT1") apt1 = &o;
    if (o.type == "relationship") ++nexus;
  }
  ASSERT_NE(apt1, nullptr);
  EXPECT_NE(std::find(apt1->aliases.begin(), apt1->aliases.end(), "Comment Crew"), apt1->aliases.end());
  EXPECT_GT(nexus, 400u);  // 477 clusters name an ISO country
  EXPECT_EQ(LoadIntel(dir + "sector.json").status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace onus::intel

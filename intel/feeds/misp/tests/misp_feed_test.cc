#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "feed.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

const std::string kData = std::string(ONUS_SOURCE_DIR) + "/tests/data/intel/";
const std::string kShared = std::string(ONUS_SHARED_DIR) + "/data/";

const Indicator* ById(const IntelBundle& b, std::string_view id) {
  for (const auto& i : b.indicators)
    if (i.id == id) return &i;
  return nullptr;
}

TEST(MispFeed, EventAttributesGalaxiesAndReport) {
  auto r = LoadIntel(kData + "misp-event.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IntelBundle& b = *r;
  EXPECT_EQ(b.format, "misp-event");
  EXPECT_EQ(b.records, 14);  // 13 attributes + 1 in an object
  EXPECT_EQ(b.indicators.size(), 10u);
  EXPECT_EQ(b.skipped_count, 4);  // text, link, not-an-ip, deleted
  std::map<int64_t, std::string> skipped;
  for (const auto& s : b.skipped) skipped[s.line] = s.reason;
  EXPECT_NE(skipped[29].find("unsupported MISP attribute type 'text'"), std::string::npos);
  EXPECT_NE(skipped[30].find("link"), std::string::npos);
  EXPECT_NE(skipped[31].find("not-an-ip"), std::string::npos);
  EXPECT_NE(skipped[32].find("deleted"), std::string::npos);

  ASSERT_EQ(b.sources.size(), 1u);
  EXPECT_EQ(b.sources[0].name, "Example CERT");
  EXPECT_EQ(b.sources[0].id, "identity--55f6ea5e-2c60-40e5-964f-47a8950d210f");
  EXPECT_EQ(b.sources[0].grade, kDefaultGrade);

  const Indicator* ip = ById(b, "indicator--11111111-0000-4000-8000-000000000001");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->line, 20);
  EXPECT_EQ(ip->pattern, "[ipv4-addr:value = '198.51.100.20']");
  EXPECT_EQ(ip->description, "C2");
  EXPECT_EQ(ip->report_ids, std::vector<std::string>{"report--5c8ff618-0998-4b11-89d4-39d70a016219"});
  const Indicator* url = ById(b, "indicator--11111111-0000-4000-8000-000000000003");
  ASSERT_NE(url, nullptr);
  EXPECT_EQ(url->values[0].value, "http://bad.example.com/gate.php");
  const Indicator* sha = ById(b, "indicator--11111111-0000-4000-8000-000000000004");
  ASSERT_NE(sha, nullptr);
  EXPECT_NE(std::find(sha->labels.begin(), sha->labels.end(), "misp-to_ids:false"), sha->labels.end());
  const Indicator* ja3 = ById(b, "indicator--11111111-0000-4000-8000-000000000006");
  ASSERT_NE(ja3, nullptr);
  EXPECT_EQ(ja3->values[0].type, kJa3);
  const Indicator* x509 = ById(b, "indicator--11111111-0000-4000-8000-000000000007");
  ASSERT_NE(x509, nullptr);
  EXPECT_EQ(x509->values[0].type, kX509Sha1);
  const Indicator* dip = ById(b, "indicator--11111111-0000-4000-8000-000000000008");
  ASSERT_NE(dip, nullptr);
  ASSERT_EQ(dip->values.size(), 2u);  // domain|ip: one indicator, both values
  EXPECT_NE(dip->pattern.find(" OR "), std::string::npos);
  const Indicator* port = ById(b, "indicator--11111111-0000-4000-8000-000000000009");
  ASSERT_NE(port, nullptr);
  EXPECT_NE(std::find(port->labels.begin(), port->labels.end(), "port:8443"), port->labels.end());
  const Indicator* md5 = ById(b, "indicator--11111111-0000-4000-8000-000000000014");
  ASSERT_NE(md5, nullptr);
  EXPECT_EQ(md5->line, 36);

  // Galaxy cluster -> intrusion-set with synonyms; tag technique -> attack-pattern; the report.
  const StixObject *actor = nullptr, *tech = nullptr, *report = nullptr;
  size_t rels = 0;
  for (const auto& o : b.objects) {
    if (o.type == "intrusion-set") actor = &o;
    if (o.type == "attack-pattern") tech = &o;
    if (o.type == "report") report = &o;
    if (o.type == "relationship") ++rels;
  }
  ASSERT_NE(actor, nullptr);
  EXPECT_EQ(actor->id, "intrusion-set--7cdff317-a673-4474-84ec-4f1754947823");
  EXPECT_EQ(actor->name, "Example Panda");
  EXPECT_EQ(actor->aliases, (std::vector<std::string>{"EP", "Example Group"}));
  ASSERT_NE(tech, nullptr);
  EXPECT_EQ(tech->external_id, "T1043");
  EXPECT_EQ(tech->name, "Commonly Used Port");
  ASSERT_NE(report, nullptr);
  EXPECT_EQ(report->name, "Example MISP event");
  EXPECT_NE(report->json.find("https://example.com/blog"), std::string::npos);
  EXPECT_EQ(rels, 10u);  // every indicator indicates the actor
}

TEST(MispFeed, RequireToIds) {
  IntelOptions o;
  o.misp_require_to_ids = true;
  auto r = LoadIntel(kData + "misp-event.json", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->indicators.size(), 9u);
}

TEST(MispFeed, FeedDirectory) {
  auto fmt = DetectFormat(kData + "misp-feed");
  ASSERT_TRUE(fmt.ok());
  EXPECT_EQ(*fmt, "misp-feed");
  auto r = LoadIntel(kData + "misp-feed");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->indicators.size(), 3u);
  EXPECT_EQ(r->sha256.size(), 64u);
  for (const auto& i : r->indicators) {
    EXPECT_NE(i.file.find("22222222-0000-4000-8000-00000000000"), std::string::npos);
    EXPECT_EQ(i.source_id, "identity--33333333-0000-4000-8000-000000000001");
  }
}

TEST(MispFeed, EsetEventsAsShipped) {
  std::string dir = kShared + "iocs/raw/eset_malware-ioc/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  size_t events = 0, indicators = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    auto r = LoadIntel(e.path().string());
    ASSERT_TRUE(r.ok()) << e.path() << ": " << r.status().ToString();
    EXPECT_EQ(r->format, "misp-event");
    ++events;
    indicators += r->indicators.size();
    for (const auto& i : r->indicators) {
      EXPECT_GT(i.line, 0);
      EXPECT_FALSE(i.values.empty());
    }
  }
  EXPECT_EQ(events, 3u);
  EXPECT_EQ(indicators, 66u + 18u + 153u);
}

TEST(MispFeed, HostileInput) {
  auto load = [](std::string_view text) {
    IntelBundle b;
    detail::CollectingSink sink(&b, 10);
    Status st = detail::LoadMispText(text, {"mem.json", "misp-event"}, {}, sink);
    return std::make_pair(st, b);
  };
  EXPECT_FALSE(load("").first.ok());
  EXPECT_FALSE(load("{\"Event\": ").first.ok());
  EXPECT_FALSE(load("{\"NotEvent\": {}}").first.ok());
  EXPECT_FALSE(load("[1,2,3]").first.ok());
  auto [st, b] = load(R"({"Event":{"uuid":"x","Orgc":5,"Tag":"no","Galaxy":[1,{"GalaxyCluster":7}],
    "Attribute":[7,{"type":9},{"type":"ip-dst","value":["a"]},{"type":"ip-dst","value":"1.2.3.4","uuid":"bad"}],
    "Object":[{"Attribute":{}},3]}})");
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(b.indicators.size(), 1u);
  EXPECT_EQ(b.indicators[0].id.rfind("indicator--", 0), 0u);  // a bad uuid gets a derived id
  EXPECT_EQ(b.skipped_count, 3);
}

TEST(MispFeed, APrettyPrintedAttributeCitesItsValueLine) {
  // MISP's own export spreads an attribute over lines: provenance names the one with the value.
  const std::string text =
      "{\"Event\": {\"uuid\": \"5e7a4c6b-0000-4000-8000-000000000001\", \"info\": \"x\",\n"
      " \"Attribute\": [\n"
      "  {\n"
      "   \"type\": \"ip-dst\",\n"
      "   \"comment\": \"\\\"value\\\": not this one\",\n"
      "   \"to_ids\": true,\n"
      "   \"value\": \"198.51.100.77\"\n"
      "  },\n"
      "  {\n"
      "   \"type\": \"text\",\n"
      "   \"value\": \"prose\"\n"
      "  }\n"
      " ]}}\n";
  IntelBundle b;
  detail::CollectingSink sink(&b, 10);
  Status st = detail::LoadMispText(text, {"mem.json", "misp-event"}, {}, sink);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(b.indicators.size(), 1u);
  EXPECT_EQ(b.indicators[0].line, 7);
  ASSERT_EQ(b.skipped.size(), 1u);
  EXPECT_EQ(b.skipped[0].line, 9);  // a skip names where the attribute begins
}

}  // namespace
}  // namespace onus::intel

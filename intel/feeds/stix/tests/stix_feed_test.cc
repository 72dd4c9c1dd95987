#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "feed.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

const std::string kData = std::string(ONUS_SOURCE_DIR) + "/tests/data/intel/";
const std::string kShared = std::string(ONUS_SHARED_DIR) + "/data/";

const Indicator* FindIndicator(const IntelBundle& b, std::string_view id) {
  for (const auto& i : b.indicators)
    if (i.id == id) return &i;
  return nullptr;
}
const StixObject* FindObject(const IntelBundle& b, std::string_view id) {
  for (const auto& o : b.objects)
    if (o.id == id) return &o;
  return nullptr;
}
bool Skipped(const IntelBundle& b, int64_t line, std::string_view needle) {
  for (const auto& s : b.skipped)
    if (s.line == line && s.reason.find(needle) != std::string::npos) return true;
  return false;
}

Result<IntelBundle> LoadText(std::string_view text, std::string format = "stix-2.1") {
  IntelBundle b;
  detail::CollectingSink sink(&b, 100);
  ONUS_RETURN_IF_ERROR(detail::LoadStixText(text, {"mem.json", format}, {}, sink));
  return b;
}

TEST(StixFeed, Bundle21WithProvenanceSourcesAndReports) {
  auto r = LoadIntel(kData + "bundle-2.1.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IntelBundle& b = *r;
  EXPECT_EQ(b.format, "stix-2.1");
  EXPECT_EQ(b.sha256.size(), 64u);
  EXPECT_EQ(b.records, 12);
  EXPECT_EQ(b.indicators.size(), 4u);
  EXPECT_EQ(b.skipped_count, 2);
  EXPECT_TRUE(Skipped(b, 85, "invalid pattern")) << (b.skipped.empty() ? "" : b.skipped[0].reason);
  EXPECT_TRUE(Skipped(b, 95, "not-a-stix-id"));

  const Indicator* ip = FindIndicator(b, "indicator--aaaaaaaa-0000-4000-8000-000000000010");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->line, 45);  // the line of its pattern (the object opens on line 36)
  ASSERT_EQ(ip->values.size(), 1u);
  EXPECT_EQ(ip->values[0].type, kIpv4);
  EXPECT_EQ(ip->values[0].value, "198.51.100.7");
  EXPECT_EQ(ip->source_id, "identity--aaaaaaaa-0000-4000-8000-000000000001");
  EXPECT_EQ(ip->grade, "B2");  // x_onus_grade on the identity
  EXPECT_EQ(ip->confidence, 80);
  ASSERT_TRUE(ip->valid_from && ip->valid_until);
  EXPECT_EQ(FormatRfc3339(*ip->valid_until, 0), "2022-06-01T00:00:00Z");
  EXPECT_EQ(ip->report_ids, std::vector<std::string>{"report--aaaaaaaa-0000-4000-8000-000000000002"});
  EXPECT_EQ(ip->derived_from, std::vector<std::string>{"indicator--bbbbbbbb-0000-4000-8000-000000000010"});
  EXPECT_EQ(ip->indicator_types, std::vector<std::string>{"malicious-activity"});

  const Indicator* multi = FindIndicator(b, "indicator--aaaaaaaa-0000-4000-8000-000000000011");
  ASSERT_NE(multi, nullptr);
  ASSERT_EQ(multi->values.size(), 3u);
  EXPECT_EQ(multi->values[0].type, kDomain);
  EXPECT_EQ(multi->values[0].value, "c2.example.net");
  EXPECT_EQ(multi->values[1].value, "203.0.113.0/24");
  EXPECT_EQ(multi->values[2].value, std::string(64, 'a'));

  const Indicator* complex = FindIndicator(b, "indicator--aaaaaaaa-0000-4000-8000-000000000012");
  ASSERT_NE(complex, nullptr);
  EXPECT_TRUE(complex->values.empty());  // AND: the evaluator's job
  EXPECT_TRUE(complex->revoked);
  EXPECT_EQ(complex->grade, kDefaultGrade);  // no created_by_ref: file-named source, default grade

  const Indicator* like = FindIndicator(b, "indicator--aaaaaaaa-0000-4000-8000-000000000013");
  ASSERT_NE(like, nullptr);
  ASSERT_EQ(like->values.size(), 1u);
  EXPECT_EQ(like->values[0].type, kDomainSuffix);

  const StixObject* is = FindObject(b, "intrusion-set--aaaaaaaa-0000-4000-8000-000000000003");
  ASSERT_NE(is, nullptr);
  EXPECT_EQ(is->name, "EXAMPLE-GROUP");
  EXPECT_EQ(is->aliases, (std::vector<std::string>{"Example Panda", "EG-1"}));
  EXPECT_EQ(is->line, 26);
  EXPECT_EQ(is->json.front(), '{');
  EXPECT_EQ(is->json.back(), '}');
  EXPECT_NE(is->json.find("\"aliases\""), std::string::npos);
  const StixObject* mal = FindObject(b, "malware--aaaaaaaa-0000-4000-8000-000000000040");
  ASSERT_NE(mal, nullptr);
  EXPECT_EQ(mal->line, 122);
  EXPECT_NE(FindObject(b, "sighting--aaaaaaaa-0000-4000-8000-000000000030"), nullptr);

  // Sources: the identity (graded B2) and the file-named default for objects without creator.
  ASSERT_EQ(b.sources.size(), 2u);
  std::map<std::string, std::string> grades;
  for (const auto& s : b.sources) grades[s.name] = s.grade;
  EXPECT_EQ(grades["Example Vendor"], "B2");
  EXPECT_EQ(grades["bundle-2.1.json"], kDefaultGrade);
}

TEST(StixFeed, GradeOptionOverridesEverything) {
  IntelOptions o;
  o.grade = "D3";
  auto r = LoadIntel(kData + "bundle-2.1.json", o);
  ASSERT_TRUE(r.ok());
  for (const auto& i : r->indicators) EXPECT_EQ(i.grade, "D3");
  for (const auto& s : r->sources) EXPECT_EQ(s.grade, "D3");
}

TEST(StixFeed, Bundle20LabelsAreTypes) {
  auto r = LoadIntel(kData + "bundle-2.0.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "stix-2.0");
  ASSERT_EQ(r->indicators.size(), 1u);
  const auto& i = r->indicators[0];
  EXPECT_EQ(i.indicator_types, std::vector<std::string>{"malicious-activity"});
  ASSERT_EQ(i.values.size(), 1u);
  EXPECT_EQ(i.values[0].value, "http://evil.example.com/a/b?c=1");
  EXPECT_EQ(i.line, 12);  // the pattern's line
}

TEST(StixFeed, PortgridScenarioBundles) {
  std::string dir = kShared + "scenarios/portgrid/intel/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  struct Want {
    const char* file;
    size_t indicators, objects;
  };
  for (Want w : {Want{"insikt-tag22.json", 98, 127}, Want{"insikt-redfoxtrot.json", 168, 223},
                 Want{"maltrail-winnti.json", 15, 18}, Want{"community-blocklist.json", 81, 162},
                 Want{"loki-monero-pools.json", 20, 23}}) {
    auto r = LoadIntel(dir + w.file);
    ASSERT_TRUE(r.ok()) << w.file << ": " << r.status().ToString();
    EXPECT_EQ(r->indicators.size(), w.indicators) << w.file;
    EXPECT_EQ(r->objects.size(), w.objects) << w.file;
    EXPECT_EQ(r->skipped_count, 0) << w.file;
    EXPECT_EQ(r->format, "stix-2.1") << w.file;  // cites ATT&CK ids, is not ATT&CK
    for (const auto& i : r->indicators) {
      EXPECT_EQ(i.grade, kDefaultGrade) << w.file;  // the bundles declare no grade
      EXPECT_EQ(i.values.size(), 1u) << i.pattern;
      EXPECT_FALSE(i.report_ids.empty()) << i.id;
      EXPECT_GT(i.line, 1) << i.id;
      EXPECT_FALSE(i.source_id.empty());
    }
  }
  // The community blocklist copies TAG-22 values: derived-from relationships are kept.
  auto cb = LoadIntel(dir + "community-blocklist.json");
  ASSERT_TRUE(cb.ok());
  size_t derived = 0;
  for (const auto& i : cb->indicators) derived += i.derived_from.size();
  EXPECT_EQ(derived, 78u);
}

TEST(StixFeed, AttackBundleAsShipped) {
  std::string path = kShared + "attack/enterprise-attack-bundle.json.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data";
  auto r = LoadIntel(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "attack");
  EXPECT_EQ(r->records, 22194);
  EXPECT_EQ(r->objects.size(), 22194u);
  EXPECT_EQ(r->skipped_count, 0);
  std::map<std::string, size_t> by_type;
  size_t with_ext = 0, revoked = 0;
  const StixObject* apt29 = nullptr;
  for (const auto& o : r->objects) {
    ++by_type[o.type];
    with_ext += !o.external_id.empty();
    revoked += o.revoked;
    if (o.type == "intrusion-set" && o.external_id == "G0016") apt29 = &o;
  }
  EXPECT_EQ(by_type["attack-pattern"], 835u);
  EXPECT_EQ(by_type["intrusion-set"], 187u);
  EXPECT_EQ(by_type["relationship"], 20048u);
  EXPECT_EQ(revoked, 140u);
  EXPECT_GT(with_ext, 1800u);
  ASSERT_NE(apt29, nullptr);
  EXPECT_EQ(apt29->name, "APT29");
  EXPECT_NE(std::find(apt29->aliases.begin(), apt29->aliases.end(), "Cozy Bear"), apt29->aliases.end());
  ASSERT_EQ(r->sources.size(), 1u);
  EXPECT_EQ(r->sources[0].name, "The MITRE Corporation");
  EXPECT_EQ(r->sources[0].grade, kAttackGrade);
}

TEST(StixFeed, OasisAndVendorExamples) {
  std::string dir = kShared + "stix/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  size_t files = 0, indicators = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    auto fmt = DetectFormat(e.path().string());
    if (e.path().filename() == "reports.json") {  // Unit 42's index of report files, not STIX
      EXPECT_EQ(fmt.status().code(), StatusCode::kUnsupported);
      continue;
    }
    ASSERT_TRUE(fmt.ok()) << e.path() << ": " << fmt.status().ToString();
    auto r = LoadIntel(e.path().string());
    ASSERT_TRUE(r.ok()) << e.path() << ": " << r.status().ToString();
    ++files;
    indicators += r->indicators.size();
    for (const auto& i : r->indicators) EXPECT_FALSE(i.source_id.empty());
    // Unit 42's NOBELIUM report embeds four ATT&CK attack-patterns: it is still Unit 42's STIX 2.0
    // feed, and its indicators do not take ATT&CK's B2 grade.
    if (e.path().filename() == "NOBELIUM.json") {
      EXPECT_EQ(*fmt, "stix-2.0");
      ASSERT_EQ(r->indicators.size(), 17u);
      for (const auto& i : r->indicators) EXPECT_EQ(i.grade, "F6") << i.id;
    }
  }
  EXPECT_GE(files, 12u);
  EXPECT_GT(indicators, 50u);
}

TEST(StixFeed, TruncatedCorruptAndHostileInput) {
  std::string good = R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
{"type":"indicator","id":"indicator--aaaaaaaa-0000-4000-8000-000000000010","pattern":"[ipv4-addr:value = '1.2.3.4']","valid_from":"2021-01-01T00:00:00Z"}]})";
  ASSERT_TRUE(LoadText(good).ok());
  // Every truncation is a clean Corrupt status, never a crash.
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = LoadText(good.substr(0, n));
    EXPECT_FALSE(r.ok()) << n;
  }
  EXPECT_EQ(LoadText("{\"type\":\"bundle\",\"objects\":{}}").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(LoadText("42").status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(LoadText("{\"hello\":1}").status().code(), StatusCode::kCorrupt);
  // Non-object elements, wrong field types, bad times are skipped records.
  auto mixed = LoadText(R"({"type":"bundle","objects":[1,"x",null,{"type":5,"id":[]},
{"type":"indicator","id":"indicator--aaaaaaaa-0000-4000-8000-000000000011","pattern":7},
{"type":"indicator","id":"indicator--aaaaaaaa-0000-4000-8000-000000000012","pattern":"[ipv4-addr:value = '1.2.3.4']","valid_from":"yesterday"},
{"type":"indicator","id":"indicator--aaaaaaaa-0000-4000-8000-000000000013","pattern":"[ipv4-addr:value = '1.2.3.4']","confidence":1000}]})");
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->records, 7);
  EXPECT_EQ(mixed->skipped_count, 6);
  ASSERT_EQ(mixed->indicators.size(), 1u);
  EXPECT_EQ(mixed->indicators[0].confidence, -1);
  EXPECT_EQ(mixed->indicators[0].line, 4);
  // Deep nesting is refused by the parser's depth cap.
  std::string deep = "{\"type\":\"bundle\",\"objects\":[" + std::string(100000, '[') + std::string(100000, ']') + "]}";
  EXPECT_FALSE(LoadText(deep).ok());
}

TEST(StixFeed, DetectionAndMissingFiles) {
  EXPECT_EQ(LoadIntel(kData + "no-such-file.json").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*DetectFormat(kData + "bundle-2.1.json"), "stix-2.1");
  EXPECT_EQ(detail::SniffFormat("{\"type\": \"bundle\", \"spec_version\": \"2.0\", \"objects\": []}"), "stix-2.0");
  EXPECT_EQ(detail::SniffFormat("{\"type\":\"bundle\",\"objects\":[{\"type\":\"x-mitre-matrix\"}]}"), "attack");
  // A report bundle with indicators that embeds copies of ATT&CK attack-patterns is STIX.
  EXPECT_EQ(detail::SniffFormat("{\"type\":\"bundle\",\"spec_version\":\"2.0\",\"objects\":[{\"type\":\"attack-pattern\","
                                "\"x_mitre_version\":\"1.0\"},{\"type\": \"indicator\"}]}"),
            "stix-2.0");
  EXPECT_EQ(detail::SniffFormat("{\"type\":\"bundle\",\"objects\":[{\"type\":\"attack-pattern\",\"x_mitre_version\":\"1\"}]}"),
            "stix-2.1");
  EXPECT_EQ(detail::SniffFormat("{\"Event\": {}}"), "misp-event");
  EXPECT_EQ(detail::SniffFormat("{\"type\":\"bundle\",\"objects\":[{\"external_references\":[{\"source_name\":\"mitre-attack\"}]}]}"),
            "stix-2.1");
  EXPECT_EQ(detail::SniffFormat("{\"nothing\": 1}"), "");
  EXPECT_EQ(detail::SniffFormat(std::string("\x89PNG\r\n\x1a\n\0\0", 10)), "");
  EXPECT_EQ(detail::SniffFormat("just some prose\nwith no values at all\n"), "");
}

}  // namespace
}  // namespace onus::intel

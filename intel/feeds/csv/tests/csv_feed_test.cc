#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "feed.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

const std::string kData = std::string(ONUS_SOURCE_DIR) + "/tests/data/intel/";
const std::string kShared = std::string(ONUS_SHARED_DIR) + "/data/";

std::map<int64_t, std::vector<IndicatorValue>> ByLine(const IntelBundle& b) {
  std::map<int64_t, std::vector<IndicatorValue>> m;
  for (const auto& i : b.indicators)
    for (const auto& v : i.values) m[i.line].push_back(v);
  return m;
}

TEST(CsvFeed, NormalisedCsvWithSourcesReportsAndActors) {
  auto r = LoadIntel(kData + "iocs.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IntelBundle& b = *r;
  EXPECT_EQ(b.format, "csv");
  EXPECT_EQ(b.records, 9);
  EXPECT_EQ(b.indicators.size(), 6u);
  EXPECT_EQ(b.skipped_count, 3);
  std::map<int64_t, std::string> skipped;
  for (const auto& s : b.skipped) skipped[s.line] = s.reason;
  EXPECT_NE(skipped[8].find("unknown indicator type 'banana'"), std::string::npos);
  EXPECT_NE(skipped[9].find("not a md5 value"), std::string::npos);
  EXPECT_NE(skipped[10].find("unterminated quote"), std::string::npos);
  auto lines = ByLine(b);
  EXPECT_EQ(lines[2][0].value, "198.51.100.30");
  EXPECT_EQ(lines[3][0].value, "evil.example.com");
  EXPECT_EQ(lines[4][0].value, "198.51.100.31");
  EXPECT_EQ(lines[5][0].type, kSha256);
  EXPECT_EQ(lines[6][0].value, "https://evil.example.com/x");
  EXPECT_EQ(lines[7][0].type, kX509Sha1);
  // Per-row sources (file default + two named), one report per (source, report name), one actor.
  std::set<std::string> names;
  for (const auto& s : b.sources) names.insert(s.name);
  EXPECT_EQ(names, (std::set<std::string>{"iocs.csv", "Example/Research", "Other/Feed"}));
  std::map<std::string, int> types;
  for (const auto& o : b.objects) ++types[o.type];
  EXPECT_EQ(types["report"], 2);
  EXPECT_EQ(types["intrusion-set"], 1);
  EXPECT_EQ(types["relationship"], 3);
  for (const auto& i : b.indicators) {
    ASSERT_EQ(i.report_ids.size(), 1u);
    ASSERT_TRUE(i.valid_from.has_value());
    EXPECT_EQ(i.id, DeterministicIndicatorId(i.source_id, i.values));
    auto back = ExtractIndicatorValues(i.pattern);
    ASSERT_TRUE(back.ok()) << i.pattern;
    EXPECT_EQ(*back, i.values);
  }
}

TEST(CsvFeed, HashColumnsOfOneRowAreOneIndicator) {
  auto r = LoadIntel(kData + "hashes.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->indicators.size(), 2u);
  size_t hashes = 0, domains = 0;
  for (const auto& i : r->indicators) {
    if (i.values.size() == 3) ++hashes;
    if (i.values.size() == 1 && i.values[0].type == kDomain && i.values[0].value == "c2.example.org") ++domains;
  }
  EXPECT_EQ(hashes, 1u);
  EXPECT_EQ(domains, 1u);
}

// Found by the CSV fuzzer: two hash columns holding the same hash made an indicator with the value
// twice, whose pattern ("X OR X") read back as one value.
TEST(CsvFeed, TheSameHashInTwoColumnsIsOneValue) {
  IntelBundle b;
  detail::CollectingSink sink(&b, 10);
  const std::string md5 = "098f6bcd4621d373cade4e832627b4f6";
  Status st = detail::LoadCsvText("MD5,Hash,C2 Server\n" + md5 + "," + md5 + ",c2[.]example[.]org\n",
                                  {"mem.csv", "csv"}, {}, sink);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(b.indicators.size(), 2u);
  for (const auto& i : b.indicators) {
    ASSERT_EQ(i.values.size(), 1u) << i.pattern;
    auto back = ExtractIndicatorValues(i.pattern);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, i.values);
  }
}

TEST(CsvFeed, DefangedListWithProse) {
  auto r = LoadIntel(kData + "defanged.txt");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "list");
  auto lines = ByLine(*r);
  EXPECT_EQ(lines[4][0], (IndicatorValue{std::string(kIpv4), "1.2.3.4"}));
  EXPECT_EQ(lines[5][0], (IndicatorValue{std::string(kUrl), "http://bad.example.com/path"}));
  EXPECT_EQ(lines[6][0], (IndicatorValue{std::string(kUrl), "https://secure.example.net"}));
  EXPECT_EQ(lines[7][0], (IndicatorValue{std::string(kDomain), "evil.example.org"}));
  EXPECT_EQ(lines[8][0], (IndicatorValue{std::string(kEmail), "user@example.com"}));
  EXPECT_EQ(lines[9][0], (IndicatorValue{std::string(kIpv4), "10.0.0.0/8"}));
  EXPECT_EQ(lines[10][0], (IndicatorValue{std::string(kIpv6), "2001:db8::1"}));
  EXPECT_EQ(lines[11][0].type, kMd5);
  EXPECT_EQ(lines[12][0].type, kSha256);
  EXPECT_EQ(lines[13][0], (IndicatorValue{std::string(kIpv4), "198.51.100.77"}));
  EXPECT_EQ(r->indicators.size(), 10u);
  EXPECT_EQ(r->skipped_count, 3);  // "Network Indicators", the php path, the prose line
  for (const auto& i : r->indicators) {
    EXPECT_EQ(i.grade, kDefaultGrade);
    EXPECT_EQ(r->sources.at(0).name, "defanged.txt");
  }
  // The comment after the value is kept as the description.
  for (const auto& i : r->indicators)
    if (i.line == 11) {
      EXPECT_EQ(i.description, "empty file md5");
    }
}

TEST(CsvFeed, ForcedTypeAndSourceOption) {
  IntelOptions o;
  o.value_type = "domain";
  o.source_name = "My Feed";
  o.grade = "C3";
  auto r = LoadIntel(kData + "defanged.txt", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->indicators.size(), 1u);  // only evil[dot]example[dot]org is a domain
  EXPECT_EQ(r->sources.at(0).name, "My Feed");
  EXPECT_EQ(r->indicators.at(0).grade, "C3");
  o.value_type = "banana";
  EXPECT_EQ(LoadIntel(kData + "defanged.txt", o).status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvFeed, SharedIocCorpus) {
  std::string path = kShared + "iocs/iocs_normalized.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no shared data";
  auto r = LoadIntel(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->format, "csv");
  EXPECT_EQ(r->records, 16969);
  EXPECT_EQ(r->skipped_count, 0) << (r->skipped.empty() ? "" : r->skipped[0].reason);
  EXPECT_EQ(r->indicators.size(), 16969u);
  std::map<std::string, size_t> by;
  for (const auto& i : r->indicators) ++by[i.values.at(0).type];
  EXPECT_EQ(by[std::string(kDomain)], 9306u);
  EXPECT_EQ(by[std::string(kIpv4)], 290u + 3167u);
  EXPECT_EQ(by[std::string(kUrl)], 348u);
  EXPECT_EQ(by[std::string(kX509Sha256)], 5u);
}

TEST(CsvFeed, RawVendorFilesAllLoad) {
  std::string dir = kShared + "iocs/raw/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  size_t files = 0, indicators = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || e.path().filename() == "LICENSE" || ext == ".adoc" || ext == ".md" || ext == ".yar" ||
        ext == ".rules" || ext == ".json")
      continue;
    auto r = LoadIntel(e.path().string());
    ASSERT_TRUE(r.ok()) << e.path() << ": " << r.status().ToString();
    EXPECT_GT(r->indicators.size(), 0u) << e.path();
    ++files;
    indicators += r->indicators.size();
  }
  EXPECT_GE(files, 50u);
  EXPECT_GT(indicators, 5000u);
}

TEST(CsvFeed, DetectionRulesAreRefusedByName) {
  const std::string yara =
      "// comment lines first\n//\nimport \"pe\"\nrule Loader_RichHeader\n{\n  condition:\n"
      "    pe.rich_signature.length == 80\n}\n";
  EXPECT_EQ(detail::SniffFormat(yara), "yara");
  EXPECT_EQ(detail::SniffFormat("private rule X : tag1 tag2 {\n strings: $a = \"evil.example.com\"\n}\n"), "yara");
  EXPECT_EQ(detail::SniffFormat("alert tcp $HOME_NET any -> 198.51.100.7 443 (msg:\"c2\"; sid:1000001; rev:1;)\n"),
            "ids-rules");
  // Values first: a list whose later lines mention rules stays a list.
  EXPECT_EQ(detail::SniffFormat("198.51.100.7\nrule X {\n"), "list");
  // Prose that starts with the words is not a rule.
  EXPECT_EQ(detail::SniffFormat("rule of thumb: block these\n198.51.100.7\n"), "list");
  EXPECT_EQ(detail::SniffFormat("alert the SOC about these:\n198.51.100.7\n"), "list");
  EXPECT_EQ(detail::SniffFormat("alert tcp any any -> any any \\\n\t(msg:\"x\"; sid:1;)\n"), "ids-rules");
  EXPECT_FALSE(detail::IsIdsRuleLine("alert: the SOC -> now"));
  EXPECT_FALSE(detail::IsYaraLine("rule"));
  EXPECT_FALSE(detail::IsYaraLine("rule 9bad {"));
  EXPECT_TRUE(detail::IsYaraLine("global private rule g"));

  std::string dir = kShared + "iocs/raw/eset_malware-ioc/";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared data";
  for (const char* f : {"sparklinggoblin/SparklingGoblin.yar", "ta410/ta410.yar", "ta410/ta410.rules"}) {
    auto r = LoadIntel(dir + f);
    ASSERT_FALSE(r.ok()) << f;
    EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << f;
    EXPECT_NE(r.status().ToString().find(" rules, not indicators"), std::string::npos) << r.status().ToString();
  }
}

TEST(CsvFeed, AValueFollowedByANoBreakSpaceIsRead) {
  auto r = LoadIntel(kShared + "iocs/raw/Insikt-Group_Research/RedHotel_2023-08.csv");
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) GTEST_SKIP() << "no shared data";
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto by_line = ByLine(*r);
  ASSERT_EQ(by_line.count(83), 1u);  // "fyalluw0[.]sibersystems[.]xyz" + U+00A0 + CR
  EXPECT_EQ(by_line[83].at(0).value, "fyalluw0.sibersystems.xyz");
  for (const auto& s : r->skipped) EXPECT_NE(s.line, 83) << s.reason;
}

TEST(CsvFeed, HostileLines) {
  auto load = [](std::string_view text, std::string format) {
    IntelBundle b;
    detail::CollectingSink sink(&b, 10);
    Status st = detail::LoadCsvText(text, {"mem.txt", format}, {}, sink);
    return std::make_pair(st, b);
  };
  auto [st, b] = load(std::string("1.2.3.4\n\0\0\0\n", 12) + std::string(100000, 'a') + "\n[.][.][.]\nhxxp://\n", "list");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(b.indicators.size(), 1u);
  EXPECT_EQ(b.skipped_count, 4);
  EXPECT_FALSE(load("\"unterminated,header\n1.2.3.4\n", "csv").first.ok());
  EXPECT_FALSE(load("alpha,beta,gamma\n1,2,3\n", "csv").first.ok());
  auto [st2, b2] = load("value,comment\n\"1.2.3.4\",\"a \"\"quoted\"\" note\"\n,\n\"\",x\n", "csv");
  ASSERT_TRUE(st2.ok());
  EXPECT_EQ(b2.indicators.size(), 1u);
  EXPECT_EQ(b2.skipped_count, 2);
}

}  // namespace
}  // namespace onus::intel

#include "onus/attribution/attribute.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "onus/core/file.h"

namespace onus::attribution {
namespace {

const char* kCatalogue = R"({"type":"bundle","objects":[
 {"type":"intrusion-set","id":"intrusion-set--a","name":"Alpha \"Quoted\""},
 {"type":"intrusion-set","id":"intrusion-set--b","name":"Beta"},
 {"type":"malware","id":"malware--x","name":"X","external_references":[{"source_name":"mitre-attack","external_id":"S9001"}]},
 {"type":"tool","id":"tool--y","name":"Y"},
 {"type":"attack-pattern","id":"attack-pattern--p","external_references":[{"source_name":"mitre-attack","external_id":"T1234"}]},
 {"type":"attack-pattern","id":"attack-pattern--q","external_references":[{"source_name":"mitre-attack","external_id":"T2345"}]},
 {"type":"relationship","id":"relationship--1","relationship_type":"uses","source_ref":"intrusion-set--a","target_ref":"malware--x"},
 {"type":"relationship","id":"relationship--2","relationship_type":"uses","source_ref":"intrusion-set--a","target_ref":"attack-pattern--p"},
 {"type":"relationship","id":"relationship--3","relationship_type":"uses","source_ref":"intrusion-set--b","target_ref":"tool--y"},
 {"type":"relationship","id":"relationship--4","relationship_type":"uses","source_ref":"intrusion-set--b","target_ref":"attack-pattern--q"}]})";

std::string Sighting(const std::string& id, const std::string& ref) {
  return R"({"type":"sighting","spec_version":"2.1","id":"sighting--)" + id + R"(","sighting_of_ref":")" + ref + "\"}";
}

class AttributeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CatalogueBuilder b;
    ASSERT_TRUE(b.AddBundleText(kCatalogue, "cat.json").ok());
    auto c = b.Build();
    ASSERT_TRUE(c.ok());
    cat_ = std::make_shared<const Catalogue>(std::move(c).value());
    auto m = ActorModel::Compile(cat_);
    ASSERT_TRUE(m.ok());
    model_ = std::make_unique<ActorModel>(std::move(m).value());
  }
  std::shared_ptr<const Catalogue> cat_;
  std::unique_ptr<ActorModel> model_;
};

TEST_F(AttributeTest, JsonLineHasTheIssueShape) {
  CaseAttributor att(*model_);
  const std::string text = R"({"type":"bundle","id":"bundle--c","objects":[)" + Sighting("1", "malware--x") + "," +
                           Sighting("2", "attack-pattern--p") + "]}";
  auto r = att.AttributeText(text, "case \"1\".json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string line = CaseResultJson(*r, *cat_);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["case"], "case \"1\".json");
  ASSERT_EQ(j["hypotheses"].size(), 3u);
  double sum = 0;
  double prev = 2;
  bool unknown = false;
  for (const auto& h : j["hypotheses"]) {
    sum += h["posterior"].get<double>();
    EXPECT_LE(h["posterior"].get<double>(), prev);
    prev = h["posterior"].get<double>();
    unknown |= h["actor"] == "UNKNOWN";
  }
  EXPECT_TRUE(unknown);
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_EQ(j["hypotheses"][0]["actor"], "intrusion-set--a");
  EXPECT_EQ(j["hypotheses"][0]["name"], "Alpha \"Quoted\"");
  EXPECT_TRUE(j["actor"]["verdict"] == "not_supported" || j["actor"]["verdict"] == "supported");
  EXPECT_EQ(j["provenance"]["sightings"], 2);
  EXPECT_EQ(j["provenance"]["resolved"], 2);
}

TEST_F(AttributeTest, ResolvesByAttackIdCarriedInTheCase) {
  CaseAttributor att(*model_);
  const std::string text = R"({"type":"bundle","objects":[{"type":"malware","id":"malware--local","name":"X",
     "external_references":[{"source_name":"mitre-attack","external_id":"S9001"}]},)" + Sighting("1", "malware--local") + "]}";
  auto r = att.AttributeText(text, "c");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->evidence.size(), 1u);
  EXPECT_EQ(cat_->targets()[r->evidence[0].target].stix_id, "malware--x");
  EXPECT_TRUE(r->unresolved_refs.empty());
}

TEST_F(AttributeTest, NothingKnownIsNotAssessableNotAnError) {
  CaseAttributor att(*model_);
  const std::string text = R"({"type":"bundle","objects":[)" + Sighting("1", "malware--unknown") + "," +
                           Sighting("2", "indicator--zzz") + R"(,{"type":"sighting","id":"sighting--3"}]})";
  auto r = att.AttributeText(text, "c");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->assessment.verdict, ActorVerdict::kNotAssessable);
  EXPECT_EQ(r->unresolved_refs.size(), 3u);
  auto j = nlohmann::json::parse(CaseResultJson(*r, *cat_));
  EXPECT_EQ(j["actor"]["verdict"], "not_assessable");
  EXPECT_TRUE(j["actor"]["name"].is_null());
}

TEST_F(AttributeTest, EmptyBundleIsNotAssessable) {
  CaseAttributor att(*model_);
  auto r = att.AttributeText(R"({"type":"bundle","id":"bundle--e"})", "e");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->assessment.verdict, ActorVerdict::kNotAssessable);
}

TEST_F(AttributeTest, BadCasesAreErrorsNamingThePath) {
  CaseAttributor att(*model_);
  for (const char* text : {"", "{\"type\":\"bundle\",\"objects\":[", "[]", "{\"type\":\"report\"}", "{\"type\":\"bundle\",\"objects\":{}}"}) {
    auto r = att.AttributeText(text, "bad-case.json");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("bad-case.json"), std::string::npos);
  }
  auto missing = att.AttributeFile("/nonexistent/case.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(AttributeTest, SameInputsGiveByteIdenticalOutput) {
  const std::string text = R"({"type":"bundle","objects":[)" + Sighting("1", "tool--y") + "," +
                           Sighting("2", "attack-pattern--p") + "," + Sighting("3", "attack-pattern--q") + "]}";
  std::string first;
  for (int run = 0; run < 3; ++run) {
    // A fresh catalogue and model each time: nothing may depend on addresses or hash order.
    CatalogueBuilder b;
    ASSERT_TRUE(b.AddBundleText(kCatalogue, "cat.json").ok());
    auto c = std::make_shared<const Catalogue>(std::move(b.Build()).value());
    auto m = ActorModel::Compile(c);
    ASSERT_TRUE(m.ok());
    CaseAttributor att(*m);
    auto r = att.AttributeText(text, "same.json");
    ASSERT_TRUE(r.ok());
    const std::string line = CaseResultJson(*r, *c);
    if (run == 0) first = line;
    else EXPECT_EQ(line, first);
  }
}

TEST_F(AttributeTest, TenRepeatedSightingsMoveNothing) {
  CaseAttributor att(*model_);
  std::string once = R"({"type":"bundle","objects":[)" + Sighting("0", "malware--x") + "," + Sighting("a", "attack-pattern--q") + "]}";
  std::string ten = R"({"type":"bundle","objects":[)" + Sighting("0", "malware--x") + "," + Sighting("a", "attack-pattern--q");
  for (int i = 1; i < 10; ++i) ten += "," + Sighting(std::to_string(i), "malware--x");
  ten += "]}";
  auto a = att.AttributeText(once, "c.json");
  auto b = att.AttributeText(ten, "c.json");
  ASSERT_TRUE(a.ok() && b.ok());
  auto ja = nlohmann::json::parse(CaseResultJson(*a, *cat_));
  auto jb = nlohmann::json::parse(CaseResultJson(*b, *cat_));
  EXPECT_EQ(ja["hypotheses"], jb["hypotheses"]);
  EXPECT_EQ(ja["actor"], jb["actor"]);
  EXPECT_EQ(jb["provenance"]["repeated"], 9);
}

TEST_F(AttributeTest, FileInputRecordsSha256) {
  const std::string path = std::string(ONUS_BINARY_DIR) + "/attribute_test_case.json";
  ASSERT_TRUE(WriteFile(path, R"({"type":"bundle","objects":[)" + Sighting("1", "malware--x") + "]}").ok());
  CaseAttributor att(*model_);
  auto r = att.AttributeFile(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sha256.size(), 64u);
  std::remove(path.c_str());
}

TEST(JsonQuote, EscapesControlAndQuotes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace onus::attribution

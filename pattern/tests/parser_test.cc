#include "onus/pattern/parser.h"

#include <gtest/gtest.h>

#include "onus/pattern/checker.h"

namespace onus::pattern {
namespace {

Pattern MustParse(std::string_view text, StixVersion v = StixVersion::k21) {
  auto p = ParsePattern(text, ParseOptions{v, {}});
  EXPECT_TRUE(p.ok()) << text.substr(0, 200) << ": " << p.status().ToString().substr(0, 300);
  return p.ok() ? std::move(p).value() : Pattern{};
}

std::string Err(std::string_view text, StixVersion v = StixVersion::k21) {
  auto p = ParsePattern(text, ParseOptions{v, {}});
  return p.ok() ? "" : p.status().message();
}

TEST(Parser, Precedence) {
  Pattern p = MustParse("[a:b = 1] AND [a:c = 2] OR [a:d = 3] FOLLOWEDBY [a:e = 4]");
  EXPECT_EQ(p.root.kind, ObservationExpr::Kind::kFollowedBy);
  ASSERT_EQ(p.root.children.size(), 2u);
  EXPECT_EQ(p.root.children[0].kind, ObservationExpr::Kind::kOr);
  EXPECT_EQ(p.root.children[0].children[0].kind, ObservationExpr::Kind::kAnd);
  EXPECT_EQ(ToString(p.root), "(([a:b = 1] AND [a:c = 2]) OR [a:d = 3]) FOLLOWEDBY [a:e = 4]");
}

TEST(Parser, QualifiersBindTight) {
  Pattern p = MustParse("[a:b = 1] AND [a:c = 2] WITHIN 5 SECONDS");
  ASSERT_EQ(p.root.kind, ObservationExpr::Kind::kAnd);
  EXPECT_EQ(p.root.children[1].kind, ObservationExpr::Kind::kWithin);
  EXPECT_EQ(p.root.children[1].within_seconds, 5);
}

TEST(Parser, ComparisonPrecedenceAndPaths) {
  Pattern p = MustParse("[file:hashes.'SHA-256' = 'x' OR file:a[*].b_ref.c[2] != 3 AND file:d NOT IN (1, 2)]");
  const ComparisonExpr& c = p.root.comparison;
  ASSERT_EQ(c.kind, ComparisonExpr::Kind::kOr);
  EXPECT_EQ(c.children[1].kind, ComparisonExpr::Kind::kAnd);
  EXPECT_EQ(c.children[0].comparison.path.steps[1].key, "SHA-256");
  EXPECT_TRUE(c.children[0].comparison.path.steps[1].quoted);
  EXPECT_EQ(c.children[1].children[0].comparison.path.ToString(), "file:a[*].b_ref.c[2]");
  EXPECT_TRUE(c.children[1].children[1].comparison.negated);
}

TEST(Parser, Literals) {
  Pattern p = MustParse("[x:a IN ('it\\'s', -4, 2.5, .5, true, h'0aff', b'AQIDBA==', t'2020-01-02T03:04:05.123Z')]");
  const auto& v = p.root.comparison.comparison.values;
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v[0].text, "it's");
  EXPECT_EQ(v[1].int_value, -4);
  EXPECT_DOUBLE_EQ(v[2].float_value, 2.5);
  EXPECT_DOUBLE_EQ(v[3].float_value, 0.5);
  EXPECT_TRUE(v[4].bool_value);
  EXPECT_EQ(v[5].text, std::string("\x0a\xff", 2));
  EXPECT_EQ(v[6].text, std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(v[7].kind, LiteralKind::kTimestamp);
}

TEST(Parser, ErrorsGivePositionAndExpectation) {
  EXPECT_EQ(Err("[file:size = ]"), "1:14: expected a literal (quoted string, number, boolean, t'…', h'…' or b'…'), found ']'");
  EXPECT_NE(Err("[file.size = 1280]").find("1:6: expected ':'"), std::string::npos);
  EXPECT_NE(Err("file:size = 1280").find("1:1:"), std::string::npos);
  EXPECT_NE(Err("[foo:bar=1] within 2 seconds").find("1:13:"), std::string::npos);
  EXPECT_NE(Err("[a:b = 'x] ").find("unterminated"), std::string::npos);
  EXPECT_NE(Err("[a:b = b'====']").find("base64"), std::string::npos);
  EXPECT_NE(Err("[a:b = t'2024-13-01T00:00:00Z']").find("month"), std::string::npos);
  EXPECT_NE(Err("[a:b-c = 1]").find("must be quoted"), std::string::npos);
  EXPECT_NE(Err("[a:b = 1] WITHIN -5 SECONDS").find("positive"), std::string::npos);
  EXPECT_NE(Err("[a:b = 'x\\d']").find("escape"), std::string::npos);
  EXPECT_NE(Err("[a:b = null]").find("expected a literal"), std::string::npos);
  EXPECT_NE(Err("[a:b = 1]\n AND [").find("2:7:"), std::string::npos);
}

TEST(Parser, VersionDifferences) {
  EXPECT_TRUE(ParsePattern("[a:b = 1] START '2020-01-01T00:00:00Z' STOP '2020-01-02T00:00:00Z'",
                           ParseOptions{StixVersion::k20, {}}).ok());
  EXPECT_FALSE(ParsePattern("[a:b = 1] START '2020-01-01T00:00:00Z' STOP '2020-01-02T00:00:00Z'",
                            ParseOptions{StixVersion::k21, {}}).ok());
  EXPECT_TRUE(ParsePattern("[EXISTS a:b]", ParseOptions{StixVersion::k21, {}}).ok());
  EXPECT_FALSE(ParsePattern("[EXISTS a:b]", ParseOptions{StixVersion::k20, {}}).ok());
}

TEST(Parser, HostileNestingEndsWithError) {
  std::string deep(10000, '(');
  deep += "[a:b = 1]";
  deep += std::string(10000, ')');
  auto p = ParsePattern(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  std::string deep_cmp = "[" + std::string(10000, '(') + "a:b = 1" + std::string(10000, ')') + "]";
  EXPECT_EQ(ParsePattern(deep_cmp).status().code(), StatusCode::kResourceExhausted);
  std::string quals = "[a:b = 1]";
  for (int i = 0; i < 5000; ++i) quals += " REPEATS 2 TIMES";
  EXPECT_EQ(ParsePattern(quals).status().code(), StatusCode::kResourceExhausted);
}

TEST(Parser, LongChainsStayFlat) {
  std::string chain = "[a:b = 1]";
  for (int i = 0; i < 20000; ++i) chain += " AND [a:b = 1]";
  Pattern p = MustParse(chain);
  EXPECT_EQ(p.root.children.size(), 20001u);
}

TEST(Parser, HugeInList) {
  std::string s = "[a:b IN (";
  for (int i = 0; i < 60000; ++i) s += (i ? ", '" : "'") + std::to_string(i) + "'";
  s += ")]";
  Pattern p = MustParse(s);
  EXPECT_EQ(p.root.comparison.comparison.values.size(), 60000u);
  ParseOptions small;
  small.limits.max_set_elements = 1000;
  EXPECT_EQ(ParsePattern(s, small).status().code(), StatusCode::kResourceExhausted);
}

TEST(Checker, Rules) {
  auto check = [](std::string_view t, StixVersion v = StixVersion::k21) {
    auto p = ParsePattern(t, ParseOptions{v, {}});
    EXPECT_TRUE(p.ok()) << t;
    return p.ok() ? CheckPattern(*p) : CheckReport{};
  };
  EXPECT_FALSE(check("[a:b = 1] WITHIN 0 SECONDS").ok());
  EXPECT_FALSE(check("[a:b = 1] REPEATS 0 TIMES").ok());
  EXPECT_FALSE(check("[a:b < true]").ok());
  EXPECT_FALSE(check("[a:b IN (1, true)]").ok());
  EXPECT_TRUE(check("[a:b IN (1, 2.5)]").ok());
  EXPECT_FALSE(check("[a:b MATCHES '(']").ok());
  EXPECT_FALSE(check("[a:b ISSUBSET 'x']").ok());
  // A date that does not exist is syntactically valid (OASIS validator) but cannot be compiled.
  EXPECT_TRUE(check("[a:b = t'2023-02-29T00:00:00Z']").ok());
  EXPECT_FALSE(check("[a:b = t'2023-02-29T00:00:00Z']").diagnostics.empty());
  EXPECT_FALSE(check("[file:hashes.MD5 = 'xyz']").ok());
  EXPECT_TRUE(check("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a69faa']").ok());
  EXPECT_FALSE(check("[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS").ok());
  EXPECT_TRUE(check("[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS").diagnostics[0].validator_rule);
  EXPECT_TRUE(check("([a:b = 1]) WITHIN 5 SECONDS WITHIN 6 SECONDS").ok());
  EXPECT_FALSE(check("([a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES)").ok());
  EXPECT_TRUE(check("[a:b = 1] REPEATS 2 TIMES REPEATS 3 TIMES", StixVersion::k20).ok());
  EXPECT_FALSE(check("[a:b = 1] START '1994-11-29t13:37:58Z' STOP '1994-11-29T13:37:58Z'", StixVersion::k20).ok());
  auto warn = check("[x:b = 1]");
  EXPECT_TRUE(warn.ok());
  EXPECT_FALSE(warn.diagnostics.empty());
}

}  // namespace
}  // namespace onus::pattern

#include "onus/core/json_text.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace onus {
namespace {

TEST(JsonText, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(JsonQuote(std::string_view("\x00\x1f", 2)), "\"\\u0000\\u001f\"");
  EXPECT_EQ(JsonQuote(""), "\"\"");
}

TEST(JsonText, Utf8PassesAndInvalidBytesBecomeVisibleText) {
  EXPECT_EQ(JsonQuote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"");
  EXPECT_EQ(JsonQuote("a\xff"), "\"a\\\\xff\"");
  EXPECT_EQ(JsonQuote("\xc0\xaf"), "\"\\\\xc0\\\\xaf\"");              // overlong '/'
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\\\xed\\\\xa0\\\\x80\"");  // surrogate half
  EXPECT_EQ(JsonQuote("\xe2\x82"), "\"\\\\xe2\\\\x82\"");             // truncated sequence
}

TEST(JsonText, EveryByteStringGivesParseableJson) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  std::string quoted = JsonQuote(all);
  auto parsed = nlohmann::json::parse(quoted, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << quoted;
  EXPECT_TRUE(parsed.is_string());
  std::string appended = "x";
  AppendJsonString(appended, "y");
  EXPECT_EQ(appended, "x\"y\"");
}

}  // namespace
}  // namespace onus

#include "onus/core/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <limits>
#include <random>

namespace onus {
namespace {

TEST(Time, ParsesUtcAndFormatsMicros) {
  auto t = ParseRfc3339("2021-03-05T04:28:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->seconds(), 1614918480);
  EXPECT_EQ(FormatRfc3339(*t), "2021-03-05T04:28:00.000000Z");
  EXPECT_EQ(FormatRfc3339(*t, 0), "2021-03-05T04:28:00Z");
}

TEST(Time, OffsetsAndFractions) {
  auto a = ParseRfc3339("2021-03-05T06:28:00.5+02:00");
  auto b = ParseRfc3339("2021-03-05T04:28:00.500Z");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto c = ParseRfc3339("1999-12-31T19:00:00.123456789-05:00");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(FormatRfc3339(*c, 9), "2000-01-01T00:00:00.123456789Z");
  EXPECT_EQ(FormatRfc3339(*c, 3), "2000-01-01T00:00:00.123Z");
  // Digits beyond nanoseconds are truncated.
  auto d = ParseRfc3339("2016-01-01T00:00:00.1234567891234Z");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->nanos() % 1000000000, 123456789);
}

TEST(Time, RejectsMalformed) {
  for (const char* s : {"", "2021-03-05", "2021-03-05T04:28:00", "2021-13-01T00:00:00Z", "2021-02-29T00:00:00Z",
                        "2021-03-05T24:00:00Z", "2021-03-05T04:28:00.Z", "2021-03-05T04:28:00Zjunk",
                        "2021-03-05T04:28:00+0200"}) {
    EXPECT_FALSE(ParseRfc3339(s).ok()) << s;
  }
  EXPECT_TRUE(ParseRfc3339("2020-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseRfc3339("2016-12-31T23:59:60Z").ok());  // leap second folds to :59.999999999
}

TEST(Time, PreEpochAndEpochSeconds) {
  auto t = ParseRfc3339("1969-12-31T23:59:59.5Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->nanos(), -500000000);
  EXPECT_EQ(FormatRfc3339(*t, 1), "1969-12-31T23:59:59.5Z");
  auto z = ParseEpochSeconds("1300475168.652003");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->nanos(), 1300475168652003000LL);
  EXPECT_EQ(FormatRfc3339(*z), "2011-03-18T19:06:08.652003Z");
  EXPECT_FALSE(ParseEpochSeconds("12x").ok());
  EXPECT_FALSE(ParseEpochSeconds("-").ok());
}

TEST(Time, ExtremesFormatWithoutOverflow) {
  // The int64 range ends: floor division must not negate INT64_MIN (UBSan would flag it).
  Timestamp lo = Timestamp::FromNanos(std::numeric_limits<int64_t>::min());
  Timestamp hi = Timestamp::FromNanos(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(lo.seconds(), -9223372037LL);
  EXPECT_EQ(hi.seconds(), 9223372036LL);
  EXPECT_EQ(FormatRfc3339(lo, 9), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(FormatRfc3339(hi, 9), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(Timestamp::FromNanos(-1).seconds(), -1);
  EXPECT_EQ(Timestamp::FromNanos(-1000000000).seconds(), -1);
  EXPECT_EQ(Timestamp::FromNanos(-1000000001).seconds(), -2);
}

TEST(Time, FormatAgreesWithGmtimeAcrossTheRange) {
  // The hand-written digits against the C library's calendar, at every precision.
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> any(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  for (int i = 0; i < 2000; ++i) {
    int64_t ns = any(rng);
    int64_t secs = ns / 1000000000 - ((ns % 1000000000) < 0 ? 1 : 0);
    int64_t frac = ns % 1000000000;
    if (frac < 0) frac += 1000000000;
    std::time_t tt = static_cast<std::time_t>(secs);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char want[64];
    std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
    char digits[16];
    std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(frac));
    for (int p = 0; p <= 9; ++p) {
      std::string expect = std::string(want) + (p ? "." + std::string(digits, static_cast<size_t>(p)) : "") + "Z";
      ASSERT_EQ(FormatRfc3339(Timestamp::FromNanos(ns), p), expect) << ns << " digits " << p;
    }
  }
}

}  // namespace
}  // namespace onus

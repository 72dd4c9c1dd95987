#include "onus/match/normalize.h"

#include <gtest/gtest.h>

namespace onus::match {
namespace {

std::string Url(std::string_view s) {
  auto r = NormalizeUrl(s);
  return r.ok() ? r.value() : "<invalid>";
}

TEST(NormalizeTest, Domains) {
  EXPECT_EQ(NormalizeDomain("WWW.Example.COM.").value(), "www.example.com");
  EXPECT_EQ(NormalizeDomain("  a-b_c.example ").value(), "a-b_c.example");
  EXPECT_FALSE(NormalizeDomain("").ok());
  EXPECT_FALSE(NormalizeDomain(".").ok());
  EXPECT_FALSE(NormalizeDomain("a..b").ok());
  EXPECT_FALSE(NormalizeDomain(".a.b").ok());
  EXPECT_FALSE(NormalizeDomain("a b.com").ok());
  EXPECT_FALSE(NormalizeDomain("http://x.com").ok());
  EXPECT_FALSE(NormalizeDomain(std::string(64, 'a') + ".com").ok());
  EXPECT_TRUE(NormalizeDomain(std::string(63, 'a') + ".com").ok());
  EXPECT_FALSE(NormalizeDomain(std::string(254, 'a')).ok());
}

TEST(NormalizeTest, UrlsFollowRfc3986SyntaxBasedNormalisation) {
  EXPECT_EQ(Url("HTTP://Example.COM:80/a"), "http://example.com/a");
  EXPECT_EQ(Url("https://example.com:443"), "https://example.com/");
  EXPECT_EQ(Url("https://example.com:8443/x"), "https://example.com:8443/x");
  EXPECT_EQ(Url("http://example.com:0080/x"), "http://example.com/x");
  EXPECT_EQ(Url("example.com/path?q=1"), "http://example.com/path?q=1");
  EXPECT_EQ(Url("http://example.com./%7euser/%41%2f%2F"), "http://example.com/~user/A%2F%2F");
  EXPECT_EQ(Url("http://example.com/a#fragment"), "http://example.com/a");
  EXPECT_EQ(Url("http://User@Example.com/"), "http://User@example.com/");
  EXPECT_EQ(Url("http://[2001:DB8::1]:80/"), "http://[2001:db8::1]/");
  EXPECT_EQ(Url("http://example.com/%zz"), "http://example.com/%zz");  // not an escape: kept
  EXPECT_EQ(Url("http://example.com/%4"), "http://example.com/%4");    // truncated escape
  EXPECT_EQ(Url("http://"), "<invalid>");
  EXPECT_EQ(Url(""), "<invalid>");
  EXPECT_EQ(Url("http://a.com:8x/"), "<invalid>");
  EXPECT_EQ(Url("http://[::1/"), "<invalid>");
  EXPECT_EQ(Url("ht tp://a.com/"), "<invalid>");
  EXPECT_EQ(Url(std::string("http://a.com/\x01", 14)), "<invalid>");
}

TEST(NormalizeTest, HexDigestsAndSerials) {
  uint8_t out[20];
  EXPECT_TRUE(DecodeHexDigest("00112233445566778899AABBCCDDEEFF00112233", out, 20));
  EXPECT_EQ(out[10], 0xAA);
  EXPECT_TRUE(DecodeHexDigest("00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33", out, 20));
  EXPECT_FALSE(DecodeHexDigest("0011", out, 20));                                            // short
  EXPECT_FALSE(DecodeHexDigest("00112233445566778899AABBCCDDEEFF0011223344", out, 20));     // long
  EXPECT_FALSE(DecodeHexDigest("0g112233445566778899AABBCCDDEEFF00112233", out, 20));       // not hex
  EXPECT_FALSE(DecodeHexDigest("0011223344556677889AABBCCDDEEFF00112233", out, 20));        // odd
  std::string s;
  EXPECT_TRUE(NormalizeSerialInto("00:0A:1B", s));
  EXPECT_EQ(s, "a1b");
  EXPECT_TRUE(NormalizeSerialInto("000", s));
  EXPECT_EQ(s, "0");
  EXPECT_FALSE(NormalizeSerialInto("xyz", s));
  EXPECT_FALSE(NormalizeSerialInto("", s));
}

TEST(NormalizeTest, EmailAndRefang) {
  std::string s;
  EXPECT_TRUE(NormalizeEmailInto(" MailTo:Boss@Example.COM ", s));
  EXPECT_EQ(s, "boss@example.com");
  EXPECT_FALSE(NormalizeEmailInto("@example.com", s));
  EXPECT_FALSE(NormalizeEmailInto("boss@", s));
  EXPECT_FALSE(NormalizeEmailInto("bo ss@example.com", s));
  EXPECT_EQ(Refang("hxxps://evil[.]example(.)com[:]8080/x"), "https://evil.example.com:8080/x");
  EXPECT_EQ(Refang("1.2.3[.]4"), "1.2.3.4");
  EXPECT_EQ(Refang("boss[at]example[dot]com"), "boss@example.com");
}

}  // namespace
}  // namespace onus::match

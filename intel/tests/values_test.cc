#include <gtest/gtest.h>

#include "json_skeleton.h"
#include "onus/intel/intel.h"

namespace onus::intel {
namespace {

TEST(Refang, UndoesCommonDefanging) {
  EXPECT_EQ(Refang("1.2.3[.]4"), "1.2.3.4");
  EXPECT_EQ(Refang("hxxp://bad[.]example[.]com/a"), "http://bad.example.com/a");
  EXPECT_EQ(Refang("hXXps://x(.)y"), "https://x.y");
  EXPECT_EQ(Refang("evil[dot]example{.}org"), "evil.example.org");
  EXPECT_EQ(Refang("user[at]example[.]com"), "user@example.com");
  EXPECT_EQ(Refang("  \"quoted.example.com\"  "), "quoted.example.com");
  EXPECT_EQ(Refang("http[://]x.example[/]y"), "http://x.example/y");
  EXPECT_EQ(Refang("fxp://files.example"), "ftp://files.example");
  EXPECT_EQ(Refang(""), "");
  EXPECT_EQ(Refang("[.[.(.]"), "[.[.(.]");
}

// Found by the CSV fuzzer: "\\\\." refanged to "\\." (one backslash eaten), which refanged again
// to "."; a URL's pattern then read back as another value. Refang now leaves no defanged form.
TEST(Refang, IsIdempotent) {
  EXPECT_EQ(Refang("a\\\\\\.example"), "a.example");
  EXPECT_EQ(Refang("a[[.]]example"), "a.example");
  EXPECT_EQ(Refang("a\\[.]example"), "a.example");
  EXPECT_EQ(Refang("a[.]]x"), "a.]x");
  EXPECT_EQ(Refang("hxxp[:]//x[.]example"), "http://x.example");
  for (std::string_view x : {"https://secure\\\\\\\\\\.]example.com/path", "[[[.]]]", "(([DOT]))", "{{at}}",
                             "[[:]//]", "\\\\\\[at]", "x[/]]", "[[://]]", "hxxps://a[.]b", "\"[.]\""}) {
    std::string once = Refang(x);
    EXPECT_EQ(Refang(once), once) << x;
  }
}

TEST(ExtractTrafficAddresses, OneSideAddressesOnly) {
  auto get = [](std::string_view p) {
    auto r = ExtractTrafficAddresses(p);
    EXPECT_TRUE(r.ok()) << p;
    return r.ok() ? *r : std::vector<TrafficAddress>();
  };
  auto talos = get("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '45.85.76.10']");
  ASSERT_EQ(talos.size(), 1u);
  EXPECT_EQ(talos[0].value.type, kIpv4);
  EXPECT_EQ(talos[0].value.value, "45.85.76.10");
  EXPECT_FALSE(talos[0].source);
  auto swapped = get("[network-traffic:src_ref.value = '2001:DB8::1' AND network-traffic:src_ref.type = 'ipv6-addr']");
  ASSERT_EQ(swapped.size(), 1u);
  EXPECT_EQ(swapped[0].value.value, "2001:db8::1");
  EXPECT_TRUE(swapped[0].source);
  EXPECT_EQ(get("[network-traffic:dst_ref.value IN ('10.0.0.1', '10.0.0.2')] OR [network-traffic:src_ref.value = "
                "'10.0.0.3']")
                .size(),
            3u);
  // Anything more is the evaluator's: ports, both sides, a mismatched type, negation, other operators.
  for (std::string_view p : {"[network-traffic:dst_ref.value = '10.0.0.1' AND network-traffic:dst_port = 443]",
                             "[network-traffic:src_ref.value = '10.0.0.1' AND network-traffic:dst_ref.value = '10.0.0.2']",
                             "[network-traffic:dst_ref.type = 'ipv6-addr' AND network-traffic:dst_ref.value = '10.0.0.1']",
                             "[network-traffic:dst_ref.value != '10.0.0.1']",
                             "[network-traffic:dst_ref.value MATCHES '^10']",
                             "[network-traffic:dst_ref.value = '10.0.0.1'] AND [ipv4-addr:value = '10.0.0.2']",
                             "[network-traffic:dst_ref.value = 'not-an-address']", "[ipv4-addr:value = '10.0.0.1']"})
    EXPECT_TRUE(get(p).empty()) << p;
  EXPECT_FALSE(ExtractTrafficAddresses("[network-traffic:dst_ref.value = ").ok());
}

TEST(Refang, TrimsTheUnicodeBlanksOfPastedText) {
  // As in Insikt's RedHotel list: a no-break space (and a CR) after the value.
  EXPECT_EQ(Refang("fyalluw0[.]sibersystems[.]xyz\xC2\xA0\r"), "fyalluw0.sibersystems.xyz");
  EXPECT_EQ(Refang("\xE2\x80\x8B\xEF\xBB\xBF 1.2.3[.]4\xE2\x80\xAF"), "1.2.3.4");
  EXPECT_EQ(Refang("\"\xC2\xA0" "evil.example\xC2\xA0\""), "evil.example");
  // Inside a value they are kept (and make it no valid domain).
  EXPECT_EQ(Refang("a\xC2\xA0" "b.example"), "a\xC2\xA0" "b.example");
  EXPECT_FALSE(InferValue("a\xC2\xA0" "b.example").has_value());
  // Only whole characters are trimmed: a lone lead byte stays.
  EXPECT_EQ(Refang("x.example\xC2"), "x.example\xC2");
  ASSERT_TRUE(InferValue("c2[.]example[.]net\xC2\xA0").has_value());
  EXPECT_EQ(InferValue("c2[.]example[.]net\xC2\xA0")->value, "c2.example.net");
}

TEST(InferValue, TypesByShape) {
  auto check = [](std::string_view in, std::string_view type, std::string_view value) {
    auto v = InferValue(in);
    ASSERT_TRUE(v.has_value()) << in;
    EXPECT_EQ(v->type, type) << in;
    EXPECT_EQ(v->value, value) << in;
  };
  check("1.2.3[.]4", kIpv4, "1.2.3.4");
  check("10.1.2.3/8", kIpv4, "10.0.0.0/8");
  check("10.1.2.3/32", kIpv4, "10.1.2.3");
  check("2001:DB8::1", kIpv6, "2001:db8::1");
  check("2001:db8::/32", kIpv6, "2001:db8::/32");
  check("198.51.100.7:443", kIpv4, "198.51.100.7");
  check("hxxp://Bad.Example.COM/Path?q=A", kUrl, "http://bad.example.com/Path?q=A");
  check("user[at]Example.com", kEmail, "user@example.com");
  check("D41D8CD98F00B204E9800998ECF8427E", kMd5, "d41d8cd98f00b204e9800998ecf8427e");
  check("da39a3ee5e6b4b0d3255bfef95601890afd80709", kSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  check(std::string(64, 'a'), kSha256, std::string(64, 'a'));
  check(std::string(128, 'b'), kSha512, std::string(128, 'b'));
  check("Sub.Example.co.uk.", kDomain, "sub.example.co.uk");
  check("xn--bcher-kva.example", kDomain, "xn--bcher-kva.example");
  check("c2.example.com:8080", kDomain, "c2.example.com");
  for (std::string_view bad : std::initializer_list<std::string_view>{"", "Network", "e.g", "U.S.", "/Common/Lib/x.php", "1.2.3.4.5", "-bad-.com",
                               "a..b.com", "abc.123", "not an ip", std::string_view("\x01\x02", 2),
                               "deadbeef", "http://", "@example.com"})
    EXPECT_FALSE(InferValue(bad).has_value()) << bad;
  EXPECT_FALSE(InferValue(std::string(300, 'a') + ".com").has_value());
}

TEST(NormaliseValue, ChecksTheGivenType) {
  EXPECT_EQ(NormaliseValue(kMd5, "filename.exe|D41D8CD98F00B204E9800998ECF8427E")->value, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_FALSE(NormaliseValue(kMd5, "da39a3ee5e6b4b0d3255bfef95601890afd80709").has_value());
  EXPECT_EQ(NormaliseValue(kX509Sha1, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01")->value,
            "abcdef0123456789abcdef0123456789abcdef01");
  EXPECT_EQ(NormaliseValue(kIpv4, "198.51.100.21|8443")->value, "198.51.100.21");
  EXPECT_EQ(NormaliseValue(kDomain, "relay.example.net|203.0.113.5")->value, "relay.example.net");
  EXPECT_EQ(NormaliseValue(kDomainSuffix, "*.dyn.example")->value, "dyn.example");
  EXPECT_EQ(NormaliseValue("hash", std::string(40, 'C'))->type, kSha1);
  EXPECT_FALSE(NormaliseValue(kDomain, "198.51.100.7").has_value());
  EXPECT_FALSE(NormaliseValue(kEmail, "no-at-sign").has_value());
  EXPECT_EQ(NormaliseValue(kJa4, "t13d1516h2_8daaf6152771_b186095e22b6")->type, kJa4);
  EXPECT_FALSE(NormaliseValue(kJa4, "t13d;drop").has_value());
  EXPECT_FALSE(NormaliseValue("no-such-type", "x.example.com").has_value());
}

TEST(ParseValueType, KnowsFeedNames) {
  EXPECT_EQ(ParseValueType("ip-dst"), kIpv4);
  EXPECT_EQ(ParseValueType("Intel::SUBNET"), kIpv4);
  EXPECT_EQ(ParseValueType("hostname"), kDomain);
  EXPECT_EQ(ParseValueType("SHA-256"), kSha256);
  EXPECT_EQ(ParseValueType("x509-fingerprint-sha1"), kX509Sha1);
  EXPECT_EQ(ParseValueType("ja3-fingerprint-md5"), kJa3);
  EXPECT_EQ(ParseValueType("email-src"), kEmail);
  EXPECT_EQ(ParseValueType("ipv4-port"), kIpv4);
  EXPECT_EQ(ParseValueType("Hash"), "hash");
  EXPECT_EQ(ParseValueType("text"), "");
}

TEST(ExtractIndicatorValues, SingleAndDisjunctions) {
  auto one = ExtractIndicatorValues("[ipv4-addr:value = '1.2.3.4']");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0], (IndicatorValue{std::string(kIpv4), "1.2.3.4"}));

  auto multi = ExtractIndicatorValues(
      "[domain-name:value = 'A.example.com' OR domain-name:value = 'b.example.com'] OR "
      "[file:hashes.'SHA-256' = '" + std::string(64, 'F') + "'] OR [file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']");
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  ASSERT_EQ(multi->size(), 4u);
  EXPECT_EQ((*multi)[0].type, kDomain);
  EXPECT_EQ((*multi)[0].value, "a.example.com");

  auto in = ExtractIndicatorValues("[ipv4-addr:value IN ('10.0.0.1', '10.0.0.0/24')]");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->size(), 2u);

  auto like = ExtractIndicatorValues("[domain-name:value LIKE '%.dyn.example.org']");
  ASSERT_TRUE(like.ok());
  ASSERT_EQ(like->size(), 1u);
  EXPECT_EQ((*like)[0], (IndicatorValue{std::string(kDomainSuffix), "dyn.example.org"}));

  auto x509 = ExtractIndicatorValues("[x509-certificate:hashes.'SHA-1' = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01']");
  ASSERT_TRUE(x509.ok());
  ASSERT_EQ(x509->size(), 1u);
  EXPECT_EQ((*x509)[0].type, kX509Sha1);
}

TEST(ExtractIndicatorValues, NeedsTheEvaluatorOrIsInvalid) {
  for (std::string_view p : {"[network-traffic:dst_port = 4444 AND network-traffic:dst_ref.value = '1.2.3.4']",
                             "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x.example']",
                             "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.5']",
                             "[ipv4-addr:value = '1.2.3.4'] WITHIN 10 SECONDS",
                             "[ipv4-addr:value != '1.2.3.4']",
                             "[domain-name:value LIKE 'x%']",
                             "[process:name = 'cmd.exe']",
                             "[ipv4-addr:value = 'not-an-address']"}) {
    auto v = ExtractIndicatorValues(p);
    ASSERT_TRUE(v.ok()) << p << ": " << v.status().ToString();
    EXPECT_TRUE(v->empty()) << p;
  }
  for (std::string_view p : {"", "[", "[ipv4-addr:value = '1.2.3.4'", "ipv4-addr:value = '1.2.3.4'",
                             "[ipv4-addr:value = '1.2.3.4]", "[[ipv4-addr:value = '1']]"})
    EXPECT_FALSE(ExtractIndicatorValues(p).ok()) << p;
}

TEST(StixPatternFor, RoundTripsThroughTheExtractor) {
  std::vector<IndicatorValue> vals = {{std::string(kDomain), "oh.example"},
                                      {std::string(kDomainSuffix), "dyn.example"},
                                      {std::string(kIpv4), "10.0.0.0/8"},
                                      {std::string(kSha256), std::string(64, 'a')},
                                      {std::string(kX509Serial), "0a1b"},
                                      {std::string(kJa3), std::string(32, 'c')},
                                      {std::string(kUrl), "http://x.example/o'brien\\b"},
                                      {std::string(kEmail), "a@b.example"}};
  for (const auto& v : vals) {
    std::string p = StixPatternFor({v});
    auto back = ExtractIndicatorValues(p);
    ASSERT_TRUE(back.ok()) << p << ": " << back.status().ToString();
    ASSERT_EQ(back->size(), 1u) << p;
    EXPECT_EQ((*back)[0], v) << p;
  }
  EXPECT_EQ(StixPatternFor({{std::string(kDomain), "x.example"}}), "[domain-name:value = 'x.example']");
  auto all = ExtractIndicatorValues(StixPatternFor(vals));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), vals.size());
}

TEST(Uuid5, MatchesRfc4122AndTheDocumentedNamespace) {
  // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  EXPECT_EQ(*Uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(*Uuid5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://onus.invalid/ns/intel"), kIntelNamespace);
  EXPECT_FALSE(Uuid5("not-a-uuid", "x").ok());
  std::string a = DeterministicIndicatorId("src", {{std::string(kIpv4), "1.2.3.4"}});
  EXPECT_EQ(a, DeterministicIndicatorId("src", {{std::string(kIpv4), "1.2.3.4"}}));
  EXPECT_NE(a, DeterministicIndicatorId("other", {{std::string(kIpv4), "1.2.3.4"}}));
  EXPECT_EQ(a.rfind("indicator--", 0), 0u);
  EXPECT_EQ(a.size(), std::string("indicator--").size() + 36);
}

TEST(JsonSkeleton, SpansKeysAndIndexes) {
  std::string text = "{\"a\": [1, {\"x\": \"}]\\\"\"}, \"s\", [2]],\n \"b\": {\"c\": {}}}";
  auto sk = detail::JsonSkeleton::Build(text);
  ASSERT_TRUE(sk.ok());
  int32_t a = sk.Child(sk.root(), "a");
  ASSERT_GE(a, 0);
  auto els = sk.Elements(a);
  ASSERT_EQ(els.size(), 4u);
  EXPECT_EQ(els[0], -1);
  ASSERT_GE(els[1], 0);
  EXPECT_EQ(text.substr(sk.node(els[1]).begin, sk.node(els[1]).end - sk.node(els[1]).begin), "{\"x\": \"}]\\\"\"}");
  EXPECT_EQ(els[2], -1);
  EXPECT_EQ(sk.node(els[3]).kind, '[');
  int32_t b = sk.Child(sk.root(), "b");
  ASSERT_GE(b, 0);
  EXPECT_GE(sk.Child(b, "c"), 0);
  EXPECT_EQ(sk.Child(b, "zz"), -1);
  for (std::string_view bad : {"{", "[}", "{\"a\": \"unterminated}", "{}{}", "]"})
    EXPECT_FALSE(detail::JsonSkeleton::Build(bad).ok()) << bad;
  std::string deep(5000, '[');
  EXPECT_FALSE(detail::JsonSkeleton::Build(deep + std::string(5000, ']')).ok());
}

TEST(JsonSkeleton, MemberOffsetFindsOnlyTheObjectsOwnKey) {
  // "pattern" also appears as a string value, inside a string with escaped quotes, and as the key
  // of a nested object: only the object's own member counts.
  std::string text =
      "{\"name\": \"pattern\", \"d\": \"say \\\"pattern\\\": x\", \"ext\": {\"pattern\": 1},\n"
      "  \"pattern\" : \"[ipv4-addr:value = '192.0.2.1']\"}";
  auto sk = detail::JsonSkeleton::Build(text);
  ASSERT_TRUE(sk.ok());
  uint64_t at = sk.MemberOffset(text, sk.root(), "pattern");
  ASSERT_NE(at, std::string_view::npos);
  EXPECT_EQ(text.substr(at, 11), "\"pattern\" :");
  EXPECT_EQ(text.rfind("\"pattern\""), at);
  EXPECT_EQ(sk.MemberOffset(text, sk.root(), "missing"), std::string_view::npos);
  EXPECT_EQ(sk.MemberOffset(text, sk.Child(sk.root(), "ext"), "pattern"), text.find("\"pattern\": 1"));
  EXPECT_EQ(sk.MemberOffset(text, -1, "pattern"), std::string_view::npos);
  auto arr = detail::JsonSkeleton::Build("[{\"a\": 1}]");
  EXPECT_EQ(arr.MemberOffset("[{\"a\": 1}]", arr.root(), "a"), std::string_view::npos);  // not an object
}

}  // namespace
}  // namespace onus::intel

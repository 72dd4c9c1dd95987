#include "onus/match/index_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "onus/core/file.h"

namespace onus::match {
namespace {

ValueSpec V(ValueType t, std::string v, DomainScope scope = DomainScope::kExact, AddrRole role = AddrRole::kAny) {
  ValueSpec s;
  s.type = t;
  s.value = std::move(v);
  s.scope = scope;
  s.role = role;
  return s;
}

IndicatorSpec Spec(std::string id, std::vector<ValueSpec> values, std::string source = "feed-a", std::string grade = "B2") {
  IndicatorSpec s;
  s.id = std::move(id);
  s.source = std::move(source);
  s.grade = std::move(grade);
  s.values = std::move(values);
  return s;
}

std::string Hex(std::mt19937_64& rng, int bytes) {
  static const char* k = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < bytes; ++i) {
    uint8_t b = static_cast<uint8_t>(rng());
    s.push_back(k[b >> 4]);
    s.push_back(k[b & 15]);
  }
  return s;
}

std::string V4(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}

// Every value type, every scope and role, metadata of every kind, rejected values, patterns and
// counters; `bulk` random values more (to cross arena chunks and fill posting lists).
CompiledIntel AllTypes(size_t bulk) {
  IndicatorIndex::Builder b;
  IndicatorSpec meta = Spec("indicator--meta", {V(ValueType::kAddr, "192.0.2.1"), V(ValueType::kAddr, "192.0.2.1")},
                            "identity--other", "A1");
  meta.confidence = 85;
  meta.has_valid_from = true;
  meta.valid_from = Timestamp::FromSeconds(1600000000);
  meta.has_valid_until = true;
  meta.valid_until = Timestamp::FromSeconds(1700000000);
  b.Add(meta);
  IndicatorSpec revoked = Spec("indicator--revoked", {V(ValueType::kDomain, "revoked.example")}, "feed-b", "");
  revoked.revoked = true;
  revoked.confidence = 0;
  b.Add(revoked);
  b.Add(Spec("v4", {V(ValueType::kAddr, "198.51.100.7", DomainScope::kExact, AddrRole::kResp),
                    V(ValueType::kAddr, "198.51.100.7", DomainScope::kExact, AddrRole::kOrig)}));
  b.Add(Spec("v6", {V(ValueType::kAddr, "2001:db8::1"), V(ValueType::kAddr, "::ffff:10.1.2.3")}));
  b.Add(Spec("cidrs", {V(ValueType::kAddr, "10.0.0.0/8"), V(ValueType::kAddr, "10.1.0.0/16"),
                       V(ValueType::kAddr, "10.1.2.0/24"), V(ValueType::kAddr, "0.0.0.0/0"),
                       V(ValueType::kAddr, "2001:db8::/32"), V(ValueType::kAddr, "2001:db8:1::/48"),
                       V(ValueType::kAddr, "::/0"), V(ValueType::kAddr, "255.255.255.0/24")}));
  b.Add(Spec("cidr-dup", {V(ValueType::kAddr, "10.1.0.0/16")}));
  b.Add(Spec("domains", {V(ValueType::kDomain, "exact.example.com"), V(ValueType::kDomain, "zone.example.com", DomainScope::kZone),
                         V(ValueType::kDomain, "subs.example.com", DomainScope::kSubdomainsOnly),
                         V(ValueType::kDomain, "*.star.example.org"), V(ValueType::kDomain, "evil[.]example[.]net"),
                         V(ValueType::kDomain, "example.com", DomainScope::kZone)}));
  b.Add(Spec("hashes", {V(ValueType::kMd5, "D41D8CD98F00B204E9800998ECF8427E"),
                        V(ValueType::kSha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                        V(ValueType::kSha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")}));
  b.Add(Spec("tls", {V(ValueType::kJa3, "e7d705a3286e19ea42f587b344ee6865"), V(ValueType::kJa3s, "e7d705a3286e19ea42f587b344ee6865"),
                     V(ValueType::kJa4, "t13d1516h2_8daaf6152771_b186095e22b6")}));
  b.Add(Spec("x509", {V(ValueType::kCertSha1, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01"),
                      V(ValueType::kCertSha256, std::string(64, 'a')), V(ValueType::kCertSerial, "00:0A:1b")}));
  b.Add(Spec("text", {V(ValueType::kEmail, "mailto:Boss@Example.com"),
                      V(ValueType::kUrl, "hxxp://Evil[.]Example.com:80/a%7Eb/%2f?q=1#frag")}));
  b.Add(Spec("bad", {V(ValueType::kAddr, "300.1.1.1"), V(ValueType::kDomain, "a..b"), V(ValueType::kMd5, "abc")}));
  b.Add(Spec("pattern-only", {}));
  std::mt19937_64 rng(11);
  for (size_t i = 0; i < bulk; ++i) {
    std::string id = "indicator--bulk-" + std::to_string(i);
    switch (i % 6) {
      case 0: b.Add(Spec(id, {V(ValueType::kAddr, V4(static_cast<uint32_t>(rng() % 4096) | 0x0A000000u))})); break;
      case 1: {  // (one rng() call per statement: argument order is unspecified, seeds must not depend on the compiler)
        std::string net = V4(static_cast<uint32_t>(rng()));
        std::string len = std::to_string(16 + rng() % 13);
        b.Add(Spec(id, {V(ValueType::kAddr, net + "/" + len)}));
        break;
      }
      case 2: b.Add(Spec(id, {V(ValueType::kDomain, "h" + Hex(rng, 1) + ".bulk.example", i % 4 ? DomainScope::kExact : DomainScope::kZone)})); break;
      case 3: b.Add(Spec(id, {V(ValueType::kSha256, Hex(rng, 32))}, "feed-" + std::to_string(i % 3))); break;
      case 4: b.Add(Spec(id, {V(ValueType::kMd5, Hex(rng, 2) + std::string(28, '0'))})); break;
      default: b.Add(Spec(id, {V(ValueType::kAddr, "2001:db8::" + Hex(rng, 1))})); break;
    }
  }
  CompiledIntel intel;
  auto idx = b.Build();
  EXPECT_TRUE(idx.ok()) << idx.status().ToString();
  intel.index = std::move(idx).value();
  intel.patterns.push_back({12, "[process:name = 'evil.exe']"});
  intel.patterns.push_back({0, "[file:size > 10] FOLLOWEDBY [ipv4-addr:value = '192.0.2.9']"});
  intel.unsupported_values = 3;
  intel.non_stix_patterns = 5;
  return intel;
}

// Everything the index answers, as text: metadata of every entry and indicator, then lookups.
std::vector<std::string> Answers(const IndicatorIndex& idx, uint64_t seed, int probes = 3000) {
  std::vector<std::string> out;
  out.push_back("counts " + std::to_string(idx.indicator_count()) + " " + std::to_string(idx.entry_count()) + " " +
                std::to_string(idx.rejected()) + " " + std::to_string(idx.has_subnets()));
  for (int t = 0; t < kValueTypeCount; ++t)
    out.push_back("type " + std::to_string(idx.count(static_cast<ValueType>(t))) + " " +
                  std::to_string(idx.has_type(static_cast<ValueType>(t))));
  for (const auto& s : idx.rejected_samples()) out.push_back("rejected " + s);
  for (uint32_t i = 0; i < idx.indicator_count(); ++i) {
    const auto& ind = idx.indicator(i);
    out.push_back("ind " + std::string(idx.indicator_id(i)) + " " + std::string(idx.indicator_source(i)) + " " +
                  std::string(idx.indicator_grade(i)) + " " + std::to_string(idx.indicator_confidence(i)) + " " +
                  std::to_string(idx.indicator_revoked(i)) + " " + std::to_string(ind.valid_from_ns) + " " +
                  std::to_string(ind.valid_until_ns) + " " + std::to_string(ind.has_valid_from()) +
                  std::to_string(ind.has_valid_until()) + " " +
                  std::to_string(idx.ValidAt(i, Timestamp::FromSeconds(1650000000))));
  }
  auto list = [&](std::string_view what, auto&& each) {
    std::string line(what);
    each([&](uint32_t e) { line += " " + std::to_string(e); });
    out.push_back(line);
  };
  MatchScratch scratch;
  auto probe = [&](ValueType t, std::string_view value) {
    list(std::string(ValueTypeName(t)) + ":" + std::string(value), [&](auto&& add) {
      switch (t) {
        case ValueType::kAddr: {
          auto c = Cidr::Parse(value);
          if (c.ok()) idx.ForEachAddrMatch(c->network(), add);
          break;
        }
        case ValueType::kDomain:
          idx.ForEachDomainMatch(value, scratch, add);
          break;
        default:
          for (uint32_t e : idx.LookupValue(t, value, scratch)) add(e);
      }
    });
  };
  for (uint32_t e = 0; e < idx.entry_count(); ++e) {
    const IndexEntry& en = idx.entry(e);
    out.push_back("entry " + std::to_string(en.indicator) + " " + std::string(idx.entry_value(e)) + " " +
                  std::to_string(static_cast<int>(en.type)) + std::to_string(static_cast<int>(en.scope)) +
                  std::to_string(static_cast<int>(en.role)) + std::to_string(en.is_subnet));
    probe(en.type, idx.entry_value(e));
    if (en.type == ValueType::kDomain) probe(en.type, "a.b." + std::string(idx.entry_value(e)));
  }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < probes; ++i) {
    probe(ValueType::kAddr, V4(i % 2 ? static_cast<uint32_t>(rng()) : (0x0A000000u | static_cast<uint32_t>(rng() % 8192))));
    std::string group = std::to_string(rng() % 3);
    probe(ValueType::kAddr, "2001:db8:" + group + "::" + Hex(rng, 1));
    probe(ValueType::kDomain, "x.h" + Hex(rng, 1) + ".bulk.example");
    probe(ValueType::kMd5, Hex(rng, 2) + std::string(28, '0'));
  }
  probe(ValueType::kEmail, "boss@example.com");
  probe(ValueType::kUrl, "http://evil.example.com/a~b/%2F?q=1");
  probe(ValueType::kCertSerial, "A1B");
  probe(ValueType::kJa4, "t13d1516h2_8daaf6152771_b186095e22b6");
  return out;
}

void ExpectSameIntel(const CompiledIntel& a, const CompiledIntel& b) {
  ASSERT_TRUE(b.index);
  EXPECT_EQ(Answers(*a.index, 5), Answers(*b.index, 5));
  ASSERT_EQ(a.patterns.size(), b.patterns.size());
  for (size_t i = 0; i < a.patterns.size(); ++i) {
    EXPECT_EQ(a.patterns[i].indicator, b.patterns[i].indicator);
    EXPECT_EQ(a.patterns[i].pattern, b.patterns[i].pattern);
  }
  EXPECT_EQ(a.unsupported_values, b.unsupported_values);
  EXPECT_EQ(a.non_stix_patterns, b.non_stix_patterns);
}

// The file's sections: tag → (header offset, payload offset, element size, count).
struct SectionAt {
  std::string tag;
  size_t head, payload, elem, count;
};
std::vector<SectionAt> Sections(const std::string& f) {
  std::vector<SectionAt> out;
  size_t at = 32;
  while (at + 16 <= f.size() - 16) {
    uint32_t elem;
    uint64_t count;
    std::memcpy(&elem, f.data() + at + 4, 4);
    std::memcpy(&count, f.data() + at + 8, 8);
    out.push_back({f.substr(at, 4), at, at + 16, elem, static_cast<size_t>(count)});
    at += 16 + elem * count;
  }
  EXPECT_EQ(at, f.size() - 16);
  return out;
}
const SectionAt& Find(const std::vector<SectionAt>& s, std::string_view tag) {
  for (const auto& x : s)
    if (x.tag == tag) return x;
  ADD_FAILURE() << "no section " << tag;
  return s.front();
}
// Re-seals the checksum trailer after a deliberate edit (a hostile file with a valid checksum).
void Reseal(std::string& f) {
  uint64_t sum = IndexFileChecksum(std::string_view(f).substr(0, f.size() - 16));
  std::memcpy(f.data() + f.size() - 16, &sum, 8);
}

std::string EncodeOrDie(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra = {}) {
  auto bytes = EncodeCompiledIntel(intel, extra);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

std::string TempPath(const std::string& name) {
  std::string dir = testing::TempDir() + "index_file_test_" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

TEST(IndexFileTest, RoundTripsEveryTypeMetadataPatternsAndCounters) {
  CompiledIntel intel = AllTypes(3000);
  ASSERT_GT(intel.index->rejected(), 0u);
  for (int t = 0; t < kValueTypeCount; ++t) EXPECT_TRUE(intel.index->has_type(static_cast<ValueType>(t))) << t;
  std::vector<IndexFileSection> extra = {{"feeds.sha256", std::string(64, 'f')}, {"empty", ""}, {"bin", std::string("\0\1\2", 3)}};
  std::string bytes = EncodeOrDie(intel, extra);
  auto loaded = DecodeCompiledIntel(bytes, "mem");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameIntel(intel, loaded->intel);
  ASSERT_EQ(loaded->extra.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(loaded->extra[i].name, extra[i].name);
    EXPECT_EQ(loaded->extra[i].bytes, extra[i].bytes);
  }
  // A loaded index saves to the same bytes.
  EXPECT_EQ(EncodeOrDie(loaded->intel, extra), bytes);
}

TEST(IndexFileTest, MetadataAcrossArenaChunks) {
  // Long ids push the arena past its first chunks (64 KiB, 128 KiB, ...).
  IndicatorIndex::Builder b;
  for (int i = 0; i < 4000; ++i) b.Add(Spec("indicator--" + std::string(200, 'a' + i % 26) + std::to_string(i),
                                            {V(ValueType::kDomain, "n" + std::to_string(i) + ".chunks.example")}));
  CompiledIntel intel;
  intel.index = b.Build().value();
  auto loaded = DecodeCompiledIntel(EncodeOrDie(intel), "mem");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameIntel(intel, loaded->intel);
}

TEST(IndexFileTest, EmptyIndex) {
  IndicatorIndex::Builder b;
  CompiledIntel intel;
  intel.index = b.Build().value();
  std::string bytes = EncodeOrDie(intel);
  auto loaded = DecodeCompiledIntel(bytes, "mem");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->intel.index->entry_count(), 0u);
  EXPECT_TRUE(loaded->intel.index->LookupAddrExact(IpAddress::Parse("1.2.3.4").value()).empty());
  MatchScratch s;
  EXPECT_TRUE(loaded->intel.index->LookupValue(ValueType::kMd5, std::string(32, '0'), s).empty());
  ExpectSameIntel(intel, loaded->intel);
  EXPECT_LT(bytes.size(), 1024u);
}

TEST(IndexFileTest, WritesAtomicallyAndReadsBack) {
  CompiledIntel intel = AllTypes(500);
  std::string path = TempPath("intel.idx");
  ASSERT_TRUE(WriteCompiledIntel(intel, {{"k", "v"}}, path).ok());
  ASSERT_TRUE(WriteCompiledIntel(intel, {{"k", "v2"}}, path).ok());  // replaces
  auto loaded = ReadCompiledIntel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ExpectSameIntel(intel, loaded->intel);
  ASSERT_EQ(loaded->extra.size(), 1u);
  EXPECT_EQ(loaded->extra[0].bytes, "v2");
  // No temporary file is left beside it.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(ReadFile(path).value(), EncodeOrDie(intel, {{"k", "v2"}}));
  // Missing file, missing directory, a directory as the file.
  EXPECT_EQ(ReadCompiledIntel(path + ".none").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(WriteCompiledIntel(intel, {}, TempPath("no/such/dir/x.idx")).ok());
  EXPECT_FALSE(ReadCompiledIntel(std::filesystem::path(path).parent_path().string()).ok());
  CompiledIntel none;
  EXPECT_FALSE(WriteCompiledIntel(none, {}, path + ".2").ok());
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(IndexFileTest, TruncatedAtEveryLengthIsAnErrorNamingFileAndOffset) {
  std::string bytes = EncodeOrDie(AllTypes(20), {{"x", "yz"}});
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeCompiledIntel(std::string_view(bytes).substr(0, n), "cut.idx");
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << n;
    EXPECT_NE(r.status().message().find("cut.idx: at byte "), std::string::npos) << r.status().message();
  }
  // And a byte too many.
  auto r = DecodeCompiledIntel(bytes + "x", "long.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("after the trailer"), std::string::npos) << r.status().message();
}

TEST(IndexFileTest, EveryFlippedByteIsAnError) {
  std::string bytes = EncodeOrDie(AllTypes(20), {{"x", "yz"}});
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
      std::string f = bytes;
      f[i] = static_cast<char>(f[i] ^ bit);
      auto r = DecodeCompiledIntel(f, "flip.idx");
      ASSERT_FALSE(r.ok()) << "byte " << i;
      EXPECT_NE(r.status().message().find("flip.idx"), std::string::npos);
    }
  }
}

TEST(IndexFileTest, WrongMagicVersionAndByteOrder) {
  std::string bytes = EncodeOrDie(AllTypes(0));
  std::string f = bytes;
  f[0] = 'X';
  auto r = DecodeCompiledIntel(f, "m.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not an onus index file"), std::string::npos) << r.status().message();

  f = bytes;
  uint32_t version = kIndexFileVersion + 1;
  std::memcpy(f.data() + 12, &version, 4);
  Reseal(f);
  r = DecodeCompiledIntel(f, "v.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("format version " + std::to_string(version)), std::string::npos);

  f = bytes;
  uint32_t swapped = 0x04030201u;
  std::memcpy(f.data() + 8, &swapped, 4);
  Reseal(f);
  r = DecodeCompiledIntel(f, "b.idx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("other byte order"), std::string::npos) << r.status().message();

  EXPECT_FALSE(DecodeCompiledIntel("", "e.idx").ok());
  EXPECT_FALSE(DecodeCompiledIntel(std::string(200, '\0'), "z.idx").ok());
}

// Hostile files with a valid checksum: each structural rule is checked on its own.
class HostileTest : public testing::Test {
 protected:
  void SetUp() override {
    bytes_ = EncodeOrDie(AllTypes(60));
    sections_ = Sections(bytes_);
    ASSERT_TRUE(DecodeCompiledIntel(bytes_, "ok.idx").ok());
  }
  // Applies the edit, reseals, expects a Corrupt error containing `what` at the right offset.
  template <typename Edit>
  void Expect(std::string_view what, Edit&& edit, size_t expect_at = SIZE_MAX) {
    std::string f = bytes_;
    size_t at = edit(f);
    Reseal(f);
    auto r = DecodeCompiledIntel(f, "hostile.idx");
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
    if (expect_at == SIZE_MAX) expect_at = at;
    EXPECT_NE(r.status().message().find("at byte " + std::to_string(expect_at) + ":"), std::string::npos)
        << r.status().message() << " (expected byte " << expect_at << ")";
  }
  template <typename T>
  static void Put(std::string& f, size_t at, T v) { std::memcpy(f.data() + at, &v, sizeof v); }
  template <typename T>
  static T Get(const std::string& f, size_t at) {
    T v;
    std::memcpy(&v, f.data() + at, sizeof v);
    return v;
  }
  const SectionAt& S(std::string_view tag) { return Find(sections_, tag); }
  std::string bytes_;
  std::vector<SectionAt> sections_;
};

TEST_F(HostileTest, EntryOrdinalsAndOffsets) {
  const auto& e = S("ENTR");
  Expect("entry 3 is out of range", [&](std::string& f) { Put<uint32_t>(f, e.payload + 3 * 16, 1u << 30); return e.payload + 48; });
  Expect("entry 2 is out of range", [&](std::string& f) { Put<uint32_t>(f, e.payload + 2 * 16 + 4, 0x7F000000u); return e.payload + 32; });
  Expect("entry 1 is out of range", [&](std::string& f) { f[e.payload + 16 + 8] = 40; return e.payload + 16; });
  const auto& ind = S("INDI");
  Expect("indicator 4 is out of range", [&](std::string& f) { Put<uint32_t>(f, ind.payload + 4 * 24 + 4, 999u); return ind.payload + 96; });
  const auto& fl = S("FLAG");
  Expect("confidence out of range", [&](std::string& f) { f[fl.payload + 2] = 120; return fl.payload + 2; });
  const auto& pi = S("PIND");
  Expect("pattern names indicator", [&](std::string& f) { Put<uint32_t>(f, pi.payload + 4, 1u << 20); return pi.payload + 4; });
}

TEST_F(HostileTest, ArenaAndStringKeys) {
  const auto& chunk = S("ACHK");
  Expect("does not end with NUL", [&](std::string& f) { f[chunk.payload + chunk.count - 1] = 'x'; return S("ARNA").payload; });
  // A string-table key pointing past the used bytes.
  const auto& st = S(std::string("ST__").replace(2, 1, 1, static_cast<char>('_' + static_cast<int>(ValueType::kSha256))));
  size_t slot = SIZE_MAX;
  for (size_t i = 0; i < st.count; ++i)
    if (Get<uint32_t>(bytes_, st.payload + i * 16 + 12) != 0xFFFFFFFFu) {
      slot = i;
      break;
    }
  ASSERT_NE(slot, SIZE_MAX);
  Expect("string key outside the arena", [&](std::string& f) { Put<uint32_t>(f, st.payload + slot * 16 + 8, static_cast<uint32_t>(chunk.count - 1)); return st.payload + slot * 16; });
  Expect("string key outside the arena", [&](std::string& f) { Put<uint32_t>(f, st.payload + slot * 16 + 8, 5u << 24); return st.payload + slot * 16; });
  Expect("arena chunk of 0 bytes", [&](std::string& f) { Put<uint64_t>(f, S("ARNA").payload, 0); return S("ARNA").payload; });
}

TEST_F(HostileTest, PostingsAndTables) {
  const auto& post = S("POST");
  ASSERT_GT(post.count, 3u);
  Expect("overruns the array", [&](std::string& f) { Put<uint32_t>(f, post.payload, 1u << 30); return post.payload; });
  Expect("posting names entry", [&](std::string& f) { Put<uint32_t>(f, post.payload + 4, 1u << 30); return post.payload + 4; });
  const auto& v4 = S("V4TB");
  size_t occupied = SIZE_MAX, empty = SIZE_MAX;
  for (size_t i = 0; i < v4.count; ++i) {
    bool is_empty = Get<uint32_t>(bytes_, v4.payload + i * 8 + 4) == 0xFFFFFFFFu;
    if (is_empty && empty == SIZE_MAX) empty = i;
    if (!is_empty && occupied == SIZE_MAX) occupied = i;
  }
  ASSERT_NE(occupied, SIZE_MAX);
  Expect("posting names entry", [&](std::string& f) { Put<uint32_t>(f, v4.payload + occupied * 8 + 4, 0x7FFFFFF0u); return v4.payload + occupied * 8; });
  Expect("not a block start", [&](std::string& f) { Put<uint32_t>(f, v4.payload + occupied * 8 + 4, 0x80000001u); return v4.payload + occupied * 8; });
  // Every slot full: a probe for an absent key would never end.
  Expect("no empty slot", [&](std::string& f) {
    for (size_t i = 0; i < v4.count; ++i)
      if (Get<uint32_t>(f, v4.payload + i * 8 + 4) == 0xFFFFFFFFu) std::memcpy(f.data() + v4.payload + i * 8, f.data() + v4.payload + occupied * 8, 8);
    return v4.payload;
  });
  // A table size that is not a power of two: shrink the count (the section then misparses the rest,
  // so the error is either the shape or the next section's tag; both name an offset).
  std::string f = bytes_;
  Put<uint64_t>(f, v4.head + 8, v4.count - 1);
  Reseal(f);
  EXPECT_FALSE(DecodeCompiledIntel(f, "shape.idx").ok());
}

TEST_F(HostileTest, RangesSortedAndSized) {
  const auto& rs = S("V4RS");
  ASSERT_GT(rs.count, 2u);
  Expect("not strictly ascending", [&](std::string& f) {
    uint32_t a = Get<uint32_t>(f, rs.payload), b = Get<uint32_t>(f, rs.payload + 4);
    Put<uint32_t>(f, rs.payload, b);
    Put<uint32_t>(f, rs.payload + 4, a);
    return rs.payload + 4;
  });
  const auto& rp = S("V4RP");
  Expect("posting names entry", [&](std::string& f) { Put<uint32_t>(f, rp.payload + 4, 0x7FFFFFF0u); return rp.payload + 4; });
}

TEST_F(HostileTest, SectionHeaders) {
  const auto& e = S("ENTR");
  Expect("expected section 'ENTR', found 'XNTR'", [&](std::string& f) { f[e.head] = 'X'; return e.head; });
  Expect("has 17-byte elements", [&](std::string& f) { Put<uint32_t>(f, e.head + 4, 17u); return e.head + 4; });
  Expect("truncated: section 'ENTR'", [&](std::string& f) { Put<uint64_t>(f, e.head + 8, uint64_t{1} << 28); return e.head + 8; });
  Expect("extra-section count", [&](std::string& f) { Put<uint64_t>(f, S("XCNT").payload, uint64_t{1} << 40); return S("XCNT").payload; });
  Expect("at most 256 allowed", [&](std::string& f) { Put<uint64_t>(f, S("ARNA").head + 8, 1000); return S("ARNA").head + 8; });
}

// Random edits with the checksum resealed: never a crash; what loads answers lookups safely.
TEST_F(HostileTest, RandomResealedEditsNeverCrash) {
  std::mt19937_64 rng(3);
  size_t loaded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string f = bytes_;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = 32 + rng() % (f.size() - 48);
      switch (rng() % 3) {
        case 0: f[at] = static_cast<char>(rng()); break;
        case 1: f[at] = static_cast<char>(f[at] ^ (1 << (rng() % 8))); break;
        default: Put<uint32_t>(f, std::min(at, f.size() - 20), static_cast<uint32_t>(rng())); break;
      }
    }
    Reseal(f);
    auto r = DecodeCompiledIntel(f, "random.idx");
    if (!r.ok()) continue;
    ++loaded;
    (void)Answers(*r->intel.index, round, 20);  // must not read out of bounds (ASan build)
  }
  EXPECT_LT(loaded, 3000u);  // most edits are caught
}

// The fuzz target's seed corpus: small valid files that must keep loading (a format change
// regenerates them: ONUS_WRITE_INDEX_SEEDS=1 match_tests --gtest_filter='*SeedCorpus*').
TEST(IndexFileTest, SeedCorpusLoads) {
  std::string dir = std::string(ONUS_SOURCE_DIR) + "/fuzz/match/index_file_corpus/";
  IndicatorIndex::Builder empty_builder;
  CompiledIntel empty;
  empty.index = empty_builder.Build().value();
  std::vector<std::pair<std::string, std::string>> seeds = {
      {"small.idx", EncodeOrDie(AllTypes(0), {{"feeds.sha256", std::string(64, 'e')}})},
      {"bulk.idx", EncodeOrDie(AllTypes(24))},
      {"empty.idx", EncodeOrDie(empty)}};
  if (std::getenv("ONUS_WRITE_INDEX_SEEDS")) {
    for (const auto& [name, bytes] : seeds) ASSERT_TRUE(WriteFile(dir + name, bytes).ok());
  }
  for (const auto& [name, bytes] : seeds) {
    auto on_disk = ReadFile(dir + name);
    ASSERT_TRUE(on_disk.ok()) << on_disk.status().ToString();
    EXPECT_LT(on_disk->size(), 20000u) << name;
    EXPECT_TRUE(*on_disk == bytes) << name << " (" << on_disk->size() << " bytes, now " << bytes.size()
                                   << ") is stale: regenerate it (see above)";
    auto loaded = ReadCompiledIntel(dir + name);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  }
}

}  // namespace
}  // namespace onus::match

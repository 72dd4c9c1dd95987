// Format detection from content, input expansion, kinds filter, unknown inputs.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "onus/core/file.h"
#include "onus/core/hash.h"
#include "tests/ingest_test_util.h"

namespace onus::ingest {
namespace {

using testing::DataPath;
using testing::CollectSink;
using testing::Ingest;
using testing::SharedPath;

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("onus_reader_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& content) {
    auto p = dir_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string WriteGz(const std::string& name, const std::string& content) {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::string p = (dir_ / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return p;
  }
  std::filesystem::path dir_;
};

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s + std::string(20, '\0');
}

TEST_F(ReaderTest, DetectsCapturesByMagic) {
  EXPECT_EQ(*DetectFormat(Write("a", Bytes({0xd4, 0xc3, 0xb2, 0xa1}))), InputFormat::kPcap);  // little-endian
  EXPECT_EQ(*DetectFormat(Write("b", Bytes({0xa1, 0xb2, 0xc3, 0xd4}))), InputFormat::kPcap);  // big-endian
  EXPECT_EQ(*DetectFormat(Write("c", Bytes({0x4d, 0x3c, 0xb2, 0xa1}))), InputFormat::kPcap);  // nanosecond LE
  EXPECT_EQ(*DetectFormat(Write("d", Bytes({0xa1, 0xb2, 0x3c, 0x4d}))), InputFormat::kPcap);  // nanosecond BE
  EXPECT_EQ(*DetectFormat(Write("e", Bytes({0x0a, 0x0d, 0x0d, 0x0a}))), InputFormat::kPcapng);
  EXPECT_EQ(*DetectFormat(WriteGz("f.gz", Bytes({0xd4, 0xc3, 0xb2, 0xa1}))), InputFormat::kPcap);
}

TEST_F(ReaderTest, DetectsLogsByContentNotName) {
  EXPECT_EQ(*DetectFormat(DataPath("zeek-tsv/conn.log")), InputFormat::kZeekTsv);
  EXPECT_EQ(*DetectFormat(DataPath("eve.json")), InputFormat::kSuricataEve);
  EXPECT_EQ(*DetectFormat(DataPath("scada_events.jsonl")), InputFormat::kGridJsonl);
  // Misleading names.
  EXPECT_EQ(*DetectFormat(Write("capture.pcap", "{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"1.2.3.4\"}\n")),
            InputFormat::kZeekJson);
  EXPECT_EQ(*DetectFormat(Write("x.log", "\n\n{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"dns\"}\n")),
            InputFormat::kSuricataEve);
  // A broken first line does not hide a good log.
  EXPECT_EQ(*DetectFormat(Write("y.json", "{broken\n{\"ts\":\"2024-01-01T00:00:00Z\",\"_path\":\"dns\"}\n")),
            InputFormat::kZeekJson);
  // gzip forms.
  EXPECT_EQ(*DetectFormat(WriteGz("eve.gz", "{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"x\"}\n")),
            InputFormat::kSuricataEve);
  EXPECT_EQ(*DetectFormat(WriteGz("conn.2021-03-01-00-00-00.log.gz", "#separator \\x09\n#path\tconn\n")),
            InputFormat::kZeekTsv);
}

TEST_F(ReaderTest, UnknownInputsAreUnsupportedAndNamed) {
  for (const std::string& content : {std::string(), std::string("hello world\n"), std::string("{\"a\":1}\n"),
                                     std::string("[1,2]\n"), std::string("\x1f\x8b\x08garbage", 11),
                                     std::string(1000, '\0')}) {
    std::string p = Write("unknown.bin", content);
    auto f = DetectFormat(p);
    ASSERT_FALSE(f.ok());
    EXPECT_TRUE(f.status().code() == StatusCode::kUnsupported || f.status().code() == StatusCode::kIoError)
        << f.status().ToString();
    EXPECT_NE(f.status().message().find(p), std::string::npos) << f.status().message();
  }
  auto missing = DetectFormat((dir_ / "nope").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(ReaderTest, UnknownExplicitInputFailsBeforeAnyOutput) {
  std::string junk = Write("junk.txt", "not a log\n");
  auto r = Ingest({DataPath("zeek-tsv/dns.log"), junk});
  EXPECT_EQ(r->status.code(), StatusCode::kUnsupported);
  EXPECT_NE(r->status.message().find("junk.txt"), std::string::npos);
  EXPECT_TRUE(r->sink.all.empty());
  auto m = Ingest({(dir_ / "missing.log").string()});
  EXPECT_EQ(m->status.code(), StatusCode::kNotFound);
}

TEST_F(ReaderTest, ExpandsDirectoriesSortedWithRotatedNamesAndSkipsHidden) {
  std::string hdr = "#separator \\x09\n#path\tconn\n#fields\tts\tuid\n";
  WriteGz("logs/2021-03-01/conn.2021-03-01-01-00-00.log.gz", hdr + "2.0\tC2\n");
  WriteGz("logs/2021-03-01/conn.2021-03-01-00-00-00.log.gz", hdr + "1.0\tC1\n");
  Write("logs/conn.log", hdr + "3.0\tC3\n");
  Write("logs/.hidden/conn.log", hdr + "9.0\tC9\n");
  Write("logs/.conn.log.swp", "junk");
  Write("logs/README.md", "# not a log\n");
  auto files = ExpandInputs({(dir_ / "logs").string()});
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 4u);
  EXPECT_NE((*files)[0].find("conn.2021-03-01-00-00-00.log.gz"), std::string::npos);
  EXPECT_NE((*files)[1].find("conn.2021-03-01-01-00-00.log.gz"), std::string::npos);
  EXPECT_NE((*files)[3].find("logs/conn.log"), std::string::npos);
  // Reading the directory: the README is skipped with a warning, not fatal.
  auto r = Ingest({(dir_ / "logs").string()});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  ASSERT_EQ(r->sink.all.size(), 3u);
  EXPECT_EQ(r->sink.all[0].uid, "C1");
  EXPECT_EQ(r->sink.all[2].uid, "C3");
  EXPECT_EQ(r->run.stats.files, 3u);
  ASSERT_EQ(r->run.stats.warnings.size(), 1u);
  EXPECT_NE(r->run.stats.warnings[0].find("README.md"), std::string::npos);
  // PlanInputs names the same files ReadInputs reads, in its order, and what it leaves out.
  std::vector<std::string> skipped;
  auto plan = PlanInputs({(dir_ / "logs").string()}, &skipped);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), r->run.inputs.size());
  for (size_t i = 0; i < plan->size(); ++i) EXPECT_EQ((*plan)[i], r->run.inputs[i].path);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("README.md"), std::string::npos);
  // An explicit file of no known format is an error, as for ReadInputs.
  EXPECT_EQ(PlanInputs({(dir_ / "logs/README.md").string()}).status().code(), StatusCode::kUnsupported);
}

TEST_F(ReaderTest, KindsFilterAndAnomalySwitch) {
  IngestOptions o;
  o.kinds = {ObservationKind::kTls, ObservationKind::kX509};
  auto r = Ingest({DataPath("zeek-tsv")}, o);
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.all.size(), 2u);
  for (const auto& obs : r->sink.all)
    EXPECT_TRUE(obs.kind == ObservationKind::kTls || obs.kind == ObservationKind::kX509);
  EXPECT_EQ(r->sink.all[0].cert_sha1, "ef4a07dc91ccc67f0ba7d7c42b5a02344c39ad73");  // files.log still joined
  IngestOptions q;
  q.emit_anomalies = false;
  auto s = Ingest({DataPath("zeek-tsv/conn.log")}, q);
  EXPECT_EQ(s->sink.OfKind(ObservationKind::kAnomaly).size(), 0u);
  EXPECT_EQ(s->run.stats.malformed, 1u);
}

TEST_F(ReaderTest, OverlongLineIsSkippedAndReported) {
  std::string hdr = "#separator \\x09\n#path\tconn\n#fields\tts\tuid\n";
  std::string p = Write("conn.log", hdr + "1.0\tC1\n" + "2.0\t" + std::string(3 << 20, 'x') + "\n3.0\tC3\n");
  auto r = Ingest({p});
  ASSERT_TRUE(r->status.ok());
  ASSERT_EQ(r->sink.OfKind(ObservationKind::kConn).size(), 2u);
  auto a = r->sink.OfKind(ObservationKind::kAnomaly);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0]->anomaly, "overlong_log_line");
  EXPECT_EQ(a[0]->src.record, 5u);
  EXPECT_EQ(r->sink.OfKind(ObservationKind::kConn)[1]->src.record, 6u);
}

TEST_F(ReaderTest, SinkErrorStopsTheRun) {
  struct StopSink : ObservationSink {
    int n = 0;
    Status OnObservation(const Observation&) override {
      return ++n == 2 ? Status::IoError("stop") : Status::Ok();
    }
  } sink;
  IngestRun run;
  Status st = ReadInputs({DataPath("zeek-tsv/dns.log")}, {}, sink, run);
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(sink.n, 2);
}

// decode_before_digest: observations flow before the file's SHA-256 is known; the sink can wait for
// it (AwaitSha256), and once ReadInputs is done every input holds its digest. What is read — every
// field, uids included, and the provenance — is the same as when the digest comes first.
TEST_F(ReaderTest, DecodeBeforeDigestReadsTheSameAndSettlesTheDigest) {
  std::vector<std::string> paths = {DataPath("zeek-tsv/conn.log"), DataPath("zeek-tsv/dns.log")};
  const std::string pcaps = SharedPath("data/pcaps/");
  for (const char* f : {"mixed/nDPI/dns.pcap", "malware_c2/nDPI/emotet.pcap"})
    if (FileExists(pcaps + f)) paths.push_back(pcaps + f);
  ASSERT_GE(paths.size(), 3u) << "no shared capture found";
  auto first = Ingest(paths);
  ASSERT_TRUE(first->status.ok()) << first->status.ToString();

  struct AwaitingSink : CollectSink {
    std::vector<std::string> awaited;  // the digest each input's first observation waited for
    const InputInfo* last = nullptr;
    Status OnObservation(const Observation& obs) override {
      if (obs.src.input != last) {
        last = obs.src.input;
        ONUS_RETURN_IF_ERROR(obs.src.input->AwaitSha256());
        awaited.push_back(obs.src.input->sha256);
      }
      return CollectSink::OnObservation(obs);
    }
  } late;
  IngestOptions opt;
  opt.decode_before_digest = true;
  IngestRun run;
  ASSERT_TRUE(ReadInputs(paths, opt, late, run).ok());
  ASSERT_EQ(run.inputs.size(), paths.size());
  ASSERT_EQ(late.awaited.size(), paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string want = *Sha256File(paths[i]);
    EXPECT_EQ(run.inputs[i].sha256, want) << paths[i];
    EXPECT_EQ(late.awaited[i], want) << paths[i];
    EXPECT_EQ(run.inputs[i].pending_digest, nullptr);
  }
  ASSERT_EQ(late.all.size(), first->sink.all.size());
  size_t uids = 0;
  for (size_t i = 0; i < late.all.size(); ++i) {
    ASSERT_EQ(ToJsonLine(late.all[i]), ToJsonLine(first->sink.all[i])) << i;
    uids += !late.all[i].uid.empty();
  }
  EXPECT_GT(uids, 0u);
}

// A flow scope over a damaged capture: the payload pass skips the damage exactly as the real pass
// does, so the scoped read reports the same damage, reads the same packets, keeps every HTTP record,
// and makes no record the full read does not make.
TEST_F(ReaderTest, FlowScopeOverADamagedCaptureKeepsTheHttpRecordsAndTheWarnings) {
  const std::string src = SharedPath("data/pcaps/mixed/zeek/http/get.pcap");
  if (!FileExists(src)) GTEST_SKIP() << "no " << src;
  std::ifstream in(src, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(static_cast<uint8_t>(bytes[0]), 0xd4u) << "a little-endian pcap is expected";
  // The third record's caplen becomes absurd (a damaged header), and the file ends mid-record.
  size_t off = 24;
  for (int i = 0; i < 2; ++i) {
    uint32_t caplen;
    std::memcpy(&caplen, bytes.data() + off + 8, 4);
    off += 16 + caplen;
  }
  ASSERT_LT(off + 16, bytes.size());
  const uint32_t huge = 0x7FFFFFFF;
  std::memcpy(bytes.data() + off + 8, &huge, 4);
  bytes.resize(bytes.size() - 7);
  const std::string damaged = Write("damaged.pcap", bytes);

  auto full = Ingest({damaged});
  ASSERT_TRUE(full->status.ok()) << full->status.ToString();
  FlowScope scope;
  scope.http = true;
  IngestOptions scoped_options;
  scoped_options.flow_scope = &scope;
  auto scoped = Ingest({damaged}, scoped_options);
  ASSERT_TRUE(scoped->status.ok()) << scoped->status.ToString();

  EXPECT_FALSE(full->run.stats.warnings.empty());
  EXPECT_EQ(scoped->run.stats.warnings, full->run.stats.warnings);
  EXPECT_EQ(scoped->run.stats.records, full->run.stats.records);
  EXPECT_EQ(scoped->run.inputs[0].records, full->run.stats.records);
  std::multiset<std::string> all;
  for (const auto& o : full->sink.all) all.insert(ToJsonLine(o));
  for (const auto& o : scoped->sink.all) {
    auto it = all.find(ToJsonLine(o));
    ASSERT_NE(it, all.end()) << "a record the full read does not make: " << ToJsonLine(o);
    all.erase(it);
  }
  std::multiset<std::string> http_full, http_scoped;
  for (const auto* o : full->sink.OfKind(ObservationKind::kHttp)) http_full.insert(ToJsonLine(*o));
  for (const auto* o : scoped->sink.OfKind(ObservationKind::kHttp)) http_scoped.insert(ToJsonLine(*o));
  EXPECT_FALSE(http_full.empty());
  EXPECT_EQ(http_scoped, http_full);
}

TEST(Kinds, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ObservationKind::kOther); ++i) {
    auto k = static_cast<ObservationKind>(i);
    ObservationKind back;
    ASSERT_TRUE(ParseKind(KindName(k), back));
    EXPECT_EQ(back, k);
  }
  ObservationKind k;
  EXPECT_FALSE(ParseKind("conns", k));
  EXPECT_EQ(InputFormatName(InputFormat::kZeekTsv), "zeek-tsv");
}

}  // namespace
}  // namespace onus::ingest

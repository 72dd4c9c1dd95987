// MappedPcap against libpcap's own offline reader: record for record the same time stamps,
// lengths and bytes, and an error at the same record, on every classic pcap in shared/data and on
// synthetic files with the edge cases (byte order, nanosecond magic, caplen beyond the snaplen,
// oversized and truncated records; time fields past 2^31 are read unsigned, where libpcap
// sign-extends them in native-order files). Then ReadCapture on the mapped path and on
// libpcap's path (a gzip of the same file) must emit the same observations.
#include <pcap/pcap.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "decoders/pcap/mapped_pcap.h"
#include "decoders/pcap/tests/capture_test_util.h"
#include "onus/core/hash.h"

namespace onus::ingest {
namespace {

using capture_testing::PcapWriter;
using capture_testing::TempPath;

struct Rec {
  int64_t ts_ns;
  uint32_t caplen, len;
  std::string digest;
  bool operator==(const Rec&) const = default;
};
struct Stream {
  std::vector<Rec> records;
  bool error = false;  // reading stopped at a bad record (not at the end)
  int linktype = -1;
};

Stream ViaLibpcap(const std::string& path) {
  Stream s;
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) {
    s.error = true;
    return s;
  }
  s.linktype = pcap_datalink(p);
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int r = pcap_next_ex(p, &h, &d);
    if (r != 1) {
      s.error = r != PCAP_ERROR_BREAK;
      break;
    }
    s.records.push_back({static_cast<int64_t>(h->ts.tv_sec) * 1000000000LL + h->ts.tv_usec, h->caplen, h->len,
                         Sha256Hex(std::string_view(reinterpret_cast<const char*>(d), h->caplen))});
  }
  pcap_close(p);
  return s;
}

Stream ViaMapped(const std::string& path, bool* opened = nullptr) {
  Stream s;
  auto m = detail::MappedPcap::Open(path);
  if (opened) *opened = m != nullptr;
  if (!m) {
    s.error = true;
    return s;
  }
  s.linktype = m->linktype();
  detail::PcapRecord rec;
  for (;;) {
    auto r = m->Read(rec);
    if (r != detail::MappedPcap::Next::kRecord) {
      s.error = r == detail::MappedPcap::Next::kError;
      if (s.error) {
        EXPECT_FALSE(m->error().empty());
      }
      break;
    }
    s.records.push_back({rec.ts_ns, rec.caplen, rec.len,
                         Sha256Hex(std::string_view(reinterpret_cast<const char*>(rec.data), rec.caplen))});
  }
  return s;
}

void ExpectSameStream(const std::string& path) {
  bool opened = false;
  Stream m = ViaMapped(path, &opened);
  ASSERT_TRUE(opened) << path;
  Stream l = ViaLibpcap(path);
  EXPECT_EQ(m.linktype, l.linktype) << path;
  ASSERT_EQ(m.records.size(), l.records.size()) << path;
  for (size_t i = 0; i < m.records.size(); ++i) ASSERT_TRUE(m.records[i] == l.records[i]) << path << " record " << i;
  EXPECT_EQ(m.error, l.error) << path;
}

TEST(MappedPcap, SameRecordsAsLibpcapOnEverySharedCapture) {
  int compared = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(ONUS_SHARED_DIR) + "/data/pcaps")) {
    if (!e.is_regular_file() || e.file_size() < 24) continue;
    auto m = detail::MappedPcap::Open(e.path().string());
    if (!m) continue;  // pcapng or not a capture
    SCOPED_TRACE(e.path().string());
    ExpectSameStream(e.path().string());
    ++compared;
  }
  EXPECT_GE(compared, 20);  // the shared set holds dozens of classic pcaps
}

std::string Frame(size_t n, char fill) { return std::string(n, fill); }

TEST(MappedPcap, EdgeCasesAgreeWithLibpcap) {
  // Big-endian, nanosecond files; caplen beyond a small snaplen (cut to it); zero snaplen.
  {
    PcapWriter w(1, 64);
    w.Packet(Frame(60, 'a'), 100, 5);
    w.Packet(Frame(200, 'b'), 101, 999999, 300);  // caplen 200 > snaplen 64
    w.Packet(Frame(64, 'c'), 102, 7);
    ASSERT_TRUE(w.Write(TempPath("mapped_snap.pcap")));
    ExpectSameStream(TempPath("mapped_snap.pcap"));
  }
  {
    PcapWriter w(1, 0);
    w.Packet(Frame(70000, 'z'), 1, 1);
    ASSERT_TRUE(w.Write(TempPath("mapped_snap0.pcap")));
    ExpectSameStream(TempPath("mapped_snap0.pcap"));
  }
  {
    PcapWriter w;
    w.bytes[0] = '\x4d';  // 0xa1b23c4d little-endian: nanosecond time stamps
    w.bytes[1] = '\x3c';
    w.Packet(Frame(40, 'n'), 1700000000, 123456789);
    w.Packet(Frame(40, 'n'), 0x80000001u, 0xfffffff0u);  // fields past 2^31
    ASSERT_TRUE(w.Write(TempPath("mapped_nano.pcap")));
    Stream m = ViaMapped(TempPath("mapped_nano.pcap"));
    Stream l = ViaLibpcap(TempPath("mapped_nano.pcap"));
    ASSERT_EQ(m.records.size(), 2u);
    ASSERT_EQ(l.records.size(), 2u);
    EXPECT_TRUE(m.records[0] == l.records[0]);
    EXPECT_EQ(m.records[0].ts_ns, 1700000000123456789LL);
    // The format's fields are unsigned 32-bit (as tshark and the pcap draft read them). libpcap
    // sign-extends them in native-order files (and not in swapped ones): there the two differ.
    EXPECT_EQ(m.records[1].ts_ns, 0x80000001LL * 1000000000LL + 0xfffffff0LL);
    EXPECT_LT(l.records[1].ts_ns, 0);
  }
  {
    // Big-endian (swapped) microsecond file written by hand.
    auto be32 = [](uint32_t v) { return capture_testing::Be32(v); };
    std::string b = be32(0xa1b2c3d4) + capture_testing::Be16(2) + capture_testing::Be16(4) + be32(0) + be32(0) +
                    be32(65535) + be32(1);
    for (int i = 0; i < 3; ++i) b += be32(1000 + i) + be32(10 * i) + be32(50) + be32(60) + Frame(50, 'x');
    std::ofstream(TempPath("mapped_be.pcap"), std::ios::binary) << b;
    ExpectSameStream(TempPath("mapped_be.pcap"));
  }
  {
    // An oversized caplen (libpcap: invalid length) and a record running past the end of the file.
    PcapWriter w;
    w.Packet(Frame(40, 'a'), 1);
    std::string good = w.bytes;
    w.Packet(Frame(40, 'b'), 2);
    std::string big = w.bytes;
    big[good.size() + 8] = '\x01';
    big[good.size() + 9] = '\x00';
    big[good.size() + 10] = '\x05';  // caplen 0x050001 > 262144
    std::ofstream(TempPath("mapped_big.pcap"), std::ios::binary) << big;
    ExpectSameStream(TempPath("mapped_big.pcap"));
    std::ofstream(TempPath("mapped_cut.pcap"), std::ios::binary) << w.bytes.substr(0, w.bytes.size() - 5);
    ExpectSameStream(TempPath("mapped_cut.pcap"));
    std::ofstream(TempPath("mapped_cuthdr.pcap"), std::ios::binary) << w.bytes.substr(0, good.size() + 7);
    ExpectSameStream(TempPath("mapped_cuthdr.pcap"));
  }
}

TEST(MappedPcap, NotClassicPcapIsLeftToLibpcap) {
  EXPECT_EQ(detail::MappedPcap::Open(TempPath("does-not-exist.pcap")), nullptr);
  std::ofstream(TempPath("mapped_short.pcap"), std::ios::binary) << "\xd4\xc3\xb2\xa1";
  EXPECT_EQ(detail::MappedPcap::Open(TempPath("mapped_short.pcap")), nullptr);
  PcapWriter w;
  w.bytes[6] = 3;  // version 2.3: libpcap's length-swap rules apply
  ASSERT_TRUE(w.Write(TempPath("mapped_v23.pcap")));
  EXPECT_EQ(detail::MappedPcap::Open(TempPath("mapped_v23.pcap")), nullptr);
  std::ofstream(TempPath("mapped_ng.pcapng"), std::ios::binary) << std::string("\x0a\x0d\x0d\x0a", 4) + Frame(40, 0);
  EXPECT_EQ(detail::MappedPcap::Open(TempPath("mapped_ng.pcapng")), nullptr);
}

// The mapped path and libpcap's path (the same capture gzip-compressed) through ReadCapture.
TEST(MappedPcap, ReadCaptureEmitsTheSameObservationsEitherWay) {
  const std::string plain = capture_testing::SharedPcap("mixed/zeek/wikipedia.pcap");
  std::string bytes;
  {
    std::ifstream in(plain, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_NE(detail::MappedPcap::Open(plain), nullptr);
  const std::string gz = TempPath("mapped_wikipedia.pcap.gz");
  gzFile g = gzopen(gz.c_str(), "wb");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(gzwrite(g, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(g);
  capture_testing::CaptureRun a, b;
  capture_testing::RunCapture(plain, a);
  capture_testing::RunCapture(gz, b);
  ASSERT_TRUE(a.status.ok() && b.status.ok());
  b.info.sha256 = a.info.sha256;
  EXPECT_EQ(a.stats.records, b.stats.records);
  ASSERT_EQ(a.sink.all.size(), b.sink.all.size());
  for (size_t i = 0; i < a.sink.all.size(); ++i) {
    const Observation& x = a.sink.all[i];
    const Observation& y = b.sink.all[i];
    EXPECT_EQ(x.kind, y.kind) << i;
    EXPECT_EQ(x.ts, y.ts) << i;
    EXPECT_EQ(x.community_id, y.community_id) << i;
    EXPECT_EQ(x.src.record, y.src.record) << i;
    EXPECT_EQ(x.orig_h, y.orig_h) << i;
    EXPECT_EQ(x.resp_h, y.resp_h) << i;
  }
}

}  // namespace
}  // namespace onus::ingest

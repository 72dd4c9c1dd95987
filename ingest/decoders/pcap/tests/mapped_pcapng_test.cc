// MappedPcapng on built files: interfaces of different link types and snap lengths (what libpcap
// refuses), time resolutions and offsets, both byte orders and several sections, simple and
// obsolete packet blocks, skipped block types, damage and resynchronisation through ReadCapture.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "decoders/pcap/mapped_pcapng.h"
#include "decoders/pcap/tests/capture_test_util.h"

namespace onus::ingest {
namespace {

using namespace capture_testing;  // NOLINT
using detail::MappedPcapng;
using detail::PcapRecord;

constexpr uint32_t kA = 0x0A000001, kB = 0x0A000002;

// pcapng blocks in one byte order.
struct Ng {
  bool big = false;
  std::string U16(uint16_t v) const {
    return big ? Be16(v) : std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
  }
  std::string U32(uint32_t v) const {
    return big ? Be32(v) : U16(static_cast<uint16_t>(v)) + U16(static_cast<uint16_t>(v >> 16));
  }
  std::string Block(uint32_t type, std::string body) const {
    while (body.size() % 4) body += '\0';
    const uint32_t len = static_cast<uint32_t>(body.size() + 12);
    return U32(type) + U32(len) + body + U32(len);
  }
  std::string Section() const {
    return Block(0x0A0D0D0A, U32(0x1A2B3C4D) + U16(1) + U16(0) + U32(0xFFFFFFFF) + U32(0xFFFFFFFF));
  }
  std::string Interface(uint16_t linktype, uint32_t snaplen, std::string options = "") const {
    if (!options.empty()) options += U16(0) + U16(0);
    return Block(1, U16(linktype) + U16(0) + U32(snaplen) + options);
  }
  std::string Option(uint16_t code, const std::string& value) const {
    std::string v = value;
    while (v.size() % 4) v += '\0';
    return U16(code) + U16(static_cast<uint16_t>(value.size())) + v;
  }
  std::string Enhanced(uint32_t iface, uint64_t units, const std::string& frame) const {
    return Block(6, U32(iface) + U32(static_cast<uint32_t>(units >> 32)) + U32(static_cast<uint32_t>(units)) +
                        U32(static_cast<uint32_t>(frame.size())) + U32(static_cast<uint32_t>(frame.size())) + frame);
  }
};

std::string WriteFile(const std::string& name, const std::string& bytes) {
  std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(MappedPcapng, InterfacesOfTheirOwnLinkTypeResolutionAndOffset) {
  Ng le;
  const std::string udp1 = Ipv4(kA, kB, 17, Udp(1000, 2000, "one"));
  const std::string udp2 = Ipv4(kB, kA, 17, Udp(3000, 4000, "two"));
  std::string f = le.Section();
  f += le.Interface(1, 65535);  // Ethernet, microseconds
  f += le.Interface(101, 262144, le.Option(9, std::string(1, '\x09')) + le.Option(14, le.U32(10) + le.U32(0)));
  f += le.Block(4, le.U16(0) + le.U16(0));  // name resolution: skipped
  f += le.Enhanced(0, 1500000, Eth(udp1));  // 1.5 s
  f += le.Enhanced(1, 2000000001, udp2);    // raw IP, ns resolution, +10 s offset
  f += le.Block(3, le.U32(static_cast<uint32_t>(Eth(udp1).size())) + Eth(udp1));  // simple: interface 0, no time
  // A second section, big-endian, with one interface of binary resolution (2^-10 s).
  Ng be;
  be.big = true;
  f += be.Section();
  f += be.Interface(1, 1500, be.Option(9, std::string(1, '\x8a')));
  f += be.Enhanced(0, 3072, Eth(udp2));  // 3 s
  // The obsolete packet block (interface as 16 bits).
  f += be.Block(2, be.U16(0) + be.U16(0) + be.U32(0) + be.U32(4096) + be.U32(static_cast<uint32_t>(Eth(udp1).size())) +
                       be.U32(static_cast<uint32_t>(Eth(udp1).size())) + Eth(udp1));  // 4 s
  auto ng = MappedPcapng::Open(WriteFile("ng_interfaces.pcapng", f));
  ASSERT_NE(ng, nullptr);
  EXPECT_EQ(ng->first_linktype(), 1);
  struct Want {
    int64_t ts_ns;
    int linktype;
    size_t caplen;
  } want[] = {{1500000000, 1, Eth(udp1).size()},
              {12000000001, 101, udp2.size()},
              {12000000001, 1, Eth(udp1).size()},
              {3000000000, 1, Eth(udp2).size()},
              {4000000000, 1, Eth(udp1).size()}};
  PcapRecord rec;
  int lt = -1;
  for (const auto& w : want) {
    ASSERT_EQ(ng->Read(rec, lt), MappedPcapng::Next::kRecord) << ng->error();
    EXPECT_EQ(rec.ts_ns, w.ts_ns);
    EXPECT_EQ(lt, w.linktype);
    EXPECT_EQ(rec.caplen, w.caplen);
  }
  EXPECT_EQ(ng->Read(rec, lt), MappedPcapng::Next::kEnd);

  // Through ReadCapture: both interfaces' flows, nothing malformed.
  CaptureRun run;
  RunCapture(TempPath("ng_interfaces.pcapng"), run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.stats.records, 5u);
  EXPECT_EQ(run.stats.malformed, 0u);
  EXPECT_EQ(run.sink.Of(ObservationKind::kConn).size(), 2u);
}

TEST(MappedPcapng, DamageIsNamedAndReadingGoesOn) {
  Ng le;
  const std::string frame = Eth(Ipv4(kA, kB, 17, Udp(1000, 2000, "payload")));
  std::string f = le.Section() + le.Interface(1, 65535) + le.Enhanced(0, 1000000, frame);
  const size_t bad_at = f.size();
  std::string broken = le.Enhanced(0, 2000000, frame);
  broken[broken.size() - 1] ^= 0x55;  // trailing length disagrees
  f += broken;
  f += le.Enhanced(0, 3000000, frame);
  f += le.Enhanced(7, 4000000, frame);  // no such interface
  f += le.Enhanced(0, 5000000, frame).substr(0, 20);  // cut
  const std::string path = WriteFile("ng_damaged.pcapng", f);
  auto ng = MappedPcapng::Open(path);
  ASSERT_NE(ng, nullptr);
  PcapRecord rec;
  int lt = 0;
  ASSERT_EQ(ng->Read(rec, lt), MappedPcapng::Next::kRecord);
  ASSERT_EQ(ng->Read(rec, lt), MappedPcapng::Next::kError);
  EXPECT_EQ(ng->offset(), bad_at);
  EXPECT_EQ(ng->error(), "block lengths disagree");

  CaptureRun run;
  RunCapture(path, run);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.stats.records, 2u);  // the first and the third packet
  EXPECT_GE(run.stats.malformed, 2u);
  bool named = false;
  for (const auto& w : run.stats.warnings)
    if (w.find("which no interface description block describes") != std::string::npos) named = true;
  EXPECT_TRUE(named);
}

TEST(MappedPcapng, NotAPcapngIsLeftToLibpcap) {
  EXPECT_EQ(MappedPcapng::Open(WriteFile("ng_not.pcapng", std::string(64, 'x'))), nullptr);
  Ng le;
  std::string bad_magic = le.Section();
  bad_magic[8] = 0x11;
  EXPECT_EQ(MappedPcapng::Open(WriteFile("ng_magic.pcapng", bad_magic + std::string(16, '\0'))), nullptr);
}

}  // namespace
}  // namespace onus::ingest

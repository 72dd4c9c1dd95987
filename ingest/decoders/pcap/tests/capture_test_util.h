// Test helpers shared by the capture decoder tests: run ReadCapture on a file and keep what it
// emits; write small synthetic pcap files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "onus/core/hash.h"
#include "onus/ingest/capture.h"

namespace onus::ingest::capture_testing {

inline std::string SharedPcap(const std::string& rel) { return std::string(ONUS_SHARED_DIR) + "/data/pcaps/" + rel; }

class CollectSink : public ObservationSink {
 public:
  Status OnObservation(const Observation& o) override {
    all.push_back(o);
    return Status::Ok();
  }
  std::vector<Observation> Of(ObservationKind k) const {
    std::vector<Observation> out;
    for (auto& o : all)
      if (o.kind == k) out.push_back(o);
    return out;
  }
  std::vector<Observation> all;
};

struct CaptureRun {
  InputInfo info;
  IngestStats stats;
  CollectSink sink;
  Status status;
};

inline InputFormat SniffCaptureFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char m[4] = {0, 0, 0, 0};
  in.read(reinterpret_cast<char*>(m), 4);
  if (m[0] == 0x0A && m[1] == 0x0D && m[2] == 0x0D && m[3] == 0x0A) return InputFormat::kPcapng;
  return InputFormat::kPcap;
}

inline void RunCapture(const std::string& path, CaptureRun& run, IngestOptions options = {}) {
  run.info.path = path;
  auto sha = Sha256File(path);
  run.info.sha256 = sha.ok() ? *sha : std::string(64, '0');
  run.info.format = SniffCaptureFormat(path);
  run.status = ReadCapture(run.info, options, run.sink, run.stats);
}

// A classic little-endian pcap writer for synthetic tests.
class PcapWriter {
 public:
  explicit PcapWriter(int linktype = 1, uint32_t snaplen = 65535) {
    Put32(0xA1B2C3D4);
    Put16(2);
    Put16(4);
    Put32(0);
    Put32(0);
    Put32(snaplen);
    Put32(static_cast<uint32_t>(linktype));
  }
  void Packet(const std::string& frame, uint32_t sec, uint32_t usec = 0, int64_t wire_len = -1) {
    Put32(sec);
    Put32(usec);
    Put32(static_cast<uint32_t>(frame.size()));
    Put32(static_cast<uint32_t>(wire_len < 0 ? frame.size() : static_cast<size_t>(wire_len)));
    bytes += frame;
  }
  bool Write(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out);
  }
  void Put16(uint16_t v) { bytes.append(reinterpret_cast<const char*>(&v), 2); }
  void Put32(uint32_t v) { bytes.append(reinterpret_cast<const char*>(&v), 4); }
  std::string bytes;
};

// Frame builders (network byte order).
inline std::string Be16(uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
inline std::string Be32(uint32_t v) { return Be16(static_cast<uint16_t>(v >> 16)) + Be16(static_cast<uint16_t>(v)); }

inline std::string Ipv4(uint32_t src, uint32_t dst, uint8_t proto, const std::string& payload, uint16_t id = 1,
                        uint16_t frag = 0x4000, int total_override = -1) {
  std::string h;
  h += '\x45';
  h += '\0';
  h += Be16(static_cast<uint16_t>(total_override >= 0 ? total_override : 20 + static_cast<int>(payload.size())));
  h += Be16(id);
  h += Be16(frag);
  h += '\x40';
  h += static_cast<char>(proto);
  h += Be16(0);
  h += Be32(src);
  h += Be32(dst);
  return h + payload;
}
inline std::string Eth(const std::string& l3, uint16_t ethertype = 0x0800) {
  return std::string("\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb", 12) + Be16(ethertype) + l3;
}
inline std::string Udp(uint16_t sp, uint16_t dp, const std::string& data) {
  return Be16(sp) + Be16(dp) + Be16(static_cast<uint16_t>(8 + data.size())) + Be16(0) + data;
}
inline std::string Tcp(uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& data = "") {
  return Be16(sp) + Be16(dp) + Be32(seq) + Be32(ack) + std::string{'\x50', static_cast<char>(flags)} + Be16(65535) +
         Be16(0) + Be16(0) + data;
}
inline std::string TempPath(const std::string& name) { return std::string(ONUS_BINARY_DIR) + "/" + name; }

}  // namespace onus::ingest::capture_testing

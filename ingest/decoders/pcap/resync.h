// Recovery after a damaged capture record: finds the next offset where a plausible record starts
// (classic pcap: a 16-byte record header with sane lengths and a time near the last good one,
// followed by another such header or the end of file; pcapng: a packet block whose leading and
// trailing lengths agree), so that reading can go on after corrupted bytes.
// Contract: scans at most kWindow bytes past the damage; never trusts a length without checking
// it against the file.
// Thread-safety: single-threaded; reads the file through its own handle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onus::ingest::detail {

class CaptureResync {
 public:
  static constexpr uint64_t kWindow = 4u << 20;

  CaptureResync(std::string path, bool pcapng, bool swapped) : path_(std::move(path)), pcapng_(pcapng) {
    (void)swapped;
  }
  // Looks for a record start at or after `from`. `last_sec`: time of the last good record (0 =
  // unknown); `snaplen`: from the file header.
  bool Find(uint64_t from, int64_t last_sec, int snaplen, uint64_t& out);

 private:
  bool LoadHeader();
  uint32_t U32(const uint8_t* p) const;
  bool PlausiblePcap(const std::vector<uint8_t>& w, size_t i, uint64_t base, int64_t last_sec, uint32_t snap,
                     uint64_t file_size) const;
  std::string path_;
  bool pcapng_;
  bool loaded_ = false, big_endian_ = false, nano_ = false;
};

}  // namespace onus::ingest::detail

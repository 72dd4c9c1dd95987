// MappedPcapng: a pcapng file (not compressed) read through a read-only memory mapping, with every
// interface's own link type, time resolution and offset. libpcap's pcapng reader refuses a file
// whose interfaces differ in link type or snap length (what dumpcap writes when capturing on two
// interfaces, and what mergecap writes when merging captures): every packet after such an interface
// block was lost. ReadCapture uses this reader for uncompressed pcapng and libpcap for gzip.
//
// Contract (the pcapng specification, draft-ietf-opsawg-pcapng):
// - Sections: each section header block (SHB) sets the byte order (from its magic) and starts a
//   new interface table; blocks are read in that order, lengths checked (>= 12, a multiple of 4,
//   inside the file, the trailing copy equal to the leading one).
// - Interface description blocks (IDB): link type, snap length, if_tsresol (10^-n or 2^-n seconds;
//   default microseconds) and if_tsoffset (seconds added to every time).
// - Packets: enhanced packet blocks (EPB), simple packet blocks (SPB: interface 0, no time of their
//   own, so the time of the packet before), and the obsolete packet block (PB). Each record carries
//   its interface's link type. Other blocks (name resolution, statistics, secrets, custom) are
//   skipped.
// - Errors name the offset of the damaged block and leave the position there; the caller may Seek()
//   to a resynchronised offset (the interface table is kept). A packet on an interface with no IDB,
//   a captured length beyond the block or beyond 262,144 bytes, a block that runs past the end of
//   the file or whose lengths disagree, or a section with an unknown byte-order magic is an error.
// A record's bytes stay valid until the next Read().
// Thread-safety: one thread; the mapping lives as long as the object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decoders/pcap/mapped_pcap.h"

namespace onus::ingest::detail {

class MappedPcapng {
 public:
  static constexpr uint32_t kMaxCaplen = MappedPcap::kMaxCaplen;

  // Null when the file does not start with a section header block or does not map (the caller
  // then uses libpcap, which reports what is wrong).
  static std::unique_ptr<MappedPcapng> Open(const std::string& path);
  ~MappedPcapng();
  MappedPcapng(const MappedPcapng&) = delete;
  MappedPcapng& operator=(const MappedPcapng&) = delete;

  // Of the first interface described before any packet; -1 when the file describes none.
  int first_linktype() const { return first_linktype_; }
  uint32_t first_snaplen() const { return first_snaplen_; }
  bool swapped() const { return swapped_; }

  enum class Next { kRecord, kEnd, kError };
  // The next packet (with its interface's link type in `linktype`); kError leaves error() set and
  // the position at the damaged block.
  Next Read(PcapRecord& out, int& linktype);
  const std::string& error() const { return error_; }
  uint64_t offset() const { return pos_; }
  void Seek(uint64_t offset) { pos_ = offset < size_ ? offset : size_; }

 private:
  struct Interface {
    int linktype = 0;
    uint32_t snaplen = 0;
    bool binary_resolution = false;  // if_tsresol: 2^-exponent when set, else 10^-exponent
    uint8_t exponent = 6;
    int64_t offset_s = 0;            // if_tsoffset
  };
  MappedPcapng() = default;
  uint16_t U16(const uint8_t* p) const;
  uint32_t U32(const uint8_t* p) const;
  uint64_t U64(const uint8_t* p) const;
  Next Fail(std::string why);
  // Body of the block at pos_ ([body, body + len)), checked; false sets error_.
  bool Section(const uint8_t* body, uint32_t len);
  bool Describe(const uint8_t* body, uint32_t len);
  int64_t TimeNs(const Interface& i, uint64_t units) const;

  std::unique_ptr<FileMapping> map_;
  const uint8_t* base_ = nullptr;  // map_'s bytes
  uint64_t size_ = 0, pos_ = 0;
  bool swapped_ = false;
  std::vector<Interface> interfaces_;  // of the current section
  int first_linktype_ = -1;
  uint32_t first_snaplen_ = 0;
  int64_t last_ts_ns_ = 0;
  std::string error_;
};

}  // namespace onus::ingest::detail

// MappedPcap: a classic pcap file (not pcapng, not compressed) read through a read-only memory
// mapping. Records are handed out in place: no copy into a buffer and no system call per record,
// which is what libpcap's stdio reading costs on a large capture. ReadCapture uses it when the file
// maps and falls back to libpcap for everything else (pcapng, gzip, pipes).
//
// Contract: record for record, the same packets as libpcap's offline reader opened with nanosecond
// precision — time stamps in ns (microsecond files scaled; the fields read unsigned as the format
// defines them, where libpcap sign-extends values past 2^31 in native-order files), a caplen beyond the header's snaplen
// cut to the snaplen, a caplen beyond 262,144 bytes (libpcap's maximum for the supported link
// types) or a record running past the end of the file is an error naming the offset. After an
// error the caller may Seek() to a resynchronised offset and go on (tested against libpcap on
// every capture in shared/data and on damaged files: ingest_pcap_tests MappedPcap*). A record's
// bytes stay valid until the next Read() (as with libpcap's buffer).
// Thread-safety: one thread; the mapping lives as long as the object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "decoders/pcap/file_mapping.h"

namespace onus::ingest::detail {

struct PcapRecord {
  int64_t ts_ns = 0;
  uint32_t caplen = 0, len = 0;
  const uint8_t* data = nullptr;
  uint64_t offset = 0;  // of the record header in the file
};

class MappedPcap {
 public:
  static constexpr uint32_t kMaxCaplen = 262144;

  // Null when the file is not a classic pcap that can be mapped (the caller then uses libpcap);
  // never an error of its own: libpcap reports what is wrong with the file.
  static std::unique_ptr<MappedPcap> Open(const std::string& path);
  ~MappedPcap();
  MappedPcap(const MappedPcap&) = delete;
  MappedPcap& operator=(const MappedPcap&) = delete;

  int linktype() const { return linktype_; }
  uint32_t snaplen() const { return snaplen_; }
  bool swapped() const { return swapped_; }

  enum class Next { kRecord, kEnd, kError };
  // The next record; kError leaves error() set and the read position at the damaged record.
  Next Read(PcapRecord& out);
  const std::string& error() const { return error_; }
  uint64_t offset() const { return pos_; }
  void Seek(uint64_t offset) { pos_ = offset < size_ ? offset : size_; }

 private:
  MappedPcap() = default;
  uint32_t U32(const uint8_t* p) const;

  // Pages behind the read position are handed back as it moves (FileMapping::Release): a record's
  // bytes are valid until the next Read(), as libpcap's buffer is.
  // Every cache line kPrefetchAhead bytes ahead of the read position is prefetched once, so a
  // record's header and packet headers are in cache when Read() and the decoders reach them (a
  // prefetch into a page not mapped yet is dropped; the page fault maps 16 pages at a time).
  // Measured against making page-table entries ahead (MADV_POPULATE_READ): that cost more than
  // the faults it saved.
  static constexpr uint64_t kPrefetchAhead = 4096;
  void ReadAhead();

  std::unique_ptr<FileMapping> map_;
  const uint8_t* base_ = nullptr;  // map_'s bytes
  uint64_t size_ = 0, pos_ = 24, prefetched_ = 0;
  int linktype_ = 0;
  uint32_t snaplen_ = 0;
  bool swapped_ = false, nano_ = false;
  std::string error_;
};

}  // namespace onus::ingest::detail

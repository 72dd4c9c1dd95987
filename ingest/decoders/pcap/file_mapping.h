// FileMapping: a whole regular file as a read-only private memory mapping, read front to back —
// what MappedPcap and MappedPcapng read records from in place.
//
// Contract: Open() gives null when the path does not open, is not a regular file, is shorter than
// `min_size` or does not map (callers then fall back to libpcap, which says what is wrong). The
// kernel is told the access is sequential. Release(pos), called with the reader's position, hands
// the whole pages before `pos` back (MADV_DONTNEED) once kReleaseStep bytes lie behind the last
// release, so the mapping's resident share stays small however large the file (the data stay in the
// page cache and fault back in if read again); a position before the last release (a rewind)
// restarts the count there. Bytes the reader still uses must lie at or after `pos`.
// Thread-safety: one thread; the mapping lives as long as the object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace onus::ingest::detail {

class FileMapping {
 public:
  static constexpr uint64_t kReleaseStep = 8u << 20;

  static std::unique_ptr<FileMapping> Open(const std::string& path, uint64_t min_size);
  ~FileMapping();
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  const uint8_t* data() const { return base_; }
  uint64_t size() const { return size_; }
  void Release(uint64_t pos) {
    if (pos >= released_ + kReleaseStep || pos < released_) ReleaseBefore(pos);
  }

 private:
  FileMapping(const uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  void ReleaseBefore(uint64_t pos);

  const uint8_t* base_;
  uint64_t size_;
  uint64_t released_ = 0;
};

}  // namespace onus::ingest::detail

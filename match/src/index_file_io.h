// Private to match/: the section stream under index files (index_file.h). A file is a header, a
// sequence of sections, each [u32 tag][u32 element size][u64 count][count * element size bytes],
// and a trailer [u64 checksum of every byte before it][8-byte end magic]. The writer streams the
// sections straight from the index's arrays; the reader streams them straight into the arrays
// (no intermediate copy of the whole file, so loading peaks at the index's own size).
//
// Contract: every reader error is a Status naming the file and the byte offset. The reader never
// allocates more than the bytes that remain in the input (a hostile count cannot exhaust memory).
// Thread-safety: single-threaded objects.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onus/core/hash.h"
#include "onus/core/status.h"

namespace onus::match {
class IndicatorIndex;
}

namespace onus::match::detail {

constexpr uint32_t Tag(const char (&s)[5]) {
  return static_cast<uint32_t>(static_cast<uint8_t>(s[0])) | static_cast<uint32_t>(static_cast<uint8_t>(s[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[2])) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(s[3])) << 24;
}
std::string TagName(uint32_t tag);

// 64-bit checksum (four independent multiply-rotate lanes over 32-byte blocks, then a final mix):
// several GB/s, catches bit flips and truncation. Not cryptographic: a hostile file can forge it,
// which is why the reader also validates every structure.
class Checksum64 {
 public:
  void Update(const void* data, size_t n);
  uint64_t Finish() const;

 private:
  void Block(const unsigned char* p);
  uint64_t lanes_[4] = {0x9E3779B185EBCA87ULL, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL, 0x85EBCA77C2B2AE63ULL};
  uint64_t total_ = 0;
  unsigned char tail_[32];
  size_t tail_len_ = 0;
};

// Writes to a file descriptor; the first failure sticks in status().
class SectionWriter {
 public:
  SectionWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  // Into memory instead of a file.
  explicit SectionWriter(std::string* out) : out_(out), name_("memory") {}
  void Raw(const void* p, size_t n);
  void Section(uint32_t tag, uint32_t elem_size, const void* data, uint64_t count);
  template <typename T>
  void Vector(uint32_t tag, const std::vector<T>& v) {
    Section(tag, sizeof(T), v.data(), v.size());
  }
  void Flush();
  uint64_t offset() const { return offset_; }
  uint64_t checksum() const { return sum_.Finish(); }
  const Status& status() const { return status_; }

 private:
  void Emit(const void* p, size_t n);
  void WriteAll(const char* p, size_t n);  // to fd_, retrying short writes and EINTR
  int fd_ = -1;
  std::string* out_ = nullptr;
  std::string name_;
  std::string buf_;
  uint64_t offset_ = 0;
  Checksum64 sum_;
  Status status_;
};

// Reads from memory or from a file descriptor of known size.
class SectionReader {
 public:
  SectionReader(std::string name, std::string_view bytes) : name_(std::move(name)), mem_(bytes), size_(bytes.size()) {}
  SectionReader(std::string name, int fd, uint64_t size) : name_(std::move(name)), fd_(fd), size_(size) {}

  Status Raw(void* p, size_t n);
  // Reads a section header: the tag and element size must be these, count <= max_count and the
  // payload must fit in the bytes that remain.
  Status Begin(uint32_t tag, uint32_t elem_size, uint64_t max_count, uint64_t& count);
  Status Payload(void* dst, uint64_t bytes);
  // A whole section into a vector (resized to its count).
  template <typename T>
  Status Vector(uint32_t tag, std::vector<T>& v, uint64_t max_count = UINT64_MAX) {
    uint64_t n = 0;
    Status s = Begin(tag, sizeof(T), max_count, n);
    if (!s.ok()) return s;
    v.resize(static_cast<size_t>(n));
    return Payload(static_cast<void*>(v.data()), n * sizeof(T));
  }
  Status String(uint32_t tag, std::string& out, uint64_t max_bytes = UINT64_MAX) {
    uint64_t n = 0;
    Status s = Begin(tag, 1, max_bytes, n);
    if (!s.ok()) return s;
    out.resize(static_cast<size_t>(n));
    return Payload(out.data(), n);
  }
  // Corrupt("index file NAME: at byte AT: what").
  Status Error(uint64_t at, std::string_view what) const;
  // Where the payload of the last section with this tag began (0 if none was read).
  uint64_t PayloadOffset(uint32_t tag) const;
  // The byte offset of element i of that section.
  uint64_t ElementOffset(uint32_t tag, uint64_t i) const;

  uint64_t offset() const { return offset_; }
  uint64_t remaining() const { return size_ - offset_; }
  uint64_t checksum() const { return sum_.Finish(); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string_view mem_;
  int fd_ = -1;
  uint64_t size_ = 0, offset_ = 0;
  Checksum64 sum_;
  struct Seen {
    uint32_t tag;
    uint32_t elem_size;
    uint64_t payload;
  };
  std::vector<Seen> seen_;
};

// IndicatorIndex's private members, for index_file.cc only.
struct IndexFileAccess {
  static void Write(const IndicatorIndex& index, SectionWriter& w);
  // Reads the index's sections as they are (no checks yet).
  static Status Read(SectionReader& r, std::unique_ptr<IndicatorIndex>& out);
  // Checks every offset, ordinal and table shape; errors name the byte offset of the bad element.
  static Status Validate(const IndicatorIndex& index, const SectionReader& r);
  // After Validate: derives what is not stored (values per type).
  static void Finish(IndicatorIndex& index);
};

}  // namespace onus::match::detail

#include "onus/match/index_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "index_file_io.h"

namespace onus::match {
namespace detail {
namespace {

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ULL, kP2 = 0xC2B2AE3D27D4EB4FULL;

inline uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
inline uint64_t Load64(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

constexpr size_t kIoPiece = size_t{1} << 20;  // read/checksum in 1 MiB pieces (stays in L2)

}  // namespace

std::string TagName(uint32_t tag) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    s.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  }
  return s;
}

void Checksum64::Block(const unsigned char* p) {
  for (int i = 0; i < 4; ++i) lanes_[i] = Rotl(lanes_[i] + Load64(p + 8 * i) * kP2, 31) * kP1;
}

void Checksum64::Update(const void* data, size_t n) {
  if (n == 0) return;
  const auto* p = static_cast<const unsigned char*>(data);
  total_ += n;
  if (tail_len_) {
    size_t take = std::min(n, 32 - tail_len_);
    std::memcpy(tail_ + tail_len_, p, take);
    tail_len_ += take;
    p += take;
    n -= take;
    if (tail_len_ < 32) return;
    Block(tail_);
    tail_len_ = 0;
  }
  while (n >= 32) {
    Block(p);
    p += 32;
    n -= 32;
  }
  if (n) std::memcpy(tail_, p, n);
  tail_len_ = n;
}

uint64_t Checksum64::Finish() const {
  Checksum64 c = *this;
  if (c.tail_len_) {
    std::memset(c.tail_ + c.tail_len_, 0, 32 - c.tail_len_);
    c.Block(c.tail_);
  }
  uint64_t h = Rotl(c.lanes_[0], 1) + Rotl(c.lanes_[1], 7) + Rotl(c.lanes_[2], 12) + Rotl(c.lanes_[3], 18);
  return Fmix64(h ^ (total_ * kP1));
}

void SectionWriter::Emit(const void* p, size_t n) {
  if (!status_.ok() || n == 0) return;
  sum_.Update(p, n);
  offset_ += n;
  if (out_) {
    out_->append(static_cast<const char*>(p), n);
    return;
  }
  if (n < kIoPiece) {
    buf_.append(static_cast<const char*>(p), n);
    if (buf_.size() >= kIoPiece) Flush();
    return;
  }
  Flush();
  WriteAll(static_cast<const char*>(p), n);
}

void SectionWriter::WriteAll(const char* c, size_t n) {
  while (n > 0 && status_.ok()) {
    ssize_t w = ::write(fd_, c, std::min(n, size_t{1} << 30));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      status_ = Status::IoError(name_ + ": write: " + std::strerror(errno));
      return;
    }
    c += w;
    n -= static_cast<size_t>(w);
  }
}

void SectionWriter::Flush() {
  if (out_ || buf_.empty() || !status_.ok()) return;
  WriteAll(buf_.data(), buf_.size());
  if (status_.ok()) buf_.clear();
}

void SectionWriter::Raw(const void* p, size_t n) { Emit(p, n); }

void SectionWriter::Section(uint32_t tag, uint32_t elem_size, const void* data, uint64_t count) {
  unsigned char head[16];
  std::memcpy(head, &tag, 4);
  std::memcpy(head + 4, &elem_size, 4);
  std::memcpy(head + 8, &count, 8);
  Emit(head, sizeof head);
  Emit(data, static_cast<size_t>(count * elem_size));
}

Status SectionReader::Error(uint64_t at, std::string_view what) const {
  return Status::Corrupt("index file " + name_ + ": at byte " + std::to_string(at) + ": " + std::string(what));
}

Status SectionReader::Raw(void* p, size_t n) {
  if (n > remaining())
    return Error(offset_, "truncated: " + std::to_string(n) + " bytes needed, " + std::to_string(remaining()) + " left");
  return Payload(p, n);
}

Status SectionReader::Payload(void* dst, uint64_t bytes) {
  if (bytes > remaining()) return Error(offset_, "truncated");
  auto* out = static_cast<char*>(dst);
  if (fd_ < 0) {
    if (bytes) std::memcpy(out, mem_.data() + offset_, static_cast<size_t>(bytes));
    sum_.Update(out, static_cast<size_t>(bytes));
    offset_ += bytes;
    return Status::Ok();
  }
  while (bytes > 0) {
    size_t piece = static_cast<size_t>(std::min<uint64_t>(bytes, kIoPiece));
    size_t got = 0;
    while (got < piece) {
      ssize_t r = ::read(fd_, out + got, piece - got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Status::IoError("index file " + name_ + ": read at byte " + std::to_string(offset_ + got) + ": " +
                                        std::strerror(errno));
      if (r == 0) return Error(offset_ + got, "truncated (file shrank while reading)");
      got += static_cast<size_t>(r);
    }
    sum_.Update(out, piece);
    out += piece;
    offset_ += piece;
    bytes -= piece;
  }
  return Status::Ok();
}

Status SectionReader::Begin(uint32_t tag, uint32_t elem_size, uint64_t max_count, uint64_t& count) {
  uint64_t at = offset_;
  unsigned char head[16];
  if (remaining() < sizeof head) return Error(at, "truncated: expected section '" + TagName(tag) + "'");
  ONUS_RETURN_IF_ERROR(Raw(head, sizeof head));
  uint32_t got_tag, got_elem;
  std::memcpy(&got_tag, head, 4);
  std::memcpy(&got_elem, head + 4, 4);
  std::memcpy(&count, head + 8, 8);
  if (got_tag != tag) return Error(at, "expected section '" + TagName(tag) + "', found '" + TagName(got_tag) + "'");
  if (got_elem != elem_size)
    return Error(at + 4, "section '" + TagName(tag) + "' has " + std::to_string(got_elem) + "-byte elements, expected " +
                             std::to_string(elem_size));
  if (count > max_count)
    return Error(at + 8, "section '" + TagName(tag) + "' has " + std::to_string(count) + " elements, at most " +
                             std::to_string(max_count) + " allowed");
  if (count > remaining() / elem_size)
    return Error(at + 8, "truncated: section '" + TagName(tag) + "' needs " + std::to_string(count) + " x " +
                             std::to_string(elem_size) + " bytes, " + std::to_string(remaining()) + " left");
  seen_.push_back({tag, elem_size, offset_});
  return Status::Ok();
}

uint64_t SectionReader::PayloadOffset(uint32_t tag) const {
  for (auto it = seen_.rbegin(); it != seen_.rend(); ++it)
    if (it->tag == tag) return it->payload;
  return 0;
}

uint64_t SectionReader::ElementOffset(uint32_t tag, uint64_t i) const {
  for (auto it = seen_.rbegin(); it != seen_.rend(); ++it)
    if (it->tag == tag) return it->payload + i * it->elem_size;
  return 0;
}

}  // namespace detail

namespace {

using detail::SectionReader;
using detail::SectionWriter;
using detail::Tag;

constexpr char kMagic[8] = {'O', 'N', 'U', 'S', 'I', 'D', 'X', '\x1a'};
constexpr char kEndMagic[8] = {'O', 'N', 'U', 'S', 'E', 'N', 'D', '\x1a'};
constexpr uint32_t kByteOrderMark = 0x01020304u;
constexpr uint32_t kHeaderBytes = 32;
constexpr uint64_t kMaxNameBytes = 4096;

struct Header {
  char magic[8];
  uint32_t byte_order;
  uint32_t version;
  uint32_t header_bytes;
  uint32_t reserved0;
  uint64_t reserved1;
};
static_assert(sizeof(Header) == kHeaderBytes);

Status Encode(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra, SectionWriter& w) {
  if (!intel.index) return Status::InvalidArgument("index file: compiled intel has no index");
  for (const auto& x : extra)
    if (x.name.size() > kMaxNameBytes) return Status::InvalidArgument("index file: extra section name too long");
  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.byte_order = kByteOrderMark;
  h.version = kIndexFileVersion;
  h.header_bytes = kHeaderBytes;
  w.Raw(&h, sizeof h);
  detail::IndexFileAccess::Write(*intel.index, w);
  std::vector<uint32_t> ordinals, lengths;
  uint64_t text_bytes = 0;
  for (const auto& p : intel.patterns) {
    if (p.pattern.size() > 0xFFFFFFFFu) return Status::InvalidArgument("index file: pattern longer than 4 GiB");
    ordinals.push_back(p.indicator);
    lengths.push_back(static_cast<uint32_t>(p.pattern.size()));
    text_bytes += p.pattern.size();
  }
  w.Vector(Tag("PIND"), ordinals);
  w.Vector(Tag("PLEN"), lengths);
  unsigned char head[16];
  uint32_t tag = Tag("PTXT"), one = 1;
  std::memcpy(head, &tag, 4);
  std::memcpy(head + 4, &one, 4);
  std::memcpy(head + 8, &text_bytes, 8);
  w.Raw(head, sizeof head);
  for (const auto& p : intel.patterns) w.Raw(p.pattern.data(), p.pattern.size());
  std::vector<uint64_t> counters = {intel.unsupported_values, intel.non_stix_patterns};
  w.Vector(Tag("ICNT"), counters);
  std::vector<uint64_t> n_extra = {extra.size()};
  w.Vector(Tag("XCNT"), n_extra);
  for (const auto& x : extra) {
    w.Section(Tag("XNAM"), 1, x.name.data(), x.name.size());
    w.Section(Tag("XDAT"), 1, x.bytes.data(), x.bytes.size());
  }
  uint64_t sum = w.checksum();
  w.Raw(&sum, 8);
  w.Raw(kEndMagic, 8);
  w.Flush();
  return w.status();
}

Result<LoadedIntel> Decode(SectionReader& r) {
  Header h{};
  if (r.remaining() < sizeof h)
    return r.Error(0, "truncated: " + std::to_string(r.remaining()) + " bytes, not an onus index file");
  ONUS_RETURN_IF_ERROR(r.Raw(&h, sizeof h));
  if (std::memcmp(h.magic, kMagic, 8) != 0) return r.Error(0, "not an onus index file (bad magic)");
  if (h.byte_order != kByteOrderMark) {
    if (h.byte_order == 0x04030201u)
      return Status::Unsupported("index file " + r.name() + ": at byte 8: written on a host of the other byte order");
    return r.Error(8, "bad byte-order mark");
  }
  if (h.version != kIndexFileVersion)
    return Status::Unsupported("index file " + r.name() + ": at byte 12: format version " + std::to_string(h.version) +
                               ", this build reads version " + std::to_string(kIndexFileVersion));
  if (h.header_bytes != kHeaderBytes || h.reserved0 != 0 || h.reserved1 != 0)
    return r.Error(16, "malformed header");

  std::unique_ptr<IndicatorIndex> index;
  ONUS_RETURN_IF_ERROR(detail::IndexFileAccess::Read(r, index));
  LoadedIntel out;
  std::vector<uint32_t> ordinals, lengths;
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("PIND"), ordinals));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("PLEN"), lengths, ordinals.size()));
  if (lengths.size() != ordinals.size()) return r.Error(r.PayloadOffset(Tag("PLEN")) - 8, "pattern lengths and ordinals differ in count");
  uint64_t text_bytes = 0;
  ONUS_RETURN_IF_ERROR(r.Begin(Tag("PTXT"), 1, UINT64_MAX, text_bytes));
  uint64_t sum_lengths = 0;
  for (uint32_t n : lengths) sum_lengths += n;
  if (sum_lengths != text_bytes) return r.Error(r.offset() - 8, "pattern text size differs from the sum of pattern lengths");
  out.intel.patterns.resize(ordinals.size());
  for (size_t i = 0; i < ordinals.size(); ++i) {
    auto& p = out.intel.patterns[i];
    p.indicator = ordinals[i];
    p.pattern.resize(lengths[i]);
    ONUS_RETURN_IF_ERROR(r.Payload(p.pattern.data(), lengths[i]));
  }
  std::vector<uint64_t> counters, n_extra;
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("ICNT"), counters, 2));
  if (counters.size() != 2) return r.Error(r.PayloadOffset(Tag("ICNT")) - 8, "malformed counters section");
  out.intel.unsupported_values = static_cast<size_t>(counters[0]);
  out.intel.non_stix_patterns = static_cast<size_t>(counters[1]);
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("XCNT"), n_extra, 1));
  if (n_extra.size() != 1 || n_extra[0] > r.remaining() / 32)
    return r.Error(r.PayloadOffset(Tag("XCNT")), "malformed extra-section count");
  out.extra.resize(static_cast<size_t>(n_extra[0]));
  for (auto& x : out.extra) {
    ONUS_RETURN_IF_ERROR(r.String(Tag("XNAM"), x.name, kMaxNameBytes));
    ONUS_RETURN_IF_ERROR(r.String(Tag("XDAT"), x.bytes));
  }
  // Trailer: the checksum of every byte before it, then the end magic, then nothing.
  uint64_t computed = r.checksum();
  uint64_t at = r.offset();
  uint64_t stored = 0;
  char end[8];
  if (r.remaining() < 16) return r.Error(at, "truncated: no trailer");
  ONUS_RETURN_IF_ERROR(r.Raw(&stored, 8));
  ONUS_RETURN_IF_ERROR(r.Raw(end, 8));
  if (std::memcmp(end, kEndMagic, 8) != 0) return r.Error(at + 8, "bad end magic");
  if (r.remaining() != 0) return r.Error(r.offset(), std::to_string(r.remaining()) + " bytes after the trailer");
  if (stored != computed) return r.Error(at, "checksum mismatch (the file is damaged)");

  // Structure, even under a good checksum (a hostile file can forge it).
  ONUS_RETURN_IF_ERROR(detail::IndexFileAccess::Validate(*index, r));
  for (size_t i = 0; i < ordinals.size(); ++i)
    if (ordinals[i] >= index->indicator_count())
      return r.Error(r.ElementOffset(Tag("PIND"), i), "pattern names indicator " + std::to_string(ordinals[i]) + " of " +
                                                          std::to_string(index->indicator_count()));
  detail::IndexFileAccess::Finish(*index);
  out.intel.index = std::shared_ptr<const IndicatorIndex>(std::move(index));  // ownership moves to the shared_ptr
  return out;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

}  // namespace

uint64_t IndexFileChecksum(std::string_view bytes) {
  detail::Checksum64 c;
  c.Update(bytes.data(), bytes.size());
  return c.Finish();
}

Result<std::string> EncodeCompiledIntel(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra) {
  std::string out;
  SectionWriter w(&out);
  ONUS_RETURN_IF_ERROR(Encode(intel, extra, w));
  return out;
}

Status WriteCompiledIntel(const CompiledIntel& intel, const std::vector<IndexFileSection>& extra,
                          const std::string& path) {
  std::string tmp = path + ".tmp.XXXXXX";
  Fd fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) return Status::IoError("index file " + path + ": cannot create a temporary file: " + std::strerror(errno));
  SectionWriter w(fd.get(), tmp);
  Status s = Encode(intel, extra, w);
  if (s.ok() && ::close(fd.release()) != 0) s = Status::IoError("index file " + tmp + ": close: " + std::strerror(errno));
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    s = Status::IoError("index file " + path + ": rename: " + std::strerror(errno));
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<LoadedIntel> ReadCompiledIntel(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound("index file " + path + ": does not exist");
    return Status::IoError("index file " + path + ": open: " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Status::IoError("index file " + path + ": stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("index file " + path + ": not a regular file");
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  SectionReader r(path, fd.get(), static_cast<uint64_t>(st.st_size));
  return Decode(r);
}

Result<LoadedIntel> DecodeCompiledIntel(std::string_view bytes, std::string_view name) {
  SectionReader r(std::string(name), bytes);
  return Decode(r);
}

}  // namespace onus::match

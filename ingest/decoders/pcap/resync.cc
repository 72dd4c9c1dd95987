#include "decoders/pcap/resync.h"

#include <cstdio>
#include <memory>

namespace onus::ingest::detail {

namespace {
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
constexpr uint32_t kMaxRecord = 262144 * 4;
}  // namespace

uint32_t CaptureResync::U32(const uint8_t* p) const {
  if (big_endian_) return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
  return static_cast<uint32_t>(p[3]) << 24 | static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[1]) << 8 | p[0];
}

bool CaptureResync::LoadHeader() {
  if (loaded_) return true;
  std::unique_ptr<FILE, FileClose> f(std::fopen(path_.c_str(), "rb"));
  if (!f) return false;
  uint8_t h[12];
  if (std::fread(h, 1, sizeof(h), f.get()) != sizeof(h)) return false;
  if (pcapng_) {
    // Section header block: byte-order magic 0x1A2B3C4D at offset 8.
    if (h[8] == 0x1A && h[9] == 0x2B) {
      big_endian_ = true;
    } else if (h[8] == 0x4D && h[9] == 0x3C) {
      big_endian_ = false;
    } else {
      return false;
    }
  } else {
    if (h[0] == 0xD4 && h[1] == 0xC3) {
      big_endian_ = false;
    } else if (h[0] == 0xA1 && h[1] == 0xB2 && h[2] == 0xC3) {
      big_endian_ = true;
    } else if (h[0] == 0x4D && h[1] == 0x3C) {
      big_endian_ = false;
      nano_ = true;
    } else if (h[0] == 0xA1 && h[1] == 0xB2 && h[2] == 0x3C) {
      big_endian_ = true;
      nano_ = true;
    } else {
      return false;
    }
  }
  loaded_ = true;
  return true;
}

bool CaptureResync::PlausiblePcap(const std::vector<uint8_t>& w, size_t i, uint64_t base, int64_t last_sec,
                                  uint32_t snap, uint64_t file_size) const {
  if (i + 16 > w.size()) return false;
  uint32_t sec = U32(&w[i]), frac = U32(&w[i + 4]), cap = U32(&w[i + 8]), len = U32(&w[i + 12]);
  if (frac >= (nano_ ? 1000000000u : 1000000u)) return false;
  if (cap == 0 || cap > len || len > kMaxRecord || cap > snap) return false;
  if (last_sec != 0 && (static_cast<int64_t>(sec) < last_sec - 86400 || static_cast<int64_t>(sec) > last_sec + 86400))
    return false;
  return base + i + 16 + cap <= file_size;
}

bool CaptureResync::Find(uint64_t from, int64_t last_sec, int snaplen, uint64_t& out) {
  if (!LoadHeader()) return false;
  std::unique_ptr<FILE, FileClose> f(std::fopen(path_.c_str(), "rb"));
  if (!f) return false;
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return false;
  long size_l = std::ftell(f.get());
  if (size_l < 0) return false;
  const uint64_t size = static_cast<uint64_t>(size_l);
  if (from >= size) return false;
  const uint64_t n = std::min<uint64_t>(size - from, kWindow + kMaxRecord + 64);
  std::vector<uint8_t> w(n);
  if (std::fseek(f.get(), static_cast<long>(from), SEEK_SET) != 0) return false;
  if (std::fread(w.data(), 1, n, f.get()) != n) return false;
  const uint32_t snap = snaplen > 0 ? std::max<uint32_t>(static_cast<uint32_t>(snaplen), 262144u) : kMaxRecord;
  const size_t limit = static_cast<size_t>(std::min<uint64_t>(n, kWindow));
  for (size_t i = 0; i < limit; ++i) {
    if (pcapng_) {
      if (i + 12 > w.size()) break;
      uint32_t type = U32(&w[i]), len = U32(&w[i + 4]);
      if ((type != 6 && type != 3 && type != 2) || len < 16 || len % 4 != 0 || len > kMaxRecord) continue;
      if (i + len > w.size()) continue;
      if (U32(&w[i + len - 4]) != len) continue;
      out = from + i;
      return true;
    }
    if (!PlausiblePcap(w, i, from, last_sec, snap, size)) continue;
    size_t next = i + 16 + U32(&w[i + 8]);
    if (from + next != size && !PlausiblePcap(w, next, from, last_sec, snap, size)) continue;
    out = from + i;
    return true;
  }
  return false;
}

}  // namespace onus::ingest::detail

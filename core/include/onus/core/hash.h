// Message digests via OpenSSL EVP, returned as lowercase hex.
// Thread-safety: pure functions; Sha256Stream is single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "onus/core/result.h"

namespace onus {

// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit (for hash tables that
// use the low bits as the slot and the high bits as a tag). Not a cryptographic hash.
inline uint64_t Fmix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::string Sha256Hex(std::string_view bytes);
std::string Sha1Hex(std::string_view bytes);
std::string Md5Hex(std::string_view bytes);
// Raw 20-byte SHA-1 (for Community ID, which base64-encodes the binary digest).
std::string Sha1Raw(std::string_view bytes);
// Raw SHA-1 of the concatenation a + b, written to out, without allocating (e.g. UUIDv5 ids:
// namespace bytes + name, for a million indicators). Thread-safe (a context per thread).
void Sha1RawInto(std::string_view a, std::string_view b, unsigned char (&out)[20]);
// SHA-256 of a whole file as stored on disk (compressed files are hashed compressed).
Result<std::string> Sha256File(const std::string& path);

// Incremental SHA-256 for data hashed while it is read.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(const void* data, size_t n);
  std::string FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string HexEncode(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);
// Accepts standard base64 with or without padding; fails on other characters.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace onus

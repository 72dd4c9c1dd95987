#include "onus/core/hash.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "hash_file.h"

namespace onus {
namespace {

// Digest implementations fetched once (OpenSSL 3 otherwise looks the algorithm up on every call).
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
const EVP_MD* Sha1Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}
const EVP_MD* Md5Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", nullptr);
  return md;
}

std::string DigestRaw(const EVP_MD* md, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[c >> 4];
    out[2 * i + 1] = kHex[c & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view b) { return HexEncode(DigestRaw(Sha256Md(), b)); }
std::string Sha1Hex(std::string_view b) { return HexEncode(DigestRaw(Sha1Md(), b)); }
std::string Md5Hex(std::string_view b) { return HexEncode(DigestRaw(Md5Md(), b)); }
std::string Sha1Raw(std::string_view b) { return DigestRaw(Sha1Md(), b); }

void Sha1RawInto(std::string_view a, std::string_view b, unsigned char (&out)[20]) {
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx c;
  unsigned int len = 0;
  EVP_DigestInit_ex(c.ctx, Sha1Md(), nullptr);
  EVP_DigestUpdate(c.ctx, a.data(), a.size());
  EVP_DigestUpdate(c.ctx, b.data(), b.size());
  EVP_DigestFinal_ex(c.ctx, out, &len);
}

struct Sha256Stream::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Stream::Sha256Stream() : impl_(std::make_unique<Impl>()) { EVP_DigestInit_ex(impl_->ctx, Sha256Md(), nullptr); }
Sha256Stream::~Sha256Stream() = default;
void Sha256Stream::Update(const void* data, size_t n) { EVP_DigestUpdate(impl_->ctx, data, n); }
std::string Sha256Stream::FinishHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  return HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

Result<std::string> Sha256File(const std::string& path) {
  bool stopped = false;
  return detail::Sha256FileUntil(path, [] { return false; }, stopped);
}

namespace detail {

Result<std::string> Sha256FileUntil(const std::string& path, const std::function<bool()>& stop, bool& stopped) {
  constexpr size_t kBlock = 1 << 20;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open '" + path + "'");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const size_t size = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      ::close(fd);
      ::madvise(m, size, MADV_SEQUENTIAL);
      Sha256Stream s;
      const auto* p = static_cast<const unsigned char*>(m);
      for (size_t at = 0; at < size && !(stopped = stop()); at += kBlock) {
        const size_t n = std::min(kBlock, size - at);
        s.Update(p + at, n);
        // Hashed pages are handed back (they stay in the page cache): the process's resident
        // size does not grow with the file.
        ::madvise(const_cast<unsigned char*>(p) + at, n, MADV_DONTNEED);
      }
      ::munmap(m, size);
      return s.FinishHex();
    }
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(::fdopen(fd, "rb"), &std::fclose);
  if (!f) {
    ::close(fd);
    return Status::IoError("cannot open '" + path + "'");
  }
  std::vector<char> buf(kBlock);
  Sha256Stream s;
  size_t n;
  while (!(stopped = stop()) && (n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) s.Update(buf.data(), n);
  if (std::ferror(f.get())) return Status::IoError("read error on '" + path + "'");
  return s.FinishHex();
}

}  // namespace detail

std::string Base64Encode(std::string_view in) {
  static const char kT[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += kT[(v >> 6) & 63];
    out += kT[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += kT[v >> 18];
    out += kT[(v >> 12) & 63];
    out += kT[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return Status::InvalidArgument("invalid base64 length");
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = val(c);
    if (v < 0) return Status::InvalidArgument("invalid base64 character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace onus

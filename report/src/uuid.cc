#include <cstdio>

#include "onus/core/hash.h"
#include "onus/report/report.h"

namespace onus::report {

std::string UuidV5(const std::string& ns, const std::string& name) {
  std::string bytes;
  bytes.reserve(16 + name.size());
  for (size_t i = 0; i + 1 < ns.size() && bytes.size() < 16;) {
    if (ns[i] == '-') {
      ++i;
      continue;
    }
    auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    bytes += static_cast<char>(hex(ns[i]) * 16 + hex(ns[i + 1]));
    i += 2;
  }
  bytes += name;
  std::string h = Sha1Raw(bytes);
  unsigned char u[16];
  for (int i = 0; i < 16; ++i) u[i] = static_cast<unsigned char>(h[static_cast<size_t>(i)]);
  u[6] = static_cast<unsigned char>((u[6] & 0x0f) | 0x50);
  u[8] = static_cast<unsigned char>((u[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return out;
}

}  // namespace onus::report

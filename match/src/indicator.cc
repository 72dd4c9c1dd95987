#include "onus/match/indicator.h"

namespace onus::match {
namespace {

constexpr std::string_view kNames[kValueTypeCount] = {
    "addr", "domain", "url", "email", "md5", "sha1", "sha256", "x509-sha1", "x509-sha256", "x509-serial",
    "ja3", "ja3s", "ja4",
};

}  // namespace

std::string_view ValueTypeName(ValueType t) { return kNames[static_cast<int>(t)]; }

bool ParseValueType(std::string_view name, ValueType& out) {
  for (int i = 0; i < kValueTypeCount; ++i) {
    if (kNames[i] == name) {
      out = static_cast<ValueType>(i);
      return true;
    }
  }
  return false;
}

std::string_view ZeekIntelType(ValueType t, bool is_subnet) {
  switch (t) {
    case ValueType::kAddr: return is_subnet ? "Intel::SUBNET" : "Intel::ADDR";
    case ValueType::kDomain: return "Intel::DOMAIN";
    case ValueType::kUrl: return "Intel::URL";
    case ValueType::kEmail: return "Intel::EMAIL";
    case ValueType::kMd5:
    case ValueType::kSha1:
    case ValueType::kSha256: return "Intel::FILE_HASH";
    case ValueType::kCertSha1:
    case ValueType::kCertSha256: return "Intel::CERT_HASH";
    case ValueType::kCertSerial: return "Intel::CERT_SERIAL";
    case ValueType::kJa3: return "Intel::JA3";
    case ValueType::kJa3s: return "Intel::JA3S";
    case ValueType::kJa4: return "Intel::JA4";
  }
  return "Intel::UNKNOWN";
}

}  // namespace onus::match

#include "decoders/x509/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include "onus/core/hash.h"
#include "onus/core/time.h"

namespace onus::ingest::detail {

namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct GenNamesFree {
  void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); }
};

std::string NameText(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(n));
}

bool AsnTime(const ASN1_TIME* t, Timestamp& out) {
  if (t == nullptr) return false;
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return false;
  int64_t days = DaysFromCivil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
  out = Timestamp::FromSeconds(days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
  return true;
}

}  // namespace

bool FillX509(const uint8_t* der, size_t len, Observation& o) {
  std::string_view bytes(reinterpret_cast<const char*>(der), len);
  o.sha1 = Sha1Hex(bytes);
  o.sha256 = Sha256Hex(bytes);
  const unsigned char* p = der;
  if (len > 0x7FFFFFFF) return false;
  std::unique_ptr<X509, X509Free> x(d2i_X509(nullptr, &p, static_cast<long>(len)));
  if (!x) return false;
  o.subject = NameText(X509_get_subject_name(x.get()));
  o.issuer = NameText(X509_get_issuer_name(x.get()));
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get())) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    if (bn) {
      char* hex = BN_bn2hex(bn);
      if (hex) {
        o.serial = hex;
        OPENSSL_free(hex);
      }
      BN_free(bn);
    }
  }
  AsnTime(X509_get0_notBefore(x.get()), o.not_before);
  AsnTime(X509_get0_notAfter(x.get()), o.not_after);
  std::unique_ptr<GENERAL_NAMES, GenNamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    int n = sk_GENERAL_NAME_num(names.get());
    for (int i = 0; i < n && i < 1024; ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(names.get(), i);
      if (g->type != GEN_DNS) continue;
      const ASN1_IA5STRING* s = g->d.dNSName;
      o.san_dns.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<size_t>(ASN1_STRING_length(s)));
    }
  }
  return true;
}

}  // namespace onus::ingest::detail

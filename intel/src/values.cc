// Indicator values: refanging, type inference and normalisation, type-name aliases, and the
// STIX pattern <-> value mapping.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <tuple>

#include "feed.h"
#include "onus/core/ascii.h"
#include "onus/core/hash.h"
#include "onus/core/ip.h"
#include "onus/intel/intel.h"
#include "onus/pattern/ast.h"
#include "onus/pattern/parser.h"

namespace onus::intel {

namespace {

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool StartsWithNoCase(std::string_view s, std::string_view p) { return s.size() >= p.size() && EqualsNoCase(s.substr(0, p.size()), p); }

// Domain name per RFC 1035 with the usual relaxations (underscores, leading digits); needs two
// labels and an alphabetic (or xn--) top-level label of at least two characters.
std::optional<std::string> NormaliseDomain(std::string_view text) {
  std::string d = detail::ToLower(text);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (!d.empty() && d.front() == '.') d.erase(0, 1);
  if (d.empty() || d.size() > 253) return std::nullopt;
  size_t labels = 0, start = 0;
  std::string_view last;
  for (size_t i = 0; i <= d.size(); ++i) {
    if (i == d.size() || d[i] == '.') {
      std::string_view label(d.data() + start, i - start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return std::nullopt;
      last = label;
      ++labels;
      start = i + 1;
      continue;
    }
    char c = d[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return std::nullopt;
  }
  if (labels < 2 || last.size() < 2) return std::nullopt;
  bool tld_ok = last.rfind("xn--", 0) == 0 ||
                std::all_of(last.begin(), last.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  if (!tld_ok) return std::nullopt;
  return d;
}

std::optional<IndicatorValue> NormaliseIp(std::string_view text) {
  auto cidr = Cidr::Parse(text);
  if (!cidr.ok()) return std::nullopt;
  const Cidr& c = *cidr;
  bool v4 = c.network().is_v4() && c.prefix_len128() >= 96;
  std::string out = (c.prefix_len128() == 128) ? c.network().ToString() : c.ToString();
  return IndicatorValue{std::string(v4 ? kIpv4 : kIpv6), out};
}

std::optional<IndicatorValue> NormaliseUrl(std::string_view text) {
  size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0 || sep > 10) return std::nullopt;
  std::string scheme = detail::ToLower(text.substr(0, sep));
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; }))
    return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  size_t host_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, host_end);
  std::string_view tail = host_end == std::string_view::npos ? std::string_view() : rest.substr(host_end);
  if (authority.empty()) return std::nullopt;
  for (char c : text)  // printable ASCII only: IRIs must be percent-encoded
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return std::nullopt;
  std::string auth = detail::ToLower(authority);
  return IndicatorValue{std::string(kUrl), scheme + "://" + auth + std::string(tail)};
}

std::optional<IndicatorValue> NormaliseEmail(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return std::nullopt;
  std::string_view local = text.substr(0, at);
  for (char c : local)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f || c == '@' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return std::nullopt;
  auto dom = NormaliseDomain(text.substr(at + 1));
  if (!dom) return std::nullopt;
  return IndicatorValue{std::string(kEmail), detail::ToLower(local) + "@" + *dom};
}

std::optional<IndicatorValue> NormaliseHash(std::string_view type, std::string_view text) {
  size_t want = type == kMd5 || type == kX509Md5 || type == kJa3 || type == kJa3s ? 32
                : type == kSha1 || type == kX509Sha1                              ? 40
                : type == kSha256 || type == kX509Sha256                          ? 64
                : type == kSha512                                                 ? 128
                                                                                  : 0;
  std::string h;
  h.reserve(text.size());
  for (char c : text)
    if (c != ':') h.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));  // x509 "AB:CD:.." form
  if (h.size() != want || !IsHex(h)) return std::nullopt;
  return IndicatorValue{std::string(type), h};
}

struct Alias {
  std::string_view name, type;
};
// Lower-case aliases from feeds: STIX-ish names, MISP attribute types, Zeek Intel::TYPE, CSV
// column names, iocs_normalized.csv types.
constexpr Alias kAliases[] = {
    {"ipv4-addr", kIpv4}, {"ipv6-addr", kIpv6}, {"ip", kIpv4}, {"ipv4", kIpv4}, {"ipv6", kIpv6},
    {"ip-src", kIpv4}, {"ip-dst", kIpv4}, {"ip-src|port", kIpv4}, {"ip-dst|port", kIpv4},
    {"ipv4-port", kIpv4}, {"ip address", kIpv4}, {"ip_address", kIpv4}, {"ip-address", kIpv4}, {"cidr", kIpv4},
    {"subnet", kIpv4}, {"intel::addr", kIpv4}, {"intel::subnet", kIpv4},
    {"domain-name", kDomain}, {"domain", kDomain}, {"domains", kDomain}, {"hostname", kDomain}, {"fqdn", kDomain},
    {"host", kDomain}, {"hostname|port", kDomain}, {"intel::domain", kDomain}, {"domain|ip", kDomain},
    {"domain-suffix", kDomainSuffix},
    {"url", kUrl}, {"urls", kUrl}, {"uri", kUrl}, {"intel::url", kUrl},
    {"email-addr", kEmail}, {"email", kEmail}, {"email-src", kEmail}, {"email-dst", kEmail}, {"intel::email", kEmail},
    {"md5", kMd5}, {"filename|md5", kMd5}, {"file:hashes.md5", kMd5},
    {"sha1", kSha1}, {"sha-1", kSha1}, {"filename|sha1", kSha1}, {"file:hashes.sha-1", kSha1},
    {"sha256", kSha256}, {"sha-256", kSha256}, {"filename|sha256", kSha256}, {"file:hashes.sha-256", kSha256},
    {"sha512", kSha512}, {"sha-512", kSha512}, {"filename|sha512", kSha512}, {"file:hashes.sha-512", kSha512},
    {"x509-sha1", kX509Sha1}, {"x509-fingerprint-sha1", kX509Sha1}, {"intel::cert_hash", kX509Sha1},
    {"x509-sha256", kX509Sha256}, {"x509-fingerprint-sha256", kX509Sha256},
    {"x509-md5", kX509Md5}, {"x509-fingerprint-md5", kX509Md5}, {"x509-serial", kX509Serial},
    {"ja3", kJa3}, {"ja3-fingerprint-md5", kJa3}, {"intel::ja3", kJa3}, {"ja3s", kJa3s},
    {"ja3s-fingerprint-md5", kJa3s}, {"intel::ja3s", kJa3s}, {"ja4", kJa4}, {"intel::ja4", kJa4},
    {"hash", "hash"}, {"file_hash", "hash"}, {"intel::file_hash", "hash"}, {"filehash", "hash"},
    {"c2", "any"}, {"c2 server", "any"}, {"ioc", "any"},
};

}  // namespace

std::string ParseValueType(std::string_view name) {
  std::string n = detail::ToLower(detail::Trim(name));
  for (const auto& a : kAliases)
    if (a.name == n) return std::string(a.type);
  return {};
}

namespace {

// Blanks that text copied from web pages and documents carries around values: ASCII white space,
// quotes and angle brackets, and the UTF-8 no-break (U+00A0, U+202F), zero-width (U+200B-U+200D,
// U+2060) and byte-order-mark (U+FEFF) characters.
constexpr std::string_view kUnicodeBlanks[] = {"\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x8B", "\xE2\x80\x8C",
                                               "\xE2\x80\x8D", "\xE2\x81\xA0", "\xEF\xBB\xBF"};

std::string_view TrimValueBlanks(std::string_view t) {
  for (bool changed = true; changed && !t.empty();) {
    changed = false;
    size_t before = t.size();
    t = detail::Trim(t);
    while (!t.empty() && (t.front() == '"' || t.front() == '\'' || t.front() == '<')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == '"' || t.back() == '\'' || t.back() == '>')) t.remove_suffix(1);
    const bool non_ascii_end = !t.empty() && (static_cast<unsigned char>(t.front()) >= 0x80 ||
                                              static_cast<unsigned char>(t.back()) >= 0x80);
    if (non_ascii_end) {
      for (std::string_view b : kUnicodeBlanks) {
        while (t.size() >= b.size() && t.substr(0, b.size()) == b) t.remove_prefix(b.size());
        while (t.size() >= b.size() && t.substr(t.size() - b.size()) == b) t.remove_suffix(b.size());
      }
    }
    changed = t.size() != before;
  }
  return t;
}

}  // namespace

std::string Refang(std::string_view text) {
  std::string_view t = TrimValueBlanks(text);
  struct Rep {
    std::string_view from, to;
  };
  static constexpr Rep kReps[] = {
      {"[://]", "://"}, {"[:]", ":"}, {"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"(dot)", "."},
      {"{dot}", "."},   {"[at]", "@"}, {"(at)", "@"}, {"[@]", "@"}, {"{at}", "@"}, {"[/]", "/"},  {"\\.", "."},
  };
  // Rewritten as the text is copied: whenever the output ends with a defanged form (which a rewrite
  // itself can complete: "\\\\." or "[[.]]"), that suffix is replaced, again until none is left.
  // The output then holds no defanged form at all, so Refang(Refang(x)) == Refang(x): a value read
  // back from the pattern it was stored under normalises to itself.
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    size_t next = t.find_first_of("])}.", i);  // every defanged form ends with one of these
    if (next == std::string_view::npos) next = t.size();
    if (next > i) {
      out.append(t.substr(i, next - i));
      i = next;
      continue;
    }
    out.push_back(t[i++]);
    for (bool hit = true; hit;) {
      hit = false;
      for (const auto& r : kReps) {
        if (r.from.back() != out.back() || out.size() < r.from.size()) continue;
        // ASCII case folding (no locale call per character: Refang runs on every value of a feed).
        if (AsciiEqualsNoCase(std::string_view(out).substr(out.size() - r.from.size()), r.from)) {
          out.resize(out.size() - r.from.size());
          out += r.to;
          hit = r.to.back() == '.';  // only "\\." ends with a character a rewrite can leave
          break;
        }
      }
    }
  }
  // Defanged schemes.
  static constexpr Rep kSchemes[] = {{"hxxps://", "https://"}, {"hxxp://", "http://"}, {"hxxps:", "https:"},
                                     {"hxxp:", "http:"},       {"fxp://", "ftp://"},   {"hXXps://", "https://"},
                                     {"meow://", "http://"}};
  const char first = out.empty() ? '\0' : static_cast<char>(out[0] | 0x20);
  for (const auto& r : kSchemes) {
    if ((first == 'h' || first == 'f' || first == 'm') && StartsWithNoCase(out, r.from)) {
      out = std::string(r.to) + out.substr(r.from.size());
      break;
    }
  }
  return out;
}

std::optional<IndicatorValue> NormaliseValue(std::string_view type, std::string_view text) {
  std::string v = Refang(text);
  if (v.empty() || v.size() > 8192) return std::nullopt;
  if (type == kIpv4 || type == kIpv6) {
    auto ip = NormaliseIp(v);
    if (!ip) {
      // ip:port (MISP ip-dst|port uses '|').
      size_t sep = v.find('|');
      if (sep == std::string::npos && std::count(v.begin(), v.end(), ':') == 1) sep = v.find(':');
      if (sep != std::string::npos) ip = NormaliseIp(std::string_view(v).substr(0, sep));
    }
    return ip;
  }
  if (type == kDomain || type == kDomainSuffix) {
    std::string_view d = v;
    size_t bar = d.find('|');  // domain|ip, hostname|port
    if (bar != std::string_view::npos) d = d.substr(0, bar);
    if (type == kDomainSuffix && d.size() > 2 && d.substr(0, 2) == "*.") d.remove_prefix(2);
    auto dom = NormaliseDomain(d);
    if (!dom) return std::nullopt;
    return IndicatorValue{std::string(type), *dom};
  }
  if (type == kUrl) return NormaliseUrl(v);
  if (type == kEmail) return NormaliseEmail(v);
  if (type == kMd5 || type == kSha1 || type == kSha256 || type == kSha512 || type == kX509Sha1 ||
      type == kX509Sha256 || type == kX509Md5 || type == kJa3 || type == kJa3s) {
    std::string_view h = v;
    size_t bar = h.rfind('|');  // filename|md5
    if (bar != std::string_view::npos) h = h.substr(bar + 1);
    return NormaliseHash(type, h);
  }
  if (type == kX509Serial) {
    std::string s;
    for (char c : v)
      if (c != ':') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (!IsHex(s) || s.size() > 64) return std::nullopt;
    return IndicatorValue{std::string(kX509Serial), s};
  }
  if (type == kJa4) {
    // t13d1516h2_8daaf6152771_b186095e22b6
    if (v.size() < 10 || v.size() > 64) return std::nullopt;
    for (char c : v)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::nullopt;
    return IndicatorValue{std::string(kJa4), detail::ToLower(v)};
  }
  if (type == "hash") {
    auto inf = InferValue(v);
    if (inf && (inf->type == kMd5 || inf->type == kSha1 || inf->type == kSha256 || inf->type == kSha512)) return inf;
    return std::nullopt;
  }
  if (type == "any" || type.empty()) return InferValue(v);
  return std::nullopt;
}

std::optional<IndicatorValue> InferValue(std::string_view text) {
  std::string v = Refang(text);
  if (v.empty() || v.size() > 8192) return std::nullopt;
  if (v.find("://") != std::string::npos) return NormaliseUrl(v);
  if (IsHex(v)) {
    switch (v.size()) {
      case 32: return NormaliseHash(kMd5, v);
      case 40: return NormaliseHash(kSha1, v);
      case 64: return NormaliseHash(kSha256, v);
      case 128: return NormaliseHash(kSha512, v);
      default: break;
    }
  }
  if (auto ip = NormaliseValue(kIpv4, v)) return ip;
  if (v.find('@') != std::string::npos) return NormaliseEmail(v);
  // host:port
  std::string_view d = v;
  size_t colon = d.rfind(':');
  if (colon != std::string_view::npos && colon + 1 < d.size() &&
      std::all_of(d.begin() + static_cast<std::ptrdiff_t>(colon) + 1, d.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    d = d.substr(0, colon);
  if (auto dom = NormaliseDomain(d)) return IndicatorValue{std::string(kDomain), *dom};
  return std::nullopt;
}

// --- STIX patterns ---

namespace {

struct PathType {
  std::string_view path, type;
};
// Object paths whose equality comparisons match can index.
constexpr PathType kPaths[] = {
    {"ipv4-addr:value", kIpv4},
    {"ipv6-addr:value", kIpv6},
    {"domain-name:value", kDomain},
    {"url:value", kUrl},
    {"email-addr:value", kEmail},
    {"email-message:from_ref.value", kEmail},
    {"file:hashes.MD5", kMd5},
    {"file:hashes.'MD5'", kMd5},
    {"file:hashes.md5", kMd5},
    {"file:hashes.'SHA-1'", kSha1},
    {"file:hashes.SHA1", kSha1},
    {"file:hashes.'SHA1'", kSha1},
    {"file:hashes.'SHA-256'", kSha256},
    {"file:hashes.SHA256", kSha256},
    {"file:hashes.'SHA256'", kSha256},
    {"file:hashes.'SHA-512'", kSha512},
    {"file:hashes.SHA512", kSha512},
    {"x509-certificate:hashes.'SHA-1'", kX509Sha1},
    {"x509-certificate:hashes.SHA1", kX509Sha1},
    {"x509-certificate:hashes.'SHA-256'", kX509Sha256},
    {"x509-certificate:hashes.'MD5'", kX509Md5},
    {"x509-certificate:hashes.MD5", kX509Md5},
    {"x509-certificate:serial_number", kX509Serial},
    {"network-traffic:extensions.'x-ja3'.ja3", kJa3},
    {"x-ja3:value", kJa3},
    {"x-ja3s:value", kJa3s},
    {"x-ja4:value", kJa4},
};

std::string_view PathFor(std::string_view type) {
  if (type == kSha1) return "file:hashes.'SHA-1'";
  if (type == kSha256) return "file:hashes.'SHA-256'";
  if (type == kSha512) return "file:hashes.'SHA-512'";
  if (type == kMd5) return "file:hashes.MD5";
  if (type == kX509Sha1) return "x509-certificate:hashes.'SHA-1'";
  if (type == kX509Sha256) return "x509-certificate:hashes.'SHA-256'";
  if (type == kX509Md5) return "x509-certificate:hashes.MD5";
  if (type == kX509Serial) return "x509-certificate:serial_number";
  if (type == kJa3) return "x-ja3:value";
  if (type == kJa3s) return "x-ja3s:value";
  if (type == kJa4) return "x-ja4:value";
  if (type == kDomainSuffix) return "domain-name:value";
  for (const auto& p : kPaths)
    if (p.type == type) return p.path;
  return "x-unknown:value";
}

// Walks a parsed pattern: an OR tree of observations whose comparison trees are OR trees of
// indexable comparisons ('=' or IN on an indexed path, LIKE '%.x' on domain-name:value).
// Returns false when some part needs the evaluator.
bool CollectComparison(const pattern::ComparisonExpr& e, std::vector<IndicatorValue>& out) {
  using K = pattern::ComparisonExpr::Kind;
  if (e.kind == K::kOr) {
    for (const auto& c : e.children)
      if (!CollectComparison(c, out)) return false;
    return true;
  }
  if (e.kind != K::kComparison) return false;
  const pattern::Comparison& c = e.comparison;
  if (c.negated) return false;
  std::string path = c.path.ToString();
  std::string_view type;
  for (const auto& p : kPaths)
    if (EqualsNoCase(p.path, path)) type = p.type;
  if (type.empty()) return false;
  if (c.op == pattern::CompareOp::kLike) {
    if (type != kDomain || c.values.size() != 1 || c.values[0].kind != pattern::LiteralKind::kString) return false;
    const std::string& lit = c.values[0].text;
    if (lit.size() < 3 || lit.compare(0, 2, "%.") != 0 || lit.find_first_of("%_", 2) != std::string::npos) return false;
    auto v = NormaliseValue(kDomainSuffix, std::string_view(lit).substr(2));
    if (!v) return false;
    out.push_back(std::move(*v));
    return true;
  }
  if (c.op != pattern::CompareOp::kEq && c.op != pattern::CompareOp::kIn) return false;
  if (c.values.empty()) return false;
  for (const auto& lit : c.values) {
    if (lit.kind != pattern::LiteralKind::kString) return false;
    auto v = NormaliseValue(type, lit.text);
    if (!v && (type == kIpv4 || type == kIpv6)) v = NormaliseValue(kIpv4, lit.text);
    if (!v) return false;
    out.push_back(std::move(*v));
  }
  return true;
}

// An OR tree of observations, each one's comparisons handed to collect(expr, out); false when
// some part needs the evaluator (AND, FOLLOWEDBY, qualifiers, or a term collect refuses).
template <typename T, typename Collect>
bool CollectObservations(const pattern::ObservationExpr& e, std::vector<T>& out, Collect collect) {
  using K = pattern::ObservationExpr::Kind;
  if (e.kind == K::kSimple) return collect(e.comparison, out);
  if (e.kind == K::kOr) {
    for (const auto& c : e.children)
      if (!CollectObservations(c, out, collect)) return false;
    return true;
  }
  return false;
}

// Parses `text` and collects its terms, sorted and unique; empty when not every term qualifies.
template <typename T, typename Collect>
Result<std::vector<T>> ExtractFromPattern(std::string_view text, bool stix20, Collect collect) {
  pattern::ParseOptions po;
  po.version = stix20 ? pattern::StixVersion::k20 : pattern::StixVersion::k21;
  auto parsed = pattern::ParsePattern(text, po);
  if (!parsed.ok()) return parsed.status();
  std::vector<T> out;
  if (!CollectObservations(parsed->root, out, collect)) return std::vector<T>();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Result<std::vector<IndicatorValue>> ExtractIndicatorValues(std::string_view text, bool stix20) {
  return ExtractFromPattern<IndicatorValue>(text, stix20, CollectComparison);
}

namespace {

// "network-traffic:src_ref.value" -> side 's', "...dst_ref.type" -> side 'd' with field "type".
bool TrafficPath(const pattern::ObjectPath& path, char& side, std::string_view& field) {
  if (path.object_type != "network-traffic" || path.steps.size() != 2) return false;
  const std::string p = path.ToString();
  for (const auto& [text, s, f] : {std::tuple<std::string_view, char, std::string_view>{"network-traffic:src_ref.value", 's', "value"},
                                   {"network-traffic:dst_ref.value", 'd', "value"},
                                   {"network-traffic:src_ref.type", 's', "type"},
                                   {"network-traffic:dst_ref.type", 'd', "type"}}) {
    if (p == text) {
      side = s;
      field = f;
      return true;
    }
  }
  return false;
}

// One observation's comparisons: an OR of terms, each a value comparison on one side, alone or
// ANDed with that side's type comparison.
bool CollectTrafficTerm(const pattern::ComparisonExpr& e, std::vector<TrafficAddress>& out) {
  using K = pattern::ComparisonExpr::Kind;
  if (e.kind == K::kOr) {
    for (const auto& c : e.children)
      if (!CollectTrafficTerm(c, out)) return false;
    return true;
  }
  const pattern::Comparison* value = nullptr;
  const pattern::Comparison* type = nullptr;
  if (e.kind == K::kComparison) {
    value = &e.comparison;
  } else if (e.kind == K::kAnd && e.children.size() == 2 && e.children[0].kind == K::kComparison &&
             e.children[1].kind == K::kComparison) {
    value = &e.children[0].comparison;
    type = &e.children[1].comparison;
    char s1 = 0, s2 = 0;
    std::string_view f1, f2;
    if (!TrafficPath(value->path, s1, f1) || !TrafficPath(type->path, s2, f2)) return false;
    if (f1 == "type") std::swap(value, type);
  } else {
    return false;
  }
  char side = 0;
  std::string_view field;
  if (!TrafficPath(value->path, side, field) || field != "value" || value->negated) return false;
  if (value->op != pattern::CompareOp::kEq && value->op != pattern::CompareOp::kIn) return false;
  std::string want_type;
  if (type) {
    char tside = 0;
    std::string_view tfield;
    if (!TrafficPath(type->path, tside, tfield) || tfield != "type" || tside != side || type->negated ||
        type->op != pattern::CompareOp::kEq || type->values.size() != 1 ||
        type->values[0].kind != pattern::LiteralKind::kString)
      return false;
    want_type = type->values[0].text;
    if (want_type != kIpv4 && want_type != kIpv6) return false;
  }
  if (value->values.empty()) return false;
  for (const auto& lit : value->values) {
    if (lit.kind != pattern::LiteralKind::kString) return false;
    auto v = NormaliseValue(kIpv4, lit.text);  // IPv4 or IPv6 (NormaliseIp types it)
    if (!v || (!want_type.empty() && v->type != want_type)) return false;
    out.push_back({std::move(*v), side == 's'});
  }
  return true;
}

}  // namespace

Result<std::vector<TrafficAddress>> ExtractTrafficAddresses(std::string_view text, bool stix20) {
  return ExtractFromPattern<TrafficAddress>(text, stix20, CollectTrafficTerm);
}

std::string StixPatternFor(const std::vector<IndicatorValue>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += " OR ";
    const auto& v = values[i];
    std::string lit;
    if (v.type == kDomainSuffix) lit = "%.";
    for (char c : v.value) {
      if (c == '\'' || c == '\\') lit.push_back('\\');
      lit.push_back(c);
    }
    out += "[";
    out += PathFor(v.type);
    out += v.type == kDomainSuffix ? " LIKE '" : " = '";
    out += lit;
    out += "']";
  }
  return out;
}

// --- ids ---

namespace {

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 32 hex digits, dashes anywhere ignored.
bool ParseUuidBytes(std::string_view text, unsigned char (&out)[16]) {
  size_t n = 0;
  int high = -1;
  for (char c : text) {
    if (c == '-') continue;
    int v = HexDigitValue(c);
    if (v < 0 || n == 16) return false;
    if (high < 0) {
      high = v;
    } else {
      out[n++] = static_cast<unsigned char>(high << 4 | v);
      high = -1;
    }
  }
  return n == 16 && high < 0;
}

// Appends the RFC 4122 version-5 UUID of (namespace, name) in its 8-4-4-4-12 lowercase form.
void AppendUuid5(const unsigned char (&ns)[16], std::string_view name, std::string& out) {
  unsigned char d[20];
  Sha1RawInto(std::string_view(reinterpret_cast<const char*>(ns), 16), name, d);
  d[6] = static_cast<unsigned char>((d[6] & 0x0F) | 0x50);
  d[8] = static_cast<unsigned char>((d[8] & 0x3F) | 0x80);
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[d[i] >> 4]);
    out.push_back(kHex[d[i] & 15]);
  }
}

}  // namespace

Result<std::string> Uuid5(std::string_view namespace_uuid, std::string_view name) {
  unsigned char ns[16];
  if (!ParseUuidBytes(namespace_uuid, ns)) return Status::InvalidArgument("not a UUID: " + std::string(namespace_uuid));
  std::string out;
  out.reserve(36);
  AppendUuid5(ns, name, out);
  return out;
}

std::string DeterministicId(std::string_view prefix, std::string_view key) {
  static const struct Namespace {
    unsigned char bytes[16];
    Namespace() { ParseUuidBytes(kIntelNamespace, bytes); }
  } kNs;
  std::string out;
  out.reserve(prefix.size() + 2 + 36);
  out.append(prefix);
  out.append("--");
  AppendUuid5(kNs.bytes, key, out);
  return out;
}

std::string DeterministicIndicatorId(std::string_view source_id, const std::vector<IndicatorValue>& values) {
  thread_local std::string key;
  key.assign(source_id);
  for (const auto& v : values) {
    key += "|";
    key += v.type;
    key += "|";
    key += v.value;
  }
  return DeterministicId("indicator", key);
}

}  // namespace onus::intel

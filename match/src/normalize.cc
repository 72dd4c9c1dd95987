#include "onus/match/normalize.h"

#include <cstring>

namespace onus::match {
namespace {

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
inline char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

inline int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

}  // namespace

bool NormalizeDomainInto(std::string_view in, char* out, size_t& len) {
  if (!in.empty() && in.back() == '.') in.remove_suffix(1);
  if (in.empty() || in.size() > kMaxDomainLength) return false;
  size_t label = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else {
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '/' || c == '@' || c == ':') return false;
      if (++label > 63) return false;
    }
    out[i] = Lower(c);
  }
  if (label == 0) return false;
  len = in.size();
  return true;
}

Result<std::string> NormalizeDomain(std::string_view in) {
  char buf[kMaxDomainLength + 1];
  size_t len = 0;
  if (!NormalizeDomainInto(Trim(in), buf, len))
    return Status::InvalidArgument("not a domain name: '" + std::string(in.substr(0, 80)) + "'");
  return std::string(buf, len);
}

bool NormalizeUrlInto(std::string_view in, std::string& out) {
  in = Trim(in);
  out.clear();
  if (in.empty()) return false;
  // Scheme.
  std::string_view scheme = "http";
  size_t colon = in.find("://");
  if (colon != std::string_view::npos) {
    scheme = in.substr(0, colon);
    if (scheme.empty()) return false;
    for (char c : scheme)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
            c == '.'))
        return false;
    in.remove_prefix(colon + 3);
  }
  for (char c : scheme) out.push_back(Lower(c));
  out += "://";
  // Authority: up to the first '/', '?' or '#'.
  size_t end = in.find_first_of("/?#");
  std::string_view authority = in.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view() : in.substr(end);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    out.append(authority.substr(0, at + 1));  // userinfo kept as written
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    size_t rb = authority.find(']');
    if (rb == std::string_view::npos) return false;
    host = authority.substr(0, rb + 1);
    std::string_view after = authority.substr(rb + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
    }
  } else {
    size_t pc = authority.rfind(':');
    if (pc != std::string_view::npos) {
      host = authority.substr(0, pc);
      port = authority.substr(pc + 1);
    }
  }
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty()) return false;
  for (char c : host) {
    if (static_cast<unsigned char>(c) <= 0x20) return false;
    out.push_back(Lower(c));
  }
  for (char c : port)
    if (c < '0' || c > '9') return false;
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  bool default_port = false;
  if (port.empty()) {
    default_port = true;
  } else {
    std::string_view s(out.data(), out.find(':'));
    default_port = (port == "80" && (s == "http" || s == "ws")) || (port == "443" && (s == "https" || s == "wss")) ||
                   (port == "21" && s == "ftp");
  }
  if (!default_port) {
    out.push_back(':');
    out.append(port);
  }
  // Path, query; fragment dropped.
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.empty() || rest.front() != '/') out.push_back('/');
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    if (c == '%' && i + 2 < rest.size() && HexVal(rest[i + 1]) >= 0 && HexVal(rest[i + 2]) >= 0) {
      char decoded = static_cast<char>(HexVal(rest[i + 1]) * 16 + HexVal(rest[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(decoded);
      } else {
        out.push_back('%');
        out.push_back(Upper(rest[i + 1]));
        out.push_back(Upper(rest[i + 2]));
      }
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return true;
}

Result<std::string> NormalizeUrl(std::string_view in) {
  std::string out;
  if (!NormalizeUrlInto(in, out)) return Status::InvalidArgument("not a URL: '" + std::string(in.substr(0, 80)) + "'");
  return out;
}

bool DecodeHexDigest(std::string_view in, uint8_t* out, size_t n) {
  in = Trim(in);
  size_t got = 0;
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (c == ':' || c == ' ') {
      ++i;
      continue;
    }
    if (i + 1 >= in.size()) return false;
    int hi = HexVal(c), lo = HexVal(in[i + 1]);
    if (hi < 0 || lo < 0 || got >= n) return false;
    out[got++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
  }
  return got == n;
}

bool NormalizeSerialInto(std::string_view in, std::string& out) {
  in = Trim(in);
  out.clear();
  for (char c : in) {
    if (c == ':' || c == ' ') continue;
    if (HexVal(c) < 0) return false;
    if (out.empty() && c == '0') continue;
    out.push_back(Lower(c));
  }
  if (out.empty()) {
    for (char c : in)
      if (c == '0') {
        out = "0";
        return true;
      }
    return false;
  }
  return out.size() <= 128;
}

bool NormalizeEmailInto(std::string_view in, std::string& out) {
  in = Trim(in);
  if (in.size() > 7 && IEquals(in.substr(0, 7), "mailto:")) in.remove_prefix(7);
  out.clear();
  size_t at = in.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= in.size() || in.size() > 320) return false;
  for (char c : in) {
    if (static_cast<unsigned char>(c) <= 0x20) return false;
    out.push_back(Lower(c));
  }
  if (out.back() == '.') out.pop_back();
  return true;
}

bool NormalizeJa4Into(std::string_view in, std::string& out) {
  in = Trim(in);
  out.clear();
  if (in.empty() || in.size() > 256) return false;
  for (char c : in) {
    if (static_cast<unsigned char>(c) <= 0x20) return false;
    out.push_back(Lower(c));
  }
  return true;
}

std::string Refang(std::string_view in) {
  std::string_view t = Trim(in);
  // Every defanging below uses a bracket or a scheme spelling: most values have neither.
  if (t.find_first_of("[({") == std::string_view::npos &&
      !(t.size() >= 4 && (IEquals(t.substr(0, 4), "hxxp") || IEquals(t.substr(0, 4), "fxp:"))))
    return std::string(t);
  std::string s(t);
  auto replace_all = [&s](std::string_view from, std::string_view to, bool ci) {
    size_t pos = 0;
    while (pos + from.size() <= s.size()) {
      bool eq = ci ? IEquals(std::string_view(s).substr(pos, from.size()), from)
                   : std::string_view(s).substr(pos, from.size()) == from;
      if (eq) {
        s.replace(pos, from.size(), to);
        pos += to.size();
      } else {
        ++pos;
      }
    }
  };
  replace_all("[.]", ".", false);
  replace_all("(.)", ".", false);
  replace_all("{.}", ".", false);
  replace_all("[dot]", ".", true);
  replace_all("[:]", ":", false);
  replace_all("[://]", "://", false);
  replace_all("[@]", "@", false);
  replace_all("[at]", "@", true);
  if (s.size() >= 4 && IEquals(std::string_view(s).substr(0, 4), "hxxp")) s.replace(0, 4, "http");
  if (s.size() >= 4 && IEquals(std::string_view(s).substr(0, 4), "fxp:")) s.replace(0, 3, "ftp");
  return s;
}

}  // namespace onus::match

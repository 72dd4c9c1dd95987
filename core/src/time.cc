#include "onus/core/time.h"

#include <cmath>

namespace onus {
namespace {

bool ReadDigits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Timestamp Timestamp::FromEpochDouble(double seconds) {
  return Timestamp(static_cast<int64_t>(std::llround(seconds * 1e9)));
}

Result<Timestamp> ParseRfc3339(std::string_view s) {
  auto bad = [&](const char* what) {
    return Status::InvalidArgument(std::string("invalid RFC 3339 timestamp '") + std::string(s.substr(0, 64)) +
                                   "': " + what);
  };
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day))
    return bad("expected YYYY-MM-DD");
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return bad("expected 'T'");
  ++pos;
  if (!ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second))
    return bad("expected hh:mm:ss");
  if (month < 1 || month > 12) return bad("month out of range");
  if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) return bad("day out of range");
  if (hour > 23 || minute > 59 || second > 60) return bad("time out of range");
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
  }
  int64_t offset_s = 0;
  if (pos >= s.size()) return bad("missing time zone ('Z' or ±hh:mm)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om) || oh > 23 || om > 59)
      return bad("bad offset");
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return bad("bad time zone");
  }
  if (pos != s.size()) return bad("trailing characters");
  if (second == 60) {
    second = 59;
    frac_ns = 999999999;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  if (secs > 9223372035LL || secs < -9223372035LL) return bad("out of representable range");
  return Timestamp::FromNanos(secs * kNanosPerSecond + frac_ns);
}

Result<Timestamp> ParseEpochSeconds(std::string_view s) {
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && s[pos] == '-') {
    neg = true;
    ++pos;
  }
  int64_t whole = 0;
  size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (whole > 9223372035LL) return Status::InvalidArgument("epoch time out of range");
    whole = whole * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos == start) return Status::InvalidArgument("invalid epoch time '" + std::string(s.substr(0, 64)) + "'");
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  if (pos != s.size()) return Status::InvalidArgument("invalid epoch time '" + std::string(s.substr(0, 64)) + "'");
  int64_t ns = whole * kNanosPerSecond + frac;
  return Timestamp::FromNanos(neg ? -ns : ns);
}

std::string FormatRfc3339(Timestamp t, int fraction_digits) {
  int64_t ns = t.nanos();
  // Floor divisions written without negation (INT64_MIN has no positive counterpart).
  int64_t secs = ns / kNanosPerSecond - ((ns % kNanosPerSecond) < 0 ? 1 : 0);
  int64_t frac = ns % kNanosPerSecond;  // remainder, not ns - secs*1e9 (that product overflows at INT64_MIN)
  if (frac < 0) frac += kNanosPerSecond;
  int64_t days = secs / 86400 - ((secs % 86400) < 0 ? 1 : 0);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (fraction_digits > 9) fraction_digits = 9;
  char buf[64];
  size_t n;
  if (y >= 0 && y <= 9999) {
    // Digits written directly (this runs once per stored row; snprintf was a visible cost).
    auto put = [&buf](size_t at, int64_t v, int width) {
      for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    };
    put(0, y, 4);
    buf[4] = '-';
    put(5, m, 2);
    buf[7] = '-';
    put(8, d, 2);
    buf[10] = 'T';
    put(11, sod / 3600, 2);
    buf[13] = ':';
    put(14, sod / 60 % 60, 2);
    buf[16] = ':';
    put(17, sod % 60, 2);
    n = 19;
  } else {
    n = static_cast<size_t>(snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                                     static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                                     static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60)));
  }
  if (fraction_digits > 0) {
    buf[n] = '.';
    int64_t v = frac;
    for (int i = 8; i >= 0; --i, v /= 10)
      if (i < fraction_digits) buf[n + 1 + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    n += 1 + static_cast<size_t>(fraction_digits);
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

}  // namespace onus

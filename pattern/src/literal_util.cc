#include "literal_util.h"

#include <limits>

#include "lexer.h"

namespace onus::pattern::detail {

Result<StixTime> ParseStixTime(std::string_view s) {
  std::string why;
  if (!IsTimestampSyntax(s, &why)) return Status::InvalidArgument("invalid timestamp '" + std::string(s) + "': " + why);
  auto num = [&](size_t i, size_t n) {
    int64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = v * 10 + (s[i + k] - '0');
    return v;
  };
  int64_t y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int dim = kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
  if (d > dim) return Status::InvalidArgument("invalid timestamp '" + std::string(s) + "': day " + std::to_string(d) +
                                              " does not exist in that month");
  int64_t frac = 0;
  size_t i = 19;
  if (s[i] == '.') {
    ++i;
    int digits = 0;
    while (s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (s[i] - '0');
        ++digits;
      }
      ++i;
    }
    for (; digits < 9; ++digits) frac *= 10;
  }
  if (sec == 60) {
    sec = 59;
    frac = 999999999;
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec;
  return StixTime{secs, static_cast<int32_t>(frac)};
}

Result<Timestamp> ParseStixTimestamp(std::string_view s) {
  ONUS_ASSIGN_OR_RETURN(StixTime t, ParseStixTime(s));
  constexpr int64_t kMaxSec = 9223372035LL;  // keeps seconds * 1e9 + nanos inside int64
  if (t.seconds >= kMaxSec) return Timestamp::FromNanos(std::numeric_limits<int64_t>::max());
  if (t.seconds <= -kMaxSec) return Timestamp::FromNanos(std::numeric_limits<int64_t>::min());
  return Timestamp::FromNanos(t.seconds * kNanosPerSecond + t.nanos);
}

Result<Cidr> ParseIpOrCidr(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty IP address");
  return Cidr::Parse(text);
}

}  // namespace onus::pattern::detail

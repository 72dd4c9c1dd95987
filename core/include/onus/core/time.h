// Time points in UTC with nanosecond resolution, and RFC 3339 text.
// Contract: Timestamp is nanoseconds since 1970-01-01T00:00:00Z (int64; covers years 1678–2261).
// Parsing accepts RFC 3339 date-times with 'T' or 't' or ' ' separator, optional fraction of any
// length (digits past nanoseconds are truncated), and 'Z' or ±hh:mm offsets; leap second 60 is
// folded to 59.999999999. Formatting is always UTC with 'Z'.
// Thread-safety: pure functions and value types.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "onus/core/result.h"

namespace onus {

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromNanos(int64_t ns) { return Timestamp(ns); }
  static constexpr Timestamp FromMicros(int64_t us) { return Timestamp(us * 1000); }
  static constexpr Timestamp FromSeconds(int64_t s) { return Timestamp(s * 1000000000LL); }
  // Zeek-style epoch seconds with fraction ("1616407264.123456"); rounds to the nearest ns.
  static Timestamp FromEpochDouble(double seconds);

  constexpr int64_t nanos() const { return ns_; }
  // Floor division: never negates, so INT64_MIN is safe.
  constexpr int64_t seconds() const { return ns_ / 1000000000LL - ((ns_ % 1000000000LL) < 0 ? 1 : 0); }
  double epoch_seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  explicit constexpr Timestamp(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// Durations are plain nanosecond counts.
inline constexpr int64_t kNanosPerSecond = 1000000000LL;

Result<Timestamp> ParseRfc3339(std::string_view text);
// Parses epoch seconds with an optional fraction ("1300475168.652003", Zeek's ts). Exact: no
// floating-point rounding of the fraction.
Result<Timestamp> ParseEpochSeconds(std::string_view text);
// "2021-03-01T00:00:00.123456Z"; fraction_digits 0..9 (0 omits the fraction; truncates, never rounds).
std::string FormatRfc3339(Timestamp t, int fraction_digits = 6);

// Days since the civil epoch for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace onus

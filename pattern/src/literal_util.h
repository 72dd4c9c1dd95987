// Literal helpers shared by the checker and the compiler (internal).
#pragma once

#include <string>
#include <string_view>

#include "onus/core/ip.h"
#include "onus/core/result.h"
#include "onus/core/time.h"

namespace onus::pattern::detail {

// A STIX timestamp over years 0000-9999 (wider than Timestamp): seconds since the epoch and
// nanoseconds. Ordered.
struct StixTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  auto operator<=>(const StixTime&) const = default;
};
// Strict STIX timestamp (YYYY-MM-DDTHH:MM:SS[.f]Z, upper case); fails on syntax and on dates that
// do not exist (Feb 30). Seconds = 60 folds to 59.999999999; digits past nanoseconds truncate.
Result<StixTime> ParseStixTime(std::string_view text);
// The same as a Timestamp, clamped to Timestamp's range (1678-2261).
Result<Timestamp> ParseStixTimestamp(std::string_view text);
// An IP address ("10.0.0.1", "2001:db8::1") or CIDR ("10.0.0.0/8"); a bare address is a /32 or
// /128. Fails on anything else (including prefixes out of range).
Result<Cidr> ParseIpOrCidr(std::string_view text);

}  // namespace onus::pattern::detail

// JSON string text for writers that build JSON by hand (JSON lines, reports, STIX output).
// Contract: the output is always valid JSON whatever the input bytes: '"' and '\\' are escaped,
// control characters become \n, \r, \t or \u00XX, valid UTF-8 passes through unchanged, and each
// byte that is not part of a valid UTF-8 sequence becomes the visible text \xNN (written "\\xNN"),
// as Zeek's JSON writer does, so hostile bytes stay visible to the analyst and never break a line.
#pragma once

#include <string>
#include <string_view>

namespace onus {

// Appends `s` as a quoted JSON string to `out`. No allocation beyond growing `out`.
void AppendJsonString(std::string& out, std::string_view s);

// `s` as a quoted JSON string.
std::string JsonQuote(std::string_view s);

}  // namespace onus

// Internal: JSON helpers shared by the JSON-lines decoders (simdjson DOM with a reused, padded
// buffer) and the hand-written JSON writer.
// Thread-safety: a JsonLineParser is single-threaded.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "onus/core/json_text.h"

namespace onus::ingest::detail {

class JsonLineParser {
 public:
  // Parses one line; the returned element is valid until the next Parse. Lines over max_bytes fail.
  simdjson::simdjson_result<simdjson::dom::element> Parse(std::string_view line);

 private:
  simdjson::dom::parser parser_;
  std::string buf_;
};

// The text form of a JSON scalar in Zeek's TSV conventions: strings as is, integers in decimal,
// doubles in shortest round-trip form, booleans "T"/"F". `scratch` must hold 32 bytes. Returns
// false for null, arrays and objects.
bool JsonScalarText(simdjson::dom::element e, char* scratch, std::string_view& out);

using onus::AppendJsonString;  // core/json_text.h (invalid UTF-8 as \xNN, as Zeek writes it)

// Trims ASCII whitespace (space, tab, CR) from both ends.
std::string_view TrimSpace(std::string_view s);

}  // namespace onus::ingest::detail

// Internal: JSON helpers shared by the JSON-lines decoders (simdjson DOM with a reused, padded
// buffer) and the hand-written JSON writer.
// Thread-safety: a JsonLineParser is single-threaded.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

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

// Appends `s` as a JSON string (with quotes). Control characters become \u00XX; bytes that are not
// valid UTF-8 become the text \xNN (escaped as "\\xNN"), as Zeek's JSON writer does.
void AppendJsonString(std::string& out, std::string_view s);

// Trims ASCII whitespace (space, tab, CR) from both ends.
std::string_view TrimSpace(std::string_view s);

}  // namespace onus::ingest::detail

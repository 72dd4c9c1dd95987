// Unicode helpers (internal): NFC via ICU, UTF-8 decoding, Latin-1 views of text.
#pragma once

#include <string>
#include <string_view>

namespace onus::pattern::detail {

// NFC-normalises UTF-8 text. ASCII input is returned as is. Invalid UTF-8 is returned unchanged.
std::string NfcUtf8(std::string_view s);
// True if s is all ASCII (then it is already NFC).
bool IsAscii(std::string_view s);
// Decodes UTF-8 to code points (invalid bytes become U+FFFD).
std::u32string DecodeUtf8(std::string_view s);
// UTF-8 text to Latin-1 bytes; false if any code point is >= 256.
bool Utf8ToLatin1(std::string_view s, std::string* out);
// Latin-1 bytes to UTF-8 text.
std::string Latin1ToUtf8(std::string_view bytes);

}  // namespace onus::pattern::detail

// Internal to feeds/misp: what the MISP event loader and the galaxy cluster loader share (simdjson
// accessors, MISP ids, the STIX type of a galaxy's clusters, ATT&CK ids in cluster names).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace onus::intel::detail {

// The string member `key` of `o`, or "" (absent or not a string).
std::string_view MispStr(const simdjson::dom::object& o, std::string_view key);
// 8-4-4-4-12 hexadecimal.
bool IsMispUuid(std::string_view u);
// STIX type of the clusters of a galaxy of type `type` (and, for galaxy files, `category`):
// intrusion-set, malware, tool, attack-pattern or campaign; "" for reference galaxies.
std::string_view StixTypeForGalaxy(std::string_view type, std::string_view category = {});
// "APT29 - G0016" -> name "APT29", ext "G0016" (ext kept when already set) when the suffix is an
// ATT&CK id (a capital letter and digits/dots, 5-12 characters).
void SplitAttackId(std::string& name, std::string& ext);
bool IsAttackId(std::string_view s);

}  // namespace onus::intel::detail

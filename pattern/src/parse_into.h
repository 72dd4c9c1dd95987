// Parsing into a caller's Pattern (internal): lets CompiledPattern::Compile() parse straight
// into the compiled object, so the syntax tree is never moved after parsing.
#pragma once

#include <string_view>

#include "onus/core/status.h"
#include "onus/pattern/ast.h"
#include "onus/pattern/parser.h"

namespace onus::pattern::detail {

// ParsePattern() into `out` (a default-constructed Pattern); on error `out` is unspecified.
Status ParsePatternInto(std::string_view text, const ParseOptions& options, Pattern& out);

}  // namespace onus::pattern::detail

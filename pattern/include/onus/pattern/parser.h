// The hand-written lexer and recursive-descent parser for STIX 2.1 patterning (and 2.0 mode).
// Contract: ParsePattern() either returns the syntax tree or an InvalidArgument Status whose
// message is "<line>:<column>: <what was expected>, found <what>" (1-based line and column,
// counted in bytes). Keywords are upper case (AND, OR, NOT, FOLLOWEDBY, LIKE, MATCHES, ISSUBSET,
// ISSUPERSET, IN, EXISTS, START, STOP, WITHIN, SECONDS, REPEATS, TIMES); booleans are lower case.
// Precedence, loosest first: FOLLOWEDBY, OR, AND (observation level); OR, AND (comparison level);
// qualifiers bind to the observation expression immediately before them.
// Version differences: 2.0 mode accepts START/STOP with plain strings as well as t'…' and has no
// EXISTS; 2.1 mode requires t'…' for START/STOP.
// Limits (ParseLimits) make hostile input end with a ResourceExhausted Status, never a crash:
// nesting depth, text length, number of comparisons and size of one IN set.
// The parser checks syntax only; semantic rules (literal types vs operators, qualifier values,
// duplicate qualifiers) are the checker's (checker.h).
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string_view>

#include "onus/core/result.h"
#include "onus/pattern/ast.h"

namespace onus::pattern {

struct ParseLimits {
  size_t max_text_bytes = 1 << 20;    // 1 MiB of pattern text
  int max_depth = 200;                // nested parentheses / qualifiers
  size_t max_comparisons = 100000;    // comparisons in the whole pattern
  size_t max_set_elements = 1000000;  // literals in one IN ( … )
};

struct ParseOptions {
  StixVersion version = StixVersion::k21;
  ParseLimits limits;
};

Result<Pattern> ParsePattern(std::string_view text, const ParseOptions& options = {});

}  // namespace onus::pattern

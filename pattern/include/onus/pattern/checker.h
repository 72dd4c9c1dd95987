// The checker: semantic rules a syntactically valid pattern must also follow.
// Errors (the pattern is invalid):
//   - a literal type that the operator cannot use (e.g. a boolean with <, a set mixing types,
//     hex/base64 that does not decode);
//   - WITHIN not > 0, REPEATS not >= 1, START not before STOP, 2.0 START/STOP strings that are
//     not RFC 3339 timestamps;
//   - (2.1) the same qualifier type applied twice directly to one [ … ] (the 2.1 validator's rule;
//     marked validator_rule: the grammar allows it and the evaluator gives it a meaning — REPEATS
//     2 TIMES REPEATS 3 TIMES is 6 repetitions — so CompiledPattern::Compile accepts it);
//   - a hash literal that does not fit its algorithm (file:hashes.MD5 = 'xyz'), as the validator;
//   - MATCHES with a regular expression PCRE2 cannot compile; ISSUBSET/ISSUPERSET with a literal
//     that is not an IP address or CIDR.
// Warnings (valid, but probably not what was meant): object type names and property names that
// break the STIX naming rules (3–250 characters of a-z, 0-9, '-' for types; a-z, 0-9, '_' for
// properties), a t'…' timestamp whose date does not exist (Feb 30: valid for the OASIS validator,
// but Compile() refuses it), START not before STOP (never satisfied).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "onus/core/status.h"
#include "onus/pattern/ast.h"
#include "onus/pattern/parser.h"

namespace onus::pattern {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  uint32_t offset = 0;   // byte offset in the pattern text
  std::string message;   // "1:14: WITHIN needs a positive number of seconds"
  bool validator_rule = false;  // an error only by the OASIS validator's extra rules
};

struct CheckReport {
  std::vector<Diagnostic> diagnostics;
  bool ok() const;  // no errors (warnings allowed)
  // The first error as an InvalidArgument Status, or OK. Compile() passes false to skip
  // validator-only rules.
  Status FirstError(bool include_validator_rules = true) const;
};

CheckReport CheckPattern(const Pattern& pattern);

// Parses then checks: the whole "is this a valid pattern" question.
Status ValidatePattern(std::string_view text, const ParseOptions& options);

}  // namespace onus::pattern

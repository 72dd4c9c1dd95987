// Claim checking: each proposition a claim raises is answered by the assessed proposition with
// the same kind and scope; the claim gets a label from its parts. A negated proposition (a denial)
// is judged as what the claim says: denying a supported intrusion is contradicted.
// Thread-safety: pure functions and value types.
#pragma once

#include <string>
#include <vector>

namespace onus::attribution {

struct ClaimPart {
  std::string kind, verdict, ref;  // verdict of the assessed proposition `ref`
  bool negated = false;
  std::string agreement;  // consistent | contradicted | unsupported | not_assessable
  std::string says;       // the claim's proposition in words
};

struct ClaimCheck {
  std::string id, label;
  std::vector<ClaimPart> parts;
  bool independent = true;
  std::vector<std::string> derived_from;
  std::string source, source_type, grade, statement;
};

// How one claimed part relates to the assessed verdict.
std::string Agreement(const std::string& verdict, bool negated);
// consistent (all parts agree), contradicted (any part disagrees), partly_supported (some agree),
// unsupported (none agrees, some unsupported), not_assessable (nothing assessable).
std::string ClaimLabel(const std::vector<ClaimPart>& parts);

}  // namespace onus::attribution

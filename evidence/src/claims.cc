#include "onus/evidence/claims.h"

#include <nlohmann/json.hpp>

#include "json_get.h"
#include "onus/core/case_context.h"
#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus::evidence {

using detail::Bool;
using detail::Lower;
using detail::Str;
using detail::StrList;

bool Claim::interested_party() const {
  std::string t = Lower(source.type);
  return t == "accused-party" || t == "accused" || t == "interested-party";
}

namespace {

Result<std::optional<Timestamp>> OptTime(const nlohmann::json& j, const char* key, const std::string& where) {
  std::string s = Str(j, key);
  if (s.empty()) return std::optional<Timestamp>();
  auto t = ParseRfc3339(s);
  if (!t.ok()) return Status::InvalidArgument(where + "." + key + ": not an RFC 3339 time: " + s);
  return std::optional<Timestamp>(*t);
}

}  // namespace

Result<ClaimSet> ClaimSet::Parse(const std::string& text, const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(path + ": not valid JSON");
  if (!doc.is_object()) return Status::InvalidArgument(path + ": top level is not an object");
  auto it = doc.find("claims");
  if (it == doc.end() || !it->is_array()) return Status::InvalidArgument(path + ": no \"claims\" array");
  std::vector<int> lines = ArrayElementLines(text, "claims");
  ClaimSet set;
  set.path_ = path;
  set.sha256_ = Sha256Hex(text);
  size_t i = 0;
  for (const auto& c : *it) {
    std::string where = path + ": claims[" + std::to_string(i) + "]";
    int line = i < lines.size() ? lines[i] : 0;
    if (line > 0) where += " (line " + std::to_string(line) + ")";
    if (!c.is_object()) return Status::InvalidArgument(where + ": not an object");
    Claim claim;
    claim.id = Str(c, "id");
    if (claim.id.empty()) return Status::InvalidArgument(where + ": no \"id\"");
    claim.text = Str(c, "text");
    claim.line = line;
    if (auto s = c.find("source"); s != c.end()) {
      if (!s->is_object()) return Status::InvalidArgument(where + ".source: not an object");
      claim.source.name = Str(*s, "name");
      claim.source.type = Str(*s, "type");
      claim.source.date = Str(*s, "date");
      claim.source.grade = Str(*s, "grade");
      claim.source.derived_from = StrList(*s, "derived_from");
      claim.source.ingestible_evidence = Bool(*s, "ingestible_evidence", true);
    }
    auto ps = c.find("propositions");
    if (ps == c.end() || !ps->is_array()) return Status::InvalidArgument(where + ": no \"propositions\" array");
    size_t k = 0;
    for (const auto& p : *ps) {
      std::string pw = where + ".propositions[" + std::to_string(k++) + "]";
      if (!p.is_object()) return Status::InvalidArgument(pw + ": not an object");
      ClaimProposition cp;
      cp.kind = Lower(Str(p, "kind"));
      if (cp.kind.empty()) return Status::InvalidArgument(pw + ": no \"kind\"");
      static const char* const kKinds[] = {"intrusion", "capability", "causation", "cluster",
                                           "actor",     "nexus",      "state",     "intent"};
      bool known = false;
      for (const char* kk : kKinds) known = known || cp.kind == kk;
      if (!known) return Status::InvalidArgument(pw + ": unknown kind \"" + cp.kind + "\"");
      cp.site = Str(p, "site");
      cp.segment = Str(p, "segment");
      cp.event = Str(p, "event");
      cp.actor = Str(p, "actor");
      cp.country = Str(p, "country");
      for (char& ch : cp.country)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      cp.purpose = Str(p, "purpose");
      cp.hedge = Str(p, "hedge");
      cp.sites = StrList(p, "sites");
      cp.negated = Bool(p, "negated", false);
      ONUS_ASSIGN_OR_RETURN(cp.from, OptTime(p, "from", pw));
      ONUS_ASSIGN_OR_RETURN(cp.to, OptTime(p, "to", pw));
      claim.propositions.push_back(std::move(cp));
    }
    for (const auto& prev : set.claims_)
      if (prev.id == claim.id) return Status::InvalidArgument(where + ": duplicate claim id \"" + claim.id + "\"");
    set.claims_.push_back(std::move(claim));
    ++i;
  }
  return set;
}

Result<ClaimSet> ClaimSet::Load(const std::string& path) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ONUS_ASSIGN_OR_RETURN(ClaimSet set, Parse(text, path));
  // The digest names the file as stored (compressed files hashed compressed).
  ONUS_ASSIGN_OR_RETURN(set.sha256_, Sha256File(path));
  return set;
}

}  // namespace onus::evidence

// MITRE ATT&CK as shipped (enterprise-attack.json, ics-attack.json, gzip or not): a STIX 2.0/2.1
// bundle read by the STIX reader with ATT&CK's defaults: source "The MITRE Corporation" identity,
// grade kAttackGrade unless --grade says otherwise, ATT&CK ids (T/G/S/C/TA numbers) lifted into
// StixObject::external_id, x_mitre_aliases into aliases, revoked/x_mitre_deprecated kept as flags
// (the attribution catalogue decides what to do with them).
#include "feed.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

Status LoadAttackFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(in.path));
  FeedInput attack = in;
  attack.format = "attack";
  return LoadStixText(text, attack, options, sink);
}

}  // namespace onus::intel::detail

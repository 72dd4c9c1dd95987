#include "onus/attribution/attribute.h"

#include <simdjson.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus::attribution {

namespace {

std::string_view GetString(simdjson::dom::object obj, std::string_view key) {
  std::string_view out;
  if (obj[key].get_string().get(out) != simdjson::SUCCESS) return {};
  return out;
}

std::string_view AttackIdOf(simdjson::dom::object obj) {
  simdjson::dom::array refs;
  if (obj["external_references"].get_array().get(refs) != simdjson::SUCCESS) return {};
  for (simdjson::dom::element r : refs) {
    simdjson::dom::object ro;
    if (r.get_object().get(ro) != simdjson::SUCCESS) continue;
    std::string_view src = GetString(ro, "source_name");
    std::string_view ext = GetString(ro, "external_id");
    if (!ext.empty() && (src == "mitre-attack" || src == "mitre-ics-attack")) return ext;
  }
  return {};
}

}  // namespace

struct CaseAttributor::Impl {
  const ActorModel* model;  // not owned
  simdjson::dom::parser parser;
};

CaseAttributor::CaseAttributor(const ActorModel& model) : impl_(std::make_unique<Impl>()) { impl_->model = &model; }
CaseAttributor::~CaseAttributor() = default;

Result<CaseResult> CaseAttributor::AttributeFile(const std::string& path) {
  if (!FileExists(path)) return Status::NotFound(path + ": no such file");
  ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ONUS_ASSIGN_OR_RETURN(CaseResult r, AttributeText(text, path));
  ONUS_ASSIGN_OR_RETURN(r.sha256, Sha256File(path));
  return r;
}

Result<CaseResult> CaseAttributor::AttributeText(std::string_view json, std::string label) {
  const Catalogue& cat = impl_->model->catalogue();
  simdjson::dom::element doc;
  auto err = impl_->parser.parse(json.data(), json.size(), true).get(doc);
  if (err != simdjson::SUCCESS) {
    return Status::Corrupt(label + ": not valid JSON (" + simdjson::error_message(err) + ")");
  }
  simdjson::dom::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS || GetString(root, "type") != "bundle") {
    return Status::InvalidArgument(label + ": not a STIX bundle (expected {\"type\": \"bundle\", \"objects\": [...]})");
  }
  simdjson::dom::array objs;
  CaseResult out;
  out.case_path = label;
  if (root["objects"].error() == simdjson::NO_SUCH_FIELD) {  // an empty bundle: nothing observed
    out.assessment = impl_->model->Assess({});
    return out;
  }
  if (root["objects"].get_array().get(objs) != simdjson::SUCCESS) {
    return Status::InvalidArgument(label + ": bundle \"objects\" is not an array");
  }
  // First pass: ATT&CK ids of objects the case carries itself (for refs unknown to the catalogue).
  std::unordered_map<std::string_view, std::string_view> attack_id;
  for (simdjson::dom::element el : objs) {
    simdjson::dom::object o;
    if (el.get_object().get(o) != simdjson::SUCCESS) continue;
    std::string_view id = GetString(o, "id");
    std::string_view ext = AttackIdOf(o);
    if (!id.empty() && !ext.empty()) attack_id.emplace(id, ext);
  }
  for (simdjson::dom::element el : objs) {
    simdjson::dom::object o;
    if (el.get_object().get(o) != simdjson::SUCCESS || GetString(o, "type") != "sighting") continue;
    ++out.sightings;
    std::string_view ref = GetString(o, "sighting_of_ref");
    std::optional<uint32_t> t = cat.FindTarget(ref);
    if (!t) {
      auto it = attack_id.find(ref);
      if (it != attack_id.end()) t = cat.FindTargetByExternalId(it->second);
    }
    if (!t) {
      out.unresolved_refs.emplace_back(ref.empty() ? std::string_view("(missing sighting_of_ref)") : ref);
      continue;
    }
    ActorEvidence e;
    e.target = *t;
    e.provenance = label + "#" + std::string(GetString(o, "id"));
    out.evidence.push_back(std::move(e));
  }
  std::sort(out.unresolved_refs.begin(), out.unresolved_refs.end());
  out.unresolved_refs.erase(std::unique(out.unresolved_refs.begin(), out.unresolved_refs.end()), out.unresolved_refs.end());
  out.assessment = impl_->model->Assess(out.evidence);
  return out;
}

std::string CaseResultJson(const CaseResult& r, const Catalogue& cat) {
  const auto& hyps = r.assessment.hypotheses;
  // Fixed precision: integer millionths, the rounding remainder given to the first (largest)
  // hypothesis so the printed posteriors sum to exactly 1.
  std::vector<int64_t> micros(hyps.size());
  int64_t sum = 0;
  for (size_t i = 0; i < hyps.size(); ++i) {
    micros[i] = static_cast<int64_t>(std::llround(hyps[i].posterior * 1e6));
    sum += micros[i];
  }
  if (!micros.empty()) micros[0] += 1000000 - sum;
  std::string out = "{\"case\":" + JsonQuote(r.case_path) + ",\"hypotheses\":[";
  char num[32];
  for (size_t i = 0; i < hyps.size(); ++i) {
    if (i) out.push_back(',');
    const bool unknown = hyps[i].group < 0;
    const CatalogueEntry* g = unknown ? nullptr : &cat.groups()[hyps[i].group];
    std::snprintf(num, sizeof num, "%" PRId64 ".%06" PRId64, micros[i] / 1000000, micros[i] % 1000000);
    out += "{\"actor\":";
    out += unknown ? std::string("\"UNKNOWN\"") : JsonQuote(g->stix_id);
    out += ",\"name\":";
    out += unknown ? std::string("\"UNKNOWN\"") : JsonQuote(g->name);
    out += ",\"posterior\":";
    out += num;
    out.push_back('}');
  }
  out += "],\"actor\":{\"verdict\":\"";
  out += ActorVerdictName(r.assessment.verdict);
  out += "\",\"name\":";
  if (r.assessment.named) {
    const CatalogueEntry& g = cat.groups()[*r.assessment.named];
    out += JsonQuote(g.name) + ",\"id\":" + JsonQuote(g.stix_id);
  } else {
    out += "null,\"id\":null";
  }
  out += ",\"rule\":" + JsonQuote(r.assessment.rule) + "},\"provenance\":{\"sha256\":" + JsonQuote(r.sha256);
  out += ",\"sightings\":" + std::to_string(r.sightings) + ",\"resolved\":" + std::to_string(r.assessment.items_used) +
         ",\"repeated\":" + std::to_string(r.assessment.items_repeated) +
         ",\"unresolved\":" + std::to_string(r.unresolved_refs.size()) + "}}";
  return out;
}

}  // namespace onus::attribution

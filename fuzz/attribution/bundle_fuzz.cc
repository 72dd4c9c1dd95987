// Fuzz target: arbitrary bytes as a STIX catalogue bundle and as a case bundle.
// Invariants checked (abort on violation): a built catalogue's relations index its own vectors;
// an assessment's posteriors are finite and sum to 1; the JSON line is produced.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "onus/attribution/actor_model.h"
#include "onus/attribution/attribute.h"
#include "onus/attribution/catalogue.h"

using namespace onus::attribution;

namespace {

const char* kFixed = R"({"type":"bundle","objects":[
 {"type":"intrusion-set","id":"intrusion-set--a","name":"A"},
 {"type":"intrusion-set","id":"intrusion-set--b","name":"B"},
 {"type":"malware","id":"malware--x","name":"X","external_references":[{"source_name":"mitre-attack","external_id":"S0001"}]},
 {"type":"attack-pattern","id":"attack-pattern--p","external_references":[{"source_name":"mitre-attack","external_id":"T0001"}]},
 {"type":"relationship","id":"relationship--1","relationship_type":"uses","source_ref":"intrusion-set--a","target_ref":"malware--x"},
 {"type":"relationship","id":"relationship--2","relationship_type":"uses","source_ref":"intrusion-set--b","target_ref":"attack-pattern--p"}]})";

const ActorModel& Fixed() {
  static const ActorModel* model = [] {
    CatalogueBuilder b;
    if (!b.AddBundleText(kFixed, "fixed").ok()) std::abort();
    auto c = b.Build();
    if (!c.ok()) std::abort();
    auto m = ActorModel::Compile(std::make_shared<const Catalogue>(std::move(c).value()));
    if (!m.ok()) std::abort();
    return new ActorModel(std::move(m).value());  // lives for the process
  }();
  return *model;
}

void CheckAssessment(const ActorAssessment& a) {
  double sum = 0;
  for (const auto& h : a.hypotheses) {
    if (!std::isfinite(h.posterior)) std::abort();
    sum += h.posterior;
  }
  if (!a.hypotheses.empty() && std::fabs(sum - 1.0) > 1e-9) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  {
    CatalogueBuilder b;
    if (b.AddBundleText(text, "fuzz").ok()) {
      auto c = b.Build();
      if (!c.ok()) std::abort();
      for (const auto& u : c->uses()) {
        if (u.group >= c->groups().size() || u.target >= c->targets().size()) std::abort();
      }
      auto shared = std::make_shared<const Catalogue>(std::move(c).value());
      auto m = ActorModel::Compile(shared);
      if (!m.ok()) std::abort();
      std::vector<ActorEvidence> ev;
      for (uint32_t t = 0; t < shared->targets().size() && t < 64; ++t) ev.push_back({t, 1.0, {}});
      CheckAssessment(m->Assess(ev));
      if (!shared->groups().empty()) (void)shared->WithoutGroup(0);
    }
  }
  CaseAttributor att(Fixed());
  auto r = att.AttributeText(text, "fuzz-case");
  if (r.ok()) {
    CheckAssessment(r->assessment);
    if (CaseResultJson(*r, Fixed().catalogue()).empty()) std::abort();
  }
  return 0;
}

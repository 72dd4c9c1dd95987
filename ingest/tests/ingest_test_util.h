// Test helpers shared by the ingest test suites: a sink that keeps copies of observations.
#pragma once

#include <string>
#include <vector>

#include "onus/ingest/observation_json.h"
#include "onus/ingest/reader.h"

namespace onus::ingest::testing {

class CollectSink : public ObservationSink {
 public:
  Status OnObservation(const Observation& obs) override {
    all.push_back(obs);
    return Status::Ok();
  }
  std::vector<Observation> all;
  std::vector<const Observation*> OfKind(ObservationKind k) const {
    std::vector<const Observation*> out;
    for (const auto& o : all)
      if (o.kind == k) out.push_back(&o);
    return out;
  }
};

struct Ingested {
  Status status;
  IngestRun run;  // observations point at run.inputs
  CollectSink sink;
};

inline std::unique_ptr<Ingested> Ingest(const std::vector<std::string>& paths, IngestOptions options = {}) {
  auto r = std::make_unique<Ingested>();
  r->status = ReadInputs(paths, options, r->sink, r->run);
  return r;
}

inline std::string DataPath(const std::string& rel) { return std::string(ONUS_SOURCE_DIR) + "/tests/data/ingest/" + rel; }
inline std::string SharedPath(const std::string& rel) { return std::string(ONUS_SHARED_DIR) + "/" + rel; }

// The JSON line without provenance (for comparing the same events read from different files).
inline std::string JsonWithoutSource(Observation o) {
  o.src = SourceRef();
  return ToJsonLine(o);
}

}  // namespace onus::ingest::testing

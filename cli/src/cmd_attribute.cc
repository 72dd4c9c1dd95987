// onus attribute: batch attribution of observed behaviour against a catalogue of groups.
//   onus attribute --intel CATALOGUE.json [--intel …] --observed CASE.json [CASE.json …] --format jsonl
// One JSON line per case on stdout, in input order (attribution/README.md, "Batch attribution").
// Exit 2 (one line on stderr) when an argument is unusable: a missing file, a file that is not a
// STIX bundle, an empty catalogue. A case whose sightings name nothing known is not an error: it
// gets verdict not_assessable and a warning line on stderr.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "onus/attribution/actor_model.h"
#include "onus/attribution/attribute.h"
#include "onus/attribution/catalogue.h"
#include "onus/core/file.h"

namespace onus::cli {

int RunAttribute(int argc, char** argv) {
  CLI::App app{"Weigh which catalogue group (or an unknown one) best explains each case's sightings", "onus attribute"};
  std::vector<std::string> intel, observed;
  std::string format = "jsonl", out_path;
  bool quiet = false;
  app.add_option("--intel", intel, "STIX 2.x bundle(s) of groups, software, techniques and uses (gzip or plain)")
      ->required();
  app.add_option("--observed", observed, "case bundle(s) of sighting objects, one output line each")->required();
  app.add_option("--format", format, "output format (jsonl)")->check(CLI::IsMember({"jsonl"}));
  app.add_option("-o,--output", out_path, "write here instead of standard output");
  app.add_flag("-q,--quiet", quiet, "no warnings on stderr");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;

  // Unusable arguments are reported before any output is written.
  for (const auto* list : {&intel, &observed}) {
    for (const std::string& p : *list) {
      if (!FileExists(p)) return Fail("attribute", p + ": no such file");
      if (IsDirectory(p)) return Fail("attribute", p + ": is a directory");
    }
  }
  auto catalogue = attribution::LoadCatalogue(intel);
  if (!catalogue.ok()) return Fail("attribute", catalogue.status());
  if (catalogue->groups().empty()) {
    return Fail("attribute", "the --intel bundles hold no live intrusion-set: nothing to attribute to");
  }
  auto shared = std::make_shared<const attribution::Catalogue>(std::move(catalogue).value());
  auto model = attribution::ActorModel::Compile(shared);
  if (!model.ok()) return Fail("attribute", model.status());

  FILE* out = stdout;
  std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, &std::fclose);
  if (!out_path.empty() && out_path != "-") {
    file.reset(std::fopen(out_path.c_str(), "wb"));
    if (!file) return Fail("attribute", out_path + ": cannot open for writing");
    out = file.get();
  }
  attribution::CaseAttributor attributor(*model);
  std::string line;
  for (const std::string& path : observed) {
    auto result = attributor.AttributeFile(path);
    if (!result.ok()) return Fail("attribute", result.status());
    if (!quiet && !result->unresolved_refs.empty()) {
      std::fprintf(stderr, "onus attribute: warning: %s: %zu sighting_of_ref value(s) name nothing in the catalogue (first: %s)\n",
                   path.c_str(), result->unresolved_refs.size(), result->unresolved_refs.front().c_str());
    }
    if (!quiet && result->assessment.verdict == attribution::ActorVerdict::kNotAssessable) {
      std::fprintf(stderr, "onus attribute: warning: %s: not_assessable (%s)\n", path.c_str(),
                   result->assessment.rule.c_str());
    }
    line = attribution::CaseResultJson(*result, *shared);
    line.push_back('\n');
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) {
      return Fail("attribute", "write failed");
    }
  }
  if (std::fflush(out) != 0) return Fail("attribute", "write failed");
  return kExitOk;
}

}  // namespace onus::cli

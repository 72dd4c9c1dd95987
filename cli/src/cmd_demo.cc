// onus demo: the whole pipeline on the bundled sample scenario, in one command: hunt (intel ×
// telemetry → sightings and findings), assess, and render the HTML report. `make demo` runs the
// same steps one by one with commentary (scripts/demo).
#include <glob.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "command.h"
#include "onus/core/file.h"

namespace onus::cli {
namespace {

int Call(int (*run)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return run(static_cast<int>(args.size()), argv.data());
}

}  // namespace

int RunDemo(int argc, char** argv) {
  CLI::App app{"Run the whole pipeline (hunt, assess, report) on the bundled sample scenario", "onus demo"};
  std::string data = std::string(ONUS_SOURCE_DIR) + "/tests/data/demo/portgrid-small";
  std::string out = "onus-demo";
  app.add_option("--data", data, "scenario directory (intel/, zeek/, grid/, context.json, claims.json)");
  app.add_option("--out", out, "output directory (created; its case.db is replaced)");
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  for (const char* f : {"/context.json", "/claims.json", "/intel", "/zeek"})
    if (!FileExists(data + f)) return Fail("demo", "scenario directory '" + data + "' lacks " + std::string(f + 1));
  ::mkdir(out.c_str(), 0755);
  if (!IsDirectory(out)) return Fail("demo", "cannot create output directory '" + out + "'");
  std::string db = out + "/case.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());

  std::vector<std::string> hunt = {"onus hunt", "--quiet", "--context", data + "/context.json", "--case", db,
                                   "--jsonl", out + "/sightings.jsonl"};
  glob_t g{};
  if (::glob((data + "/intel/*.json").c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      hunt.push_back("--intel");
      hunt.push_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  hunt.push_back(data + "/zeek");
  if (FileExists(data + "/grid")) hunt.push_back(data + "/grid");
  if (int rc = Call(RunHunt, hunt); rc != 0) return rc;
  const std::vector<std::string> common = {"--case", db, "--context", data + "/context.json", "--claims",
                                           data + "/claims.json"};
  auto with = [&](std::vector<std::string> head, std::vector<std::string> tail) {
    head.insert(head.end(), common.begin(), common.end());
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  if (int rc = Call(RunAssess, with({"onus assess"}, {"--format", "json", "-o", out + "/assessment.json"})); rc != 0)
    return rc;
  if (int rc = Call(RunReport, with({"onus report"}, {"--format", "html", "-o", out + "/report.html"})); rc != 0)
    return rc;
  std::printf("report: %s/report.html\n", out.c_str());
  return kExitOk;
}

}  // namespace onus::cli

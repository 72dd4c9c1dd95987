// onus: one binary, one subcommand per pipeline capability.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "command.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

int RunVersion(int, char**) {
  std::printf("onus %.*s\n", static_cast<int>(onus::cli::Version().size()), onus::cli::Version().data());
  return 0;
}

constexpr Subcommand kSubcommands[] = {
    {"observe", onus::cli::RunObserve, "decode captures, Zeek logs and EVE into observation JSON lines"},
    {"hunt", onus::cli::RunHunt, "match intelligence and run analytics over telemetry; store sightings in a case"},
    {"analyze", onus::cli::RunAnalyze, "run behaviour analytics over a case's connection records"},
    {"findings", onus::cli::RunFindings, "list a case's behaviour findings by score"},
    {"assess", onus::cli::RunAssess, "weigh evidence: propositions, clusters, attribution, claims"},
    {"attribute", onus::cli::RunAttribute, "batch attribution of observed techniques and software"},
    {"report", onus::cli::RunReport, "render an assessment as HTML, Markdown, JSON or a STIX 2.1 bundle"},
    {"pattern", onus::cli::RunPattern, "check and match STIX patterns"},
    {"intel", onus::cli::RunIntel, "import and list threat intelligence"},
    {"demo", onus::cli::RunDemo, "run the whole pipeline on the bundled sample data"},
    {"version", RunVersion, "print the version"},
};

void PrintUsage(FILE* out) {
  std::fprintf(out, "usage: onus <command> [options]   (onus <command> --help for details)\n\ncommands:\n");
  for (const auto& s : kSubcommands) std::fprintf(out, "  %-10s %s\n", s.name, s.summary);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return onus::cli::kExitUsage;
  }
  std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    PrintUsage(stdout);
    return 0;
  }
  if (cmd == "--version") return RunVersion(0, nullptr);
  for (const auto& s : kSubcommands) {
    if (cmd == s.name) {
      // Give the subcommand an argv whose argv[0] is "onus <name>".
      std::string prog = std::string("onus ") + s.name;
      argv[1] = prog.data();
      return s.run(argc - 1, argv + 1);
    }
  }
  std::fprintf(stderr, "onus: unknown command '%s' (see onus --help)\n", argv[1]);
  return onus::cli::kExitUsage;
}

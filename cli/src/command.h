// The CLI's shared plumbing. Every subcommand lives in its own cmd_<name>.cc and exposes
// `int Run<Name>(int argc, char** argv)` where argv[0] is "onus <name>".
// Exit codes (all commands): 0 success (or "matched"/"found"), 1 a negative answer where the
// command defines one (pattern check: invalid; pattern match: no match), 2 usage or input error
// (one line on stderr: "onus <cmd>: <what>"). Only cli/ prints or exits.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "onus/core/status.h"
#include "onus/ingest/reader.h"

namespace onus::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;
inline constexpr int kExitUsage = 2;

// Prints "onus <command>: <message>" on one line to stderr and returns kExitUsage.
int Fail(std::string_view command, std::string_view message);
int Fail(std::string_view command, const Status& status);

// Parses argv with CLI11. Returns -1 when the command should run, or the exit code to return
// (0 after --help, 2 after a usage error, printed as one line).
int Parse(CLI::App& app, int argc, char** argv);

// Prints an ingest run's warnings to stderr ("onus <command>: warning: ...", at most `max`), then a
// count line when records were malformed or warnings were left out.
void PrintIngestWarnings(std::string_view command, const ingest::IngestStats& stats, size_t max);

// The version string ("0.1.0").
std::string_view Version();

int RunHunt(int argc, char** argv);
int RunObserve(int argc, char** argv);
int RunAnalyze(int argc, char** argv);
int RunFindings(int argc, char** argv);
int RunAssess(int argc, char** argv);
int RunAttribute(int argc, char** argv);
int RunReport(int argc, char** argv);
int RunPattern(int argc, char** argv);
int RunIntel(int argc, char** argv);
int RunDemo(int argc, char** argv);

}  // namespace onus::cli

#include "command.h"

namespace onus::cli {

int Fail(std::string_view command, std::string_view message) {
  std::string line(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "onus %.*s: %s\n", static_cast<int>(command.size()), command.data(), line.c_str());
  return kExitUsage;
}

int Fail(std::string_view command, const Status& status) { return Fail(command, status.message()); }

int Parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string name = app.get_name();
    if (name.rfind("onus ", 0) == 0) name = name.substr(5);
    return Fail(name, std::string(e.what()) + " (see --help)");
  }
  return -1;
}

void PrintIngestWarnings(std::string_view command, const ingest::IngestStats& stats, size_t max) {
  const std::string cmd(command);
  size_t shown = 0;
  for (const auto& w : stats.warnings) {
    if (shown >= max) break;
    ++shown;
    std::fprintf(stderr, "onus %s: warning: %s\n", cmd.c_str(), w.c_str());
  }
  if (stats.malformed > 0 || stats.warnings.size() > shown) {
    std::fprintf(stderr, "onus %s: %llu malformed records in %llu files (%zu warnings shown of %zu kept)\n", cmd.c_str(),
                 static_cast<unsigned long long>(stats.malformed), static_cast<unsigned long long>(stats.files), shown,
                 stats.warnings.size());
  }
}

std::string_view Version() { return ONUS_VERSION; }

}  // namespace onus::cli

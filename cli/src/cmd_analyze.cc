// onus analyze: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunAnalyze(int argc, char** argv) {
  CLI::App app{"onus analyze (not implemented yet)", "onus analyze"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("analyze", "not implemented yet");
}

}  // namespace onus::cli

// onus report: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunReport(int argc, char** argv) {
  CLI::App app{"onus report (not implemented yet)", "onus report"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("report", "not implemented yet");
}

}  // namespace onus::cli

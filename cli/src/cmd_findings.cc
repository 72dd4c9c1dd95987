// onus findings: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunFindings(int argc, char** argv) {
  CLI::App app{"onus findings (not implemented yet)", "onus findings"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("findings", "not implemented yet");
}

}  // namespace onus::cli

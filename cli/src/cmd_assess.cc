// onus assess: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunAssess(int argc, char** argv) {
  CLI::App app{"onus assess (not implemented yet)", "onus assess"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("assess", "not implemented yet");
}

}  // namespace onus::cli

// onus intel: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunIntel(int argc, char** argv) {
  CLI::App app{"onus intel (not implemented yet)", "onus intel"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("intel", "not implemented yet");
}

}  // namespace onus::cli

// onus hunt: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunHunt(int argc, char** argv) {
  CLI::App app{"onus hunt (not implemented yet)", "onus hunt"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("hunt", "not implemented yet");
}

}  // namespace onus::cli

// onus observe: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunObserve(int argc, char** argv) {
  CLI::App app{"onus observe (not implemented yet)", "onus observe"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("observe", "not implemented yet");
}

}  // namespace onus::cli

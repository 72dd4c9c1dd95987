// onus pattern: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunPattern(int argc, char** argv) {
  CLI::App app{"onus pattern (not implemented yet)", "onus pattern"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("pattern", "not implemented yet");
}

}  // namespace onus::cli

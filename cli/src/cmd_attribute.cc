// onus attribute: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunAttribute(int argc, char** argv) {
  CLI::App app{"onus attribute (not implemented yet)", "onus attribute"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("attribute", "not implemented yet");
}

}  // namespace onus::cli

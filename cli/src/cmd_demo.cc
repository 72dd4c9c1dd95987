// onus demo: not built yet (see the open issue for this capability). Exits 2 with a clear message.
#include "command.h"

namespace onus::cli {

int RunDemo(int argc, char** argv) {
  CLI::App app{"onus demo (not implemented yet)", "onus demo"};
  app.allow_extras();
  if (int rc = Parse(app, argc, argv); rc >= 0) return rc;
  return Fail("demo", "not implemented yet");
}

}  // namespace onus::cli

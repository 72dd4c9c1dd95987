// Placeholder until the capture decoder lands (issue 4): captures are reported as unsupported.
#include "onus/ingest/capture.h"

namespace onus::ingest {

Status ReadCapture(const InputInfo& info, const IngestOptions&, ObservationSink&, IngestStats&) {
  return Status::Unsupported("'" + info.path + "': capture decoding is not built yet");
}

}  // namespace onus::ingest

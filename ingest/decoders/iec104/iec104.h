// IEC 60870-5-104: APCI frames (0x68, length 4..253) carrying ASDUs (I-format) → one ics
// observation per I-format ASDU with the type identification as the function ("C_SC_NA_1"...) and
// is_command for control-direction process commands (45..51, 58..64), reset process (105), clock
// synchronisation (103) and parameter loading (110..113). Monitoring ASDUs (M_*) are reported too
// (is_command false): the attribution layer needs to see what the outstation sent.
// Contract: frames are length-checked; a bad start byte or length is an anomaly, after which (and
// after a gap in the stream) decoding resumes at the next 0x68 start byte.
// Thread-safety: pure functions; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace onus::ingest::detail {

// 0 when more bytes are needed, -1 when the header is invalid.
long Iec104FrameLength(const uint8_t* d, size_t n);
struct Iec104Frame {
  char format = 0;  // 'I', 'S' or 'U'
  uint8_t type_id = 0;
  uint8_t cause = 0;  // cause of transmission (6 bits)
  bool negative = false;
};
bool ParseIec104Frame(const uint8_t* d, size_t n, Iec104Frame& out);
const char* Iec104TypeName(uint8_t type_id);
bool Iec104IsCommand(uint8_t type_id);

}  // namespace onus::ingest::detail

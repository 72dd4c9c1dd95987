// DNP3 (IEEE 1815) over TCP or UDP: link frames (0x05 0x64, CRC per block), transport header and
// the application function code of each request → one ics observation per application request
// (function code < 0x80), is_command for control, write, restart, configuration and file
// operations (select, operate, direct_operate, write, freeze, restarts, start/stop/init
// application, save/activate config, enable/disable unsolicited, assign class, file open/close/
// delete/abort).
// Contract: header and data-block CRCs are checked; a frame with a bad CRC or impossible length
// is an anomaly and skipped. The application header is read from the first transport segment
// (FIR) only.
// Thread-safety: pure functions; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace onus::ingest::detail {

uint16_t Dnp3Crc(const uint8_t* d, size_t n);
// Total length of the link frame at the start of [d, d+n): 0 when more bytes are needed, -1 when
// the header is invalid (bad start bytes or length).
long Dnp3FrameLength(const uint8_t* d, size_t n);

struct Dnp3Frame {
  uint8_t link_control = 0;
  uint16_t dst = 0, src = 0;
  bool has_app = false;  // user data with FIR set
  uint8_t transport = 0;
  uint8_t app_control = 0, function = 0;
};

// Parses a complete frame (length from Dnp3FrameLength). `error` gets a static reason.
bool ParseDnp3Frame(const uint8_t* d, size_t n, Dnp3Frame& out, const char** error);
const char* Dnp3FunctionName(uint8_t fc);
bool Dnp3IsCommand(uint8_t fc);

}  // namespace onus::ingest::detail

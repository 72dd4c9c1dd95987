// Modbus/TCP (MBAP header + PDU) → one ics observation per request (the direction towards port
// 502), with the function name and is_command for writes (5, 6, 15, 16, 21, 22, 23) and the
// diagnostics sub-functions that restart or silence a device.
// Contract: frames are length-checked (MBAP length 2..254, protocol id 0); a frame that breaks
// these rules is an anomaly and the direction stops decoding until the decoder is re-created.
// Thread-safety: pure functions; a decoder belongs to one flow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace onus::ingest::detail {

struct ModbusFrame {
  uint16_t transaction = 0;
  uint8_t unit = 0;
  uint8_t function = 0;  // with the exception bit (0x80) when set
  uint16_t sub_function = 0;  // diagnostics (8)
};

// Length of the complete frame at the start of [d, d+n): 0 when more bytes are needed, -1 when
// the header is invalid.
long ModbusFrameLength(const uint8_t* d, size_t n);
bool ParseModbusFrame(const uint8_t* d, size_t n, ModbusFrame& out);
const char* ModbusFunctionName(uint8_t fc);  // "read_coils"... or nullptr
bool ModbusIsCommand(const ModbusFrame& f);

}  // namespace onus::ingest::detail

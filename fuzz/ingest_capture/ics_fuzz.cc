// Modbus/TCP, DNP3 (TCP and UDP) and IEC 60870-5-104 decoders. Byte 0 picks the decoder.
#include <cstddef>
#include <cstdint>

#include "decoders/dnp3/dnp3.h"
#include "decoders/iec104/iec104.h"
#include "decoders/modbus/modbus.h"
#include "fuzz_emitter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onus::ingest::detail;  // NOLINT
  if (size < 1) return 0;
  FuzzEmitter e;
  std::unique_ptr<AppDecoder> dec;
  switch (data[0] % 4) {
    case 0: dec = MakeModbusDecoder(); break;
    case 1: dec = MakeDnp3Decoder(true); break;
    case 2: dec = MakeDnp3Decoder(false); break;
    default: dec = MakeIec104Decoder(); break;
  }
  e.set_resp_port(data[0] & 0x80 ? 40001 : 502);
  FeedStream(*dec, data + 1, size - 1, e);
  return 0;
}

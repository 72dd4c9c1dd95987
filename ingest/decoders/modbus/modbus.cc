#include "decoders/modbus/modbus.h"

#include <memory>
#include <string>
#include <vector>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

long ModbusFrameLength(const uint8_t* d, size_t n) {
  if (n < 7) return 0;
  uint16_t proto = static_cast<uint16_t>(d[2] << 8 | d[3]);
  uint16_t len = static_cast<uint16_t>(d[4] << 8 | d[5]);
  if (proto != 0 || len < 2 || len > 254) return -1;
  return n >= 6u + len ? static_cast<long>(6 + len) : 0;
}

bool ParseModbusFrame(const uint8_t* d, size_t n, ModbusFrame& f) {
  long l = ModbusFrameLength(d, n);
  if (l <= 0) return false;
  f.transaction = static_cast<uint16_t>(d[0] << 8 | d[1]);
  f.unit = d[6];
  f.function = d[7];
  f.sub_function = (f.function == 8 && l >= 10) ? static_cast<uint16_t>(d[8] << 8 | d[9]) : 0;
  return true;
}

const char* ModbusFunctionName(uint8_t fc) {
  switch (fc & 0x7F) {
    case 1: return "read_coils";
    case 2: return "read_discrete_inputs";
    case 3: return "read_holding_registers";
    case 4: return "read_input_registers";
    case 5: return "write_single_coil";
    case 6: return "write_single_register";
    case 7: return "read_exception_status";
    case 8: return "diagnostics";
    case 11: return "get_comm_event_counter";
    case 12: return "get_comm_event_log";
    case 15: return "write_multiple_coils";
    case 16: return "write_multiple_registers";
    case 17: return "report_slave_id";
    case 20: return "read_file_record";
    case 21: return "write_file_record";
    case 22: return "mask_write_register";
    case 23: return "read_write_multiple_registers";
    case 24: return "read_fifo_queue";
    case 43: return "encap_interface_transport";
    default: return nullptr;
  }
}

bool ModbusIsCommand(const ModbusFrame& f) {
  switch (f.function & 0x7F) {
    case 5:
    case 6:
    case 15:
    case 16:
    case 21:
    case 22:
    case 23:
      return true;
    case 8:  // restart communications option, force listen only mode
      return f.sub_function == 1 || f.sub_function == 4;
    default:
      return false;
  }
}

namespace {

class ModbusDecoder final : public AppDecoder {
 public:
  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    if (failed_[dir]) return;
    auto& b = buf_[dir];
    const uint8_t* p = data;
    size_t n = len;
    if (!b.empty()) {
      b.insert(b.end(), data, data + len);
      p = b.data();
      n = b.size();
    }
    size_t off = 0;
    for (;;) {
      long l = ModbusFrameLength(p + off, n - off);
      if (l < 0) {
        e.Anomaly("modbus_bad_header");
        failed_[dir] = true;
        b.clear();
        return;
      }
      if (l == 0) break;
      Frame(dir, p + off, static_cast<size_t>(l), e);
      off += static_cast<size_t>(l);
    }
    if (b.empty()) {
      if (off < n) b.assign(p + off, p + n);
    } else {
      b.erase(b.begin(), b.begin() + static_cast<ptrdiff_t>(off));
    }
    if (b.empty()) std::vector<uint8_t>().swap(b);
  }
  void OnGap(int dir, AppEmitter&) override {
    buf_[dir].clear();
    failed_[dir] = true;  // framing lost
  }
  // Kept for the flow's life (ICS flows are few and long; re-creating per packet would allocate).
  bool Done() const override { return failed_[0] && failed_[1]; }
  bool Failed() const override { return Done(); }

 private:
  void Frame(int dir, const uint8_t* p, size_t n, AppEmitter& e) {
    ModbusFrame f;
    if (!ParseModbusFrame(p, n, f)) return;
    e.SetService("modbus");
    // Requests go towards port 502.
    bool to_server = (dir == 0) ? e.resp_port() == 502 || e.orig_port() != 502 : e.orig_port() == 502;
    if (!to_server || !e.Wants(ObservationKind::kIcs)) return;
    Observation& o = e.Begin(ObservationKind::kIcs);
    o.ics_protocol = "modbus";
    const char* name = ModbusFunctionName(f.function);
    o.function = name ? name : "function_" + std::to_string(f.function & 0x7F);
    o.function_code = f.function;
    o.is_command = ModbusIsCommand(f);
    e.Commit();
  }
  bool failed_[2] = {false, false};
  std::vector<uint8_t> buf_[2];
};

}  // namespace

std::unique_ptr<AppDecoder> MakeModbusDecoder() { return std::make_unique<ModbusDecoder>(); }

}  // namespace onus::ingest::detail

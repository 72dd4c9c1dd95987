#include "decoders/dnp3/dnp3.h"

#include <memory>
#include <string>
#include <vector>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

uint16_t Dnp3Crc(const uint8_t* d, size_t n) {
  uint16_t crc = 0;
  for (size_t i = 0; i < n; ++i) {
    crc ^= d[i];
    for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA6BC) : static_cast<uint16_t>(crc >> 1);
  }
  return static_cast<uint16_t>(~crc);
}

long Dnp3FrameLength(const uint8_t* d, size_t n) {
  if (n < 3) return n >= 1 && d[0] != 0x05 ? -1 : (n >= 2 && d[1] != 0x64 ? -1 : 0);
  if (d[0] != 0x05 || d[1] != 0x64) return -1;
  uint8_t len = d[2];
  if (len < 5) return -1;
  size_t user = len - 5u;
  size_t total = 10 + user + 2 * ((user + 15) / 16);
  return n >= total ? static_cast<long>(total) : 0;
}

bool ParseDnp3Frame(const uint8_t* d, size_t n, Dnp3Frame& f, const char** error) {
  long total = Dnp3FrameLength(d, n);
  if (total <= 0) {
    *error = "dnp3_bad_header";
    return false;
  }
  if (Dnp3Crc(d, 8) != static_cast<uint16_t>(d[8] | d[9] << 8)) {
    *error = "dnp3_bad_header_crc";
    return false;
  }
  f = Dnp3Frame();
  f.link_control = d[3];
  f.dst = static_cast<uint16_t>(d[4] | d[5] << 8);
  f.src = static_cast<uint16_t>(d[6] | d[7] << 8);
  size_t user = d[2] - 5u;
  uint8_t first[16];
  size_t first_len = 0;
  size_t off = 10;
  for (size_t left = user; left > 0;) {
    size_t b = left < 16 ? left : 16;
    if (Dnp3Crc(d + off, b) != static_cast<uint16_t>(d[off + b] | d[off + b + 1] << 8)) {
      *error = "dnp3_bad_data_crc";
      return false;
    }
    if (first_len == 0) {
      for (size_t i = 0; i < b; ++i) first[i] = d[off + i];
      first_len = b;
    }
    off += b + 2;
    left -= b;
  }
  // Link function: user data only with PRM set and function 3 (confirmed) or 4 (unconfirmed).
  uint8_t link_fn = f.link_control & 0x0F;
  bool prm = (f.link_control & 0x40) != 0;
  if (first_len >= 3 && (!prm || link_fn == 3 || link_fn == 4)) {
    f.transport = first[0];
    if (f.transport & 0x40) {  // FIR
      f.has_app = true;
      f.app_control = first[1];
      f.function = first[2];
    }
  }
  return true;
}

const char* Dnp3FunctionName(uint8_t fc) {
  static constexpr const char* kNames[] = {
      "confirm",           "read",             "write",            "select",             "operate",
      "direct_operate",    "direct_operate_nr", "immed_freeze",    "immed_freeze_nr",    "freeze_clear",
      "freeze_clear_nr",   "freeze_at_time",   "freeze_at_time_nr", "cold_restart",      "warm_restart",
      "initialize_data",   "initialize_appl",  "start_appl",       "stop_appl",          "save_config",
      "enable_unsolicited", "disable_unsolicited", "assign_class", "delay_measure",      "record_current_time",
      "open_file",         "close_file",       "delete_file",      "get_file_info",      "authenticate_file",
      "abort_file",        "activate_config",  "authenticate_req", "auth_req_no_ack"};
  if (fc < sizeof(kNames) / sizeof(kNames[0])) return kNames[fc];
  switch (fc) {
    case 129: return "response";
    case 130: return "unsolicited_response";
    case 131: return "authenticate_resp";
    default: return nullptr;
  }
}

bool Dnp3IsCommand(uint8_t fc) {
  switch (fc) {
    case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: case 11: case 12:
    case 13: case 14: case 15: case 16: case 17: case 18: case 19: case 20: case 21: case 22:
    case 25: case 26: case 27: case 30: case 31:
      return true;
    default:
      return false;
  }
}

namespace {

class Dnp3Decoder final : public AppDecoder {
 public:
  explicit Dnp3Decoder(bool tcp) : tcp_(tcp) {}

  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    if (!tcp_) {
      Frames(data, len, e, nullptr);
      return;
    }
    if (failed_[dir]) return;
    auto& b = buf_[dir];
    if (b.empty()) {
      size_t used = Frames(data, len, e, &failed_[dir]);
      if (!failed_[dir] && used < len) b.assign(data + used, data + len);
      return;
    }
    b.insert(b.end(), data, data + len);
    size_t used = Frames(b.data(), b.size(), e, &failed_[dir]);
    if (failed_[dir]) {
      std::vector<uint8_t>().swap(b);
      return;
    }
    b.erase(b.begin(), b.begin() + static_cast<ptrdiff_t>(used));
    if (b.empty()) std::vector<uint8_t>().swap(b);
  }
  void OnGap(int dir, AppEmitter&) override {
    std::vector<uint8_t>().swap(buf_[dir]);
    failed_[dir] = true;
  }
  bool Done() const override { return tcp_ ? failed_[0] && failed_[1] : false; }
  bool Failed() const override { return Done(); }

 private:
  // Decodes complete frames; returns the bytes consumed. On a bad header sets *failed (TCP) or
  // stops (UDP).
  size_t Frames(const uint8_t* d, size_t n, AppEmitter& e, bool* failed) {
    size_t off = 0;
    while (off < n) {
      long l = Dnp3FrameLength(d + off, n - off);
      if (l < 0) {
        e.Anomaly("dnp3_bad_header");
        if (failed) *failed = true;
        return n;
      }
      if (l == 0) {
        if (!failed) e.Anomaly("dnp3_truncated_frame");  // UDP: nothing more will come
        return off;
      }
      Dnp3Frame f;
      const char* err = nullptr;
      if (!ParseDnp3Frame(d + off, static_cast<size_t>(l), f, &err)) {
        e.Anomaly(err);
      } else {
        e.SetService("dnp3");
        if (f.has_app && f.function > 0 && f.function < 0x80 && e.Wants(ObservationKind::kIcs)) {
          Observation& o = e.Begin(ObservationKind::kIcs);
          o.ics_protocol = "dnp3";
          const char* name = Dnp3FunctionName(f.function);
          o.function = name ? name : "function_" + std::to_string(f.function);
          o.function_code = f.function;
          o.is_command = Dnp3IsCommand(f.function);
          e.Commit();
        }
      }
      off += static_cast<size_t>(l);
    }
    return off;
  }

  bool tcp_;
  bool failed_[2] = {false, false};
  std::vector<uint8_t> buf_[2];
};

}  // namespace

std::unique_ptr<AppDecoder> MakeDnp3Decoder(bool over_tcp) { return std::make_unique<Dnp3Decoder>(over_tcp); }

}  // namespace onus::ingest::detail

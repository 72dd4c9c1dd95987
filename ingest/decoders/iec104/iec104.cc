#include "decoders/iec104/iec104.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "decoders/flow/app.h"

namespace onus::ingest::detail {

long Iec104FrameLength(const uint8_t* d, size_t n) {
  if (n < 1) return 0;
  if (d[0] != 0x68) return -1;
  if (n < 2) return 0;
  if (d[1] < 4 || d[1] > 253) return -1;
  size_t total = 2u + d[1];
  return n >= total ? static_cast<long>(total) : 0;
}

bool ParseIec104Frame(const uint8_t* d, size_t n, Iec104Frame& f) {
  long l = Iec104FrameLength(d, n);
  if (l <= 0) return false;
  f = Iec104Frame();
  uint8_t c0 = d[2];
  if ((c0 & 1) == 0) {
    f.format = 'I';
    // I-format: an ASDU header (type, variable structure qualifier, 2-byte cause, 2-byte common
    // address) and at least one 3-byte information object address, of a defined type.
    if (l < 2 + 4 + 6 + 3 || (d[7] & 0x7F) == 0 || Iec104TypeName(d[6]) == nullptr) return false;
    f.type_id = d[6];
    f.cause = d[8] & 0x3F;
    f.negative = (d[8] & 0x40) != 0;
  } else if ((c0 & 3) == 1) {
    f.format = 'S';
  } else {
    f.format = 'U';
  }
  return true;
}

const char* Iec104TypeName(uint8_t t) {
  switch (t) {
    case 1: return "M_SP_NA_1";
    case 2: return "M_SP_TA_1";
    case 3: return "M_DP_NA_1";
    case 4: return "M_DP_TA_1";
    case 5: return "M_ST_NA_1";
    case 6: return "M_ST_TA_1";
    case 7: return "M_BO_NA_1";
    case 8: return "M_BO_TA_1";
    case 9: return "M_ME_NA_1";
    case 10: return "M_ME_TA_1";
    case 11: return "M_ME_NB_1";
    case 12: return "M_ME_TB_1";
    case 13: return "M_ME_NC_1";
    case 14: return "M_ME_TC_1";
    case 15: return "M_IT_NA_1";
    case 16: return "M_IT_TA_1";
    case 17: return "M_EP_TA_1";
    case 18: return "M_EP_TB_1";
    case 19: return "M_EP_TC_1";
    case 20: return "M_PS_NA_1";
    case 21: return "M_ME_ND_1";
    case 30: return "M_SP_TB_1";
    case 31: return "M_DP_TB_1";
    case 32: return "M_ST_TB_1";
    case 33: return "M_BO_TB_1";
    case 34: return "M_ME_TD_1";
    case 35: return "M_ME_TE_1";
    case 36: return "M_ME_TF_1";
    case 37: return "M_IT_TB_1";
    case 38: return "M_EP_TD_1";
    case 39: return "M_EP_TE_1";
    case 40: return "M_EP_TF_1";
    case 45: return "C_SC_NA_1";
    case 46: return "C_DC_NA_1";
    case 47: return "C_RC_NA_1";
    case 48: return "C_SE_NA_1";
    case 49: return "C_SE_NB_1";
    case 50: return "C_SE_NC_1";
    case 51: return "C_BO_NA_1";
    case 58: return "C_SC_TA_1";
    case 59: return "C_DC_TA_1";
    case 60: return "C_RC_TA_1";
    case 61: return "C_SE_TA_1";
    case 62: return "C_SE_TB_1";
    case 63: return "C_SE_TC_1";
    case 64: return "C_BO_TA_1";
    case 70: return "M_EI_NA_1";
    case 100: return "C_IC_NA_1";
    case 101: return "C_CI_NA_1";
    case 102: return "C_RD_NA_1";
    case 103: return "C_CS_NA_1";
    case 104: return "C_TS_NA_1";
    case 105: return "C_RP_NA_1";
    case 106: return "C_CD_NA_1";
    case 107: return "C_TS_TA_1";
    case 110: return "P_ME_NA_1";
    case 111: return "P_ME_NB_1";
    case 112: return "P_ME_NC_1";
    case 113: return "P_AC_NA_1";
    case 120: return "F_FR_NA_1";
    case 121: return "F_SR_NA_1";
    case 122: return "F_SC_NA_1";
    case 123: return "F_LS_NA_1";
    case 124: return "F_AF_NA_1";
    case 125: return "F_SG_NA_1";
    case 126: return "F_DR_TA_1";
    case 127: return "F_SC_NB_1";
    default: return nullptr;
  }
}

bool Iec104IsCommand(uint8_t t) {
  return (t >= 45 && t <= 51) || (t >= 58 && t <= 64) || t == 103 || t == 105 || (t >= 110 && t <= 113);
}

namespace {

class Iec104Decoder final : public AppDecoder {
 public:
  void OnData(int dir, const uint8_t* data, size_t len, AppEmitter& e) override {
    auto& b = buf_[dir];
    const uint8_t* p = data;
    size_t n = len;
    bool buffered = !b.empty();
    if (buffered) {
      b.insert(b.end(), data, data + len);
      p = b.data();
      n = b.size();
    }
    size_t off = 0;
    for (;;) {
      if (resync_[dir]) {
        // After a gap or garbage: the next frame starts at the next 0x68.
        const void* start = off < n ? std::memchr(p + off, 0x68, n - off) : nullptr;
        if (!start) {
          off = n;
          break;
        }
        off = static_cast<size_t>(static_cast<const uint8_t*>(start) - p);
        resync_[dir] = false;
      }
      long l = Iec104FrameLength(p + off, n - off);
      if (l < 0) {
        if (!in_garbage_[dir]) e.Anomaly("iec104_bad_apci");  // once per run of garbage
        in_garbage_[dir] = true;
        resync_[dir] = true;
        ++off;
        continue;
      }
      if (l == 0) break;
      in_garbage_[dir] = false;
      Frame(p + off, static_cast<size_t>(l), e);
      off += static_cast<size_t>(l);
    }
    if (!buffered) {
      if (off < n) b.assign(p + off, p + n);
    } else {
      b.erase(b.begin(), b.begin() + static_cast<ptrdiff_t>(off));
      if (b.empty()) std::vector<uint8_t>().swap(b);
    }
  }
  void OnGap(int dir, AppEmitter&) override {
    std::vector<uint8_t>().swap(buf_[dir]);
    resync_[dir] = true;
  }
  // Kept for the flow's life (ICS flows are few and long; re-creating per packet would allocate).
  bool Done() const override { return false; }

 private:
  void Frame(const uint8_t* p, size_t n, AppEmitter& e) {
    Iec104Frame f;
    if (!ParseIec104Frame(p, n, f)) {
      e.Anomaly("iec104_bad_asdu");
      return;
    }
    e.SetService("iec104");
    if (f.format != 'I' || !e.Wants(ObservationKind::kIcs)) return;
    Observation& o = e.Begin(ObservationKind::kIcs);
    o.ics_protocol = "iec104";
    const char* name = Iec104TypeName(f.type_id);
    o.function = name ? name : "type_" + std::to_string(f.type_id);
    o.function_code = f.type_id;
    // A command in the control direction (activation, cause 6) or deactivation (8); the
    // outstation's confirmations (7, 9, 10) echo the type id but are not commands sent.
    o.is_command = Iec104IsCommand(f.type_id) && (f.cause == 6 || f.cause == 8);
    e.Commit();
  }
  bool resync_[2] = {false, false};
  bool in_garbage_[2] = {false, false};
  std::vector<uint8_t> buf_[2];
};

}  // namespace

std::unique_ptr<AppDecoder> MakeIec104Decoder() { return std::make_unique<Iec104Decoder>(); }

}  // namespace onus::ingest::detail

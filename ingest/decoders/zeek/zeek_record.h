// Internal: Zeek log fields → Observation, shared by the TSV and JSON readers so that the same
// events in either form yield identical observations. Values arrive as text in Zeek's TSV
// conventions (numbers as decimal text, bools "T"/"F", times epoch seconds or RFC 3339); the JSON
// reader converts typed JSON values to that text first.
// Thread-safety: single-threaded; a builder and its ZeekShared belong to one ReadInputs call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onus/ingest/observation.h"

namespace onus::ingest::detail {

enum class ZeekLog : uint8_t { kConn, kDns, kSsl, kX509, kHttp, kFiles, kNotice, kWeird, kModbus, kDnp3, kOther };
ZeekLog ZeekLogFromPath(std::string_view path);
ObservationKind ZeekLogKind(ZeekLog log);

enum class ZeekField : uint8_t {
  kIgnore,
  kTs, kUid, kOrigH, kOrigP, kRespH, kRespP, kProto, kCommunityId,
  // conn
  kService, kDuration, kOrigBytes, kRespBytes, kConnState, kLocalOrig, kLocalResp, kHistory, kOrigPkts,
  kOrigIpBytes, kRespPkts, kRespIpBytes,
  // dns
  kQuery, kQtype, kQtypeName, kRcode, kRcodeName, kAnswers, kTtls,
  // ssl
  kVersion, kServerName, kNextProtocol, kJa3, kJa3s, kJa4, kCertChainFps, kCertChainFuids, kSubject, kIssuer,
  // x509
  kFingerprint, kCertSerial, kCertSubject, kCertIssuer, kCertNotBefore, kCertNotAfter, kSanDns, kFileId,
  // http
  kMethod, kHost, kUri, kReferrer, kUserAgent, kStatusCode, kRequestBodyLen, kResponseBodyLen, kRespMimeTypes,
  // files
  kFuid, kConnUids, kTxHosts, kRxHosts, kMimeType, kFilename, kTotalBytes, kSeenBytes, kMd5, kSha1, kSha256,
  // notice / weird
  kNote, kMsg, kName, kAddl, kNoticeSrc, kNoticeDst, kNoticeP,
  // modbus / dnp3
  kModbusFunc, kPduType, kException, kFcRequest, kFcReply,
};

ZeekField ZeekFieldFor(ZeekLog log, std::string_view name);
// Fields whose value is a Zeek set or vector (TSV: split on #set_separator; JSON: an array).
bool ZeekFieldIsList(ZeekField f);

// State shared by the Zeek files of one run: file hashes by fuid (from files.log, which sorts
// before ssl.log and x509.log in a Zeek directory) so older logs that name certificates by fuid
// still yield certificate SHA-1s. Capped; once full, further hashes are not remembered.
struct ZeekShared {
  struct Hashes {
    std::string sha1, sha256;
  };
  std::unordered_map<std::string, Hashes> fuid_hashes;
  size_t max_fuids = 1 << 20;
};

class ZeekRecordBuilder {
 public:
  explicit ZeekRecordBuilder(ZeekShared* shared) : shared_(shared) {}  // shared: not owned, may be null

  // Starts a record of log `log` (log_type is the #path / _path text).
  void Begin(ZeekLog log, std::string_view log_type);
  // Sets a scalar field from its (unescaped) text. Returns false and sets error() when the text is
  // not a valid value for the field; the record can still be emitted with the field unset.
  bool Set(ZeekField f, std::string_view v);
  // Appends one element of a list field (call ClearList first for an empty but set list).
  bool Add(ZeekField f, std::string_view v);
  // Derives dependent fields (answer TTLs, community id, certificate hashes). Returns false when the
  // record cannot be an observation (no valid ts).
  bool Finish();

  Observation& obs() { return obs_; }
  const std::string& error() const { return error_; }
  bool has_ts() const { return has_ts_; }

 private:
  bool Bad(ZeekField f, std::string_view v);
  ZeekShared* shared_;
  ZeekLog log_ = ZeekLog::kOther;
  Observation obs_;
  bool has_ts_ = false, has_orig_h_ = false, has_resp_h_ = false;
  std::vector<double> ttls_;
  std::vector<std::string> chain_fps_, chain_fuids_;
  size_t n_chain_fps_ = 0, n_chain_fuids_ = 0;
  std::string fuid_, fingerprint_, scratch_;
  std::string error_;
};

// Parses a Zeek time value: epoch seconds ("1300475168.652003") or RFC 3339; rounded to the
// microsecond (Zeek's own log precision), so TSV and JSON forms of one event agree.
bool ParseZeekTime(std::string_view v, Timestamp& out);

}  // namespace onus::ingest::detail

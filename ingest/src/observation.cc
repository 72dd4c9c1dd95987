// Names of observation kinds and input formats (the JSON and CLI vocabulary).
#include "onus/ingest/observation.h"

#include <array>

#include "onus/core/file_digests.h"

namespace onus::ingest {
namespace {
constexpr std::array<std::string_view, 11> kKindNames = {"conn", "dns",  "tls",     "x509", "http", "file",
                                                         "ics",  "alert", "anomaly", "grid", "other"};
}  // namespace

std::string_view KindName(ObservationKind k) {
  auto i = static_cast<size_t>(k);
  return i < kKindNames.size() ? kKindNames[i] : std::string_view("unknown");
}

bool ParseKind(std::string_view name, ObservationKind& out) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) {
      out = static_cast<ObservationKind>(i);
      return true;
    }
  }
  return false;
}

std::string_view InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kUnknown: return "unknown";
    case InputFormat::kPcap: return "pcap";
    case InputFormat::kPcapng: return "pcapng";
    case InputFormat::kZeekTsv: return "zeek-tsv";
    case InputFormat::kZeekJson: return "zeek-json";
    case InputFormat::kSuricataEve: return "suricata-eve";
    case InputFormat::kGridJsonl: return "grid-jsonl";
  }
  return "unknown";
}

Status InputInfo::AwaitSha256() const {
  if (!sha256.empty() || !pending_digest) return Status::Ok();
  ONUS_ASSIGN_OR_RETURN(sha256, pending_digest->Get(path));
  pending_digest = nullptr;
  return Status::Ok();
}

bool InputInfo::Sha256Known() const {
  if (!sha256.empty()) return true;
  if (!pending_digest) return false;
  auto got = pending_digest->TryGet(path);
  if (!got || !got->ok()) return false;  // a failed hash: AwaitSha256() reports it
  sha256 = std::move(**got);
  pending_digest = nullptr;
  return true;
}

}  // namespace onus::ingest

// Format detection, input expansion and the ingest loop (reader.h).
#include "onus/ingest/reader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "decoders/eve/eve.h"
#include "decoders/grid/grid.h"
#include "decoders/zeek/zeek_json.h"
#include "decoders/zeek/zeek_tsv.h"
#include "json_util.h"
#include "log_emitter.h"
#include "onus/core/file.h"
#include "onus/core/file_digests.h"
#include "onus/core/hash.h"
#include "onus/ingest/capture.h"

namespace onus::ingest {
namespace {

constexpr size_t kSniffBytes = 1 << 16;
constexpr size_t kMaxLineBytes = 1 << 20;

struct Detected {
  InputFormat format = InputFormat::kUnknown;
  std::string log_type;
};

// "conn.2021-03-01-00-00-00.log.gz" → "conn"
std::string StemLogType(const std::string& path) {
  std::string base = std::filesystem::path(path).filename().string();
  return base.substr(0, base.find('.'));
}

Detected DetectJsonLine(std::string_view line, detail::JsonLineParser& parser) {
  Detected d;
  simdjson::dom::element doc;
  if (parser.Parse(line).get(doc)) return d;
  simdjson::dom::object o;
  if (doc.get_object().get(o)) return d;
  auto has = [&](const char* k) { return !o.at_key(k).error(); };
  if (has("event_type") && (has("timestamp") || has("flow_id") || has("src_ip"))) {
    d.format = InputFormat::kSuricataEve;
    d.log_type = "eve";
  } else if (has("event") && has("site") && has("asset")) {
    d.format = InputFormat::kGridJsonl;
    d.log_type = "grid";
  } else if (has("ts") && (has("_path") || has("uid") || has("uids") || has("id.orig_h") || has("id") ||
                           has("fuid") || has("fingerprint") || has("_write_ts") || has("host") || has("peer"))) {
    // uids: dhcp; host: known_hosts, software; peer: stats, capture_loss.
    d.format = InputFormat::kZeekJson;
    d.log_type = std::string(detail::ZeekJsonDecoder::GuessLogType(o));
  }
  return d;
}

Detected DetectContent(std::string_view data, const std::string& path) {
  Detected d;
  if (data.size() >= 4) {
    uint32_t m;
    std::memcpy(&m, data.data(), 4);
    const auto* b = reinterpret_cast<const unsigned char*>(data.data());
    uint32_t be = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    uint32_t le = (uint32_t{b[3]} << 24) | (uint32_t{b[2]} << 16) | (uint32_t{b[1]} << 8) | b[0];
    for (uint32_t v : {be, le}) {
      if (v == 0xa1b2c3d4 || v == 0xa1b23c4d) {
        d.format = InputFormat::kPcap;
        return d;
      }
    }
    if (be == 0x0a0d0d0a) {
      d.format = InputFormat::kPcapng;
      return d;
    }
  }
  detail::JsonLineParser parser;
  size_t pos = 0;
  int json_tries = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    bool complete = nl != std::string_view::npos;
    std::string_view line = data.substr(pos, complete ? nl - pos : std::string_view::npos);
    pos = complete ? nl + 1 : data.size();
    line = detail::TrimSpace(line);
    if (line.empty()) continue;
    if (line.rfind("#separator", 0) == 0 || line.rfind("#fields", 0) == 0) {
      d.format = InputFormat::kZeekTsv;
      // The #path directive names the log; fall back to the file name.
      size_t p = data.find("\n#path");
      if (p != std::string_view::npos) {
        size_t s = p + 6;
        while (s < data.size() && (data[s] == '\t' || data[s] == ' ')) ++s;
        size_t e = data.find_first_of("\r\n", s);
        d.log_type = std::string(data.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s));
      } else {
        d.log_type = StemLogType(path);
      }
      return d;
    }
    // Other '#' lines before the header are comments (a btest baseline's "### BTest ..." banner).
    if (line[0] == '#') continue;
    if (line[0] != '{' || ++json_tries > 8) return d;
    Detected j = DetectJsonLine(line, parser);
    if (j.format != InputFormat::kUnknown) {
      if (j.format == InputFormat::kZeekJson && j.log_type.empty()) j.log_type = StemLogType(path);
      return j;
    }
    // An unparsable or unrecognised object: try the next line (a broken first line must not hide a
    // good log), up to a few lines.
  }
  return d;
}

Result<Detected> Detect(const std::string& path) {
  if (IsDirectory(path)) return Status::InvalidArgument("'" + path + "' is a directory");
  if (!FileExists(path)) return Status::NotFound("'" + path + "': no such file");
  ONUS_ASSIGN_OR_RETURN(std::string prefix, ReadPrefix(path, kSniffBytes));
  return DetectContent(prefix, path);
}

struct Expanded {
  std::string path;
  bool from_directory = false;
};

Result<std::vector<Expanded>> Expand(const std::vector<std::string>& paths) {
  std::vector<Expanded> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    auto st = std::filesystem::status(p, ec);
    if (ec || !std::filesystem::exists(st)) return Status::NotFound("'" + p + "': no such file or directory");
    if (!std::filesystem::is_directory(st)) {
      out.push_back({p, false});
      continue;
    }
    std::vector<std::string> files;
    std::filesystem::recursive_directory_iterator it(
        p, std::filesystem::directory_options::skip_permission_denied, ec);
    if (ec) return Status::IoError("cannot read directory '" + p + "': " + ec.message());
    for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Status::IoError("cannot read directory '" + p + "': " + ec.message());
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) out.push_back({std::move(f), true});
  }
  return out;
}

Status ReadLog(const InputInfo& info, const IngestOptions& options, ObservationSink& sink, IngestStats& stats,
               detail::ZeekShared& zeek_shared, uint64_t bytes_before) {
  detail::LogEmitter emitter(&info, options, sink, stats);
  std::unique_ptr<detail::LineDecoder> decoder;
  switch (info.format) {
    case InputFormat::kZeekTsv: decoder = std::make_unique<detail::ZeekTsvDecoder>(emitter, &zeek_shared); break;
    case InputFormat::kZeekJson: decoder = std::make_unique<detail::ZeekJsonDecoder>(emitter, &zeek_shared); break;
    case InputFormat::kSuricataEve: decoder = std::make_unique<detail::EveDecoder>(emitter); break;
    case InputFormat::kGridJsonl: decoder = std::make_unique<detail::GridDecoder>(emitter); break;
    default: return Status::Internal("'" + info.path + "': not a log format");
  }
  ONUS_ASSIGN_OR_RETURN(auto reader, LineReader::Open(info.path, kMaxLineBytes));
  std::string_view line;
  while (reader->Next(line)) {
    ++stats.records;
    uint64_t n = reader->line_number();
    if (reader->last_line_truncated()) {
      ONUS_RETURN_IF_ERROR(emitter.Malformed(n, "overlong_log_line",
                                             "line longer than " + std::to_string(kMaxLineBytes) + " bytes skipped",
                                             line.substr(0, 64), Timestamp()));
      continue;
    }
    ONUS_RETURN_IF_ERROR(decoder->Line(line, n));
    // Every 1024 lines: bytes_consumed() asks zlib for the file offset (an lseek system call).
    if (options.progress && (n & 1023) == 0) {
      options.progress->Update(stats.records, bytes_before + reader->bytes_consumed());
    }
  }
  if (options.progress) options.progress->Update(stats.records, bytes_before + reader->bytes_consumed());
  if (!reader->status().ok()) {
    // A truncated or corrupt compressed stream: what was read stands; the rest is reported.
    ONUS_RETURN_IF_ERROR(emitter.Malformed(reader->line_number() + 1, "truncated_input", reader->status().message(),
                                           {}, Timestamp()));
  }
  return decoder->Finish();
}

}  // namespace

Result<InputFormat> DetectFormat(const std::string& path) {
  ONUS_ASSIGN_OR_RETURN(Detected d, Detect(path));
  if (d.format == InputFormat::kUnknown) {
    return Status::Unsupported("'" + path +
                               "': unknown format (not a pcap/pcapng capture, Zeek TSV or JSON log, Suricata EVE "
                               "or grid event JSON lines)");
  }
  return d.format;
}

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths) {
  ONUS_ASSIGN_OR_RETURN(auto expanded, Expand(paths));
  std::vector<std::string> out;
  out.reserve(expanded.size());
  for (auto& e : expanded) out.push_back(std::move(e.path));
  return out;
}

namespace {

struct Planned {
  std::string path;
  Detected detected;
};

// Every input detected before anything is read: an explicit unknown file fails up front; files found
// in a directory that are no known format are left out and named in `skipped`.
Result<std::vector<Planned>> Plan(const std::vector<std::string>& paths, std::vector<std::string>& skipped) {
  ONUS_ASSIGN_OR_RETURN(auto expanded, Expand(paths));
  std::vector<Planned> plan;
  for (auto& e : expanded) {
    ONUS_ASSIGN_OR_RETURN(Detected d, Detect(e.path));
    if (d.format == InputFormat::kUnknown) {
      if (e.from_directory) {
        skipped.push_back(std::move(e.path));
        continue;
      }
      return Status::Unsupported("'" + e.path +
                                 "': unknown format (not a pcap/pcapng capture, Zeek TSV or JSON log, Suricata EVE "
                                 "or grid event JSON lines)");
    }
    plan.push_back({std::move(e.path), std::move(d)});
  }
  return plan;
}

}  // namespace

Result<std::vector<std::string>> PlanInputs(const std::vector<std::string>& paths, std::vector<std::string>* skipped) {
  std::vector<std::string> left_out;
  ONUS_ASSIGN_OR_RETURN(auto plan, Plan(paths, left_out));
  if (skipped) *skipped = std::move(left_out);
  std::vector<std::string> out;
  out.reserve(plan.size());
  for (auto& p : plan) out.push_back(std::move(p.path));
  return out;
}

Status ReadInputs(const std::vector<std::string>& paths, const IngestOptions& options, ObservationSink& sink,
                  IngestRun& run) {
  std::vector<std::string> skipped;
  ONUS_ASSIGN_OR_RETURN(auto plan, Plan(paths, skipped));
  for (const auto& path : skipped)
    if (run.stats.warnings.size() < options.max_warnings)
      run.stats.warnings.push_back(path + ": skipped: not a known log or capture format");
  std::optional<FileDigests> own_digests;
  FileDigests* digests = options.digests;
  if (!digests) {
    std::vector<std::string> paths;
    for (const auto& p : plan) paths.push_back(p.path);
    digests = &own_digests.emplace(std::move(paths));
  }
  detail::ZeekShared zeek_shared;
  for (auto& p : plan) {
    InputInfo& info = run.inputs.emplace_back();
    info.path = p.path;
    info.format = p.detected.format;
    info.log_type = p.detected.log_type;
    ONUS_ASSIGN_OR_RETURN(info.size, FileSize(p.path));
    if (options.decode_before_digest) {
      info.pending_digest = digests;
    } else {
      ONUS_ASSIGN_OR_RETURN(info.sha256, digests->Get(p.path));
    }
    uint64_t bytes_before = run.stats.bytes, records_before = run.stats.records;
    ++run.stats.files;
    Status read = info.format == InputFormat::kPcap || info.format == InputFormat::kPcapng
                      ? ReadCapture(info, options, sink, run.stats)
                      : ReadLog(info, options, sink, run.stats, zeek_shared, bytes_before);
    // The digest is settled before the next input (or the caller) sees this one again.
    Status digest = info.AwaitSha256();
    info.pending_digest = nullptr;
    info.records = run.stats.records - records_before;
    ONUS_RETURN_IF_ERROR(read);
    ONUS_RETURN_IF_ERROR(digest);
    run.stats.bytes = bytes_before + info.size;
    if (options.progress) options.progress->Update(run.stats.records, run.stats.bytes);
  }
  return Status::Ok();
}

}  // namespace onus::ingest

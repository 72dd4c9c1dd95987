// Zeek intel framework files: tab-separated, a "#fields indicator indicator_type meta.source ..."
// header, "-" for unset fields. Intel::ADDR, SUBNET, DOMAIN, URL (no scheme in Zeek: http:// is
// assumed), EMAIL, FILE_HASH (by length), CERT_HASH (SHA-1, or SHA-256 by length), JA3/JA3S/JA4
// (common extensions). USER_NAME, SOFTWARE, FILE_NAME, PUBKEY_HASH are not indexable: skipped with
// a reason. meta.source names the source of each line.
#include <algorithm>
#include <map>

#include "feed.h"
#include "onus/core/file.h"

namespace onus::intel::detail {

namespace {

struct Columns {
  int indicator = -1, type = -1, source = -1, desc = -1, url = -1;
};

void SplitTabs(std::string_view line, char sep, std::vector<std::string_view>& out) {
  out.clear();
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == sep) {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
}

std::string_view Unset(std::string_view f) { return f == "-" || f == "(empty)" ? std::string_view() : f; }

class ZeekIntelReader {
 public:
  ZeekIntelReader(const FeedInput& in, const IntelOptions& options, FeedSink& sink) : in_(in), options_(options), sink_(sink) {}

  template <typename NextFn>
  Status Run(NextFn next) {
    std::string_view line;
    int64_t ln = 0;
    default_source_ = NamedSource(options_.source_name.empty() ? BaseName(in_.path) : options_.source_name, "zeek-intel", options_);
    default_source_.detail_json = "{\"path\":" + JsonQuote(in_.path) + "}";
    ONUS_RETURN_IF_ERROR(sink_.OnSource(default_source_));
    while (next(line, ln)) {
      if (line.empty()) continue;
      if (line.front() == '#') {
        Header(line);
        continue;
      }
      if (in_.wanted_lines && !std::binary_search(in_.wanted_lines->begin(), in_.wanted_lines->end(), ln)) continue;
      sink_.OnRecord();
      ONUS_RETURN_IF_ERROR(Data(line, ln));
    }
    return Status::Ok();
  }

 private:
  void Header(std::string_view line) {
    if (line.rfind("#separator", 0) == 0) {
      std::string_view v = Trim(line.substr(10));
      if (v == "\\x09") sep_ = '\t';
      else if (v == "\\x2c" || v == ",") sep_ = ',';
      else if (v.size() == 1) sep_ = v[0];
      return;
    }
    if (line.rfind("#fields", 0) != 0) return;
    SplitTabs(line, sep_, fields_);
    cols_ = Columns{};
    for (size_t i = 1; i < fields_.size(); ++i) {
      int c = static_cast<int>(i - 1);
      std::string_view f = fields_[i];
      if (f == "indicator") cols_.indicator = c;
      else if (f == "indicator_type") cols_.type = c;
      else if (f == "meta.source") cols_.source = c;
      else if (f == "meta.desc") cols_.desc = c;
      else if (f == "meta.url") cols_.url = c;
    }
    have_header_ = true;
  }

  Status Data(std::string_view line, int64_t ln) {
    if (!have_header_ || cols_.indicator < 0 || cols_.type < 0) {
      sink_.OnSkipped(ln, "data line before a '#fields indicator indicator_type ...' header");
      return Status::Ok();
    }
    SplitTabs(line, sep_, fields_);
    auto field = [&](int c) -> std::string_view {
      return c >= 0 && static_cast<size_t>(c) < fields_.size() ? Unset(fields_[static_cast<size_t>(c)]) : std::string_view();
    };
    std::string_view value = field(cols_.indicator), ztype = field(cols_.type);
    if (value.empty() || ztype.empty()) {
      sink_.OnSkipped(ln, "missing indicator or indicator_type");
      return Status::Ok();
    }
    std::string t(ztype);
    std::optional<IndicatorValue> v;
    if (t == "Intel::ADDR" || t == "Intel::SUBNET") {
      v = NormaliseValue(kIpv4, value);
    } else if (t == "Intel::DOMAIN") {
      v = NormaliseValue(kDomain, value);
    } else if (t == "Intel::URL") {
      std::string u(value);
      if (u.find("://") == std::string::npos) u = "http://" + u;
      v = NormaliseValue(kUrl, u);
    } else if (t == "Intel::EMAIL") {
      v = NormaliseValue(kEmail, value);
    } else if (t == "Intel::FILE_HASH") {
      v = NormaliseValue("hash", value);
    } else if (t == "Intel::CERT_HASH") {
      v = NormaliseValue(value.size() == 64 ? kX509Sha256 : kX509Sha1, value);
    } else if (t == "Intel::JA3") {
      v = NormaliseValue(kJa3, value);
    } else if (t == "Intel::JA3S") {
      v = NormaliseValue(kJa3s, value);
    } else if (t == "Intel::JA4") {
      v = NormaliseValue(kJa4, value);
    } else {
      sink_.OnSkipped(ln, "indicator type " + t.substr(0, 40) + " is not indexable");
      return Status::Ok();
    }
    if (!v) {
      sink_.OnSkipped(ln, "'" + std::string(value.substr(0, 80)) + "' is not a valid " + t.substr(0, 40));
      return Status::Ok();
    }
    const Source* src = &default_source_;
    std::string_view sname = field(cols_.source);
    if (!sname.empty()) {
      std::string key(sname);
      auto it = sources_.find(key);
      if (it == sources_.end()) {
        Source s = NamedSource(sname, "zeek-intel", options_);
        s.detail_json = "{\"path\":" + JsonQuote(in_.path) + "}";
        ONUS_RETURN_IF_ERROR(sink_.OnSource(s));
        it = sources_.emplace(key, std::move(s)).first;
      }
      src = &it->second;
    }
    Indicator ind = MakeValueIndicator(*src, {std::move(*v)}, ln, options_.values_only);
    if (!options_.values_only) {
      ind.description = std::string(field(cols_.desc));
      std::string_view url = field(cols_.url);
      if (!url.empty()) ind.labels.push_back("reference:" + std::string(url));
      ind.labels.push_back("zeek:" + t);
    }
    return sink_.OnIndicator(std::move(ind));
  }

  const FeedInput& in_;
  const IntelOptions& options_;
  FeedSink& sink_;
  char sep_ = '\t';
  bool have_header_ = false;
  Columns cols_;
  std::vector<std::string_view> fields_;
  Source default_source_;
  std::map<std::string, Source> sources_;
};

}  // namespace

Status LoadZeekIntelFeed(const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ONUS_ASSIGN_OR_RETURN(auto reader, LineReader::Open(in.path, 1 << 20));
  ZeekIntelReader r(in, options, sink);
  Status st = r.Run([&](std::string_view& line, int64_t& ln) {
    if (!reader->Next(line)) return false;
    ln = static_cast<int64_t>(reader->line_number());
    return true;
  });
  ONUS_RETURN_IF_ERROR(reader->status());
  return st;
}

Status LoadZeekIntelText(std::string_view text, const FeedInput& in, const IntelOptions& options, FeedSink& sink) {
  ZeekIntelReader r(in, options, sink);
  size_t pos = 0;
  int64_t n = 0;
  return r.Run([&](std::string_view& line, int64_t& ln) {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ln = ++n;
    return true;
  });
}

}  // namespace onus::intel::detail

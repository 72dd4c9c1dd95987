#include "decoders/zeek/zeek_tsv.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "json_util.h"

namespace onus::ingest::detail {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits `s` on the single byte `sep` into `out` (views into s).
void Split(std::string_view s, char sep, std::vector<std::string_view>& out) {
  out.clear();
  const char* p = s.data();
  const char* end = p + s.size();
  for (;;) {
    const char* q = static_cast<const char*>(std::memchr(p, sep, static_cast<size_t>(end - p)));
    if (!q) {
      out.emplace_back(p, static_cast<size_t>(end - p));
      return;
    }
    out.emplace_back(p, static_cast<size_t>(q - p));
    p = q + 1;
  }
}

// Splits a data line on `sep` in one pass (16 bytes at a time with SSE2) and reports whether it
// holds a backslash, so lines without escapes (nearly all) skip the per-value escape check.
bool SplitLine(std::string_view s, char sep, std::vector<std::string_view>& out) {
  out.clear();
  const char* base = s.data();
  size_t n = s.size(), start = 0, i = 0;
  bool backslash = false;
#if defined(__SSE2__)
  const __m128i vsep = _mm_set1_epi8(sep), vbs = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i));
    auto seps = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vsep)));
    backslash |= _mm_movemask_epi8(_mm_cmpeq_epi8(x, vbs)) != 0;
    while (seps) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(seps));
      out.emplace_back(base + start, at - start);
      start = at + 1;
      seps &= seps - 1;
    }
  }
  if (i < n) {  // the last 1..15 bytes, through a zero-padded copy (never read past the line)
    alignas(16) char tail[16] = {};
    std::memcpy(tail, base + i, n - i);
    __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
    unsigned live = (1u << (n - i)) - 1;
    auto seps = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vsep))) & live;
    backslash |= (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vbs))) & live) != 0;
    while (seps) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(seps));
      out.emplace_back(base + start, at - start);
      start = at + 1;
      seps &= seps - 1;
    }
    i = n;
  }
#endif
  for (; i < n; ++i) {
    if (base[i] == sep) {
      out.emplace_back(base + start, i - start);
      start = i + 1;
    } else if (base[i] == '\\') {
      backslash = true;
    }
  }
  out.emplace_back(base + start, n - start);
  return backslash;
}

// v == s, testing the first byte inline before comparing the rest ("-" and "(empty)" against
// mostly short values).
inline bool Is(std::string_view v, const std::string& s) {
  return v.size() == s.size() && (v.empty() || (v[0] == s[0] && std::memcmp(v.data(), s.data(), v.size()) == 0));
}

}  // namespace

ZeekTsvDecoder::ZeekTsvDecoder(LogEmitter& emitter, ZeekShared* shared) : emitter_(emitter), builder_(shared) {
  cols_.reserve(64);
  path_ = emitter.info()->log_type;
  log_ = ZeekLogFromPath(path_);
}

void ZeekTsvDecoder::Unescape(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\\' && i + 1 < in.size()) {
      if (in[i + 1] == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
      if (in[i + 1] == 'x' && i + 3 < in.size()) {
        int hi = HexVal(in[i + 2]), lo = HexVal(in[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out.push_back(static_cast<char>(hi * 16 + lo));
          i += 3;
          continue;
        }
      }
    }
    out.push_back(c);
  }
}

std::string_view ZeekTsvDecoder::Value(std::string_view v, std::string& buf) {
  if (v.find('\\') == std::string_view::npos) return v;
  Unescape(v, buf);
  return buf;
}

Status ZeekTsvDecoder::Directive(std::string_view line, uint64_t line_no) {
  // "#separator \x09" uses a space; the others use the current separator.
  if (line.rfind("#separator", 0) == 0) {
    std::string_view v = line.substr(10);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    std::string sep;
    Unescape(TrimSpace(v), sep);
    if (sep.size() != 1) {
      return emitter_.Malformed(line_no, "bad_log_header", "unsupported #separator (must be one byte)", line,
                                last_ts_);
    }
    sep_ = sep[0];
    return Status::Ok();
  }
  size_t cut = line.find(sep_);
  std::string_view key = line.substr(1, cut == std::string_view::npos ? std::string_view::npos : cut - 1);
  std::string_view value = cut == std::string_view::npos ? std::string_view() : line.substr(cut + 1);
  if (key == "set_separator") {
    Unescape(value, set_sep_);
    if (set_sep_.empty()) set_sep_ = ",";
  } else if (key == "empty_field") {
    Unescape(value, empty_);
  } else if (key == "unset_field") {
    Unescape(value, unset_);
  } else if (key == "path") {
    Unescape(value, path_);
    log_ = ZeekLogFromPath(path_);
    have_fields_ = false;  // a new log begins; its #fields follow
  } else if (key == "fields") {
    Split(value, sep_, cols_);
    names_.assign(cols_.begin(), cols_.end());
    types_.clear();
    fields_.clear();
    is_list_.clear();
    active_.clear();
    for (size_t i = 0; i < names_.size(); ++i) {
      ZeekField f = ZeekFieldFor(log_, names_[i]);
      fields_.push_back(f);
      is_list_.push_back(ZeekFieldIsList(f) ? 1 : 0);
      if (f != ZeekField::kIgnore) active_.push_back(i);
    }
    have_fields_ = !names_.empty();
    wanted_ = emitter_.Wants(ZeekLogKind(log_)) || log_ == ZeekLog::kFiles;
    // A log without a ts column (loaded_scripts.log) records no events: its lines are skipped, with
    // one warning, not counted as malformed one by one.
    if (have_fields_ && std::find(names_.begin(), names_.end(), "ts") == names_.end()) {
      wanted_ = false;
      emitter_.Warn(line_no, "log '" + (path_.empty() ? std::string("?") : path_) +
                                 "' has no ts column: its lines are not events and are skipped");
    }
    BuildPlan();
  } else if (key == "types") {
    Split(value, sep_, cols_);
    types_.assign(cols_.begin(), cols_.end());
    if (types_.size() == names_.size()) {
      for (size_t i = 0; i < types_.size(); ++i)
        is_list_[i] = (types_[i].rfind("set[", 0) == 0 || types_[i].rfind("vector[", 0) == 0) ? 1 : 0;
      BuildPlan();
    }
  }
  // #open, #close and unknown directives carry nothing the model needs.
  return Status::Ok();
}

void ZeekTsvDecoder::BuildPlan() {
  plan_.clear();
  for (size_t i : active_) plan_.push_back(Column{static_cast<uint32_t>(i), fields_[i], is_list_[i] != 0});
}

Status ZeekTsvDecoder::BuildRaw() {
  std::string& raw = builder_.obs().raw;
  raw.clear();
  raw.push_back('{');
  bool first = true;
  for (size_t i = 0; i < names_.size(); ++i) {
    std::string_view v = cols_[i];
    if (v == unset_) continue;
    if (!first) raw.push_back(',');
    first = false;
    AppendJsonString(raw, names_[i]);
    raw.push_back(':');
    bool list = i < types_.size() ? (types_[i].rfind("set[", 0) == 0 || types_[i].rfind("vector[", 0) == 0)
                                  : is_list_[i] != 0;
    if (list) {
      raw.push_back('[');
      if (v != empty_) {
        size_t pos = 0;
        bool first_el = true;
        while (pos <= v.size()) {
          size_t next = v.find(set_sep_, pos);
          std::string_view el = v.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
          if (!first_el) raw.push_back(',');
          first_el = false;
          AppendJsonString(raw, Value(el, elem_));
          if (next == std::string_view::npos) break;
          pos = next + set_sep_.size();
        }
      }
      raw.push_back(']');
    } else {
      AppendJsonString(raw, v == empty_ ? std::string_view() : Value(v, unesc_));
    }
  }
  raw.push_back('}');
  return Status::Ok();
}

Status ZeekTsvDecoder::Line(std::string_view line, uint64_t line_no) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return Status::Ok();
  if (line[0] == '#') return Directive(line, line_no);
  if (!have_fields_) {
    return emitter_.Malformed(line_no, "broken_log_line", "data line before a #fields header", line, last_ts_);
  }
  if (!wanted_) return Status::Ok();
  bool escapes = SplitLine(line, sep_, cols_);
  if (cols_.size() != names_.size()) {
    std::string what = "expected " + std::to_string(names_.size()) + " fields, got " + std::to_string(cols_.size());
    return emitter_.Malformed(line_no, "broken_log_line", what, line, last_ts_);
  }
  builder_.Begin(log_, path_);
  bool all_ok = true;
  for (const Column& c : plan_) {
    std::string_view v = cols_[c.index];
    if (Is(v, unset_)) continue;
    ZeekField f = c.field;
    if (c.list) {
      if (Is(v, empty_)) continue;
      size_t pos = 0;
      for (;;) {
        size_t next = set_sep_.size() == 1 ? v.find(set_sep_[0], pos) : v.find(set_sep_, pos);
        std::string_view el = v.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
        all_ok &= builder_.Add(f, escapes ? Value(el, elem_) : el);
        if (next == std::string_view::npos) break;
        pos = next + set_sep_.size();
      }
    } else {
      if (Is(v, empty_)) continue;  // an empty string: unset in the model
      all_ok &= builder_.Set(f, escapes ? Value(v, unesc_) : v);
    }
  }
  bool ok = builder_.Finish();
  if (ok) last_ts_ = builder_.obs().ts;
  if (!all_ok || !ok) {
    ONUS_RETURN_IF_ERROR(emitter_.Malformed(line_no, ok ? "bad_log_field" : "broken_log_line", builder_.error(),
                                            line, last_ts_));
    if (!ok) return Status::Ok();
  }
  Observation& obs = builder_.obs();
  if (obs.kind == ObservationKind::kOther) ONUS_RETURN_IF_ERROR(BuildRaw());
  return emitter_.Emit(obs, line_no);
}

}  // namespace onus::ingest::detail

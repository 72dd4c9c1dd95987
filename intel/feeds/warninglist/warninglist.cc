// MISP warning lists -> WarningListSet (see onus/intel/warninglist.h).
#include "onus/intel/warninglist.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "feed.h"
#include "onus/core/file.h"

namespace onus::intel {

using U128 = unsigned __int128;

std::string_view InfraKindName(InfraKind kind) {
  switch (kind) {
    case InfraKind::kCdn: return "cdn";
    case InfraKind::kCloud: return "cloud";
    case InfraKind::kPublicDns: return "public-dns";
    case InfraKind::kDynamicDns: return "dynamic-dns";
    case InfraKind::kSinkhole: return "sinkhole";
    case InfraKind::kParked: return "parked";
    case InfraKind::kScanner: return "scanner";
    case InfraKind::kOther: return "other";
  }
  return "other";
}

namespace {

InfraKind KindFor(std::string_view id, std::string_view name) {
  std::string t = detail::ToLower(std::string(id) + " " + std::string(name));
  auto has = [&](std::initializer_list<std::string_view> ws) {
    for (auto w : ws)
      if (t.find(w) != std::string::npos) return true;
    return false;
  };
  if (has({"sinkhole"})) return InfraKind::kSinkhole;
  if (has({"dynamic-dns", "dynamic dns", "dyndns"})) return InfraKind::kDynamicDns;
  if (has({"public-dns", "public dns", "dns resolver"})) return InfraKind::kPublicDns;
  if (has({"parking"})) return InfraKind::kParked;
  if (has({"scanning", "scanner", "shadowserver", "censys", "shodan"})) return InfraKind::kScanner;
  if (has({"akamai", "cloudflare", "fastly", "cdn", "cloudfront"})) return InfraKind::kCdn;
  if (has({"amazon", "aws", "azure", "gcp", "google cloud", "oracle", "digitalocean", "cloud"})) return InfraKind::kCloud;
  return InfraKind::kOther;
}

U128 ToU128(const IpAddress& a) {
  U128 v = 0;
  for (uint8_t b : a.bytes()) v = (v << 8) | b;
  return v;
}

std::string HostKey(std::string_view s) {
  std::string h = detail::ToLower(detail::Trim(s));
  if (h.rfind("*.", 0) == 0) h.erase(0, 2);
  while (!h.empty() && h.front() == '.') h.erase(0, 1);
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

}  // namespace

struct WarningListSet::Impl {
  struct Range {
    U128 lo, hi;
    uint32_t set;
  };
  std::vector<WarningList> lists;
  std::vector<std::vector<uint16_t>> sets;  // interned sets of list indexes
  std::vector<Range> ranges;                // disjoint, sorted by lo
  std::unordered_map<std::string, std::vector<uint16_t>> hosts, strings;
  std::vector<std::pair<std::string, uint16_t>> substrings;
  size_t unsupported = 0;
  // Build-time input.
  struct Cidr128 {
    U128 lo, hi;
    uint16_t list;
  };
  std::vector<Cidr128> cidrs;

  void BuildRanges() {
    struct Event {
      U128 pos;
      int delta;
      uint16_t list;
    };
    std::vector<Event> ev;
    ev.reserve(cidrs.size() * 2);
    const U128 kMax = ~U128{0};
    for (const auto& c : cidrs) {
      ev.push_back({c.lo, +1, c.list});
      if (c.hi != kMax) ev.push_back({c.hi + 1, -1, c.list});
    }
    std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.pos < b.pos; });
    std::vector<int> active(lists.size(), 0);
    std::map<std::vector<uint16_t>, uint32_t> interned;
    for (size_t i = 0; i < ev.size();) {
      U128 pos = ev[i].pos;
      while (i < ev.size() && ev[i].pos == pos) {
        active[ev[i].list] += ev[i].delta;
        ++i;
      }
      std::vector<uint16_t> set;
      for (size_t l = 0; l < active.size(); ++l)
        if (active[l] > 0) set.push_back(static_cast<uint16_t>(l));
      if (set.empty()) continue;
      U128 hi = i < ev.size() ? ev[i].pos - 1 : kMax;
      auto [it, fresh] = interned.emplace(set, static_cast<uint32_t>(sets.size()));
      if (fresh) sets.push_back(set);
      if (!ranges.empty() && ranges.back().set == it->second && ranges.back().hi + 1 == pos) {
        ranges.back().hi = hi;
      } else {
        ranges.push_back({pos, hi, it->second});
      }
    }
    cidrs.clear();
    cidrs.shrink_to_fit();
  }
};

WarningListSet::WarningListSet() : impl_(std::make_unique<Impl>()) {}
WarningListSet::~WarningListSet() = default;
WarningListSet::WarningListSet(WarningListSet&&) noexcept = default;
WarningListSet& WarningListSet::operator=(WarningListSet&&) noexcept = default;

Result<WarningListSet> WarningListSet::Load(const std::string& path) {
  namespace fs = std::filesystem;
  if (!IsDirectory(path)) {
    if (!FileExists(path)) return Status::NotFound(path + ": no such file or directory");
    return LoadFiles({path});
  }
  std::vector<std::string> files;
  std::error_code ec;
  if (FileExists((fs::path(path) / "list.json").string())) files.push_back((fs::path(path) / "list.json").string());
  for (const auto& e : fs::directory_iterator(path, ec)) {
    fs::path f = e.path() / "list.json";
    if (e.is_directory(ec) && fs::exists(f, ec)) files.push_back(f.string());
  }
  if (ec) return Status::IoError(path + ": " + ec.message());
  if (files.empty()) return Status::NotFound(path + ": no */list.json warning lists");
  std::sort(files.begin(), files.end());
  return LoadFiles(files);
}

Result<WarningListSet> WarningListSet::LoadFiles(const std::vector<std::string>& paths) {
  WarningListSet set;
  Impl& im = *set.impl_;
  if (paths.size() > 65535) return Status::ResourceExhausted("more than 65535 warning lists");
  simdjson::dom::parser parser;
  for (const auto& p : paths) {
    ONUS_ASSIGN_OR_RETURN(std::string text, ReadFile(p));
    simdjson::padded_string padded(text);
    simdjson::dom::object o;
    if (parser.parse(padded).get_object().get(o) != simdjson::SUCCESS)
      return Status::Corrupt(p + ": not a JSON object (MISP warning list)");
    WarningList wl;
    std::string parent = std::filesystem::path(p).parent_path().filename().string();
    std::string stem = std::filesystem::path(p).stem().string();
    wl.id = stem == "list" && !parent.empty() ? parent : stem;
    std::string_view sv;
    if (o["name"].get_string().get(sv) == simdjson::SUCCESS) wl.name = std::string(sv);
    if (o["type"].get_string().get(sv) == simdjson::SUCCESS) wl.type = std::string(sv);
    if (wl.type.empty()) wl.type = "string";
    wl.kind = KindFor(wl.id, wl.name);
    simdjson::dom::array arr;
    if (o["list"].get_array().get(arr) != simdjson::SUCCESS) return Status::Corrupt(p + ": no 'list' array");
    uint16_t idx = static_cast<uint16_t>(im.lists.size());
    for (simdjson::dom::element e : arr) {
      if (e.get_string().get(sv) != simdjson::SUCCESS) {
        ++im.unsupported;
        continue;
      }
      ++wl.entries;
      if (wl.type == "cidr") {
        auto c = Cidr::Parse(detail::Trim(sv));
        if (!c.ok()) {
          ++im.unsupported;
          continue;
        }
        U128 lo = ToU128(c->network());
        int len = c->prefix_len128();
        U128 span = len == 0 ? ~U128{0} : ((U128{1} << (128 - len)) - 1);
        if (len == 128) span = 0;
        im.cidrs.push_back({lo, lo | span, idx});
      } else if (wl.type == "hostname") {
        std::string h = HostKey(sv);
        if (!h.empty()) im.hosts[h].push_back(idx);
      } else if (wl.type == "string") {
        std::string s = detail::ToLower(detail::Trim(sv));
        if (!s.empty()) im.strings[s].push_back(idx);
      } else if (wl.type == "substring") {
        std::string s = detail::ToLower(detail::Trim(sv));
        if (!s.empty()) im.substrings.emplace_back(s, idx);
      } else {
        ++im.unsupported;  // regex and unknown types
      }
    }
    im.lists.push_back(std::move(wl));
  }
  im.BuildRanges();
  for (auto* m : {&im.hosts, &im.strings})
    for (auto& [k, v] : *m) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    }
  return set;
}

std::vector<WarningListHit> WarningListSet::LookupIp(const IpAddress& addr) const {
  std::vector<WarningListHit> out;
  const auto& r = impl_->ranges;
  U128 v = ToU128(addr);
  auto it = std::upper_bound(r.begin(), r.end(), v, [](U128 x, const Impl::Range& g) { return x < g.lo; });
  if (it == r.begin()) return out;
  --it;
  if (v > it->hi) return out;
  for (uint16_t l : impl_->sets[it->set]) out.push_back({&impl_->lists[l], ""});
  return out;
}

std::vector<WarningListHit> WarningListSet::LookupHost(std::string_view name) const {
  std::vector<WarningListHit> out;
  std::string h = HostKey(name);
  std::string_view cur = h;
  while (!cur.empty()) {
    auto it = impl_->hosts.find(std::string(cur));
    if (it != impl_->hosts.end())
      for (uint16_t l : it->second) out.push_back({&impl_->lists[l], std::string(cur)});
    size_t dot = cur.find('.');
    if (dot == std::string_view::npos) break;
    cur.remove_prefix(dot + 1);
  }
  return out;
}

std::vector<WarningListHit> WarningListSet::LookupString(std::string_view value) const {
  std::vector<WarningListHit> out;
  std::string s = detail::ToLower(detail::Trim(value));
  auto it = impl_->strings.find(s);
  if (it != impl_->strings.end())
    for (uint16_t l : it->second) out.push_back({&impl_->lists[l], s});
  for (const auto& [sub, l] : impl_->substrings)
    if (s.find(sub) != std::string::npos) out.push_back({&impl_->lists[l], sub});
  return out;
}

std::vector<WarningListHit> WarningListSet::Lookup(std::string_view value) const {
  auto ip = IpAddress::Parse(detail::Trim(value));
  if (ip.ok()) return LookupIp(*ip);
  std::vector<WarningListHit> out = LookupHost(value);
  for (auto& h : LookupString(value)) out.push_back(std::move(h));
  return out;
}

const std::vector<WarningList>& WarningListSet::lists() const { return impl_->lists; }
size_t WarningListSet::unsupported_entries() const { return impl_->unsupported; }

}  // namespace onus::intel

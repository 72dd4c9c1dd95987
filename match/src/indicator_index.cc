#include "onus/match/indicator_index.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <type_traits>
#include <unordered_map>

#include "onus/core/hash.h"
#include "index_file_io.h"

namespace onus::match {
namespace {

using u128 = unsigned __int128;

constexpr uint32_t kEmpty = 0xFFFFFFFFu;   // empty slot / uncovered range
constexpr uint32_t kListBit = 0x80000000u;  // posting is an index into postings (count, ids...)
constexpr uint32_t kMaxEntries = 0x7FFFFFFFu;
constexpr size_t kMaxRejectSamples = 8;

inline uint64_t Mix(uint64_t h) { return Fmix64(h); }

uint64_t HashBytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0x100000001b3ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ Mix(w)) * 0x9E3779B97F4A7C15ULL;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ Mix(w ^ (n << 56))) * 0x9E3779B97F4A7C15ULL;
  return Mix(h);
}

size_t TableCapacity(size_t n) {
  size_t cap = 16;
  while (cap < n + n / 2) cap <<= 1;  // load factor <= 2/3
  return cap;
}

inline std::span<const uint32_t> PostingSpan(const uint32_t& posting, const std::vector<uint32_t>& postings) {
  if (posting == kEmpty) return {};
  if (!(posting & kListBit)) return {&posting, 1};
  uint32_t at = posting & ~kListBit;
  return {postings.data() + at + 1, postings[at]};
}

// Chunked string arena: appends never move earlier bytes (no doubling copies, no 2x capacity),
// offsets are (chunk << 24 | position). Chunks grow from 64 KiB to 16 MiB; at most 256 chunks.
class Arena {
 public:
  static constexpr uint32_t kPosBits = 24;
  static constexpr size_t kMaxChunk = size_t{1} << kPosBits;
  // Returns false when full (4 GiB).
  bool Append(const char* p, size_t n, uint32_t& off) {
    if (n >= kMaxChunk) return false;
    if (chunks_.empty() || used_.back() + n > caps_.back()) {
      if (chunks_.size() >= 256) return false;
      size_t cap = caps_.empty() ? (size_t{64} << 10) : std::min(caps_.back() * 2, kMaxChunk);
      while (cap < n) cap *= 2;
      chunks_.emplace_back(new char[cap]);
      caps_.push_back(cap);
      used_.push_back(0);
    }
    off = static_cast<uint32_t>(((chunks_.size() - 1) << kPosBits) | used_.back());
    std::memcpy(chunks_.back().get() + used_.back(), p, n);
    used_.back() += n;
    return true;
  }
  const char* At(uint32_t off) const { return chunks_[off >> kPosBits].get() + (off & (kMaxChunk - 1)); }
  bool Valid(uint32_t off) const {
    size_t c = off >> kPosBits;
    return c < chunks_.size() && (off & (kMaxChunk - 1)) < used_[c];
  }
  size_t capacity() const {
    size_t n = 0;
    for (size_t c : caps_) n += c;
    return n;
  }
  // Index files (index_file.cc): chunks are saved by their used bytes and loaded at exactly that
  // size (a loaded arena is never appended to).
  size_t chunk_count() const { return chunks_.size(); }
  const char* chunk(size_t c) const { return chunks_[c].get(); }
  size_t used(size_t c) const { return used_[c]; }
  // Loaded chunks carry kKeySlack zero bytes past their used bytes, so a string key whose length
  // prefix lies inside the used bytes can never be read outside the allocation, whatever its length.
  static constexpr size_t kKeySlack = 0x10000 + 2;
  char* AddLoadedChunk(size_t n) {
    char* p = new char[n + kKeySlack];
    std::memset(p + n, 0, kKeySlack);
    chunks_.emplace_back(p);
    caps_.push_back(n);
    used_.push_back(n);
    return chunks_.back().get();
  }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<size_t> caps_, used_;
};

// One bit per hash bucket over a table's keys, about 8 bits per key: a key whose bit is clear is
// certainly absent, so looking up an absent key — nearly every address and name in real traffic —
// reads this small array instead of missing into the table (megabytes, for a million
// indicators). Derived from the table (after a build and after loading an index file), not stored.
struct KeyFilter {
  std::vector<uint64_t> words;
  int shift = 64;
  template <typename EachHash>
  void Build(size_t keys, EachHash&& each_hash) {
    int bits = 6;
    while ((uint64_t{1} << bits) < keys * 8 && bits < 32) ++bits;
    shift = 64 - bits;
    words.assign((size_t{1} << bits) / 64, 0);
    each_hash([this](uint64_t h) {
      uint64_t b = Bit(h);
      words[b >> 6] |= uint64_t{1} << (b & 63);
    });
  }
  // Over a table's occupied slots (posting != kEmpty); hash_of(slot) is its key's hash.
  template <typename Slot, typename HashOf>
  void BuildOver(const std::vector<Slot>& slots, HashOf&& hash_of) {
    size_t n = 0;
    for (const Slot& s : slots) n += s.posting != kEmpty;
    Build(n, [&](auto&& set) {
      for (const Slot& s : slots)
        if (s.posting != kEmpty) set(hash_of(s));
    });
  }
  // The bit comes from the hash's high bits after a multiply, not the low bits that pick the slot.
  uint64_t Bit(uint64_t h) const { return (h * 0xC2B2AE3D27D4EB4FULL) >> shift; }
  bool MayContain(uint64_t h) const {
    if (words.empty()) return true;
    uint64_t b = Bit(h);
    return (words[b >> 6] >> (b & 63)) & 1;
  }
};

// Fixed-key open-addressing table (IPv4: uint32, IPv6: 16 bytes).
template <typename Key>
struct FixedTable {
  struct Slot {
    Key key{};
    uint32_t posting = kEmpty;
  };
  std::vector<Slot> slots;
  uint64_t mask = 0;

  static uint64_t Hash(const Key& k) {
    if constexpr (sizeof(Key) == 4) {
      return Mix(static_cast<uint64_t>(k) * 0x9E3779B97F4A7C15ULL);
    } else {
      return HashBytes(reinterpret_cast<const char*>(k.data()), k.size());
    }
  }
  void Init(size_t n) {
    slots.assign(n ? TableCapacity(n) : 0, Slot{});
    mask = slots.empty() ? 0 : slots.size() - 1;
  }
  // Build: returns the slot of key, inserting it (posting set to 0 as "occupied").
  uint32_t Insert(const Key& k) {
    uint64_t i = Hash(k) & mask;
    while (slots[i].posting != kEmpty && !(slots[i].key == k)) i = (i + 1) & mask;
    if (slots[i].posting == kEmpty) {
      slots[i].key = k;
      slots[i].posting = 0;
    }
    return static_cast<uint32_t>(i);
  }
  KeyFilter filter;
  void BuildFilter() {
    filter.BuildOver(slots, [](const Slot& s) { return Hash(s.key); });
  }
  const uint32_t* Find(const Key& k) const {
    if (slots.empty()) return nullptr;
    const uint64_t h = Hash(k);
    if (!filter.MayContain(h)) return nullptr;
    uint64_t i = h & mask;
    while (slots[i].posting != kEmpty) {
      if (slots[i].key == k) return &slots[i].posting;
      i = (i + 1) & mask;
    }
    return nullptr;
  }
};

// String-key table over the shared arena: keys are stored as [u16 length][bytes]['\0'].
struct StringTable {
  struct Slot {
    uint64_t hash = 0;
    uint32_t key = 0;  // arena offset of the length prefix
    uint32_t posting = kEmpty;
  };
  std::vector<Slot> slots;
  uint64_t mask = 0;

  void Init(size_t n) {
    slots.assign(n ? TableCapacity(n) : 0, Slot{});
    mask = slots.empty() ? 0 : slots.size() - 1;
  }
  static std::string_view KeyAt(const Arena& arena, uint32_t off) {
    uint16_t len;
    const char* p = arena.At(off);
    std::memcpy(&len, p, 2);
    return {p + 2, len};
  }
  uint32_t Insert(const Arena& arena, uint32_t key_off) {
    std::string_view k = KeyAt(arena, key_off);
    uint64_t h = HashBytes(k.data(), k.size());
    uint64_t i = h & mask;
    while (slots[i].posting != kEmpty && !(slots[i].hash == h && KeyAt(arena, slots[i].key) == k)) i = (i + 1) & mask;
    if (slots[i].posting == kEmpty) {
      slots[i].hash = h;
      slots[i].key = key_off;
      slots[i].posting = 0;
    }
    return static_cast<uint32_t>(i);
  }
  KeyFilter filter;
  void BuildFilter() {
    filter.BuildOver(slots, [](const Slot& s) { return s.hash; });
  }
  const uint32_t* Find(const Arena& arena, std::string_view k) const {
    if (slots.empty()) return nullptr;
    uint64_t h = HashBytes(k.data(), k.size());
    if (!filter.MayContain(h)) return nullptr;
    uint64_t i = h & mask;
    while (slots[i].posting != kEmpty) {
      if (slots[i].hash == h && KeyAt(arena, slots[i].key) == k) return &slots[i].posting;
      i = (i + 1) & mask;
    }
    return nullptr;
  }
};

// Sorted, non-overlapping elementary ranges: from starts[i] (inclusive) up to starts[i+1], the
// covering entries are postings[i] (kEmpty when none).
template <typename K>
struct RangeTable {
  std::vector<K> starts;
  std::vector<uint32_t> postings;
  // IPv4 only, derived (not stored in index files): dir[p] is the first start at or above p << 16
  // (p = 0..65536), so a lookup searches only the starts inside its /16 — a cache line or two
  // instead of ~18 probes across the whole array.
  std::vector<uint32_t> dir;
  void BuildDirectory() {
    if constexpr (std::is_same_v<K, uint32_t>) {
      dir.assign(65537, 0);
      size_t i = 0;
      for (uint64_t p = 0; p <= 65536; ++p) {
        while (i < starts.size() && starts[i] < (p << 16)) ++i;
        dir[static_cast<size_t>(p)] = static_cast<uint32_t>(i);
      }
    }
  }
  const uint32_t* Find(K key) const {
    auto first = starts.begin(), last = starts.end();
    if constexpr (std::is_same_v<K, uint32_t>) {
      // Every start before dir[p] is below key and every start from dir[p + 1] on is above it, so
      // the whole array's upper bound lies in [first, last].
      if (!dir.empty()) {
        last = starts.begin() + dir[(key >> 16) + 1];
        first = starts.begin() + dir[key >> 16];
      }
    }
    auto it = std::upper_bound(first, last, key);
    if (it == starts.begin()) return nullptr;
    const uint32_t& p = postings[static_cast<size_t>(it - starts.begin()) - 1];
    return p == kEmpty ? nullptr : &p;
  }
};

struct PendingKey {
  uint32_t key;  // v4 address, or arena offset of a string key
  uint32_t entry;
};

struct PendingV6 {
  std::array<uint8_t, 16> key;
  uint32_t entry;
};

struct PendingCidr {
  u128 lo, hi;
  uint32_t entry;
};

u128 ToU128(const std::array<uint8_t, 16>& b) {
  u128 v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v;
}

// Table index for a ValueType among the string tables (kAddr has none; kDomain is the exact table).
constexpr int kZoneTable = kValueTypeCount;  // domains with kZone / kSubdomainsOnly
constexpr int kStringTables = kValueTypeCount + 1;

size_t DigestLength(ValueType t) {
  switch (t) {
    case ValueType::kMd5:
    case ValueType::kJa3:
    case ValueType::kJa3s: return 16;
    case ValueType::kSha1:
    case ValueType::kCertSha1: return 20;
    case ValueType::kSha256:
    case ValueType::kCertSha256: return 32;
    default: return 0;
  }
}

}  // namespace

struct IndicatorIndex::Tables {
  Arena arena;
  std::vector<uint32_t> postings;
  FixedTable<uint32_t> v4;
  FixedTable<std::array<uint8_t, 16>> v6;
  RangeTable<uint32_t> v4_ranges;
  RangeTable<u128> v6_ranges;
  StringTable strings[kStringTables];
  void BuildFilters() {
    v4.BuildFilter();
    v6.BuildFilter();
    for (auto& s : strings) s.BuildFilter();
  }
};

struct IndicatorIndex::Builder::Impl {
  std::unique_ptr<IndicatorIndex> index{new IndicatorIndex()};
  std::unordered_map<std::string, uint32_t> interned;  // source / grade text → arena offset
  std::unordered_map<std::string, uint32_t> source_pairs;  // "source\x1fgrade" → sources_ index
  std::vector<PendingKey> v4;
  std::vector<PendingV6> v6;
  std::vector<PendingCidr> cidr4, cidr6;
  std::vector<PendingKey> strings[kStringTables];
  std::string scratch;

  Arena& arena() { return index->t_->arena; }
  bool full = false;

  // Appends NUL-terminated text; on a full arena returns the offset of an empty text.
  uint32_t AddText(std::string_view s) {
    scratch_text.assign(s.data(), s.size());
    scratch_text.push_back('\0');
    uint32_t off = 0;
    if (!arena().Append(scratch_text.data(), scratch_text.size(), off)) full = true;
    return off;
  }
  std::string scratch_text;
  uint32_t Intern(const std::string& s) {
    auto it = interned.find(s);
    if (it != interned.end()) return it->second;
    uint32_t off = AddText(s);
    interned.emplace(s, off);
    return off;
  }
  // Writes a string key; returns the offset of its length prefix. The text after the prefix is
  // NUL-terminated, so it doubles as the entry's value text when the key is the canonical text.
  uint32_t AddKey(std::string_view k) {
    uint16_t len = static_cast<uint16_t>(k.size());
    scratch_text.assign(reinterpret_cast<const char*>(&len), 2);
    scratch_text.append(k.data(), k.size());
    scratch_text.push_back('\0');
    uint32_t off = 0;
    if (!arena().Append(scratch_text.data(), scratch_text.size(), off)) full = true;
    return off;
  }
  void Reject(ValueType t, std::string_view v, std::string_view why) {
    auto& idx = *index;
    ++idx.rejected_;
    if (idx.rejected_samples_.size() < kMaxRejectSamples)
      idx.rejected_samples_.push_back(std::string(ValueTypeName(t)) + " '" + std::string(v.substr(0, 80)) +
                                      "': " + std::string(why));
  }
  uint32_t NewEntry(uint32_t indicator, const ValueSpec& v, uint32_t value_off) {
    auto& idx = *index;
    IndexEntry e;
    e.indicator = indicator;
    e.value = value_off;
    e.type = v.type;
    e.scope = v.type == ValueType::kDomain ? v.scope : DomainScope::kExact;
    e.role = v.type == ValueType::kAddr ? v.role : AddrRole::kAny;
    idx.entries_.push_back(e);
    ++idx.per_type_[static_cast<int>(v.type)];
    return static_cast<uint32_t>(idx.entries_.size() - 1);
  }

  void AddValue(uint32_t indicator, const ValueSpec& v) {
    if (index->entries_.size() >= kMaxEntries || full) {
      Reject(v.type, v.value, "index capacity reached");
      return;
    }
    if (v.value.find('\0') != std::string::npos) {
      Reject(v.type, v.value, "NUL byte");
      return;
    }
    switch (v.type) {
      case ValueType::kAddr: {
        auto c = Cidr::Parse(v.value);
        if (!c.ok()) {
          Reject(v.type, v.value, "not an address or CIDR");
          return;
        }
        bool v4 = c->is_v4();
        bool host = c->prefix_len128() == 128;
        uint32_t e = NewEntry(indicator, v, AddText(host ? c->network().ToString() : c->ToString()));
        if (host) {
          if (v4)
            this->v4.push_back({c->network().v4(), e});
          else
            v6.push_back({c->network().bytes(), e});
        } else {
          index->entries_[e].is_subnet = 1;
          index->has_subnets_ = true;
          u128 lo = ToU128(c->network().bytes());
          int len = c->prefix_len128();
          u128 span_mask = len == 0 ? ~static_cast<u128>(0) : ((static_cast<u128>(1) << (128 - len)) - 1);
          u128 hi = lo | span_mask;
          (v4 ? cidr4 : cidr6).push_back({lo, hi, e});
        }
        return;
      }
      case ValueType::kDomain: {
        char buf[kMaxDomainLength + 1];
        size_t len = 0;
        std::string refanged = Refang(v.value);
        std::string_view name = refanged;
        ValueSpec spec = v;
        // A leading "*." or "." asks for the names below it.
        if (name.starts_with("*.")) {
          name.remove_prefix(2);
          spec.scope = DomainScope::kSubdomainsOnly;
        } else if (name.starts_with(".")) {
          name.remove_prefix(1);
          spec.scope = DomainScope::kSubdomainsOnly;
        }
        if (!NormalizeDomainInto(name, buf, len)) {
          Reject(v.type, v.value, "not a domain name");
          return;
        }
        uint32_t key = AddKey(std::string_view(buf, len));
        uint32_t e = NewEntry(indicator, spec, key + 2);
        int table = spec.scope == DomainScope::kExact ? static_cast<int>(ValueType::kDomain) : kZoneTable;
        if (table == kZoneTable) index->has_zones_ = true;
        strings[table].push_back({key, e});
        return;
      }
      case ValueType::kUrl:
      case ValueType::kEmail:
      case ValueType::kCertSerial:
      case ValueType::kJa4: {
        std::string refanged = v.type == ValueType::kJa4 || v.type == ValueType::kCertSerial ? v.value : Refang(v.value);
        bool ok = v.type == ValueType::kUrl     ? NormalizeUrlInto(refanged, scratch)
                  : v.type == ValueType::kEmail ? NormalizeEmailInto(refanged, scratch)
                  : v.type == ValueType::kJa4   ? NormalizeJa4Into(refanged, scratch)
                                                : NormalizeSerialInto(refanged, scratch);
        if (!ok || scratch.size() > 0xFFFF) {
          Reject(v.type, v.value, "does not parse");
          return;
        }
        uint32_t key = AddKey(scratch);
        uint32_t e = NewEntry(indicator, v, key + 2);
        strings[static_cast<int>(v.type)].push_back({key, e});
        return;
      }
      default: {
        size_t n = DigestLength(v.type);
        uint8_t raw[32];
        if (n == 0 || !DecodeHexDigest(v.value, raw, n)) {
          Reject(v.type, v.value, "not a hex digest of the expected length");
          return;
        }
        // The key is the lowercase hex text: it doubles as the entry's value text.
        uint32_t key = AddKey(HexEncode(std::string_view(reinterpret_cast<const char*>(raw), n)));
        uint32_t e = NewEntry(indicator, v, key + 2);
        strings[static_cast<int>(v.type)].push_back({key, e});
        return;
      }
    }
  }

  // Groups (slot, entry) pairs into postings.
  template <typename SetPosting>
  void Post(std::vector<std::pair<uint32_t, uint32_t>>& slot_entries, SetPosting&& set) {
    std::sort(slot_entries.begin(), slot_entries.end());
    auto& postings = index->t_->postings;
    for (size_t i = 0; i < slot_entries.size();) {
      size_t j = i;
      while (j < slot_entries.size() && slot_entries[j].first == slot_entries[i].first) ++j;
      if (j - i == 1) {
        set(slot_entries[i].first, slot_entries[i].second);
      } else {
        uint32_t at = static_cast<uint32_t>(postings.size());
        postings.push_back(static_cast<uint32_t>(j - i));
        for (size_t k = i; k < j; ++k) postings.push_back(slot_entries[k].second);
        set(slot_entries[i].first, at | kListBit);
      }
      i = j;
    }
  }

  template <typename K>
  void Sweep(std::vector<PendingCidr>& cidrs, RangeTable<K>& out, u128 max_key, u128 base) {
    if (cidrs.empty()) return;
    // Group identical prefixes; order by start ascending, then wider first (laminar nesting).
    std::sort(cidrs.begin(), cidrs.end(), [](const PendingCidr& a, const PendingCidr& b) {
      if (a.lo != b.lo) return a.lo < b.lo;
      if (a.hi != b.hi) return a.hi > b.hi;
      return a.entry < b.entry;
    });
    struct Node {
      u128 lo, hi;
      size_t begin, end;  // range in cidrs
    };
    std::vector<Node> nodes;
    for (size_t i = 0; i < cidrs.size();) {
      size_t j = i;
      while (j < cidrs.size() && cidrs[j].lo == cidrs[i].lo && cidrs[j].hi == cidrs[i].hi) ++j;
      nodes.push_back({cidrs[i].lo, cidrs[i].hi, i, j});
      i = j;
    }
    auto& postings = index->t_->postings;
    std::vector<size_t> stack;
    std::vector<uint32_t> cover;
    auto emit = [&](u128 start) {
      cover.clear();
      for (auto it = stack.rbegin(); it != stack.rend(); ++it)  // deepest (longest) prefix first
        for (size_t k = nodes[*it].begin; k < nodes[*it].end; ++k) cover.push_back(cidrs[k].entry);
      uint32_t p = kEmpty;
      if (cover.size() == 1) {
        p = cover[0];
      } else if (cover.size() > 1) {
        p = static_cast<uint32_t>(postings.size()) | kListBit;
        postings.push_back(static_cast<uint32_t>(cover.size()));
        postings.insert(postings.end(), cover.begin(), cover.end());
      }
      K key = static_cast<K>(start - base);
      if (!out.starts.empty() && out.starts.back() == key) {
        out.postings.back() = p;
      } else {
        out.starts.push_back(key);
        out.postings.push_back(p);
      }
    };
    for (size_t n = 0; n < nodes.size(); ++n) {
      while (!stack.empty() && nodes[stack.back()].hi < nodes[n].lo) {
        u128 end = nodes[stack.back()].hi;
        stack.pop_back();
        emit(end + 1);  // end < lo <= max, so no overflow
      }
      stack.push_back(n);
      emit(nodes[n].lo);
    }
    while (!stack.empty()) {
      u128 end = nodes[stack.back()].hi;
      stack.pop_back();
      if (end != max_key) emit(end + 1);
    }
  }
};

IndicatorIndex::IndicatorIndex() : t_(std::make_unique<Tables>()) {}
IndicatorIndex::~IndicatorIndex() = default;

IndicatorIndex::Builder::Builder() : impl_(std::make_unique<Impl>()) {}
IndicatorIndex::Builder::~Builder() = default;
IndicatorIndex::Builder::Builder(Builder&&) noexcept = default;
IndicatorIndex::Builder& IndicatorIndex::Builder::operator=(Builder&&) noexcept = default;

size_t IndicatorIndex::Builder::indicator_count() const { return impl_->index->indicators_.size(); }

uint32_t IndicatorIndex::Builder::Add(const IndicatorSpec& spec) {
  auto& idx = *impl_->index;
  Indicator ind;
  ind.id = impl_->AddText(spec.id);
  std::string pair_key = spec.source + '\x1f' + spec.grade;
  auto it = impl_->source_pairs.find(pair_key);
  if (it == impl_->source_pairs.end()) {
    // Sequenced (not two arguments): the arena's layout, hence index files, must not depend on the
    // compiler's argument evaluation order.
    uint32_t source = impl_->Intern(spec.source);
    uint32_t grade = impl_->Intern(spec.grade);
    idx.sources_.emplace_back(source, grade);
    it = impl_->source_pairs.emplace(std::move(pair_key), static_cast<uint32_t>(idx.sources_.size() - 1)).first;
  }
  ind.source = it->second;
  if (spec.has_valid_from) ind.valid_from_ns = spec.valid_from.nanos();
  if (spec.has_valid_until) ind.valid_until_ns = spec.valid_until.nanos();
  idx.indicators_.push_back(ind);
  int conf = spec.confidence < -1 ? -1 : spec.confidence > 100 ? 100 : spec.confidence;
  idx.flags_.push_back(static_cast<uint8_t>((spec.revoked ? 0x80 : 0) | (conf + 1)));
  uint32_t ordinal = static_cast<uint32_t>(idx.indicators_.size() - 1);
  for (const auto& v : spec.values) impl_->AddValue(ordinal, v);
  return ordinal;
}

void IndicatorIndex::Builder::AddValue(uint32_t indicator, const ValueSpec& value) {
  if (indicator < impl_->index->indicators_.size()) impl_->AddValue(indicator, value);
}

Result<std::shared_ptr<const IndicatorIndex>> IndicatorIndex::Builder::Build() {
  auto& im = *impl_;
  auto& t = *im.index->t_;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;

  t.v4.Init(im.v4.size());
  for (const auto& p : im.v4) pairs.emplace_back(t.v4.Insert(p.key), p.entry);
  im.Post(pairs, [&](uint32_t slot, uint32_t posting) { t.v4.slots[slot].posting = posting; });
  pairs.clear();
  std::vector<PendingKey>().swap(im.v4);

  t.v6.Init(im.v6.size());
  for (const auto& p : im.v6) pairs.emplace_back(t.v6.Insert(p.key), p.entry);
  im.Post(pairs, [&](uint32_t slot, uint32_t posting) { t.v6.slots[slot].posting = posting; });
  pairs.clear();
  std::vector<PendingV6>().swap(im.v6);

  for (int s = 0; s < kStringTables; ++s) {
    auto& pending = im.strings[s];
    t.strings[s].Init(pending.size());
    for (const auto& p : pending) pairs.emplace_back(t.strings[s].Insert(t.arena, p.key), p.entry);
    im.Post(pairs, [&](uint32_t slot, uint32_t posting) { t.strings[s].slots[slot].posting = posting; });
    pairs.clear();
    std::vector<PendingKey>().swap(pending);
  }

  const u128 v4_base = ToU128(IpAddress::FromV4(0).bytes());
  im.Sweep(im.cidr4, t.v4_ranges, v4_base + 0xFFFFFFFFu, v4_base);
  t.v4_ranges.BuildDirectory();
  t.BuildFilters();
  im.Sweep(im.cidr6, t.v6_ranges, ~static_cast<u128>(0), 0);
  std::vector<PendingCidr>().swap(im.cidr4);
  std::vector<PendingCidr>().swap(im.cidr6);

  if (im.full) return Status::ResourceExhausted("indicator index: text arena full (4 GiB)");
  // No shrink_to_fit of entries/indicators: the copy would double their peak at build time.
  t.postings.shrink_to_fit();
  std::shared_ptr<const IndicatorIndex> out(im.index.release());
  impl_ = std::make_unique<Impl>();
  return out;
}

std::string_view IndicatorIndex::text(uint32_t offset) const {
  if (!t_->arena.Valid(offset)) return {};
  return std::string_view(t_->arena.At(offset));
}

std::span<const uint32_t> IndicatorIndex::LookupAddrExact(const IpAddress& a) const {
  const uint32_t* p = a.is_v4() ? t_->v4.Find(a.v4()) : t_->v6.Find(a.bytes());
  return p ? PostingSpan(*p, t_->postings) : std::span<const uint32_t>();
}

std::span<const uint32_t> IndicatorIndex::LookupAddrSubnets(const IpAddress& a) const {
  const uint32_t* p = a.is_v4() ? t_->v4_ranges.Find(a.v4()) : t_->v6_ranges.Find(ToU128(a.bytes()));
  return p ? PostingSpan(*p, t_->postings) : std::span<const uint32_t>();
}

std::span<const uint32_t> IndicatorIndex::DomainExact(std::string_view name) const {
  const uint32_t* p = t_->strings[static_cast<int>(ValueType::kDomain)].Find(t_->arena, name);
  return p ? PostingSpan(*p, t_->postings) : std::span<const uint32_t>();
}

bool IndicatorIndex::ZoneLookup(std::string_view name, std::span<const uint32_t>& out) const {
  const uint32_t* p = t_->strings[kZoneTable].Find(t_->arena, name);
  if (!p) return false;
  out = PostingSpan(*p, t_->postings);
  return true;
}

std::span<const uint32_t> IndicatorIndex::LookupValue(ValueType type, std::string_view value,
                                                      MatchScratch& scratch) const {
  const StringTable& table = t_->strings[static_cast<int>(type)];
  if (table.slots.empty()) return {};
  const uint32_t* p = nullptr;
  switch (type) {
    case ValueType::kAddr: return {};
    case ValueType::kDomain: {
      size_t len = 0;
      if (!NormalizeDomainInto(value, scratch.domain, len)) return {};
      p = table.Find(t_->arena, std::string_view(scratch.domain, len));
      break;
    }
    case ValueType::kUrl:
      if (!NormalizeUrlInto(value, scratch.text)) return {};
      p = table.Find(t_->arena, scratch.text);
      break;
    case ValueType::kEmail:
      if (!NormalizeEmailInto(value, scratch.text)) return {};
      p = table.Find(t_->arena, scratch.text);
      break;
    case ValueType::kCertSerial:
      if (!NormalizeSerialInto(value, scratch.text)) return {};
      p = table.Find(t_->arena, scratch.text);
      break;
    case ValueType::kJa4:
      if (!NormalizeJa4Into(value, scratch.text)) return {};
      p = table.Find(t_->arena, scratch.text);
      break;
    default: {
      size_t n = DigestLength(type);
      uint8_t raw[32];
      if (n == 0 || !DecodeHexDigest(value, raw, n)) return {};
      static const char* kHex = "0123456789abcdef";
      scratch.text.clear();
      for (size_t i = 0; i < n; ++i) {
        scratch.text.push_back(kHex[raw[i] >> 4]);
        scratch.text.push_back(kHex[raw[i] & 15]);
      }
      p = table.Find(t_->arena, scratch.text);
      break;
    }
  }
  return p ? PostingSpan(*p, t_->postings) : std::span<const uint32_t>();
}

bool IndicatorIndex::ValidAt(uint32_t ordinal, Timestamp t) const {
  const Indicator& i = indicators_[ordinal];
  if (flags_[ordinal] & 0x80) return false;  // revoked
  // valid_until is exclusive (STIX: "no longer considered a valid indicator" from that time).
  return t.nanos() >= i.valid_from_ns && t.nanos() < i.valid_until_ns;
}

size_t IndicatorIndex::MemoryBytes() const {
  size_t n = t_->arena.capacity() + t_->postings.capacity() * 4 + entries_.capacity() * sizeof(IndexEntry) +
             indicators_.capacity() * sizeof(Indicator) + flags_.capacity() + sources_.capacity() * 8;
  n += t_->v4.slots.capacity() * sizeof(t_->v4.slots[0]) + t_->v6.slots.capacity() * sizeof(t_->v6.slots[0]);
  n += (t_->v4_ranges.starts.capacity() + t_->v4_ranges.postings.capacity() + t_->v4_ranges.dir.capacity()) * 4;
  n += t_->v6_ranges.starts.capacity() * 16 + t_->v6_ranges.postings.capacity() * 4;
  for (const auto& s : t_->strings) n += s.slots.capacity() * sizeof(StringTable::Slot) + s.filter.words.capacity() * 8;
  n += (t_->v4.filter.words.capacity() + t_->v6.filter.words.capacity()) * 8;
  return n;
}

// ---- index files (index_file.cc owns the format; this is the index's part of it) ----------------

namespace detail {
namespace {

constexpr uint64_t kMaxChunks = 256;
constexpr uint64_t kMaxSamples = 64, kMaxSampleBytes = 4096;

constexpr uint32_t StringTableTag(int s) { return Tag("ST__") + (static_cast<uint32_t>(s) << 16); }

// Checks postings: the array is a sequence of [count][ids...] blocks naming entries, and a posting
// names an entry or the start of a block. (Which kind of entry a table names is not checked: it is
// not a memory-safety matter, and a hostile file with a forged checksum can make an index answer
// wrongly in many ways, e.g. by editing value text; honest damage is caught by the checksum.)
class PostingChecker {
 public:
  PostingChecker(const std::vector<uint32_t>& postings, const std::vector<IndexEntry>& entries,
                 const SectionReader& r)
      : postings_(postings), entries_(entries), r_(r), block_(postings.size(), 0) {}

  Status Blocks() {
    const uint32_t tag = Tag("POST");
    size_t i = 0;
    while (i < postings_.size()) {
      uint64_t n = postings_[i];
      if (n == 0 || n > postings_.size() - i - 1)
        return r_.Error(r_.ElementOffset(tag, i), "postings block of " + std::to_string(n) + " entries overruns the array");
      for (size_t k = i + 1; k <= i + n; ++k)
        if (postings_[k] >= entries_.size())
          return r_.Error(r_.ElementOffset(tag, k), "posting names entry " + std::to_string(postings_[k]) + " of " +
                                                        std::to_string(entries_.size()));
      block_[i] = 1;
      i += 1 + n;
    }
    return Status::Ok();
  }

  // A posting read from section `tag`, element `at`. `allow_empty`: ranges may cover nothing.
  Status Check(uint32_t posting, bool allow_empty, uint32_t tag, uint64_t at) const {
    if (posting == kEmpty) {
      if (allow_empty) return Status::Ok();
      return r_.Error(r_.ElementOffset(tag, at), "empty posting in an occupied slot");
    }
    if (!(posting & kListBit)) {
      if (posting >= entries_.size())
        return r_.Error(r_.ElementOffset(tag, at), "posting names entry " + std::to_string(posting) + " of " +
                                                       std::to_string(entries_.size()));
      return Status::Ok();
    }
    uint32_t b = posting & ~kListBit;
    if (b >= block_.size() || !block_[b])
      return r_.Error(r_.ElementOffset(tag, at), "posting list " + std::to_string(b) + " is not a block start");
    return Status::Ok();
  }

 private:
  const std::vector<uint32_t>& postings_;
  const std::vector<IndexEntry>& entries_;
  const SectionReader& r_;
  std::vector<uint8_t> block_;  // 1 at the start of each block
};

Status CheckTableShape(size_t slots, uint32_t tag, const SectionReader& r) {
  if (slots != 0 && (slots < 16 || (slots & (slots - 1)) != 0))
    return r.Error(r.PayloadOffset(tag) - 8, "hash table of " + std::to_string(slots) + " slots: not a power of two >= 16");
  return Status::Ok();
}

}  // namespace

// Index files hold these structs as raw bytes: any change to them, to Tables or to the section order
// below must bump kIndexFileVersion (index_file.h). The asserts make size changes loud; element
// sizes are also checked per section when a file is read.
static_assert(sizeof(IndexEntry) == 16 && sizeof(IndicatorIndex::Indicator) == 24);
static_assert(sizeof(FixedTable<uint32_t>::Slot) == 8 && sizeof(FixedTable<std::array<uint8_t, 16>>::Slot) == 20);
static_assert(sizeof(StringTable::Slot) == 16 && kStringTables == 14);

void IndexFileAccess::Write(const IndicatorIndex& index, SectionWriter& w) {
  const auto& t = *index.t_;
  std::vector<uint64_t> used(t.arena.chunk_count());
  for (size_t c = 0; c < used.size(); ++c) used[c] = t.arena.used(c);
  w.Vector(Tag("ARNA"), used);
  for (size_t c = 0; c < used.size(); ++c) w.Section(Tag("ACHK"), 1, t.arena.chunk(c), used[c]);
  w.Vector(Tag("POST"), t.postings);
  w.Vector(Tag("V4TB"), t.v4.slots);
  w.Vector(Tag("V6TB"), t.v6.slots);
  w.Vector(Tag("V4RS"), t.v4_ranges.starts);
  w.Vector(Tag("V4RP"), t.v4_ranges.postings);
  w.Vector(Tag("V6RS"), t.v6_ranges.starts);
  w.Vector(Tag("V6RP"), t.v6_ranges.postings);
  for (int s = 0; s < kStringTables; ++s) w.Vector(StringTableTag(s), t.strings[s].slots);
  w.Vector(Tag("ENTR"), index.entries_);
  w.Vector(Tag("INDI"), index.indicators_);
  w.Vector(Tag("FLAG"), index.flags_);
  w.Section(Tag("SRCS"), 8, index.sources_.data(), index.sources_.size());
  std::vector<uint64_t> misc = {index.rejected_, index.has_subnets_ ? 1u : 0u, index.has_zones_ ? 1u : 0u};
  w.Vector(Tag("MISC"), misc);
  std::vector<uint64_t> samples = {index.rejected_samples_.size()};
  w.Vector(Tag("RCNT"), samples);
  for (const auto& sample : index.rejected_samples_) w.Section(Tag("RSMP"), 1, sample.data(), sample.size());
}

Status IndexFileAccess::Read(SectionReader& r, std::unique_ptr<IndicatorIndex>& out) {
  std::unique_ptr<IndicatorIndex> index(new IndicatorIndex());
  auto& t = *index->t_;
  std::vector<uint64_t> used;
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("ARNA"), used, kMaxChunks));
  for (size_t c = 0; c < used.size(); ++c) {
    if (used[c] == 0 || used[c] > Arena::kMaxChunk)
      return r.Error(r.ElementOffset(Tag("ARNA"), c), "arena chunk of " + std::to_string(used[c]) + " bytes");
    uint64_t n = 0;
    ONUS_RETURN_IF_ERROR(r.Begin(Tag("ACHK"), 1, Arena::kMaxChunk, n));
    if (n != used[c]) return r.Error(r.offset() - 8, "arena chunk size differs from the arena table");
    ONUS_RETURN_IF_ERROR(r.Payload(t.arena.AddLoadedChunk(n), n));
  }
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("POST"), t.postings));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V4TB"), t.v4.slots));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V6TB"), t.v6.slots));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V4RS"), t.v4_ranges.starts));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V4RP"), t.v4_ranges.postings));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V6RS"), t.v6_ranges.starts));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("V6RP"), t.v6_ranges.postings));
  for (int s = 0; s < kStringTables; ++s) ONUS_RETURN_IF_ERROR(r.Vector(StringTableTag(s), t.strings[s].slots));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("ENTR"), index->entries_, kMaxEntries));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("INDI"), index->indicators_, 0xFFFFFFFFu));
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("FLAG"), index->flags_, 0xFFFFFFFFu));
  std::vector<uint32_t> sources;
  uint64_t n = 0;
  ONUS_RETURN_IF_ERROR(r.Begin(Tag("SRCS"), 8, 0xFFFFFFFFu, n));
  sources.resize(static_cast<size_t>(n) * 2);
  ONUS_RETURN_IF_ERROR(r.Payload(sources.data(), n * 8));
  index->sources_.resize(static_cast<size_t>(n));
  for (size_t i = 0; i < n; ++i) index->sources_[i] = {sources[2 * i], sources[2 * i + 1]};
  std::vector<uint64_t> misc;
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("MISC"), misc, 3));
  if (misc.size() != 3 || misc[1] > 1 || misc[2] > 1)
    return r.Error(r.PayloadOffset(Tag("MISC")), "malformed counters section");
  index->rejected_ = static_cast<size_t>(misc[0]);
  index->has_subnets_ = misc[1] != 0;
  index->has_zones_ = misc[2] != 0;
  std::vector<uint64_t> samples;
  ONUS_RETURN_IF_ERROR(r.Vector(Tag("RCNT"), samples, 1));
  if (samples.size() != 1 || samples[0] > kMaxSamples)
    return r.Error(r.PayloadOffset(Tag("RCNT")), "malformed rejected-sample count");
  index->rejected_samples_.resize(static_cast<size_t>(samples[0]));
  for (auto& sample : index->rejected_samples_) ONUS_RETURN_IF_ERROR(r.String(Tag("RSMP"), sample, kMaxSampleBytes));
  // The slot masks are derived, not stored.
  t.v4.mask = t.v4.slots.empty() ? 0 : t.v4.slots.size() - 1;
  t.v6.mask = t.v6.slots.empty() ? 0 : t.v6.slots.size() - 1;
  for (auto& st : t.strings) st.mask = st.slots.empty() ? 0 : st.slots.size() - 1;
  out = std::move(index);
  return Status::Ok();
}

Status IndexFileAccess::Validate(const IndicatorIndex& index, const SectionReader& r) {
  const auto& t = *index.t_;
  const Arena& arena = t.arena;
  // Arena: every chunk ends with a NUL, so text() (strlen) stops inside its chunk.
  for (size_t c = 0; c < arena.chunk_count(); ++c)
    if (arena.chunk(c)[arena.used(c) - 1] != '\0')
      return r.Error(r.PayloadOffset(Tag("ARNA")) + 8 * c, "arena chunk " + std::to_string(c) + " does not end with NUL");
  auto text_ok = [&](uint32_t off) { return arena.Valid(off); };

  const auto& entries = index.entries_;
  const size_t indicators = index.indicators_.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    const IndexEntry& e = entries[i];
    if (e.indicator >= indicators || !text_ok(e.value) || static_cast<int>(e.type) >= kValueTypeCount ||
        static_cast<int>(e.scope) > 2 || static_cast<int>(e.role) > 2 || e.is_subnet > 1)
      return r.Error(r.ElementOffset(Tag("ENTR"), i), "entry " + std::to_string(i) + " is out of range");
  }
  if (index.flags_.size() != indicators) return r.Error(r.PayloadOffset(Tag("FLAG")), "flags and indicators differ in count");
  for (size_t i = 0; i < indicators; ++i) {
    const auto& ind = index.indicators_[i];
    if (!text_ok(ind.id) || ind.source >= index.sources_.size())
      return r.Error(r.ElementOffset(Tag("INDI"), i), "indicator " + std::to_string(i) + " is out of range");
    if ((index.flags_[i] & 0x7f) > 101)
      return r.Error(r.ElementOffset(Tag("FLAG"), i), "confidence out of range");
  }
  for (size_t i = 0; i < index.sources_.size(); ++i)
    if (!text_ok(index.sources_[i].first) || !text_ok(index.sources_[i].second))
      return r.Error(r.ElementOffset(Tag("SRCS"), i), "source text outside the arena");

  PostingChecker postings(t.postings, entries, r);
  ONUS_RETURN_IF_ERROR(postings.Blocks());

  // Hash tables: power-of-two sizes with at least one empty slot (a probe always ends).
  auto fixed = [&](const auto& table, uint32_t tag) -> Status {
    ONUS_RETURN_IF_ERROR(CheckTableShape(table.slots.size(), tag, r));
    bool has_empty = table.slots.empty();
    for (size_t i = 0; i < table.slots.size(); ++i) {
      uint32_t p = table.slots[i].posting;
      if (p == kEmpty) {
        has_empty = true;
        continue;
      }
      ONUS_RETURN_IF_ERROR(postings.Check(p, false, tag, i));
    }
    if (!has_empty) return r.Error(r.PayloadOffset(tag), "hash table has no empty slot");
    return Status::Ok();
  };
  ONUS_RETURN_IF_ERROR(fixed(t.v4, Tag("V4TB")));
  ONUS_RETURN_IF_ERROR(fixed(t.v6, Tag("V6TB")));

  auto ranges = [&](const auto& table, uint32_t starts_tag, uint32_t postings_tag) -> Status {
    if (table.starts.size() != table.postings.size())
      return r.Error(r.PayloadOffset(postings_tag), "range starts and postings differ in count");
    for (size_t i = 0; i < table.starts.size(); ++i) {
      if (i > 0 && !(table.starts[i - 1] < table.starts[i]))
        return r.Error(r.ElementOffset(starts_tag, i), "range starts are not strictly ascending");
      ONUS_RETURN_IF_ERROR(postings.Check(table.postings[i], true, postings_tag, i));
    }
    return Status::Ok();
  };
  ONUS_RETURN_IF_ERROR(ranges(t.v4_ranges, Tag("V4RS"), Tag("V4RP")));
  ONUS_RETURN_IF_ERROR(ranges(t.v6_ranges, Tag("V6RS"), Tag("V6RP")));

  for (int s = 0; s < kStringTables; ++s) {
    const StringTable& table = t.strings[s];
    const uint32_t tag = StringTableTag(s);
    ONUS_RETURN_IF_ERROR(CheckTableShape(table.slots.size(), tag, r));
    if (!table.slots.empty() && s == static_cast<int>(ValueType::kAddr))
      return r.Error(r.PayloadOffset(tag), "address values in a string table");
    bool has_empty = table.slots.empty();
    for (size_t i = 0; i < table.slots.size(); ++i) {
      const StringTable::Slot& slot = table.slots[i];
      if (slot.posting == kEmpty) {
        has_empty = true;
        continue;
      }
      // Key: [u16 length][bytes]: the prefix inside the used bytes; the bytes can reach at most
      // 64 KiB past them, into the chunk's zeroed slack (see AddLoadedChunk), so the arena itself
      // is not read here (no cache miss per key).
      size_t c = slot.key >> Arena::kPosBits, pos = slot.key & (Arena::kMaxChunk - 1);
      bool ok = c < arena.chunk_count() && pos + 2 <= arena.used(c);
      if (!ok) return r.Error(r.ElementOffset(tag, i), "string key outside the arena");
      ONUS_RETURN_IF_ERROR(postings.Check(slot.posting, false, tag, i));
    }
    if (!has_empty) return r.Error(r.PayloadOffset(tag), "hash table has no empty slot");
  }
  return Status::Ok();
}

void IndexFileAccess::Finish(IndicatorIndex& index) {
  index.t_->v4_ranges.BuildDirectory();  // starts checked strictly ascending by Validate
  index.t_->BuildFilters();
  std::fill(std::begin(index.per_type_), std::end(index.per_type_), 0);
  for (const IndexEntry& e : index.entries_) ++index.per_type_[static_cast<int>(e.type)];
}

}  // namespace detail

}  // namespace onus::match

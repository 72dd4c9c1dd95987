#include "onus/pattern/pattern_set.h"

#include <algorithm>
#include <string_view>

#include "compiled_impl.h"
#include "unicode.h"

namespace onus::pattern {
namespace {

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

struct PathIndex {
  std::vector<std::string> keys;  // plain key chain
  std::unordered_map<std::string, std::vector<uint32_t>, SvHash, SvEq> values;
};

}  // namespace

struct PatternSet::Impl {
  std::vector<std::shared_ptr<const CompiledPattern>> patterns;
  std::unordered_map<std::string, std::vector<PathIndex>, SvHash, SvEq> by_type;
  std::vector<uint32_t> scan;  // evaluated on every observation
  size_t indexed = 0;
  bool built = false;

  bool Indexable(const CompiledPattern& p) const {
    const Inspection& in = p.inspection();
    if (!in.is_equality_disjunction || in.equality_keys.empty()) return false;
    for (const auto& c : in.comparisons)
      if (c.path_has_index || c.path_has_reference) return false;
    for (const auto& k : in.equality_keys)
      if (k.literal->kind != LiteralKind::kString) return false;
    return true;
  }

  void Index(uint32_t id, const CompiledPattern& p) {
    for (const auto& c : p.impl().comparisons) {
      for (const auto& s : c.steps) {
        // "type"/"id" are synthesised from the object, not stored properties: scan those.
        if (s.key == "type" || s.key == "id") {
          scan.push_back(id);
          return;
        }
      }
    }
    for (const auto& c : p.impl().comparisons) {
      auto& paths = by_type[std::string(c.type)];
      PathIndex* pi = nullptr;
      for (auto& x : paths)
        if (x.keys.size() == c.steps.size() &&
            std::equal(x.keys.begin(), x.keys.end(), c.steps.begin(), [](const std::string& a, const PathStep& b) { return a == b.key; }))
          pi = &x;
      if (!pi) {
        paths.emplace_back();
        pi = &paths.back();
        for (const auto& s : c.steps) pi->keys.push_back(s.key);
      }
      for (const auto& v : c.values) {
        auto& ids = pi->values[std::string(v.bytes)];
        if (ids.empty() || ids.back() != id) ids.push_back(id);
      }
    }
    ++indexed;
  }
};

PatternSet::PatternSet() : impl_(std::make_unique<Impl>()) {}
PatternSet::~PatternSet() = default;

Result<size_t> PatternSet::Add(std::shared_ptr<const CompiledPattern> pattern) {
  if (!pattern) return Status::InvalidArgument("null pattern");
  if (!pattern->inspection().single_observation)
    return Status::InvalidArgument("PatternSet holds single-observation patterns only (no AND/FOLLOWEDBY/qualifiers)");
  impl_->patterns.push_back(std::move(pattern));
  impl_->built = false;
  return impl_->patterns.size() - 1;
}

void PatternSet::Build() {
  impl_->by_type.clear();
  impl_->scan.clear();
  impl_->indexed = 0;
  for (size_t i = 0; i < impl_->patterns.size(); ++i) {
    const CompiledPattern& p = *impl_->patterns[i];
    if (impl_->Indexable(p)) {
      impl_->Index(static_cast<uint32_t>(i), p);
    } else {
      impl_->scan.push_back(static_cast<uint32_t>(i));
    }
  }
  impl_->built = true;
}

size_t PatternSet::size() const { return impl_->patterns.size(); }
size_t PatternSet::indexed() const { return impl_->indexed; }

Status PatternSet::MatchObservation(const Observation& obs, std::vector<size_t>& out) const {
  if (!impl_->built) return Status::Internal("PatternSet::Build() was not called");
  std::vector<uint32_t> cand;
  std::string latin;
  for (uint32_t r : obs.roots) {
    if (r >= obs.objects.size()) continue;
    const ScoObject& o = obs.objects[r];
    auto it = impl_->by_type.find(std::string_view(o.type));
    if (it == impl_->by_type.end()) continue;
    for (const PathIndex& pi : it->second) {
      const Value* v = o.Find(pi.keys[0]);
      for (size_t k = 1; v && k < pi.keys.size(); ++k) v = v->Find(pi.keys[k]);
      if (!v) continue;
      const std::vector<uint32_t>* ids = nullptr;
      if (v->kind() == Value::Kind::kString) {
        auto f = pi.values.find(std::string_view(v->str()));
        if (f != pi.values.end()) ids = &f->second;
      } else if (v->kind() == Value::Kind::kBinary) {
        latin = detail::Latin1ToUtf8(v->str());
        auto f = pi.values.find(std::string_view(latin));
        if (f != pi.values.end()) ids = &f->second;
      }
      if (ids) cand.insert(cand.end(), ids->begin(), ids->end());
    }
  }
  std::sort(cand.begin(), cand.end());
  cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
  size_t before = out.size();
  for (uint32_t id : cand) {
    ONUS_ASSIGN_OR_RETURN(bool m, impl_->patterns[id]->MatchesObservation(obs));
    if (m) out.push_back(id);
  }
  for (uint32_t id : impl_->scan) {
    ONUS_ASSIGN_OR_RETURN(bool m, impl_->patterns[id]->MatchesObservation(obs));
    if (m) out.push_back(id);
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
  return Status::Ok();
}

Result<std::vector<std::pair<size_t, size_t>>> PatternSet::MatchAll(std::span<const Observation> observations) const {
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<size_t> ids;
  for (size_t i = 0; i < observations.size(); ++i) {
    ids.clear();
    ONUS_RETURN_IF_ERROR(MatchObservation(observations[i], ids));
    for (size_t id : ids) pairs.emplace_back(id, i);
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace onus::pattern

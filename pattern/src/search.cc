// The binding search: depth-first, continuation-passing, with
//   - pruning by WITHIN windows and FOLLOWEDBY bounds as soon as each observation is chosen
//     (both constraints only tighten as observations are added, so pruning early is exact);
//   - symmetry breaking for interchangeable operands (REPEATS copies, identical AND operands):
//     their first-bound observations must be non-decreasing, which keeps one representative of
//     every set of permuted bindings;
//   - an early "not enough observations" test and a step budget.
#include <algorithm>
#include <limits>

#include "compiled_impl.h"

namespace onus::pattern::detail {
namespace {

// A non-owning reference to a callable bool(Agg).
struct Agg {
  int64_t max_first = std::numeric_limits<int64_t>::min();
  int64_t min_last = std::numeric_limits<int64_t>::max();
};
Agg Merge(Agg a, Agg b) { return {std::max(a.max_first, b.max_first), std::min(a.min_last, b.min_last)}; }

class Cont {
 public:
  template <typename F>
  Cont(F& f) : obj_(&f), call_([](void* o, const Agg& a) { return (*static_cast<F*>(o))(a); }) {}  // NOLINT
  bool operator()(const Agg& a) const { return call_(obj_, a); }

 private:
  void* obj_;
  bool (*call_)(void*, const Agg&);
};

struct Frame {
  bool within = true;  // else: lower bound on last_observed (FOLLOWEDBY)
  bool active = true;
  int64_t limit = 0;   // within: ns; bound: the minimum last_observed
  Agg agg;
};

struct Pending {
  uint32_t floor = 0;
  uint32_t* out = nullptr;
};

class Search {
 public:
  Search(const CompiledImpl& c, const SearchInput& in, uint64_t max_steps) : c_(c), in_(in), max_steps_(max_steps) {
    used_.assign(in.obs.size(), 0);
  }

  bool Run() {
    auto done = [&](const Agg&) {
      if (in_.must_use >= 0 && used_[static_cast<size_t>(in_.must_use)] == 0) return false;
      result_ = stack_;
      return true;
    };
    return Bind(0, Cont(done));
  }

  bool aborted() const { return aborted_; }
  uint64_t steps() const { return steps_; }
  std::vector<SlotBinding>& result() { return result_; }

 private:
  bool Bind(int n, Cont k) {
    const SearchNode& node = c_.nodes[static_cast<size_t>(n)];
    using K = ObservationExpr::Kind;
    switch (node.kind) {
      case K::kSimple: return BindSimple(node, k);
      case K::kOr:
        for (int ch : node.children) {
          if (Bind(ch, k)) return true;
          if (aborted_) return false;
        }
        return false;
      case K::kAnd: return BindAnd(node, 0, Agg{}, 0, k);
      case K::kRepeats: return BindRepeat(node, 0, Agg{}, 0, k);
      case K::kFollowedBy: return BindFollowedBy(node, 0, Agg{}, k);
      case K::kWithin: {
        frames_.push_back(Frame{true, true, node.within_ns, Agg{}});
        size_t fi = frames_.size() - 1;
        auto k2 = [&](const Agg& a) {
          frames_[fi].active = false;
          bool r = k(a);
          frames_[fi].active = true;
          return r;
        };
        bool r = Bind(node.children[0], Cont(k2));
        frames_.pop_back();
        return r;
      }
      case K::kStartStop: return Bind(node.children[0], k);
    }
    return false;
  }

  bool BindSimple(const SearchNode& node, Cont k) {
    if (node.window_empty) return false;
    const auto& cands = in_.candidates[static_cast<size_t>(node.leaf)];
    uint32_t floor = 0;
    for (const auto& p : pending_) floor = std::max(floor, p.floor);
    auto it = std::lower_bound(cands.begin(), cands.end(), floor);
    for (; it != cands.end(); ++it) {
      uint32_t o = *it;
      if (++steps_ > max_steps_) {
        aborted_ = true;
        return false;
      }
      const SearchObs& ob = in_.obs[o];
      if (used_[o] >= ob.count) continue;
      if (node.windowed && !(ob.first < node.win_stop.nanos() && ob.last >= node.win_start.nanos())) continue;
      bool ok = true;
      for (const Frame& f : frames_) {
        if (!f.active) continue;
        if (f.within) {
          int64_t mf = std::max(f.agg.max_first, ob.first), ml = std::min(f.agg.min_last, ob.last);
          if (mf - ml > f.limit) {
            ok = false;
            break;
          }
        } else if (ob.last < f.limit) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      // Apply.
      size_t undo_mark = undo_.size();
      for (Frame& f : frames_) {
        if (!f.active || !f.within) continue;
        undo_.push_back(f.agg);
        f.agg.max_first = std::max(f.agg.max_first, ob.first);
        f.agg.min_last = std::min(f.agg.min_last, ob.last);
      }
      ++used_[o];
      std::vector<Pending> saved;
      saved.swap(pending_);
      for (const auto& p : saved) *p.out = o;
      stack_.push_back({static_cast<size_t>(node.slot), copy_, o});
      bool r = k(Agg{ob.first, ob.last});
      stack_.pop_back();
      pending_.swap(saved);
      --used_[o];
      size_t u = undo_mark;
      for (Frame& f : frames_) {
        if (!f.active || !f.within) continue;
        f.agg = undo_[u++];
      }
      undo_.resize(undo_mark);
      if (r) return true;
      if (aborted_) return false;
    }
    return false;
  }

  bool BindAnd(const SearchNode& node, size_t i, Agg acc, uint32_t prev_key, Cont k) {
    if (i == node.children.size()) return k(acc);
    uint32_t key = 0;
    bool symmetric = i > 0 && node.same_as_prev[i];
    auto k2 = [&](const Agg& a) { return BindAnd(node, i + 1, Merge(acc, a), key, k); };
    pending_.push_back({symmetric ? prev_key : 0u, &key});
    bool r = Bind(node.children[i], Cont(k2));
    RemovePending(&key);
    return r;
  }

  bool BindRepeat(const SearchNode& node, int64_t i, Agg acc, uint32_t prev_key, Cont k) {
    if (i == node.repeats) return k(acc);
    uint32_t key = 0;
    size_t outer_copy = copy_;
    auto k2 = [&](const Agg& a) {
      size_t inner = copy_;
      copy_ = outer_copy;
      bool r = BindRepeat(node, i + 1, Merge(acc, a), key, k);
      copy_ = inner;
      return r;
    };
    pending_.push_back({i > 0 ? prev_key : 0u, &key});
    copy_ = static_cast<size_t>(i);
    bool r = Bind(node.children[0], Cont(k2));
    copy_ = outer_copy;
    RemovePending(&key);
    return r;
  }

  bool BindFollowedBy(const SearchNode& node, size_t i, Agg acc, Cont k) {
    if (i == node.children.size()) return k(acc);
    size_t fi = 0;
    if (i > 0) {
      frames_.push_back(Frame{false, true, acc.max_first, Agg{}});
      fi = frames_.size() - 1;
    }
    auto k2 = [&](const Agg& a) {
      if (i > 0) frames_[fi].active = false;
      bool r = BindFollowedBy(node, i + 1, Merge(acc, a), k);
      if (i > 0) frames_[fi].active = true;
      return r;
    };
    bool r = Bind(node.children[i], Cont(k2));
    if (i > 0) frames_.pop_back();
    return r;
  }

  void RemovePending(uint32_t* key) {
    // The entry is consumed by the first leaf bound under the child; if the child failed
    // before binding any leaf it is still here.
    for (size_t j = 0; j < pending_.size(); ++j) {
      if (pending_[j].out == key) {
        pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(j));
        return;
      }
    }
  }

  const CompiledImpl& c_;
  const SearchInput& in_;
  uint64_t max_steps_;
  uint64_t steps_ = 0;
  bool aborted_ = false;
  std::vector<int64_t> used_;
  std::vector<Frame> frames_;
  std::vector<Agg> undo_;
  std::vector<Pending> pending_;
  std::vector<SlotBinding> stack_;
  std::vector<SlotBinding> result_;
  size_t copy_ = 0;
};

}  // namespace

Result<SearchOutput> RunSearch(const CompiledImpl& c, const SearchInput& in, uint64_t max_steps) {
  SearchOutput out;
  // Not enough observations for the smallest possible binding: no search needed.
  int64_t units = 0;
  for (const auto& o : in.obs) units += o.count;
  if (c.nodes[0].min_units > units) return out;
  for (size_t l = 0; l < c.leaves.size(); ++l) (void)l;
  Search s(c, in, max_steps);
  out.matched = s.Run();
  out.steps = s.steps();
  if (s.aborted())
    return Status::ResourceExhausted("pattern search gave up after " + std::to_string(max_steps) +
                                     " steps (MatchOptions::max_search_steps); the pattern has too many ways to bind");
  if (out.matched) out.bindings = std::move(s.result());
  return out;
}

}  // namespace onus::pattern::detail

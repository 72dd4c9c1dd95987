#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "compiled_impl.h"
#include "literal_util.h"
#include "parse_into.h"
#include "onus/pattern/checker.h"
#include "unicode.h"

namespace onus::pattern {
namespace detail {
namespace {

int64_t SatAdd(int64_t a, int64_t b) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
  return (a > kMax - b) ? kMax : a + b;
}
int64_t SatMul(int64_t a, int64_t b) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
  if (a == 0 || b == 0) return 0;
  return (a > kMax / b) ? kMax : a * b;
}

// ---------------------------------------------------------------------------------------------
// Value comparisons (README "Spec decisions": comparison semantics).

constexpr int kIncomparable = 2;

bool StringAsLatin1(const std::string& s, std::string* out) { return Utf8ToLatin1(s, out); }

int Cmp3(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }
int CmpBytes(std::string_view a, std::string_view b) { return Cmp3(a.compare(b)); }

// -1/0/1, or kIncomparable. Sets *err for a malformed JSON timestamp.
int Compare(const Value& v, const CompiledLiteral& l, Status* err) {
  switch (l.kind) {
    case LiteralKind::kInt:
      if (v.kind() == Value::Kind::kInt) return v.int_value() < l.i ? -1 : v.int_value() > l.i ? 1 : 0;
      if (v.kind() == Value::Kind::kFloat) {
        double d = static_cast<double>(l.i);
        return v.float_value() < d ? -1 : v.float_value() > d ? 1 : v.float_value() == d ? 0 : kIncomparable;
      }
      return kIncomparable;
    case LiteralKind::kFloat: {
      double x;
      if (v.kind() == Value::Kind::kInt) {
        x = static_cast<double>(v.int_value());
      } else if (v.kind() == Value::Kind::kFloat) {
        x = v.float_value();
      } else {
        return kIncomparable;
      }
      return x < l.f ? -1 : x > l.f ? 1 : x == l.f ? 0 : kIncomparable;
    }
    case LiteralKind::kString:
      if (v.kind() == Value::Kind::kString) return CmpBytes(v.str(), l.bytes);
      if (v.kind() == Value::Kind::kBinary) return l.latin1_ok ? CmpBytes(v.str(), l.latin1()) : kIncomparable;
      return kIncomparable;
    case LiteralKind::kBinary:
      if (v.kind() == Value::Kind::kBinary) return CmpBytes(v.str(), l.bytes);
      if (v.kind() == Value::Kind::kString) {
        std::string b;
        if (!StringAsLatin1(v.str(), &b)) return kIncomparable;
        return CmpBytes(b, l.bytes);
      }
      return kIncomparable;
    case LiteralKind::kBool:
      if (v.kind() == Value::Kind::kBool) return v.bool_value() == l.b ? 0 : kIncomparable;
      return kIncomparable;
    case LiteralKind::kTimestamp: {
      if (v.kind() != Value::Kind::kString) return kIncomparable;
      auto t = ParseStixTime(v.str());
      if (!t.ok()) {
        *err = Status::InvalidArgument("a timestamp comparison met a malformed timestamp in the data ('" + v.str() +
                                       "'): " + t.status().message());
        return kIncomparable;
      }
      return *t < l.ts ? -1 : *t > l.ts ? 1 : 0;
    }
  }
  return kIncomparable;
}

bool LikeMatch(const std::u32string& text, const std::u32string& pat) {
  // '%' any run, '_' one code point; iterative with one backtrack point (linear-ish).
  size_t t = 0, p = 0, star_p = std::u32string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pat.size() && (pat[p] == U'_' || pat[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pat.size() && pat[p] == U'%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::u32string::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == U'%') ++p;
  return p == pat.size();
}

struct MatchData {
  pcre2_match_data* md = nullptr;
  MatchData() : md(pcre2_match_data_create(1, nullptr)) {}
  ~MatchData() { pcre2_match_data_free(md); }
};

// 1 match, 0 no match; sets *err on a limit or UTF error.
int RegexSearch(const pcre2_code* re, const pcre2_match_context* ctx, const std::string& subject, Status* err) {
  thread_local MatchData data;
  int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, data.md,
                       const_cast<pcre2_match_context*>(ctx));
  if (rc >= 0) return 1;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
    *err = Status::ResourceExhausted("MATCHES gave up: the regular expression exceeded its match limit");
    return 0;
  }
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(rc, buf, sizeof buf);
  *err = Status::InvalidArgument(std::string("MATCHES failed: ") + reinterpret_cast<const char*>(buf));
  return 0;
}

bool Predicate(const CompiledComparison& c, const Value& v, Status* err) {
  switch (c.op) {
    case CompareOp::kEq: return Compare(v, c.values[0], err) == 0;
    case CompareOp::kNe: return Compare(v, c.values[0], err) != 0;
    case CompareOp::kLt: {
      int r = Compare(v, c.values[0], err);
      return r != kIncomparable && r < 0;
    }
    case CompareOp::kLe: {
      int r = Compare(v, c.values[0], err);
      return r != kIncomparable && r <= 0;
    }
    case CompareOp::kGt: {
      int r = Compare(v, c.values[0], err);
      return r != kIncomparable && r > 0;
    }
    case CompareOp::kGe: {
      int r = Compare(v, c.values[0], err);
      return r != kIncomparable && r >= 0;
    }
    case CompareOp::kIn:
      if (c.string_set) {
        if (v.kind() == Value::Kind::kString) return c.strings.count(v.str()) > 0;
        if (v.kind() == Value::Kind::kBinary) return c.strings_latin1.count(v.str()) > 0;
        return false;
      }
      for (const auto& l : c.values) {
        if (Compare(v, l, err) == 0) return true;
        if (!err->ok()) return false;
      }
      return false;
    case CompareOp::kLike: {
      if (v.kind() == Value::Kind::kString) return LikeMatch(DecodeUtf8(NfcUtf8(v.str())), c.like);
      if (v.kind() == Value::Kind::kBinary) return LikeMatch(DecodeUtf8(Latin1ToUtf8(v.str())), c.like);
      return false;
    }
    case CompareOp::kMatches: {
      if (v.kind() == Value::Kind::kString) {
        if (IsAscii(v.str())) return RegexSearch(c.re_utf.get(), c.match_ctx.get(), v.str(), err) == 1;
        return RegexSearch(c.re_utf.get(), c.match_ctx.get(), NfcUtf8(v.str()), err) == 1;
      }
      if (v.kind() == Value::Kind::kBinary && c.re_bytes)
        return RegexSearch(c.re_bytes.get(), c.match_ctx.get(), v.str(), err) == 1;
      return false;
    }
    case CompareOp::kIsSubset:
    case CompareOp::kIsSuperset: {
      if (v.kind() != Value::Kind::kString) return false;
      auto net = ParseIpOrCidr(v.str());
      if (!net.ok()) return false;
      if (net->is_v4() != c.net.is_v4()) return false;
      return c.op == CompareOp::kIsSubset ? c.net.Contains(*net) : net->Contains(c.net);
    }
    case CompareOp::kExists: return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Object paths: walk from a root object through dicts, lists and references.

const Value& ObjectAsValue() {
  static const Value kObject = Value::MakeDict();
  return kObject;
}

class PathWalker {
 public:
  PathWalker(const Observation& obs, const CompiledComparison& c, Status* err) : obs_(obs), c_(c), err_(err) {}

  // Calls fn(value) for every value the path selects; stops when fn returns true.
  template <typename F>
  bool FromObject(const ScoObject& o, size_t step, F& fn) {
    if (step == c_.steps.size()) return fn(ObjectAsValue());
    const PathStep& s = c_.steps[step];
    if (s.kind != PathStep::Kind::kKey) return false;
    if (s.key == "type") {
      Value t = Value::String(o.type);
      return step + 1 == c_.steps.size() ? fn(t) : false;
    }
    if (s.key == "id" && !o.properties.Find("id")) {
      Value t = Value::String(o.id);
      return step + 1 == c_.steps.size() ? fn(t) : false;
    }
    const Value* v = o.Find(s.key);
    if (!v) return false;
    return AfterKey(*v, step, fn);
  }

  template <typename F>
  bool FromValue(const Value& v, size_t step, F& fn) {
    if (step == c_.steps.size()) return fn(v);
    const PathStep& s = c_.steps[step];
    switch (s.kind) {
      case PathStep::Kind::kKey: {
        const Value* child = v.Find(s.key);
        if (!child) return false;
        return AfterKey(*child, step, fn);
      }
      case PathStep::Kind::kIndex: {
        if (v.kind() != Value::Kind::kList) return false;
        const auto& l = v.list();
        if (s.index < 0 || static_cast<size_t>(s.index) >= l.size()) return false;
        return Element(l[static_cast<size_t>(s.index)], step, fn);
      }
      case PathStep::Kind::kAnyIndex: {
        if (v.kind() != Value::Kind::kList) return false;
        for (const Value& e : v.list())
          if (Element(e, step, fn)) return true;
        return false;
      }
    }
    return false;
  }

 private:
  // After stepping into key `step`: resolve *_ref now; *_refs resolve element-wise at the next
  // index step (or, if the path ends here, the list of objects is the value).
  template <typename F>
  bool AfterKey(const Value& v, size_t step, F& fn) {
    if (c_.ref_kind[step] == 1) {
      if (v.kind() != Value::Kind::kString) return false;
      const ScoObject* o = obs_.FindObject(v.str());
      if (!o) return false;
      return FromObject(*o, step + 1, fn);
    }
    if (c_.ref_kind[step] == 2) {
      if (v.kind() != Value::Kind::kList) return false;
      if (step + 1 == c_.steps.size()) return fn(ObjectAsValue());  // a list of objects
      refs_step_ = step + 1;
    }
    return FromValue(v, step + 1, fn);
  }

  template <typename F>
  bool Element(const Value& e, size_t index_step, F& fn) {
    if (refs_step_ == index_step) {
      if (e.kind() != Value::Kind::kString) return false;
      const ScoObject* o = obs_.FindObject(e.str());
      if (!o) return false;
      size_t saved = refs_step_;
      bool r = FromObject(*o, index_step + 1, fn);
      refs_step_ = saved;
      return r;
    }
    return FromValue(e, index_step + 1, fn);
  }

  const Observation& obs_;
  const CompiledComparison& c_;
  [[maybe_unused]] Status* err_;
  size_t refs_step_ = static_cast<size_t>(-1);
};

// Does root object `o` satisfy comparison `c`? NOT negates the whole comparison over the values
// the path selects (and needs at least one value: a missing property never matches).
bool EvalComparison(const CompiledComparison& c, const Observation& obs, const ScoObject& o, Status* err) {
  if (o.type != c.type) return false;
  bool found = false, any = false;
  PathWalker w(obs, c, err);
  auto fn = [&](const Value& v) {
    found = true;
    if (c.op == CompareOp::kExists) return true;
    if (Predicate(c, v, err)) any = true;
    return any || !err->ok();
  };
  w.FromObject(o, 0, fn);
  if (c.op == CompareOp::kExists) return found;
  return c.negated ? (found && !any) : any;
}

bool EvalNode(const CompiledImpl& impl, const Leaf& leaf, int n, const Observation& obs, const ScoObject& o,
              Status* err) {
  const CmpNode& node = leaf.nodes[static_cast<size_t>(n)];
  switch (node.kind) {
    case ComparisonExpr::Kind::kComparison:
      return EvalComparison(impl.comparisons[static_cast<size_t>(node.comparison)], obs, o, err);
    case ComparisonExpr::Kind::kAnd:
      for (int ch : node.children) {
        if (!EvalNode(impl, leaf, ch, obs, o, err)) return false;
        if (!err->ok()) return false;
      }
      return true;
    case ComparisonExpr::Kind::kOr:
      for (int ch : node.children) {
        if (EvalNode(impl, leaf, ch, obs, o, err)) return true;
        if (!err->ok()) return false;
      }
      return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Compilation.

class Compiler {
 public:
  Compiler(CompiledImpl& out) : out_(out) {}

  Status Run() {
    // Identical [ … ] share a leaf; with one [ … ] there is nothing to share.
    dedup_ = out_.inspection.observation_expressions > 1;
    ONUS_ASSIGN_OR_RETURN(int root, Obs(out_.pattern.root, Window{}));
    const SearchNode& rootn = out_.nodes[static_cast<size_t>(root)];  // root == 0 (pre-order)
    if (rootn.max_units > out_.options.max_binding_observations)
      return Status::ResourceExhausted("a binding of this pattern can need " + std::to_string(rootn.max_units) +
                                       " observations; the limit is " +
                                       std::to_string(out_.options.max_binding_observations) +
                                       " (CompileOptions::max_binding_observations)");
    if (rootn.kind == ObservationExpr::Kind::kWithin) out_.root_within_ns = rootn.within_ns;
    return Status::Ok();
  }

 private:
  struct Window {
    bool set = false;
    bool empty = false;
    Timestamp start, stop;
  };

  // Nodes are numbered in pre-order: a node's index is taken before its children's, so the
  // root is node 0.
  Result<int> Obs(const ObservationExpr& e, Window w) {
    using K = ObservationExpr::Kind;
    const size_t self = out_.nodes.size();
    out_.nodes.emplace_back();
    SearchNode s;
    s.kind = e.kind;
    switch (e.kind) {
      case K::kSimple: {
        ONUS_ASSIGN_OR_RETURN(s.leaf, LeafFor(e.comparison));
        s.slot = static_cast<int>(out_.slots++);
        s.windowed = w.set;
        s.window_empty = w.empty;
        s.win_start = w.start;
        s.win_stop = w.stop;
        s.min_units = s.max_units = 1;
        break;
      }
      case K::kAnd:
      case K::kOr:
      case K::kFollowedBy: {
        std::string prev;
        for (size_t i = 0; i < e.children.size(); ++i) {
          ONUS_ASSIGN_OR_RETURN(int c, Obs(e.children[i], w));
          s.children.push_back(c);
          std::string text = e.kind == K::kAnd ? ToString(e.children[i]) : std::string();
          s.same_as_prev.push_back(e.kind == K::kAnd && i > 0 && text == prev);
          prev = std::move(text);
        }
        const auto& first = out_.nodes[static_cast<size_t>(s.children[0])];
        s.min_units = e.kind == K::kOr ? first.min_units : 0;
        s.max_units = 0;
        for (int c : s.children) {
          const auto& cn = out_.nodes[static_cast<size_t>(c)];
          if (e.kind == K::kOr) {
            s.min_units = std::min(s.min_units, cn.min_units);
            s.max_units = std::max(s.max_units, cn.max_units);
          } else {
            s.min_units = SatAdd(s.min_units, cn.min_units);
            s.max_units = SatAdd(s.max_units, cn.max_units);
          }
        }
        break;
      }
      case K::kWithin:
      case K::kRepeats:
      case K::kStartStop: {
        Window inner = w;
        if (e.kind == K::kStartStop) {
          auto a = ParseStixTimestamp(e.start.text);
          auto b = ParseStixTimestamp(e.stop.text);
          if (!a.ok()) return a.status();
          if (!b.ok()) return b.status();
          if (!(*a < *b)) inner.empty = true;
          if (!inner.set) {
            inner.set = true;
            inner.start = *a;
            inner.stop = *b;
          } else {
            inner.start = std::max(inner.start, *a);
            inner.stop = std::min(inner.stop, *b);
          }
        }
        ONUS_ASSIGN_OR_RETURN(int c, Obs(e.children[0], inner));
        s.children.push_back(c);
        const auto& cn = out_.nodes[static_cast<size_t>(c)];
        s.min_units = cn.min_units;
        s.max_units = cn.max_units;
        if (e.kind == K::kWithin) {
          double ns = std::ceil(e.within_seconds * 1e9 - 1e-3);
          s.within_ns = ns > 9e18 ? std::numeric_limits<int64_t>::max() / 4 : static_cast<int64_t>(ns);
        } else if (e.kind == K::kRepeats) {
          s.repeats = e.repeats;
          s.min_units = SatMul(cn.min_units, e.repeats);
          s.max_units = SatMul(cn.max_units, e.repeats);
        }
        break;
      }
    }
    out_.nodes[self] = std::move(s);
    return static_cast<int>(self);
  }

  Result<int> LeafFor(const ComparisonExpr& e) {
    std::string key;
    if (dedup_) {
      key = ToString(e);
      auto it = leaf_ids_.find(key);
      if (it != leaf_ids_.end()) return it->second;
    }
    Leaf leaf;
    leaf.nodes.emplace_back();
    ONUS_RETURN_IF_ERROR(CmpTree(e, leaf, 0));
    std::sort(leaf.types.begin(), leaf.types.end());
    leaf.types.erase(std::unique(leaf.types.begin(), leaf.types.end()), leaf.types.end());
    out_.leaves.push_back(std::move(leaf));
    int id = static_cast<int>(out_.leaves.size() - 1);
    if (dedup_) leaf_ids_.emplace(std::move(key), id);
    return id;
  }

  Status CmpTree(const ComparisonExpr& e, Leaf& leaf, size_t at) {
    leaf.nodes[at].kind = e.kind;
    if (e.kind == ComparisonExpr::Kind::kComparison) {
      ONUS_ASSIGN_OR_RETURN(int c, CompileComparison(e.comparison));
      leaf.nodes[at].comparison = c;
      leaf.types.push_back(e.comparison.path.object_type);
      return Status::Ok();
    }
    for (const auto& child : e.children) {
      leaf.nodes.emplace_back();
      size_t idx = leaf.nodes.size() - 1;
      leaf.nodes[at].children.push_back(static_cast<int>(idx));
      ONUS_RETURN_IF_ERROR(CmpTree(child, leaf, idx));
    }
    return Status::Ok();
  }

  Result<CompiledLiteral> Lit(const Literal& l) {
    CompiledLiteral c;
    c.kind = l.kind;
    switch (l.kind) {
      case LiteralKind::kInt: c.i = l.int_value; break;
      case LiteralKind::kFloat: c.f = l.float_value; break;
      case LiteralKind::kBool: c.b = l.bool_value; break;
      case LiteralKind::kString:
        c.bytes = l.text;
        c.latin1_ok = IsAscii(l.text) || Utf8ToLatin1(l.text, &c.latin1_owned);
        break;
      case LiteralKind::kBinary: c.bytes = l.text; break;
      case LiteralKind::kTimestamp: {
        ONUS_ASSIGN_OR_RETURN(c.ts, ParseStixTime(l.text));
        break;
      }
    }
    return c;
  }

  Result<int> CompileComparison(const Comparison& cmp) {
    CompiledComparison c;
    c.type = cmp.path.object_type;
    c.steps = cmp.path.steps;
    c.ref_kind.reserve(c.steps.size());
    c.values.reserve(cmp.values.size());
    for (const auto& s : c.steps) {
      uint8_t k = 0;
      if (s.kind == PathStep::Kind::kKey) {
        if (s.key.ends_with("_refs")) {
          k = 2;
        } else if (s.key.ends_with("_ref")) {
          k = 1;
        }
      }
      c.ref_kind.push_back(k);
    }
    c.op = cmp.op;
    c.negated = cmp.negated;
    for (const auto& l : cmp.values) {
      ONUS_ASSIGN_OR_RETURN(CompiledLiteral cl, Lit(l));
      c.values.push_back(std::move(cl));
    }
    if (c.op == CompareOp::kIn && !c.values.empty()) {
      bool all_strings = true;
      for (const auto& v : c.values) all_strings = all_strings && v.kind == LiteralKind::kString;
      if (all_strings && c.values.size() > 4) {
        c.string_set = true;
        for (const auto& v : c.values) {
          c.strings.emplace(v.bytes);
          if (v.latin1_ok) c.strings_latin1.emplace(v.latin1());
        }
      }
    }
    if (c.op == CompareOp::kLike) c.like = DecodeUtf8(NfcUtf8(c.values[0].bytes));
    if (c.op == CompareOp::kMatches) {
      std::string re = NfcUtf8(c.values[0].bytes);
      int code = 0;
      PCRE2_SIZE where = 0;
      c.re_utf.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(re.data()), re.size(), PCRE2_UTF, &code, &where, nullptr));
      if (!c.re_utf) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        return Status::InvalidArgument("invalid regular expression: " + std::string(reinterpret_cast<const char*>(buf)));
      }
      std::string latin1;
      if (Utf8ToLatin1(re, &latin1))
        c.re_bytes.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(latin1.data()), latin1.size(), 0, &code, &where, nullptr));
      c.match_ctx.reset(pcre2_match_context_create(nullptr));
      pcre2_set_match_limit(c.match_ctx.get(), out_.options.regex_match_limit);
      pcre2_set_depth_limit(c.match_ctx.get(), out_.options.regex_depth_limit);
    }
    if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      ONUS_ASSIGN_OR_RETURN(c.net, ParseIpOrCidr(c.values[0].bytes));
    }
    out_.comparisons.push_back(std::move(c));
    return static_cast<int>(out_.comparisons.size() - 1);
  }

  CompiledImpl& out_;
  bool dedup_ = true;
  std::unordered_map<std::string, int> leaf_ids_;
};

}  // namespace

Result<bool> CompiledImpl::EvalLeaf(size_t leaf_index, const Observation& obs) const {
  const Leaf& leaf = leaves[leaf_index];
  Status err;
  for (uint32_t r : obs.roots) {
    if (r >= obs.objects.size()) continue;
    const ScoObject& o = obs.objects[r];
    bool type_ok = false;
    for (const auto& t : leaf.types) {
      if (t == o.type) {
        type_ok = true;
        break;
      }
    }
    if (!type_ok) continue;
    bool m = EvalNode(*this, leaf, 0, obs, o, &err);
    if (!err.ok()) return err;
    if (m) return true;
  }
  return false;
}

}  // namespace detail

CompiledPattern::~CompiledPattern() = default;

namespace {
// Checks and compiles the pattern already in `impl`.
Status CompileInPlace(detail::CompiledImpl& impl) {
  ONUS_RETURN_IF_ERROR(CheckPattern(impl.pattern).FirstError(/*include_validator_rules=*/false));
  impl.inspection = Inspect(impl.pattern);
  detail::Compiler compiler(impl);
  return compiler.Run();
}
}  // namespace

Result<std::shared_ptr<const CompiledPattern>> CompiledPattern::Compile(Pattern pattern, const CompileOptions& options) {
  std::shared_ptr<CompiledPattern> cp(new CompiledPattern());
  cp->impl_ = std::make_unique<detail::CompiledImpl>();
  cp->impl_->pattern = std::move(pattern);
  cp->impl_->options = options;
  ONUS_RETURN_IF_ERROR(CompileInPlace(*cp->impl_));
  return std::shared_ptr<const CompiledPattern>(std::move(cp));
}

Result<std::shared_ptr<const CompiledPattern>> CompiledPattern::Compile(std::string_view text, const ParseOptions& parse,
                                                                        const CompileOptions& options) {
  std::shared_ptr<CompiledPattern> cp(new CompiledPattern());
  cp->impl_ = std::make_unique<detail::CompiledImpl>();
  ONUS_RETURN_IF_ERROR(detail::ParsePatternInto(text, parse, cp->impl_->pattern));
  cp->impl_->options = options;
  ONUS_RETURN_IF_ERROR(CompileInPlace(*cp->impl_));
  return std::shared_ptr<const CompiledPattern>(std::move(cp));
}

const Pattern& CompiledPattern::pattern() const { return impl_->pattern; }
const Inspection& CompiledPattern::inspection() const { return impl_->inspection; }
size_t CompiledPattern::leaf_count() const { return impl_->leaves.size(); }
size_t CompiledPattern::slot_count() const { return impl_->slots; }

Result<bool> CompiledPattern::EvaluateLeaf(size_t leaf, const Observation& obs) const {
  if (leaf >= impl_->leaves.size()) return Status::InvalidArgument("leaf index out of range");
  return impl_->EvalLeaf(leaf, obs);
}

Result<bool> CompiledPattern::MatchesObservation(const Observation& obs) const {
  if (!impl_->inspection.single_observation)
    return Status::InvalidArgument("MatchesObservation needs a single-observation pattern; use Match()");
  for (size_t i = 0; i < impl_->leaves.size(); ++i) {
    ONUS_ASSIGN_OR_RETURN(bool m, impl_->EvalLeaf(i, obs));
    if (m) return true;
  }
  return false;
}

Result<MatchResult> Match(const CompiledPattern& pattern, std::span<const Observation> observations,
                          const MatchOptions& options) {
  const detail::CompiledImpl& impl = pattern.impl();
  detail::SearchInput in;
  in.obs.reserve(observations.size());
  in.candidates.resize(impl.leaves.size());
  for (size_t i = 0; i < observations.size(); ++i) {
    const Observation& o = observations[i];
    if (o.number_observed < 1) return Status::InvalidArgument("observation " + std::to_string(i) + " has number_observed < 1");
    in.obs.push_back({o.first_observed.nanos(), o.last_observed.nanos(), o.number_observed});
    for (size_t l = 0; l < impl.leaves.size(); ++l) {
      auto m = impl.EvalLeaf(l, o);
      if (!m.ok()) return m.status().WithContext("observation " + std::to_string(i) + (o.id.empty() ? "" : " (" + o.id + ")"));
      if (*m) in.candidates[l].push_back(static_cast<uint32_t>(i));
    }
  }
  ONUS_ASSIGN_OR_RETURN(detail::SearchOutput out, detail::RunSearch(impl, in, options.max_search_steps));
  MatchResult r;
  r.matched = out.matched;
  r.search_steps = out.steps;
  r.bindings = std::move(out.bindings);
  for (const auto& b : r.bindings) r.observations.push_back(b.observation);
  std::sort(r.observations.begin(), r.observations.end());
  r.observations.erase(std::unique(r.observations.begin(), r.observations.end()), r.observations.end());
  return r;
}

}  // namespace onus::pattern

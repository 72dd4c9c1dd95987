#include "json_skeleton.h"

#include <cstring>

namespace onus::intel::detail {

namespace {

struct Frame {
  int32_t node = -1;
  int32_t last_child = -1;
  int64_t count = 0;    // array elements seen
  bool expect_key = false;    // in an object: the next string is a key
  bool expect_value = false;  // the next token starts a value (array element or member value)
  std::string_view pending_key;
};

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

JsonSkeleton JsonSkeleton::Build(std::string_view text, int max_depth) {
  JsonSkeleton sk;
  std::vector<Frame> stack;
  const char* s = text.data();
  const size_t n = text.size();
  size_t i = 0;
  bool done = false;
  auto add_node = [&](char kind) -> bool {
    Node nd;
    nd.begin = i;
    nd.kind = kind;
    if (!stack.empty()) {
      Frame& f = stack.back();
      nd.parent = f.node;
      if (sk.nodes_[static_cast<size_t>(f.node)].kind == '[') {
        nd.index = f.count++;
      } else {
        nd.key = f.pending_key;
      }
      f.expect_value = false;
      int32_t id = static_cast<int32_t>(sk.nodes_.size());
      if (f.last_child < 0) {
        sk.nodes_[static_cast<size_t>(f.node)].first_child = id;
      } else {
        sk.nodes_[static_cast<size_t>(f.last_child)].next_sibling = id;
      }
      f.last_child = id;
    } else if (!sk.nodes_.empty()) {
      return false;  // a second top-level value
    }
    if (static_cast<int>(stack.size()) >= max_depth) return false;
    sk.nodes_.push_back(nd);
    Frame f;
    f.node = static_cast<int32_t>(sk.nodes_.size() - 1);
    f.expect_key = kind == '{';
    f.expect_value = kind == '[';
    stack.push_back(f);
    return true;
  };
  while (i < n) {
    char c = s[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    switch (c) {
      case '"': {
        size_t j = i + 1;
        for (;;) {
          const void* q = j < n ? std::memchr(s + j, '"', n - j) : nullptr;
          if (!q) return sk;  // unterminated string
          size_t pos = static_cast<size_t>(static_cast<const char*>(q) - s);
          size_t bs = 0;
          while (pos - bs > i + 1 && s[pos - bs - 1] == '\\') ++bs;
          if (bs % 2 == 0) {
            j = pos;
            break;
          }
          j = pos + 1;
        }
        if (!stack.empty()) {
          Frame& f = stack.back();
          if (f.expect_key) {
            f.pending_key = std::string_view(s + i + 1, j - i - 1);
            f.expect_key = false;
          } else if (f.expect_value) {
            if (sk.nodes_[static_cast<size_t>(f.node)].kind == '[') ++f.count;
            f.expect_value = false;
          }
        }
        i = j + 1;
        break;
      }
      case '{':
      case '[':
        if (done || !add_node(c)) return sk;
        ++i;
        break;
      case '}':
      case ']': {
        if (stack.empty()) return sk;
        Node& nd = sk.nodes_[static_cast<size_t>(stack.back().node)];
        if ((c == '}') != (nd.kind == '{')) return sk;
        nd.end = i + 1;
        stack.pop_back();
        if (stack.empty()) done = true;
        ++i;
        break;
      }
      case ':':
        if (!stack.empty()) stack.back().expect_value = true;
        ++i;
        break;
      case ',':
        if (!stack.empty()) {
          Frame& f = stack.back();
          if (sk.nodes_[static_cast<size_t>(f.node)].kind == '{') {
            f.expect_key = true;
          } else {
            f.expect_value = true;
          }
        }
        ++i;
        break;
      default: {
        // A scalar (number, true, false, null): skip it.
        if (!stack.empty()) {
          Frame& f = stack.back();
          if (f.expect_value && sk.nodes_[static_cast<size_t>(f.node)].kind == '[') ++f.count;
          f.expect_value = false;
        }
        while (i < n && !IsSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ':') ++i;
        break;
      }
    }
  }
  sk.ok_ = done && stack.empty();
  return sk;
}

int32_t JsonSkeleton::Child(int32_t parent, std::string_view key) const {
  if (parent < 0 || static_cast<size_t>(parent) >= nodes_.size()) return -1;
  for (int32_t c = nodes_[static_cast<size_t>(parent)].first_child; c >= 0; c = nodes_[static_cast<size_t>(c)].next_sibling)
    if (nodes_[static_cast<size_t>(c)].key == key && nodes_[static_cast<size_t>(c)].index < 0) return c;
  return -1;
}

int32_t JsonSkeleton::Element(int32_t array, int64_t index) const {
  if (array < 0 || static_cast<size_t>(array) >= nodes_.size()) return -1;
  for (int32_t c = nodes_[static_cast<size_t>(array)].first_child; c >= 0; c = nodes_[static_cast<size_t>(c)].next_sibling)
    if (nodes_[static_cast<size_t>(c)].index == index) return c;
  return -1;
}

uint64_t JsonSkeleton::MemberOffset(std::string_view text, int32_t object, std::string_view key) const {
  constexpr uint64_t npos = std::string_view::npos;
  if (object < 0 || static_cast<size_t>(object) >= nodes_.size()) return npos;
  const Node& nd = nodes_[static_cast<size_t>(object)];
  if (nd.kind != '{' || nd.end > text.size() || nd.begin >= nd.end) return npos;
  int depth = 0;
  for (uint64_t i = nd.begin + 1; i + 1 < nd.end; ++i) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == '"') {
      const uint64_t open = i;
      for (++i; i < nd.end && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
      if (depth != 0 || i >= nd.end) continue;
      uint64_t j = i + 1;
      while (j < nd.end && IsSpace(text[j])) ++j;
      if (j < nd.end && text[j] == ':' && text.substr(open + 1, i - open - 1) == key) return open;
    }
  }
  return npos;
}

std::vector<int32_t> JsonSkeleton::Elements(int32_t array) const {
  std::vector<int32_t> out;
  if (array < 0 || static_cast<size_t>(array) >= nodes_.size()) return out;
  for (int32_t c = nodes_[static_cast<size_t>(array)].first_child; c >= 0; c = nodes_[static_cast<size_t>(c)].next_sibling) {
    int64_t idx = nodes_[static_cast<size_t>(c)].index;
    if (idx < 0) continue;
    if (static_cast<size_t>(idx) >= out.size()) out.resize(static_cast<size_t>(idx) + 1, -1);
    out[static_cast<size_t>(idx)] = c;
  }
  return out;
}

}  // namespace onus::intel::detail

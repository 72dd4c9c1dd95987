// A structural index of a JSON text: the byte span of every object and array, its parent, the key
// it sits under and its index in a parent array. simdjson's DOM gives values but not positions;
// this gives the positions (for the provenance line of every STIX object or MISP attribute) and
// the raw text of each object, in one pass that skips string contents with memchr.
// Contract: built over text simdjson accepted, the node of element i of an array is the i-th
// array child; on unbalanced input ok() is false and callers fall back to "line unknown".
// Thread-safety: immutable after Build.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace onus::intel::detail {

class JsonSkeleton {
 public:
  struct Node {
    uint64_t begin = 0, end = 0;  // [begin, end) of the container text
    int32_t parent = -1;
    int32_t first_child = -1, next_sibling = -1;
    int64_t index = -1;  // position in the parent array (-1 under an object)
    std::string_view key;  // raw key under a parent object ("" under an array)
    char kind = '{';       // '{' or '['
  };

  // max_depth caps nesting (deeper input makes ok() false).
  static JsonSkeleton Build(std::string_view text, int max_depth = 1024);

  bool ok() const { return ok_; }
  int32_t root() const { return nodes_.empty() ? -1 : 0; }
  const Node& node(int32_t i) const { return nodes_[static_cast<size_t>(i)]; }
  size_t size() const { return nodes_.size(); }
  // The child container under `key` of an object node, or -1.
  int32_t Child(int32_t parent, std::string_view key) const;
  // The container element at array index `index`, or -1 (also when that element is a scalar).
  int32_t Element(int32_t array, int64_t index) const;
  // Container children of an array, indexed by array position (-1 for scalar positions).
  std::vector<int32_t> Elements(int32_t array) const;
  // Offset in `text` (the text the skeleton was built from) of the member `key` of an object node
  // — the opening quote of its key, compared raw — whatever its value's kind; npos when the object
  // has no such member (members of nested containers are not looked at).
  uint64_t MemberOffset(std::string_view text, int32_t object, std::string_view key) const;

 private:
  std::vector<Node> nodes_;
  bool ok_ = false;
};

}  // namespace onus::intel::detail

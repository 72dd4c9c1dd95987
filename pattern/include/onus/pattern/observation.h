// Observations as the evaluator sees them: STIX observed-data with its graph of SCOs.
// Other modules build these cheaply from their own records (no JSON needed):
//
//   Observation obs;
//   obs.first_observed = obs.last_observed = ts;
//   ScoObject& ip = obs.AddObject("ipv4-addr", "ipv4-addr--1");  // a root (in object_refs)
//   ip.Set("value", Value::String("198.51.100.7"));
//   ScoObject& nt = obs.AddObject("network-traffic", "nt-1");
//   nt.Set("dst_ref", Value::String("ipv4-addr--1"));             // a _ref: the id of an object
//
// Contract: values are JSON-like (null, bool, int, float, string, binary bytes, list, dict).
// Properties ending in _ref hold an object id and those ending in _refs a list of ids; they
// resolve against the ids of the objects of the same Observation. A reference that does not
// resolve selects nothing (it is not an error). Roots are the objects the observed-data lists
// (2.0: every entry of "objects"; 2.1: "object_refs"); only roots start a comparison, other
// objects are reached through references. Strings are UTF-8; binary values (from *_hex / *_bin
// JSON properties, or set by the caller) are raw bytes.
// Thread-safety: value types; a const Observation may be read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onus/core/result.h"
#include "onus/core/time.h"
#include "onus/pattern/ast.h"

namespace onus::pattern {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kFloat, kString, kBinary, kList, kDict };
  using List = std::vector<Value>;
  using Dict = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { Value v; v.kind_ = Kind::kBool; v.i_ = b; return v; }
  static Value Int(int64_t i) { Value v; v.kind_ = Kind::kInt; v.i_ = i; return v; }
  static Value Float(double f) { Value v; v.kind_ = Kind::kFloat; v.f_ = f; return v; }
  static Value String(std::string s) { Value v; v.kind_ = Kind::kString; v.s_ = std::move(s); return v; }
  static Value Binary(std::string bytes) { Value v; v.kind_ = Kind::kBinary; v.s_ = std::move(bytes); return v; }
  static Value MakeList(List items = {});
  static Value MakeDict(Dict entries = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool bool_value() const { return i_ != 0; }
  int64_t int_value() const { return i_; }
  double float_value() const { return f_; }
  // kString: UTF-8 text; kBinary: bytes.
  const std::string& str() const { return s_; }
  const List& list() const;  // empty for non-lists
  const Dict& dict() const;  // empty for non-dicts
  List& mutable_list();      // converts this value into a list if it is not one
  Dict& mutable_dict();      // converts this value into a dict if it is not one

  // Dict lookup (linear: SCO dicts are small). nullptr when absent or not a dict.
  const Value* Find(std::string_view key) const;
  // Sets (replaces) a key of a dict value.
  Value& Set(std::string key, Value v);

 private:
  Kind kind_ = Kind::kNull;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::shared_ptr<List> list_;  // shared on copy: observations are built once and read
  std::shared_ptr<Dict> dict_;
};

struct ScoObject {
  std::string id;    // 2.1: the SCO id; 2.0: the key in the "objects" map
  std::string type;  // "ipv4-addr", "file", …
  Value properties = Value::MakeDict();  // every property except "type" and "id"

  const Value* Find(std::string_view key) const { return properties.Find(key); }
  ScoObject& Set(std::string key, Value v) { properties.Set(std::move(key), std::move(v)); return *this; }
};

struct Observation {
  std::string id;  // observed-data id ("" when the source had none)
  Timestamp first_observed;
  Timestamp last_observed;
  int64_t number_observed = 1;
  std::vector<ScoObject> objects;  // every object reachable from the roots
  std::vector<uint32_t> roots;     // indices into objects
  // Provenance: where this observation came from ("file.json#3", a line number, …).
  std::string source;

  // Adds an object; as_root = true also lists it in roots. The reference stays valid until the
  // next AddObject.
  ScoObject& AddObject(std::string type, std::string id, bool as_root = true);
  // The object with this id, or nullptr.
  const ScoObject* FindObject(std::string_view id) const;
};

// Loads observed-data from JSON text: an array of observed-data objects and/or bundles, one
// observed-data object, or one bundle. 2.0 objects carry an "objects" map; 2.1 objects carry
// "object_refs" resolved against the SCOs of the enclosing bundle (or of the whole input). Both
// forms are accepted in either version. String properties whose name ends in "_hex" or "_bin"
// become binary values (hex / base64 decoded). `source` prefixes each observation's provenance.
// Errors: Corrupt with what and where (JSON syntax, a missing or malformed first_observed, a
// number_observed < 1, an object without "type").
Result<std::vector<Observation>> LoadObservedDataJson(std::string_view json, std::string_view source = "");

}  // namespace onus::pattern

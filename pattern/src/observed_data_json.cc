// JSON adapter: observed-data (2.0 "objects" map / 2.1 "object_refs" + bundle SCOs) to
// Observation. simdjson's DOM API reports errors as codes (no exceptions); depth is capped by
// the parser (1024 levels).
#include <simdjson.h>

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "onus/core/hash.h"
#include "onus/core/time.h"
#include "onus/pattern/observation.h"

namespace onus::pattern {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool DecodeHex(std::string_view s, std::string* out) {
  if (s.size() % 2) return false;
  auto v = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    int a = v(s[i]), b = v(s[i + 1]);
    if (a < 0 || b < 0) return false;
    out->push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

Value Convert(element e, std::string_view key) {
  switch (e.type()) {
    case element_type::NULL_VALUE: return Value::Null();
    case element_type::BOOL: {
      bool b = false;
      if (e.get_bool().get(b) != simdjson::SUCCESS) return Value::Null();
      return Value::Bool(b);
    }
    case element_type::INT64: {
      int64_t i = 0;
      if (e.get_int64().get(i) != simdjson::SUCCESS) return Value::Null();
      return Value::Int(i);
    }
    case element_type::UINT64: {
      uint64_t u = 0;
      if (e.get_uint64().get(u) != simdjson::SUCCESS) return Value::Null();
      return Value::Float(static_cast<double>(u));
    }
    case element_type::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d) != simdjson::SUCCESS) return Value::Null();
      return Value::Float(d);
    }
    case element_type::STRING: {
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) return Value::Null();
      // Properties named *_hex / *_bin hold binary data (STIX "hex" and "binary" types).
      if (key.ends_with("_hex")) {
        std::string bytes;
        if (DecodeHex(s, &bytes)) return Value::Binary(std::move(bytes));
      } else if (key.ends_with("_bin")) {
        auto bytes = Base64Decode(s);
        if (bytes.ok()) return Value::Binary(std::move(bytes).value());
      }
      return Value::String(std::string(s));
    }
    case element_type::ARRAY: {
      Value::List items;
      simdjson::dom::array arr;
      if (e.get_array().get(arr) == simdjson::SUCCESS)
        for (element x : arr) items.push_back(Convert(x, key));
      return Value::MakeList(std::move(items));
    }
    case element_type::OBJECT: {
      Value::Dict d;
      simdjson::dom::object obj;
      if (e.get_object().get(obj) == simdjson::SUCCESS)
        for (auto field : obj) d.emplace_back(std::string(field.key), Convert(field.value, field.key));
      return Value::MakeDict(std::move(d));
    }
  }
  return Value::Null();
}

Result<ScoObject> ConvertSco(element obj, std::string id, const std::string& where) {
  ScoObject o;
  o.id = std::move(id);
  std::string_view type;
  if (obj["type"].get_string().get(type) != simdjson::SUCCESS)
    return Status::Corrupt(where + ": object '" + o.id + "' has no string \"type\"");
  o.type = std::string(type);
  Value::Dict d;
  simdjson::dom::object fields;
  if (obj.get_object().get(fields) != simdjson::SUCCESS) return Status::Corrupt(where + ": object '" + o.id + "' is not a JSON object");
  for (auto field : fields) {
    if (field.key == "type") continue;
    d.emplace_back(std::string(field.key), Convert(field.value, field.key));
  }
  o.properties = Value::MakeDict(std::move(d));
  return o;
}

struct Loader {
  std::string source;
  std::vector<Observation> out;

  Status Time(element od, const char* field, Timestamp* t, const std::string& where) {
    std::string_view s;
    if (od[field].get_string().get(s) != simdjson::SUCCESS)
      return Status::Corrupt(where + ": observed-data has no string \"" + field + "\"");
    auto r = ParseRfc3339(s);
    if (!r.ok()) return Status::Corrupt(where + ": bad " + field + ": " + r.status().message());
    *t = *r;
    return Status::Ok();
  }

  Status ObservedData(element od, const std::unordered_map<std::string_view, element>& pool, const std::string& where) {
    Observation o;
    o.source = where;
    std::string_view id;
    if (od["id"].get_string().get(id) == simdjson::SUCCESS) o.id = std::string(id);
    ONUS_RETURN_IF_ERROR(Time(od, "first_observed", &o.first_observed, where));
    ONUS_RETURN_IF_ERROR(Time(od, "last_observed", &o.last_observed, where));
    if (o.last_observed < o.first_observed)
      return Status::Corrupt(where + ": last_observed is before first_observed");
    int64_t n = 1;
    element ne;
    if (od["number_observed"].get(ne) == simdjson::SUCCESS) {
      if (ne.get_int64().get(n) != simdjson::SUCCESS || n < 1)
        return Status::Corrupt(where + ": number_observed must be an integer >= 1");
    }
    o.number_observed = n;
    simdjson::dom::array refs;
    simdjson::dom::object objects;
    if (od["object_refs"].get_array().get(refs) == simdjson::SUCCESS) {
      // 2.1: roots are the referenced SCOs; other reachable SCOs come along for _ref lookups.
      std::vector<std::string> queue;
      std::unordered_set<std::string> seen;
      for (element r : refs) {
        std::string_view rid;
        if (r.get_string().get(rid) != simdjson::SUCCESS) return Status::Corrupt(where + ": object_refs holds a non-string");
        if (seen.insert(std::string(rid)).second) queue.emplace_back(rid);
      }
      size_t roots = queue.size();
      for (size_t i = 0; i < queue.size(); ++i) {
        auto it = pool.find(std::string_view(queue[i]));
        if (it == pool.end()) continue;  // unresolved reference: nothing to match
        ONUS_ASSIGN_OR_RETURN(ScoObject sco, ConvertSco(it->second, queue[i], where));
        CollectRefs(sco.properties, "", queue, seen);
        o.objects.push_back(std::move(sco));
        if (i < roots) o.roots.push_back(static_cast<uint32_t>(o.objects.size() - 1));
      }
    } else if (od["objects"].get_object().get(objects) == simdjson::SUCCESS) {
      for (auto field : objects) {
        if (field.value.type() != element_type::OBJECT) return Status::Corrupt(where + ": objects['" + std::string(field.key) + "'] is not an object");
        ONUS_ASSIGN_OR_RETURN(ScoObject sco, ConvertSco(field.value, std::string(field.key), where));
        o.objects.push_back(std::move(sco));
        o.roots.push_back(static_cast<uint32_t>(o.objects.size() - 1));
      }
    } else {
      return Status::Corrupt(where + ": observed-data has neither \"objects\" nor \"object_refs\"");
    }
    out.push_back(std::move(o));
    return Status::Ok();
  }

  // Adds ids named by *_ref / *_refs properties (at any depth) to the queue.
  static void CollectRefs(const Value& v, std::string_view key, std::vector<std::string>& queue,
                          std::unordered_set<std::string>& seen) {
    if (v.kind() == Value::Kind::kDict) {
      for (const auto& [k, x] : v.dict()) CollectRefs(x, k, queue, seen);
    } else if (v.kind() == Value::Kind::kList) {
      for (const auto& x : v.list()) CollectRefs(x, key, queue, seen);
    } else if (v.kind() == Value::Kind::kString && (key.ends_with("_ref") || key.ends_with("_refs"))) {
      if (seen.insert(v.str()).second) queue.push_back(v.str());
    }
  }

  // observed-data, or an older container (STIX 2.0 drafts: "cybox-container") that carries
  // first_observed and objects/object_refs: the reference matcher does not look at the type.
  static bool IsObservation(element e, std::string_view type) {
    if (type == "observed-data") return true;
    element x;
    return e["first_observed"].get(x) == simdjson::SUCCESS &&
           (e["objects"].get(x) == simdjson::SUCCESS || e["object_refs"].get(x) == simdjson::SUCCESS);
  }

  Status Item(element e, const std::string& where) {
    std::string_view type;
    if (e.type() != element_type::OBJECT || e["type"].get_string().get(type) != simdjson::SUCCESS)
      return Status::Corrupt(where + ": expected an observed-data object or a bundle");
    if (type == "bundle") {
      simdjson::dom::array objs;
      if (e["objects"].get_array().get(objs) != simdjson::SUCCESS) return Status::Corrupt(where + ": bundle has no \"objects\" array");
      std::unordered_map<std::string_view, element> pool;
      for (element x : objs) {
        std::string_view id;
        if (x.type() == element_type::OBJECT && x["id"].get_string().get(id) == simdjson::SUCCESS) pool.emplace(id, x);
      }
      size_t k = 0;
      for (element x : objs) {
        std::string_view t;
        if (x.type() == element_type::OBJECT && x["type"].get_string().get(t) == simdjson::SUCCESS && IsObservation(x, t))
          ONUS_RETURN_IF_ERROR(ObservedData(x, pool, where + "/objects[" + std::to_string(k) + "]"));
        ++k;
      }
      return Status::Ok();
    }
    if (IsObservation(e, type)) return ObservedData(e, global_pool, where);
    return Status::Ok();  // other SDOs/SCOs at top level: SCOs feed the pool, others are ignored
  }

  std::unordered_map<std::string_view, element> global_pool;
};

}  // namespace

Result<std::vector<Observation>> LoadObservedDataJson(std::string_view json, std::string_view source) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
    return Status::Corrupt(std::string(source.empty() ? "observed-data" : source) + ": invalid JSON: " +
                           simdjson::error_message(err));
  Loader l;
  l.source = std::string(source);
  std::string base = source.empty() ? "input" : std::string(source);
  simdjson::dom::array top;
  if (doc.get_array().get(top) == simdjson::SUCCESS) {
    // Top-level SCOs (2.1 without a bundle) resolve object_refs too.
    for (element x : top) {
      std::string_view id;
      if (x.type() == element_type::OBJECT && x["id"].get_string().get(id) == simdjson::SUCCESS) l.global_pool.emplace(id, x);
    }
    size_t i = 0;
    for (element x : top) {
      ONUS_RETURN_IF_ERROR(l.Item(x, base + "[" + std::to_string(i) + "]"));
      ++i;
    }
  } else {
    ONUS_RETURN_IF_ERROR(l.Item(doc, base));
  }
  return std::move(l.out);
}

}  // namespace onus::pattern

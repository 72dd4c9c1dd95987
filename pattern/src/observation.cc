#include "onus/pattern/observation.h"

namespace onus::pattern {
namespace {
const Value::List kEmptyList;
const Value::Dict kEmptyDict;
}  // namespace

Value Value::MakeList(List items) {
  Value v;
  v.kind_ = Kind::kList;
  v.list_ = std::make_shared<List>(std::move(items));
  return v;
}

Value Value::MakeDict(Dict entries) {
  Value v;
  v.kind_ = Kind::kDict;
  v.dict_ = std::make_shared<Dict>(std::move(entries));
  return v;
}

const Value::List& Value::list() const { return kind_ == Kind::kList && list_ ? *list_ : kEmptyList; }
const Value::Dict& Value::dict() const { return kind_ == Kind::kDict && dict_ ? *dict_ : kEmptyDict; }

Value::List& Value::mutable_list() {
  if (kind_ != Kind::kList || !list_) *this = MakeList();
  if (list_.use_count() > 1) list_ = std::make_shared<List>(*list_);
  return *list_;
}

Value::Dict& Value::mutable_dict() {
  if (kind_ != Kind::kDict || !dict_) *this = MakeDict();
  if (dict_.use_count() > 1) dict_ = std::make_shared<Dict>(*dict_);
  return *dict_;
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kDict || !dict_) return nullptr;
  for (const auto& [k, v] : *dict_)
    if (k == key) return &v;
  return nullptr;
}

Value& Value::Set(std::string key, Value v) {
  Dict& d = mutable_dict();
  for (auto& [k, old] : d) {
    if (k == key) {
      old = std::move(v);
      return old;
    }
  }
  d.emplace_back(std::move(key), std::move(v));
  return d.back().second;
}

ScoObject& Observation::AddObject(std::string type, std::string id, bool as_root) {
  ScoObject o;
  o.type = std::move(type);
  o.id = std::move(id);
  objects.push_back(std::move(o));
  if (as_root) roots.push_back(static_cast<uint32_t>(objects.size() - 1));
  return objects.back();
}

const ScoObject* Observation::FindObject(std::string_view id) const {
  for (const auto& o : objects)
    if (o.id == id) return &o;
  return nullptr;
}

}  // namespace onus::pattern

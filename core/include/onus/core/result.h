// Result<T>: a value or the Status that explains why there is none.
// Contract: value() on an error Result is a bug (asserts); check ok() first or use the macros.
// Thread-safety: a value type; as safe as T.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "onus/core/status.h"

namespace onus {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                       // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const& { return ok() ? std::get<T>(v_) : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace onus

// Evaluates `expr` (a Result<T>); on error returns its Status, else moves the value into `lhs`
// (which may be a declaration such as `auto x`).
#define ONUS_ASSIGN_OR_RETURN(lhs, expr) \
  ONUS_ASSIGN_OR_RETURN_IMPL(ONUS_STATUS_CONCAT(onus_result_, __LINE__), lhs, expr)
#define ONUS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

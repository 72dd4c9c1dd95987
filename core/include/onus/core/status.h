// Status: the outcome of an operation that can fail recoverably.
// Contract: ok() costs one comparison; a non-OK Status carries a code and a one-line message that
// names what failed (file, offset, field) so the CLI can print it as is.
// Thread-safety: a Status is a value; distinct objects may be used from distinct threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace onus {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is malformed (bad pattern, bad flag value)
  kNotFound,          // a named file, record or object does not exist
  kCorrupt,           // stored or read data fails its own format's rules
  kUnsupported,       // well-formed but not something onus handles (unknown format)
  kIoError,           // the operating system refused (open, read, write)
  kResourceExhausted, // a configured cap was reached (depth, size, time)
  kAlreadyExists,     // an insert collided with an existing record
  kInternal,          // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Corrupt(std::string msg) { return {StatusCode::kCorrupt, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  // "<code name>: <message>", or "OK".
  std::string ToString() const;
  // Returns a copy whose message is "<context>: <message>" (no-op when OK).
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;  // null when OK: the OK path allocates nothing
};

}  // namespace onus

#define ONUS_STATUS_CONCAT_INNER(a, b) a##b
#define ONUS_STATUS_CONCAT(a, b) ONUS_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define ONUS_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::onus::Status onus_status_tmp_ = (expr);      \
    if (!onus_status_tmp_.ok()) return onus_status_tmp_; \
  } while (0)

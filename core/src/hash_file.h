// Core-internal: the one implementation of a file's SHA-256, used by Sha256File and FileDigests.
#pragma once

#include <functional>
#include <string>

#include "onus/core/result.h"

namespace onus::detail {

// SHA-256 of a file as stored; `stop` is polled between 1 MiB blocks (true = abandon, `stopped`
// set, the result meaningless). A regular file is hashed straight from a read-only mapping (no copy
// into a buffer; hashed pages are handed back, so resident size does not grow with the file);
// anything else is read with stdio. Errors name the path.
Result<std::string> Sha256FileUntil(const std::string& path, const std::function<bool()>& stop, bool& stopped);

}  // namespace onus::detail

// FileDigests: the SHA-256 of a list of files, computed in order on a thread of its own, so that a
// command can hash its inputs while it does other work (loading intelligence, decoding the previous
// input) instead of reading each file twice in a row on one thread.
//
// Contract: Get(path) returns exactly what Sha256File(path) would (the digest of the file as stored,
// or its I/O error); it blocks until that file's digest is known. A path not in the list is hashed on
// the caller's thread. TryGet(path) never blocks on the thread: the same result once it is known,
// nullopt while that file is still being hashed (a path not in the list: as Get). The destructor
// stops the thread after at most one more read block.
// Thread-safety: Get may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "onus/core/result.h"

namespace onus {

class FileDigests {
 public:
  explicit FileDigests(std::vector<std::string> paths);  // starts hashing at once
  ~FileDigests();
  FileDigests(const FileDigests&) = delete;
  FileDigests& operator=(const FileDigests&) = delete;

  Result<std::string> Get(const std::string& path);
  std::optional<Result<std::string>> TryGet(const std::string& path);

 private:
  void Run();

  std::vector<std::string> paths_;
  std::vector<std::optional<Result<std::string>>> digests_;  // guarded by mu_
  std::mutex mu_;
  std::condition_variable done_;
  bool stop_ = false;  // guarded by mu_
  std::thread worker_;
};

}  // namespace onus

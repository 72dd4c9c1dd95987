#include "onus/core/file_digests.h"

#include <functional>
#include <memory>

#include "hash_file.h"
#include "onus/core/hash.h"

namespace onus {

FileDigests::FileDigests(std::vector<std::string> paths) : paths_(std::move(paths)), digests_(paths_.size()) {
  if (!paths_.empty()) worker_ = std::thread([this] { Run(); });
}

FileDigests::~FileDigests() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

void FileDigests::Run() {
  auto stop = [this] {
    std::lock_guard lock(mu_);
    return stop_;
  };
  for (size_t i = 0; i < paths_.size(); ++i) {
    bool stopped = false;
    Result<std::string> digest = detail::Sha256FileUntil(paths_[i], stop, stopped);
    if (stopped) return;
    std::lock_guard lock(mu_);
    digests_[i] = std::move(digest);
    done_.notify_all();
    if (stop_) return;
  }
}

Result<std::string> FileDigests::Get(const std::string& path) {
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (paths_[i] != path) continue;
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return digests_[i].has_value(); });
    return *digests_[i];
  }
  return Sha256File(path);
}

std::optional<Result<std::string>> FileDigests::TryGet(const std::string& path) {
  for (size_t i = 0; i < paths_.size(); ++i) {
    if (paths_[i] != path) continue;
    std::lock_guard lock(mu_);
    return digests_[i];
  }
  return Sha256File(path);
}

}  // namespace onus

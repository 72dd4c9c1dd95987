#include "onus/core/file_digests.h"

#include <cstdio>
#include <memory>

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
  std::vector<char> buf(1 << 20);
  for (size_t i = 0; i < paths_.size(); ++i) {
    Result<std::string> digest = Status::Internal("stopped");
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(paths_[i].c_str(), "rb"), &std::fclose);
    if (!f) {
      digest = Status::IoError("cannot open '" + paths_[i] + "'");
    } else {
      Sha256Stream s;
      size_t n;
      bool stopped = false;
      while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
        s.Update(buf.data(), n);
        std::lock_guard lock(mu_);
        if (stop_) {
          stopped = true;
          break;
        }
      }
      if (stopped) return;
      if (std::ferror(f.get())) digest = Status::IoError("read error on '" + paths_[i] + "'");
      else digest = s.FinishHex();
    }
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

}  // namespace onus

#include "onus/core/file_digests.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
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

namespace {

// SHA-256 of one file; `stop` is polled between blocks (true = abandon). A regular file is hashed
// straight from a read-only mapping (no copy into a buffer); anything else is read with stdio.
Result<std::string> HashFile(const std::string& path, const std::function<bool()>& stop, bool& stopped) {
  constexpr size_t kBlock = 1 << 20;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open '" + path + "'");
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const size_t size = static_cast<size_t>(st.st_size);
    void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      ::close(fd);
      ::madvise(m, size, MADV_SEQUENTIAL);
      Sha256Stream s;
      const auto* p = static_cast<const unsigned char*>(m);
      for (size_t at = 0; at < size && !(stopped = stop()); at += kBlock) {
        const size_t n = std::min(kBlock, size - at);
        s.Update(p + at, n);
        // Hashed pages are handed back (they stay in the page cache): the process's resident
        // size does not grow with the file.
        ::madvise(const_cast<unsigned char*>(p) + at, n, MADV_DONTNEED);
      }
      ::munmap(m, size);
      return s.FinishHex();
    }
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(::fdopen(fd, "rb"), &std::fclose);
  if (!f) {
    ::close(fd);
    return Status::IoError("cannot open '" + path + "'");
  }
  std::vector<char> buf(kBlock);
  Sha256Stream s;
  size_t n;
  while (!(stopped = stop()) && (n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) s.Update(buf.data(), n);
  if (std::ferror(f.get())) return Status::IoError("read error on '" + path + "'");
  return s.FinishHex();
}

}  // namespace

void FileDigests::Run() {
  auto stop = [this] {
    std::lock_guard lock(mu_);
    return stop_;
  };
  for (size_t i = 0; i < paths_.size(); ++i) {
    bool stopped = false;
    Result<std::string> digest = HashFile(paths_[i], stop, stopped);
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

}  // namespace onus

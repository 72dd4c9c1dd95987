#include "decoders/pcap/file_mapping.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace onus::ingest::detail {

std::unique_ptr<FileMapping> FileMapping::Open(const std::string& path, uint64_t min_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) < min_size ||
      st.st_size == 0) {
    ::close(fd);
    return nullptr;
  }
  void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping keeps the file
  if (m == MAP_FAILED) return nullptr;
  ::madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
  return std::unique_ptr<FileMapping>(new FileMapping(static_cast<const uint8_t*>(m), static_cast<uint64_t>(st.st_size)));
}

FileMapping::~FileMapping() { ::munmap(const_cast<uint8_t*>(base_), size_); }

void FileMapping::ReleaseBefore(uint64_t pos) {
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t upto = pos / page * page;  // whole pages before the position only
  if (upto > released_) ::madvise(const_cast<uint8_t*>(base_) + released_, upto - released_, MADV_DONTNEED);
  released_ = upto;
}

}  // namespace onus::ingest::detail

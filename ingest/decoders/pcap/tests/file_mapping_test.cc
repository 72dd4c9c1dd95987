// FileMapping: what Open() refuses, and that Release() keeps the mapping's resident share to about
// one release step behind the reader (measured from /proc/self/smaps), rewinds included.
#include "decoders/pcap/file_mapping.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace onus::ingest::detail {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("onus-file-mapping-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

// Resident kB of the mapping that starts at `start`, from /proc/self/smaps; -1 when not found.
long ResidentKb(const uint8_t* start) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in = false;
  while (std::getline(smaps, line)) {
    unsigned long lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      in = lo == reinterpret_cast<uintptr_t>(start);
      continue;
    }
    if (in && line.rfind("Rss:", 0) == 0) return std::stol(line.substr(4));
  }
  return -1;
}

std::string WriteFile(const fs::path& p, size_t n) {
  std::vector<char> bytes(n);
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>(i * 131 + (i >> 12));
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(n));
  return p.string();
}

TEST(FileMapping, RefusesWhatCannotBeMappedWhole) {
  TempDir dir;
  EXPECT_EQ(FileMapping::Open((dir.path / "absent").string(), 1), nullptr);
  EXPECT_EQ(FileMapping::Open(dir.path.string(), 1), nullptr);  // a directory
  EXPECT_EQ(FileMapping::Open(WriteFile(dir.path / "empty", 0), 0), nullptr);
  const std::string short_file = WriteFile(dir.path / "short", 23);
  EXPECT_EQ(FileMapping::Open(short_file, 24), nullptr);
  auto m = FileMapping::Open(short_file, 23);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size(), 23u);
}

TEST(FileMapping, ReadingThroughKeepsAboutOneStepResident) {
  TempDir dir;
  constexpr size_t kSize = 4 * FileMapping::kReleaseStep;
  const std::string path = WriteFile(dir.path / "big", kSize);
  auto m = FileMapping::Open(path, 1);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->size(), kSize);
  const long page_kb = ::sysconf(_SC_PAGESIZE) / 1024;
  const long step_kb = static_cast<long>(FileMapping::kReleaseStep / 1024);
  uint64_t sum = 0, expected = 0;
  long most_resident = 0;
  for (int pass = 0; pass < 2; ++pass) {  // the second pass starts with a rewind
    for (size_t at = 0; at < kSize; at += 4096) {
      m->Release(at);
      sum += m->data()[at];
      expected += static_cast<uint8_t>(static_cast<char>(at * 131 + (at >> 12)));
      if (at % (FileMapping::kReleaseStep / 2) == 0) most_resident = std::max(most_resident, ResidentKb(m->data()));
    }
    const long resident = ResidentKb(m->data());
    ASSERT_GE(resident, 0) << "mapping not found in /proc/self/smaps";
    most_resident = std::max(most_resident, resident);
  }
  EXPECT_EQ(sum, expected);
  // Without releases the whole file (32 MiB) would be resident by the end of a pass; with them,
  // at most what lies between the last release and the reader (plus read-ahead around it).
  EXPECT_LE(most_resident, 2 * step_kb + 64 * page_kb);
}

}  // namespace
}  // namespace onus::ingest::detail

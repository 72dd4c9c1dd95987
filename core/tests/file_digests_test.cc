#include "onus/core/file_digests.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "onus/core/file.h"
#include "onus/core/hash.h"

namespace onus {
namespace {

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/onus_file_digests_" + name; }

TEST(FileDigests, SameAsSha256FileInAnyOrderOfAsking) {
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    paths.push_back(TempPath(std::to_string(i)));
    // Sizes across the 1 MiB read block: empty, small, exactly one block, more than two blocks.
    size_t sizes[] = {0, 3, 1 << 20, (2 << 20) + 17};
    std::string content(sizes[i], static_cast<char>('a' + i));
    ASSERT_TRUE(WriteFile(paths.back(), content).ok());
  }
  FileDigests digests(paths);
  for (int i = 3; i >= 0; --i) {  // asked out of order: each waits for its own file
    auto got = digests.Get(paths[i]);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, *Sha256File(paths[i]));
  }
  EXPECT_EQ(*digests.Get(paths[0]), Sha256Hex(""));  // asked again: the same answer
  for (const auto& p : paths) std::remove(p.c_str());
}

TEST(FileDigests, MissingFileIsTheErrorSha256FileGives) {
  std::string missing = TempPath("missing");
  std::string present = TempPath("present");
  ASSERT_TRUE(WriteFile(present, "abc").ok());
  FileDigests digests({missing, present});
  auto m = digests.Get(missing);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find(missing), std::string::npos);
  EXPECT_EQ(*digests.Get(present), Sha256Hex("abc"));  // the error does not stop the rest
  std::remove(present.c_str());
}

// The hashing thread is held at a FIFO listed first: the file after it is certainly not hashed yet,
// so TryGet answers nullopt (Get would wait); once the FIFO ends, both are known.
TEST(FileDigests, TryGetIsEmptyWhileTheFileIsPending) {
  std::string gate = TempPath("gate");
  std::string small = TempPath("pending_small");
  std::remove(gate.c_str());
  ASSERT_EQ(::mkfifo(gate.c_str(), 0600), 0);
  ASSERT_TRUE(WriteFile(small, "p").ok());
  {
    FileDigests digests({gate, small});
    EXPECT_FALSE(digests.TryGet(small).has_value());
    EXPECT_FALSE(digests.TryGet(gate).has_value());
    FILE* w = std::fopen(gate.c_str(), "wb");  // meets the hashing thread's open; EOF on close
    ASSERT_NE(w, nullptr);
    std::fputs("gate", w);
    std::fclose(w);
    EXPECT_EQ(*digests.Get(small), Sha256Hex("p"));
    auto g = digests.TryGet(gate);
    ASSERT_TRUE(g.has_value());
    EXPECT_EQ(**g, Sha256Hex("gate"));
  }
  std::remove(gate.c_str());
  std::remove(small.c_str());
}

TEST(FileDigests, TryGetGivesTheDigestOnceKnown) {
  std::string big = TempPath("try_big");
  std::string small = TempPath("try_small");
  ASSERT_TRUE(WriteFile(big, std::string(16 << 20, 'q')).ok());
  ASSERT_TRUE(WriteFile(small, "s").ok());
  FileDigests digests({big, small});
  std::optional<Result<std::string>> got;
  while (!(got = digests.TryGet(small))) std::this_thread::yield();  // hashed after big: polled, not waited
  ASSERT_TRUE(got->ok());
  EXPECT_EQ(**got, Sha256Hex("s"));
  auto big_now = digests.TryGet(big);  // hashed before small: known by now
  ASSERT_TRUE(big_now.has_value());
  EXPECT_EQ(**big_now, *Sha256File(big));
  std::remove(big.c_str());
  std::remove(small.c_str());
}

TEST(FileDigests, PathNotInTheListIsHashedByTheCaller) {
  std::string other = TempPath("other");
  ASSERT_TRUE(WriteFile(other, "xyz").ok());
  FileDigests digests({});
  EXPECT_EQ(*digests.Get(other), Sha256Hex("xyz"));
  auto tried = digests.TryGet(other);
  ASSERT_TRUE(tried.has_value());
  EXPECT_EQ(**tried, Sha256Hex("xyz"));
  std::remove(other.c_str());
}

TEST(FileDigests, ConcurrentCallersAndEarlyDestructionAreSafe) {
  std::string big = TempPath("big");
  ASSERT_TRUE(WriteFile(big, std::string(8 << 20, 'z')).ok());
  {
    FileDigests digests({big, big});
    std::string want = *Sha256File(big);
    std::vector<std::thread> callers;
    std::vector<std::string> got(4);
    for (int t = 0; t < 4; ++t) callers.emplace_back([&, t] { got[t] = *digests.Get(big); });
    for (auto& c : callers) c.join();
    for (const auto& g : got) EXPECT_EQ(g, want);
  }
  { FileDigests abandoned({big, big, big}); }  // destroyed mid-hash: stops, no hang
  std::remove(big.c_str());
}

}  // namespace
}  // namespace onus

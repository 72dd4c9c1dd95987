#include "onus/core/file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>

namespace onus {
namespace {

std::string Tmp(const char* name) { return ::testing::TempDir() + "/" + name; }

TEST(LineReader, CountsLinesAndStripsCr) {
  std::string p = Tmp("onus_lines.txt");
  ASSERT_TRUE(WriteFile(p, "a\r\nbb\n\nlast").ok());
  auto r = LineReader::Open(p);
  ASSERT_TRUE(r.ok());
  std::string_view line;
  std::vector<std::string> got;
  while ((*r)->Next(line)) got.emplace_back(line);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bb", "", "last"}));
  EXPECT_EQ((*r)->line_number(), 4u);
  EXPECT_TRUE((*r)->status().ok());
}

TEST(LineReader, ReadsGzipAndLongLines) {
  std::string p = Tmp("onus_lines.gz");
  gzFile g = gzopen(p.c_str(), "wb");
  std::string big(300000, 'x');
  gzprintf(g, "first\n");
  gzwrite(g, big.data(), static_cast<unsigned>(big.size()));
  gzprintf(g, "\nthird\n");
  gzclose(g);
  auto r = LineReader::Open(p, 1000);
  ASSERT_TRUE(r.ok());
  std::string_view line;
  ASSERT_TRUE((*r)->Next(line));
  EXPECT_EQ(line, "first");
  ASSERT_TRUE((*r)->Next(line));
  EXPECT_EQ(line.size(), 1000u);
  EXPECT_TRUE((*r)->last_line_truncated());
  ASSERT_TRUE((*r)->Next(line));
  EXPECT_EQ(line, "third");
  EXPECT_EQ((*r)->line_number(), 3u);
  EXPECT_FALSE((*r)->Next(line));
  auto whole = ReadFile(p);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->size(), 6 + big.size() + 7);
}

TEST(LineReader, TruncatedGzipReportsError) {
  std::string p = Tmp("onus_trunc.gz");
  gzFile g = gzopen(p.c_str(), "wb");
  for (int i = 0; i < 20000; ++i) gzprintf(g, "line %d with some text to compress\n", i * 7919);
  gzclose(g);
  auto all = FileSize(p);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(truncate(p.c_str(), static_cast<off_t>(*all / 2)), 0);
  auto r = LineReader::Open(p);
  ASSERT_TRUE(r.ok());
  std::string_view line;
  uint64_t n = 0;
  while ((*r)->Next(line)) ++n;
  EXPECT_GT(n, 0u);
  EXPECT_LT(n, 20000u);
  EXPECT_FALSE((*r)->status().ok());
  EXPECT_NE((*r)->status().message().find("onus_trunc.gz"), std::string::npos);
}

TEST(File, MissingFileNamesPath) {
  auto r = ReadFile("/nonexistent/onus.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/onus.txt"), std::string::npos);
  EXPECT_FALSE(LineReader::Open("/nonexistent/x").ok());
}

}  // namespace
}  // namespace onus

#include "onus/core/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace onus {
namespace {

std::string Capture(ProgressReporter::Options opt) {
  FILE* f = tmpfile();
  {
    ProgressReporter p(f, opt, 1000);
    for (uint64_t i = 1; i <= 10; ++i) p.Update(i, i * 100);
    p.Finish();
  }
  rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

TEST(Progress, NotATtyPrintsOnlySummary) {
  std::string out = Capture({});
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("records: 10 records, 1.0 kB"), std::string::npos) << out;
}

TEST(Progress, QuietPrintsNothing) {
  ProgressReporter::Options o;
  o.quiet = true;
  EXPECT_EQ(Capture(o), "");
}

TEST(Progress, TtyDrawsBarWithEta) {
  ProgressReporter::Options o;
  o.force_tty = true;
  std::string out = Capture(o);
  EXPECT_NE(out.find("ETA"), std::string::npos) << out;
  EXPECT_NE(out.find("100%"), std::string::npos) << out;
}

TEST(Progress, HumanBytes) {
  EXPECT_EQ(HumanBytes(999), "999 B");
  EXPECT_EQ(HumanBytes(1500000), "1.5 MB");
}

}  // namespace
}  // namespace onus

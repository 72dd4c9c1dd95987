// A writer killed with SIGKILL mid-ingest leaves the case consistent (whole batches only), and a
// re-run completes it without duplicates; a further re-run changes nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "onus/store/case_store.h"

namespace onus::store {
namespace {

pid_t Spawn(const std::string& db, const char* n, const char* batch, const char* sleep_ms) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(ONUS_KILL_WRITER, ONUS_KILL_WRITER, db.c_str(), n, batch, sleep_ms, static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int64_t Sightings(const std::string& db) {
  auto s = CaseStore::Open(db);
  EXPECT_TRUE(s.ok());
  auto c = (*s)->Count("sightings");
  return c.ok() ? *c : -1;
}

TEST(StoreKill, KilledWriterLeavesWholeBatchesAndRerunCompletes) {
  std::string db = ::testing::TempDir() + "/onus_kill_" + std::to_string(getpid()) + ".db";
  std::remove(db.c_str());
  { ASSERT_TRUE(CaseStore::Open(db).ok()); }  // create the schema before the race
  pid_t pid = Spawn(db, "5000", "100", "20");
  ASSERT_GT(pid, 0);
  // Wait until a few batches are committed, then kill without warning.
  int64_t seen = 0;
  for (int i = 0; i < 500 && seen < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    seen = Sightings(db);
  }
  ASSERT_GE(seen, 300) << "writer made no progress";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  int64_t after_kill = Sightings(db);
  EXPECT_LT(after_kill, 5000);
  EXPECT_EQ(after_kill % 100, 0) << "a partial batch was committed";
  {
    auto s = CaseStore::Open(db);
    ASSERT_TRUE(s.ok());
    auto inputs = (*s)->ListInputs();
    ASSERT_TRUE(inputs.ok());
    ASSERT_EQ(inputs->size(), 1u);
    EXPECT_EQ((*inputs)[0].state, "ingesting");
  }

  // Re-run to completion: exactly N rows, input complete.
  pid = Spawn(db, "5000", "100", "0");
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(Sightings(db), 5000);
  // And again: idempotent.
  pid = Spawn(db, "5000", "100", "0");
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(Sightings(db), 5000);
  auto s = CaseStore::Open(db);
  ASSERT_TRUE(s.ok());
  auto inputs = (*s)->ListInputs();
  ASSERT_TRUE(inputs.ok());
  EXPECT_EQ((*inputs)[0].state, "complete");
  EXPECT_EQ((*inputs)[0].records, 5000);
  std::remove(db.c_str());
}

}  // namespace
}  // namespace onus::store

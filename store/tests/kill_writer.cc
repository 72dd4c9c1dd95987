// Test helper for the kill -9 test: ingests a synthetic input of N records into a case, one
// transaction per batch, sleeping between batches so the test can kill it mid-ingest.
// usage: store_kill_writer CASE.db N BATCH SLEEP_MS
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "onus/store/case_store.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: store_kill_writer CASE.db N BATCH SLEEP_MS\n");
    return 2;
  }
  const std::string path = argv[1];
  const int64_t n = std::atoll(argv[2]), batch = std::atoll(argv[3]);
  const int sleep_ms = std::atoi(argv[4]);
  auto store = onus::store::CaseStore::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  auto& cs = **store;
  auto input = cs.BeginInput("synthetic.log", "00ff" + std::string(60, 'a'), n, "zeek-tsv", "2026-01-01T00:00:00Z");
  if (!input.ok()) return 1;
  if (input->state == "complete") return 0;  // idempotent: nothing to do
  for (int64_t start = 1; start <= n; start += batch) {
    auto tx = onus::store::Transaction::Begin(cs.db());
    if (!tx.ok()) return 1;
    for (int64_t r = start; r < start + batch && r <= n; ++r) {
      onus::store::SightingRow s;
      s.indicator_id = "indicator--" + std::to_string(r % 7);
      s.value = "198.51.100." + std::to_string(r % 250);
      s.seen_where = "conn.resp_h";
      s.ts = "2021-03-01T00:00:00.000000Z";
      s.input_id = input->id;
      s.record = r;
      if (!cs.AddSighting(s).ok()) return 1;
    }
    if (!tx->Commit().ok()) return 1;
    if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  }
  return cs.CompleteInput(input->id, n).ok() ? 0 : 1;
}

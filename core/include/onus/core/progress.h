// Progress reporting for long runs: a one-line bar on a TTY (records, bytes, rate, ETA), silent
// otherwise, and one summary line at the end (unless quiet).
// Contract: Update() is cheap (a clock read at most every 4096 calls) so it may be called per
// record; drawing happens at most ~10 times per second. Output goes to the FILE* given (the CLI
// passes stderr); library code only receives a ProgressReporter* and never prints otherwise.
// Thread-safety: single-threaded; one reporter per run.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace onus {

class ProgressReporter {
 public:
  struct Options {
    bool quiet = false;       // nothing at all, not even the summary
    bool force_tty = false;   // draw the bar even if `out` is not a terminal (tests)
    std::string label = "records";
  };
  ProgressReporter(FILE* out, Options options, uint64_t total_bytes = 0);

  void Update(uint64_t records, uint64_t bytes);
  // Clears the bar and prints "<label>: N records, B bytes in T s (R records/s)" unless quiet.
  void Finish();
  // The summary text Finish() prints (without newline); usable by tests.
  std::string Summary() const;
  bool drawing() const { return tty_; }

 private:
  void Draw();
  FILE* out_;
  Options options_;
  bool tty_ = false;
  uint64_t total_bytes_ = 0;
  uint64_t records_ = 0, bytes_ = 0, calls_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool finished_ = false;
};

// "1.2 MB", "3.4 GB" (decimal units).
std::string HumanBytes(uint64_t n);

}  // namespace onus

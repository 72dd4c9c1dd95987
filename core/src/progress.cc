#include "onus/core/progress.h"

#include <unistd.h>

namespace onus {

std::string HumanBytes(uint64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

ProgressReporter::ProgressReporter(FILE* out, Options options, uint64_t total_bytes)
    : out_(out), options_(std::move(options)), total_bytes_(total_bytes) {
  tty_ = !options_.quiet && out_ && (options_.force_tty || isatty(fileno(out_)));
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void ProgressReporter::Update(uint64_t records, uint64_t bytes) {
  records_ = records;
  bytes_ = bytes;
  if (!tty_) return;
  if ((++calls_ & 4095) != 0 && !options_.force_tty) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && !options_.force_tty) return;
  last_draw_ = now;
  Draw();
}

void ProgressReporter::Draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(records_) / secs : 0;
  char line[256];
  if (total_bytes_ > 0) {
    double frac = static_cast<double>(bytes_) / static_cast<double>(total_bytes_);
    if (frac > 1) frac = 1;
    int filled = static_cast<int>(frac * 30);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(30 - filled), '-');
    double eta = frac > 0 ? secs * (1 - frac) / frac : 0;
    snprintf(line, sizeof line, "\r[%s] %3.0f%% %llu %s %s %.0f/s ETA %.0fs ", bar.c_str(), frac * 100,
             static_cast<unsigned long long>(records_), options_.label.c_str(), HumanBytes(bytes_).c_str(), rate, eta);
  } else {
    snprintf(line, sizeof line, "\r%llu %s %s %.0f/s ", static_cast<unsigned long long>(records_),
             options_.label.c_str(), HumanBytes(bytes_).c_str(), rate);
  }
  fputs(line, out_);
  fflush(out_);
}

std::string ProgressReporter::Summary() const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(records_) / secs : 0;
  char line[256];
  snprintf(line, sizeof line, "%s: %llu records, %s in %.2f s (%.0f records/s)", options_.label.c_str(),
           static_cast<unsigned long long>(records_), HumanBytes(bytes_).c_str(), secs, rate);
  return line;
}

void ProgressReporter::Finish() {
  if (finished_) return;
  finished_ = true;
  if (options_.quiet || !out_) return;
  if (tty_) fputs("\r\033[K", out_);
  fprintf(out_, "%s\n", Summary().c_str());
}

}  // namespace onus

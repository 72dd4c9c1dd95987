// File access seam: whole-file reads and a line reader that transparently inflates gzip.
// Contract: paths are reported in every error; line numbers are 1-based and count lines of the
// decompressed text (the provenance convention of assessment-io.md). Lines exclude '\n' and a
// trailing '\r'. A line longer than max_line_bytes is returned truncated and flagged.
// Thread-safety: a LineReader is single-threaded; distinct readers are independent.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "onus/core/result.h"

namespace onus {

// Reads a whole file; inflates it when it starts with the gzip magic.
Result<std::string> ReadFile(const std::string& path);
// The first up to n bytes of the (decompressed) content, for format sniffing.
Result<std::string> ReadPrefix(const std::string& path, size_t n);
Status WriteFile(const std::string& path, std::string_view content);
bool FileExists(const std::string& path);
bool IsDirectory(const std::string& path);
Result<uint64_t> FileSize(const std::string& path);

class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path, size_t max_line_bytes = 16 << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Returns false at end of input or on a read error (then status() is not OK). The view is valid
  // until the next call.
  bool Next(std::string_view& line);
  uint64_t line_number() const { return line_no_; }
  bool last_line_truncated() const { return truncated_; }
  // Compressed bytes consumed so far (for progress against the file size).
  uint64_t bytes_consumed() const;
  const Status& status() const { return status_; }
  const std::string& path() const { return path_; }

 private:
  LineReader() = default;
  bool Fill();
  std::string path_;
  void* gz_ = nullptr;  // gzFile
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false, truncated_ = false;
  size_t max_line_ = 0;
  uint64_t line_no_ = 0;
  std::string long_line_;
  Status status_;
};

}  // namespace onus

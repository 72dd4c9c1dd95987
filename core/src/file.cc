#include "onus/core/file.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace onus {

Result<std::string> ReadFile(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::IoError("cannot open '" + path + "': " + std::strerror(errno));
  gzbuffer(f, 1 << 17);
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string m = msg ? msg : "";
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
    return Status::IoError("read error in '" + path + "' at offset " + std::to_string(out.size()) + ": " + m);
  return out;
}

Result<std::string> ReadPrefix(const std::string& path, size_t n) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::IoError("cannot open '" + path + "': " + std::strerror(errno));
  std::string out(n, '\0');
  int got = gzread(f, out.data(), static_cast<unsigned>(n));
  gzclose(f);
  if (got < 0) return Status::IoError("read error in '" + path + "'");
  out.resize(static_cast<size_t>(got));
  return out;
}

Status WriteFile(const std::string& path, std::string_view content) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::IoError("cannot create '" + path + "': " + std::strerror(errno));
  size_t w = std::fwrite(content.data(), 1, content.size(), f);
  bool ok = w == content.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) return Status::IoError("short write to '" + path + "'");
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::IoError("cannot stat '" + path + "': " + std::strerror(errno));
  return static_cast<uint64_t>(st.st_size);
}

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path, size_t max_line_bytes) {
  if (IsDirectory(path)) return Status::InvalidArgument("'" + path + "' is a directory");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Status::IoError("cannot open '" + path + "': " + std::strerror(errno));
  gzbuffer(f, 1 << 17);
  std::unique_ptr<LineReader> r(new LineReader());
  r->path_ = path;
  r->gz_ = f;
  r->buf_.resize(1 << 18);
  r->max_line_ = max_line_bytes;
  return r;
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

uint64_t LineReader::bytes_consumed() const {
  return gz_ ? static_cast<uint64_t>(gzoffset(static_cast<gzFile>(gz_))) : 0;
}

bool LineReader::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  int n = gzread(static_cast<gzFile>(gz_), buf_.data() + end_, static_cast<unsigned>(buf_.size() - end_));
  if (n <= 0) {
    eof_ = true;
    int err = Z_OK;
    const char* m = gzerror(static_cast<gzFile>(gz_), &err);
    if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
      status_ = Status::Corrupt("'" + path_ + "': " + (m ? m : "read error") + " after line " +
                                std::to_string(line_no_));
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

bool LineReader::Next(std::string_view& line) {
  truncated_ = false;
  size_t scanned = 0;  // bytes after begin_ already known to hold no newline
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (nl) {
      size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
      line = std::string_view(start, len);
      begin_ += len + 1;
      break;
    }
    scanned = end_ - begin_;
    if (scanned >= max_line_) {
      // Over the cap: return the first max_line_ bytes, discard the rest of this line.
      long_line_.assign(start, max_line_);
      truncated_ = true;
      begin_ = end_;
      for (;;) {
        if (!Fill()) break;
        const void* nl2 = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
        if (nl2) {
          begin_ = static_cast<size_t>(static_cast<const char*>(nl2) - buf_.data()) + 1;
          break;
        }
        begin_ = end_;
      }
      line = long_line_;
      break;
    }
    if (!Fill()) {
      if (end_ > begin_) {
        line = std::string_view(buf_.data() + begin_, end_ - begin_);
        begin_ = end_;
        break;
      }
      return false;
    }
  }
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

}  // namespace onus

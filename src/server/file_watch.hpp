#pragma once
// Noticing that files changed on disk without inotify: what stat() says of each (device, inode, size, mtime and
// ctime to the nanosecond), compared with what it said before. stat() follows symbolic links, so each way a file
// is replaced is seen: renamed over (new inode), rewritten in place (size, mtime, ctime), a Kubernetes-style
// swap of the symbolic link the path goes through (another file behind the same path), removed.
#include <cstdint>
#include <string>
#include <vector>

namespace certgate::server {

struct FileStamp {
  bool present = false;  // stat() succeeded
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;  // also moves when a copy keeps the mtime (cp -p, touch -r, rsync -t)
  bool operator==(const FileStamp&) const = default;
};

struct WatchedFile {
  std::string path;
  FileStamp stamp;
  bool operator==(const WatchedFile&) const = default;
};

FileStamp stamp_file(const std::string& path);

// Each path once, in the order given.
std::vector<WatchedFile> stamp_files(const std::vector<std::string>& paths);

// The paths of `now` whose stamp differs from the one `before` has for that path (or that `before` lacks).
std::vector<std::string> changed_files(const std::vector<WatchedFile>& before, const std::vector<WatchedFile>& now);

// The paths of some files, as one list for a log line: "a.pem, b.pem".
std::string path_list(const std::vector<std::string>& paths);

}  // namespace certgate::server

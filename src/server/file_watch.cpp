#include "server/file_watch.hpp"

#include <sys/stat.h>

#include <algorithm>

namespace certgate::server {

FileStamp stamp_file(const std::string& path) {
  struct stat st {};
  FileStamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.present = true;
  s.device = static_cast<std::uint64_t>(st.st_dev);
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::int64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

std::vector<WatchedFile> stamp_files(const std::vector<std::string>& paths) {
  std::vector<WatchedFile> out;
  for (const std::string& path : paths) {
    if (std::any_of(out.begin(), out.end(), [&](const WatchedFile& f) { return f.path == path; })) continue;
    out.push_back(WatchedFile{path, stamp_file(path)});
  }
  return out;
}

std::vector<std::string> changed_files(const std::vector<WatchedFile>& before, const std::vector<WatchedFile>& now) {
  std::vector<std::string> changed;
  for (const WatchedFile& file : now) {
    auto old = std::find_if(before.begin(), before.end(), [&](const WatchedFile& f) { return f.path == file.path; });
    if (old == before.end() || old->stamp != file.stamp) changed.push_back(file.path);
  }
  return changed;
}

std::string path_list(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& path : paths) out += (out.empty() ? "" : ", ") + path;
  return out;
}

}  // namespace certgate::server

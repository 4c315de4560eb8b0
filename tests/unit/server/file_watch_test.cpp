#include "server/file_watch.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace certgate::server {
namespace {

namespace fs = std::filesystem;

class FileWatch : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/certgate-file-watch-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void write(const std::string& name, const std::string& text) { std::ofstream(path(name), std::ios::binary) << text; }

  fs::path dir;
};

TEST_F(FileWatch, UnchangedFileIsNotChanged) {
  write("a.crl", "one");
  auto before = stamp_files({path("a.crl"), path("a.crl")});
  ASSERT_EQ(before.size(), 1u);  // each path once
  EXPECT_TRUE(before[0].stamp.present);
  EXPECT_TRUE(changed_files(before, stamp_files({path("a.crl")})).empty());
}

TEST_F(FileWatch, RenamedOverIsChanged) {
  write("a.crl", "one");
  auto before = stamp_files({path("a.crl")});
  write("a.crl.tmp", "two");  // same size, new inode
  fs::rename(path("a.crl.tmp"), path("a.crl"));
  EXPECT_EQ(changed_files(before, stamp_files({path("a.crl")})), std::vector<std::string>{path("a.crl")});
}

TEST_F(FileWatch, RewrittenInPlaceIsChanged) {
  write("a.crl", "one");
  auto before = stamp_files({path("a.crl")});
  write("a.crl", "one more");  // same inode, new size
  EXPECT_EQ(changed_files(before, stamp_files({path("a.crl")})).size(), 1u);
  before = stamp_files({path("a.crl")});
  // Same size and same inode: the time stamps still move (set back by a second, as a copy that keeps the mtime).
  write("a.crl", "one mor!");
  const auto t = fs::last_write_time(path("a.crl"));
  fs::last_write_time(path("a.crl"), t - std::chrono::seconds(1));
  EXPECT_EQ(changed_files(before, stamp_files({path("a.crl")})).size(), 1u);
}

TEST_F(FileWatch, SymlinkSwapIsChanged) {
  // Kubernetes: a.crl -> ..data/a.crl, ..data -> ..v1; an update points ..data at ..v2.
  fs::create_directory(dir / "..v1");
  fs::create_directory(dir / "..v2");
  write("..v1/a.crl", "one");
  write("..v2/a.crl", "two");
  fs::create_directory_symlink("..v1", dir / "..data");
  fs::create_symlink("..data/a.crl", dir / "a.crl");
  auto before = stamp_files({path("a.crl")});
  fs::create_directory_symlink("..v2", dir / "..data_tmp");
  fs::rename(dir / "..data_tmp", dir / "..data");
  EXPECT_EQ(changed_files(before, stamp_files({path("a.crl")})).size(), 1u);
}

TEST_F(FileWatch, RemovedAndNewPathsAreChanged) {
  write("a.crl", "one");
  auto before = stamp_files({path("a.crl")});
  fs::remove(path("a.crl"));
  auto now = stamp_files({path("a.crl"), path("b.crl")});
  EXPECT_FALSE(now[0].stamp.present);
  EXPECT_EQ(changed_files(before, now), (std::vector<std::string>{path("a.crl"), path("b.crl")}));
  EXPECT_EQ(path_list({"a", "b"}), "a, b");
}

}  // namespace
}  // namespace certgate::server

// Recursive, deterministic directory walk with symlink-loop detection; see input_walker.hpp.
#include "host/pipeline/input_walker.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace hashsieve::pipeline {
namespace {

struct DirId {
  dev_t dev;
  ino_t ino;
  bool operator==(const DirId&) const = default;
};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

const char* fileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

InputItem errorItem(std::string path, std::string error, std::string detail) {
  InputItem item;
  item.path = std::move(path);
  item.error = std::move(error);
  item.detail = std::move(detail);
  return item;
}

/// Error tag for a failed stat/lstat/opendir.
std::string statErrorTag(int err, bool viaSymlink) {
  if (err == ENOENT || err == ENOTDIR) return viaSymlink ? "broken symlink" : "vanished";
  if (err == ELOOP) return "symlink loop";
  return "unreadable";
}

class Walker {
 public:
  Walker(const WalkOptions& opts, const InputSink& sink) : opts_(opts), sink_(sink) {}

  bool root(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      return sink_(errorItem(path, err == ENOENT ? "not found" : statErrorTag(err, false),
                             std::strerror(err)));
    }
    return entry(path, st);
  }

 private:
  /// `st` is the followed stat of `path`.
  bool entry(const std::string& path, const struct stat& st) {
    if (S_ISREG(st.st_mode)) {
      InputItem item;
      item.path = path;
      item.ok = true;
      item.size = static_cast<int64_t>(st.st_size);
      item.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
      return sink_(std::move(item));
    }
    if (S_ISDIR(st.st_mode)) return directory(path, DirId{st.st_dev, st.st_ino});
    return sink_(errorItem(path, "not a regular file", fileTypeName(st.st_mode)));
  }

  bool directory(const std::string& path, DirId id) {
    if (std::find(stack_.begin(), stack_.end(), id) != stack_.end())
      return sink_(errorItem(path, "directory loop", "leads back to a directory on its own path"));
    std::vector<std::string> names;
    {
      DirHandle dir(::opendir(path.c_str()));
      if (!dir) {
        const int err = errno;
        return sink_(errorItem(path, statErrorTag(err, false), std::strerror(err)));
      }
      errno = 0;
      while (const dirent* e = ::readdir(dir.get())) {
        const std::string_view name = e->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
        errno = 0;
      }
      if (errno != 0) {
        const int err = errno;
        return sink_(errorItem(path, "unreadable", std::strerror(err)));
      }
    }
    // Byte order (std::string compares as unsigned char): locale-independent and stable.
    std::sort(names.begin(), names.end());
    const std::string prefix = (!path.empty() && path.back() == '/') ? path : path + '/';
    stack_.push_back(id);
    bool go = true;
    for (const std::string& name : names) {
      if (!(go = child(prefix + name))) break;
    }
    stack_.pop_back();
    return go;
  }

  bool child(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
      const int err = errno;
      return sink_(errorItem(path, statErrorTag(err, false), std::strerror(err)));
    }
    if (S_ISLNK(st.st_mode)) {
      if (!opts_.followSymlinks)
        return sink_(errorItem(path, "symlink not followed", "use --follow-symlinks to follow it"));
      if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        return sink_(errorItem(path, statErrorTag(err, true), std::strerror(err)));
      }
    }
    return entry(path, st);
  }

  const WalkOptions& opts_;
  const InputSink& sink_;
  std::vector<DirId> stack_;  // directories on the current path, for loop detection
};

}  // namespace

InputItem refreshPlanned(InputItem item) {
  if (!item.ok) return item;
  struct stat st {};
  if (::stat(item.path.c_str(), &st) != 0) {
    const int err = errno;
    return errorItem(std::move(item.path), statErrorTag(err, false), std::strerror(err));
  }
  if (!S_ISREG(st.st_mode))
    return errorItem(std::move(item.path), "not a regular file",
                     S_ISDIR(st.st_mode) ? "a directory now" : fileTypeName(st.st_mode));
  item.size = static_cast<int64_t>(st.st_size);
  item.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return item;
}

bool walkInputs(const std::vector<std::string>& roots, const WalkOptions& opts,
                const InputSink& sink) {
  Walker walker(opts, sink);
  for (const std::string& r : roots)
    if (!walker.root(r)) return false;
  return true;
}

}  // namespace hashsieve::pipeline
